from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "证书补办指南 · 内容管理"
admin.site.site_title = "证书补办指南 内容管理"
admin.site.index_title = "内容编辑"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("guides.urls")),
]
