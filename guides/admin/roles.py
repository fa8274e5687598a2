"""The 编辑 group: what a content editor may do in admin.

Editors view, add, change and delete every content table (guides.registry.CONTENT_MODELS)
and read and mark readers' feedback; nothing on users, groups or logs.

`ensure_editor_group` creates the group or adds the editor permissions it lacks; a
migration that adds a content model calls it (migrations 0004, 0008 and 0009 predate it
and carry their own grants). After every `migrate` and `flush` (both send post_migrate)
`create_editor_group` makes the group when it is missing, so a flushed database gets it
back; it leaves an existing group as an admin made it.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions

from guides.registry import CONTENT_MODELS

EDITOR_GROUP = "编辑"
FEEDBACK_GRANTS = {"pagefeedback": ["view"], "problemreport": ["view", "change"]}


def editor_codenames():
    """Return the codenames of every permission the 编辑 group holds."""
    codenames = [
        f"{action}_{model._meta.model_name}"
        for model in CONTENT_MODELS
        for action in ("view", "add", "change", "delete")
    ]
    codenames += [f"{action}_{model}" for model, actions in FEEDBACK_GRANTS.items() for action in actions]
    return codenames


def ensure_editor_group(apps=global_apps, using="default"):
    """Create the 编辑 group, or give an existing one the editor permissions it lacks.

    Never removes a permission: one an admin granted by hand stays.
    """
    _create_permissions(apps, using)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.using(using).get_or_create(name=EDITOR_GROUP)
    permissions = Permission.objects.using(using).filter(
        content_type__app_label="guides", codename__in=editor_codenames()
    )
    group.permissions.add(*permissions)


def create_editor_group(sender, apps=global_apps, using="default", **kwargs):
    """After migrate or flush: create the 编辑 group when it is missing; leave an existing one alone."""
    if not apps.get_model("auth", "Group").objects.using(using).filter(name=EDITOR_GROUP).exists():
        ensure_editor_group(apps, using)


def _create_permissions(apps, using):
    # Django makes permissions after migrate (post_migrate); inside a migration, a model
    # added by it has none yet. The historical app config has no models module, which
    # create_permissions takes for "no models": stand one in while it runs.
    app_config = apps.get_app_config("guides")
    historical = getattr(app_config, "models_module", None) is None
    if historical:
        app_config.models_module = True
    try:
        create_permissions(app_config, apps=apps, verbosity=0, using=using)
    finally:
        if historical:
            app_config.models_module = None
