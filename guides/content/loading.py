"""Fixture rows and their history: loaded rows get a record to revert to, and editors' changes are told apart.

Rows loaded from fixtures are saved raw, which django-simple-history skips, so they
get a history record here (once per distinct state), with FIXTURE_LOAD_REASON: an
editor's first change to loaded content can then be reverted, and `load_content`
tells an editor's change from a load by the reason of the latest record.
"""

from django.core.exceptions import ValidationError
from django.db.models.signals import post_save, pre_save

from guides.registry import BOOKKEEPING_FIELDS, CONTENT_MODELS

# The change reason of a history record made by loading a fixture (`load_content`
# tells such records from an editor's changes by it).
FIXTURE_LOAD_REASON = "从内容文件导入"


def record_fixture_load(sender, instance, created=False, raw=False, **kwargs):
    """Give a row loaded from a fixture a history record to revert to (once per distinct state)."""
    if not raw:
        return
    latest = instance.history.order_by("-history_date", "-history_id").first()
    if latest is not None and not fields_differ(instance, latest):
        return
    instance.history.bulk_history_create(
        [instance], update=latest is not None, default_change_reason=FIXTURE_LOAD_REASON
    )


def fields_differ(instance, other):
    """Return whether two states of a row differ in anything but bookkeeping."""
    return any(
        getattr(instance, field.attname) != getattr(other, field.attname)
        for field in instance._meta.concrete_fields
        if field.name not in BOOKKEEPING_FIELDS
    )


def validate_raw_save(sender, instance, raw=False, **kwargs):
    """Run the model's validation on a row saved raw (Django's `loaddata`), as `load_content` does.

    `manage.py loaddata` skips `Model.clean()`: an office with no source and a
    `javascript:` link went public that way. `load_content` validates each row itself
    (naming it by its natural key) and marks it, so it is not checked twice.
    """
    if not raw or getattr(instance, "_validated_for_load", False):
        return
    try:
        instance.clean_fields()
        instance.clean()
    except ValidationError as error:
        raise ValidationError(
            f"{instance._meta.verbose_name}“{instance}”不符合校验规则，未载入（内容请用 manage.py load_content 载入）："
            f"{error.message_dict}"
        ) from error


def connect_fixture_history():
    for model in CONTENT_MODELS:
        pre_save.connect(validate_raw_save, sender=model, dispatch_uid=f"content-validate-{model.__name__}")
        post_save.connect(record_fixture_load, sender=model, dispatch_uid=f"content-history-{model.__name__}")
