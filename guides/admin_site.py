"""The admin site: its titles and the index order editors work in.

Outside guides/admin/ because Django imports it while it sets the site up, before the
admins in guides/admin/ register on it.
"""

from django.contrib import admin

from guides.registry import ADMIN_ORDER


class GuidesAdminSite(admin.AdminSite):
    site_header = "证书补办指南 · 内容管理"
    site_title = "证书补办指南 内容管理"
    index_title = "内容编辑"

    def get_app_list(self, request, app_label=None):
        """List this app's tables in guides.registry.ADMIN_ORDER: what editors change most first."""
        app_list = super().get_app_list(request, app_label)
        rank = {model.__name__: index for index, model in enumerate(ADMIN_ORDER)}
        for app in app_list:
            if app["app_label"] == "guides":
                app["models"].sort(key=lambda entry: rank.get(entry["object_name"], len(rank)))
        return app_list
