"""The 编辑 group: what a content editor may do in admin.

Editors view, add, change and delete every content table (guides.registry.CONTENT_MODELS)
and read and mark readers' feedback; nothing on users, groups or logs. Migrations
0002 and 0004 created the group on existing databases; `ensure_editor_group` runs
after every `migrate` and `flush` (both send post_migrate), so a flushed database
gets the group back instead of silently losing it.
"""

from django.apps import apps as global_apps

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


def ensure_editor_group(sender, apps=global_apps, using="default", **kwargs):
    """Create the 编辑 group with its permissions when it is missing; leave an existing one alone."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    if Group.objects.using(using).filter(name=EDITOR_GROUP).exists():
        return
    group = Group.objects.using(using).create(name=EDITOR_GROUP)
    permissions = Permission.objects.using(using).filter(
        content_type__app_label="guides", codename__in=editor_codenames()
    )
    group.permissions.set(permissions)
