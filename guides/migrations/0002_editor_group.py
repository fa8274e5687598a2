"""Create the 编辑 group: view, add, change and delete every content table, nothing else."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "编辑"
CONTENT_MODELS = [
    "source",
    "certificatetype",
    "situation",
    "region",
    "precondition",
    "material",
    "step",
    "stepchannel",
    "processingtime",
    "fee",
    "notice",
    "faq",
    "holiday",
]
ACTIONS = ["view", "add", "change", "delete"]


def create_editor_group(apps, schema_editor):
    # Permissions are normally made after migrate (post_migrate); make them now so
    # the group can be filled on a fresh database.
    app_config = apps.get_app_config("guides")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    codenames = [f"{action}_{model}" for model in CONTENT_MODELS for action in ACTIONS]
    permissions = Permission.objects.filter(content_type__app_label="guides", codename__in=codenames)
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.set(permissions)


def remove_editor_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("guides", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(create_editor_group, remove_editor_group),
    ]
