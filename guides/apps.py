from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.db.models.signals import post_migrate


class GuidesConfig(AppConfig):
    name = "guides"
    verbose_name = "补办指南内容"

    def ready(self):
        from guides.admin import roles
        from guides.caching import invalidation
        from guides.content import loading

        invalidation.connect_invalidation()
        loading.connect_fixture_history()
        # After the auth app's own post_migrate handler has made this app's permissions.
        post_migrate.connect(roles.create_editor_group, sender=self, dispatch_uid="guides-editor-group")


class GuidesAdminConfig(admin_apps.AdminConfig):
    """Django admin, on this project's admin site (listed in INSTALLED_APPS instead of django.contrib.admin)."""

    default = False  # "guides" itself is GuidesConfig
    default_site = "guides.admin_site.GuidesAdminSite"
