"""The admin site: its titles, the index order editors work in, and the review queue.

Outside guides/admin/ because Django imports it while it sets the site up, before the
admins in guides/admin/ register on it.
"""

from django.contrib import admin
from django.db.models import Q
from django.template.response import TemplateResponse
from django.urls import path, reverse

from guides.registry import ADMIN_ORDER


class GuidesAdminSite(admin.AdminSite):
    site_header = "证书补办指南 · 内容管理"
    site_title = "证书补办指南 内容管理"
    index_title = "内容编辑"
    index_template = "admin/guides_index.html"
    # No model sidebar beside every page: at 1280 px it left the fee list too narrow for its
    # columns (生效日期, 已发布, 最后审核日期 were off-screen). The index and breadcrumbs lead everywhere.
    enable_nav_sidebar = False

    def get_app_list(self, request, app_label=None):
        """List this app's tables in guides.registry.ADMIN_ORDER: what editors change most first."""
        app_list = super().get_app_list(request, app_label)
        rank = {model.__name__: index for index, model in enumerate(ADMIN_ORDER)}
        for app in app_list:
            if app["app_label"] == "guides":
                app["models"].sort(key=lambda entry: rank.get(entry["object_name"], len(rank)))
        return app_list

    def index(self, request, extra_context=None):
        from guides.content.freshness import STALE_AFTER_DAYS

        return super().index(request, {"stale_days": STALE_AFTER_DAYS, **(extra_context or {})})

    def get_urls(self):
        return [path("review/", self.admin_view(self.review_view), name="review"), *super().get_urls()]

    def review_view(self, request):
        """What to check first: sources not read for 180 days, published items resting on 第三方资料 only."""
        from guides.admin.editing import item_label, with_citing_count
        from guides.content.freshness import STALE_AFTER_DAYS, stale_cutoff
        from guides.content.validation import LIMIT_FIELDS
        from guides.models import DirectoryEntry, Source
        from guides.registry import GUIDE_ITEM_MODELS

        stale = with_citing_count(Source.objects.filter(Q(read_on__lt=stale_cutoff()) | Q(read_on__isnull=True)))
        third_party = []
        for model in [*GUIDE_ITEM_MODELS, DirectoryEntry]:
            if not self.is_registered(model) or not request.user.has_perm(
                f"{model._meta.app_label}.view_{model._meta.model_name}"
            ):
                continue
            rows = (
                model._default_manager.filter(is_published=True)
                .filter(Q(source__isnull=True) | Q(source__authority=Source.Authority.THIRD_PARTY))
                .select_related("source")
                .order_by("pk")
            )
            has_limits = model is not DirectoryEntry
            if has_limits:
                rows = rows.prefetch_related(*LIMIT_FIELDS)
            name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
            links = [
                (item_label(row) if has_limits else str(row), reverse(f"{name}_change", args=[row.pk]), row.source)
                for row in rows
            ]
            if links:
                url = reverse(f"{name}_changelist") + "?is_published__exact=1&authority=third-party"
                third_party.append((model._meta.verbose_name_plural, url, links))
        context = {
            **self.each_context(request),
            "title": "复核清单",
            "stale_days": STALE_AFTER_DAYS,
            "stale_sources": list(stale.order_by("read_on", "title")),
            "sources_url": reverse("admin:guides_source_changelist") + "?read=stale",
            "third_party": third_party,
            "third_party_count": sum(len(links) for _, _, links in third_party),
        }
        return TemplateResponse(request, "admin/review.html", context)
