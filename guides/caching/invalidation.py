"""Cache invalidation: any change to a content model bumps the content version.

Also: rows loaded from fixtures (raw saves, which django-simple-history skips) get
a history record, so an editor's first change to loaded content can be reverted.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save

from guides.caching.version import bump_content_version
from guides.registry import CONTENT_MODELS

# The change reason of a history record made by loading a fixture (`load_content`
# tells such records from an editor's changes by it).
FIXTURE_LOAD_REASON = "从内容文件导入"


def record_fixture_load(sender, instance, created=False, raw=False, **kwargs):
    """Give a row loaded from a fixture a history record to revert to (once per distinct state)."""
    if not raw:
        return
    latest = instance.history.order_by("-history_date", "-history_id").first()
    if latest is not None and not _differs(instance, latest):
        return
    instance.history.bulk_history_create(
        [instance], update=latest is not None, default_change_reason=FIXTURE_LOAD_REASON
    )


def _differs(instance, record):
    return any(
        getattr(instance, field.attname) != getattr(record, field.attname)
        for field in instance._meta.concrete_fields
        if field.name != "updated_at"
    )


def connect():
    for model in CONTENT_MODELS:
        uid = f"content-version-{model.__name__}"
        post_save.connect(bump_content_version, sender=model, dispatch_uid=f"{uid}-save")
        post_save.connect(record_fixture_load, sender=model, dispatch_uid=f"{uid}-history")
        post_delete.connect(bump_content_version, sender=model, dispatch_uid=f"{uid}-delete")
        for m2m in model._meta.many_to_many:
            m2m_changed.connect(bump_content_version, sender=m2m.remote_field.through, dispatch_uid=f"{uid}-{m2m.name}")
