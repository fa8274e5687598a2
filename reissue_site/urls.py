from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from guides.web.health import healthz, robots_txt
from guides.web.sitemaps import SITEMAPS

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("guides.urls")),
]

# The machines' URLs, and a 500 handler that answers a database outage with 503.
urlpatterns += [
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", robots_txt, name="robots"),
    path("healthz", healthz, name="healthz"),
]
handler500 = "guides.web.health.server_error"
