"""Cache invalidation: any change to a content model (guides.registry.CONTENT_MODELS) bumps the content version."""

from django.db.models.signals import m2m_changed, post_delete, post_save

from guides.caching.version import bump_content_version
from guides.registry import CONTENT_MODELS


def connect_invalidation():
    for model in CONTENT_MODELS:
        uid = f"content-version-{model.__name__}"
        post_save.connect(bump_content_version, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(bump_content_version, sender=model, dispatch_uid=f"{uid}-delete")
        for m2m in model._meta.many_to_many:
            m2m_changed.connect(bump_content_version, sender=m2m.remote_field.through, dispatch_uid=f"{uid}-{m2m.name}")
