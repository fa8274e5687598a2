"""Let the 编辑 group keep search synonyms and triage readers' feedback.

Editors maintain synonym groups like other content, and read and mark reports
(view and change, no add or delete: reports come from readers).
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "编辑"
GRANTS = {
    "synonymgroup": ["view", "add", "change", "delete"],
    "pagefeedback": ["view"],
    "problemreport": ["view", "change"],
}


def codenames():
    return [f"{action}_{model}" for model, actions in GRANTS.items() for action in actions]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("guides")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.add(*Permission.objects.filter(content_type__app_label="guides", codename__in=codenames()))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name=GROUP):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="guides", codename__in=codenames()))


class Migration(migrations.Migration):
    dependencies = [("guides", "0003_search_feedback")]

    operations = [migrations.RunPython(grant, revoke)]
