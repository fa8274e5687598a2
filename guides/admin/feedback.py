"""Admin for search synonyms and readers' feedback: triage per page, jump to the content shown."""

from django.contrib import admin
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.urls import reverse

from guides.admin.common import HistoryAdmin, admin_link
from guides.caching.version import get_content_version
from guides.feedback.selectors import (
    flagged_pages,
    items_on_flagged_pages,
    needs_review,
    objects_shown,
    review_threshold,
)
from guides.feedback.services import set_status, stamp_status
from guides.models import PageFeedback, ProblemReport, SynonymGroup
from guides.paths import admin_change_path


@admin.register(SynonymGroup)
class SynonymGroupAdmin(HistoryAdmin):
    list_display = ["__str__", "note", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["terms", "note", "key"]


class NeedsReviewFilter(admin.SimpleListFilter):
    title = "是否需要复查"
    parameter_name = "needs_review"

    def lookups(self, request, model_admin):
        percent, minimum = review_threshold()
        return [("yes", f"需要复查（“没有帮助”≥{percent}%，至少 {minimum} 条）")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(pk__in=flagged_pages().values("pk"))
        return queryset


class FlaggedByReadersFilter(admin.SimpleListFilter):
    """In every guide-item list (the stale-content view): items on pages readers found unhelpful."""

    title = "读者反馈"
    parameter_name = "reader_flagged"

    def lookups(self, request, model_admin):
        percent, minimum = review_threshold()
        return [("yes", f"所在页面“没有帮助”≥{percent}%")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(pk__in=items_on_flagged_pages(queryset.model))
        return queryset


class ProblemReportInline(admin.TabularInline):
    model = ProblemReport
    fields = ["report_link", "status", "created_at"]
    readonly_fields = ["report_link", "status", "created_at"]
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description="问题描述")
    def report_link(self, report):
        return report.message[:80]


@admin.register(PageFeedback)
class PageFeedbackAdmin(admin.ModelAdmin):
    """Feedback per page: yes/no counts, the "no" share, open reports; flagged pages first."""

    list_display = ["page_title", "yes_count", "no_count", "no_share_display", "open_reports", "review_flag", "last_at"]
    list_filter = [NeedsReviewFilter]
    search_fields = ["url", "title"]
    readonly_fields = ["url", "title", "view_page", "yes_count", "no_count", "first_at", "last_at"]
    fields = readonly_fields
    inlines = [ProblemReportInline]

    def get_queryset(self, request):
        open_statuses = [ProblemReport.Status.NEW, ProblemReport.Status.IN_PROGRESS]
        return (
            super()
            .get_queryset(request)
            .annotate(open_count=Count("reports", filter=Q(reports__status__in=open_statuses)))
        )

    def has_add_permission(self, request):
        return False

    @admin.display(description="页面", ordering="title")
    def page_title(self, obj):
        return obj.title or obj.url

    @admin.display(description="“没有帮助”占比")
    def no_share_display(self, obj):
        share = obj.no_share
        return "—" if share is None else f"{share:.0%}"

    @admin.display(description="待处理报告", ordering="open_count")
    def open_reports(self, obj):
        if not obj.open_count:
            return 0
        url = reverse("admin:guides_problemreport_changelist")
        return admin_link(f"{url}?page__id__exact={obj.pk}", obj.open_count)

    @admin.display(description="需要复查", boolean=True)
    def review_flag(self, obj):
        return needs_review(obj)

    @admin.display(description="查看页面")
    def view_page(self, obj):
        return admin_link(obj.url, obj.url)


@admin.register(ProblemReport)
class ProblemReportAdmin(HistoryAdmin):
    """Readers' "页面有误？" reports: read, jump to the page and its content rows, mark handled."""

    list_display = ["created_at", "page_link", "short_message", "status", "has_contact", "handled_by"]
    list_filter = ["status", "created_at"]
    list_select_related = ["page", "handled_by"]
    search_fields = ["message", "page__url", "page__title", "editor_note"]
    date_hierarchy = "created_at"
    actions = ["mark_in_progress", "mark_handled", "mark_wontfix"]
    fields = [
        "page_link",
        "message",
        "contact",
        "created_at",
        "version_note",
        "status",
        "editor_note",
        "handled_at",
        "handled_by",
        "shown_objects",
    ]
    readonly_fields = [
        "page_link",
        "message",
        "contact",
        "created_at",
        "version_note",
        "handled_at",
        "handled_by",
        "shown_objects",
    ]

    def has_add_permission(self, request):
        return False

    @admin.display(description="页面", ordering="page__title")
    def page_link(self, obj):
        return admin_link(obj.page.url, obj.page.title or obj.page.url)

    @admin.display(description="问题描述")
    def short_message(self, obj):
        return obj.message if len(obj.message) <= 60 else obj.message[:60] + "…"

    @admin.display(description="留了联系方式", boolean=True)
    def has_contact(self, obj):
        return bool(obj.contact)

    @admin.display(description="内容版本")
    def version_note(self, obj):
        if obj.content_version and obj.content_version != get_content_version():
            return f"{obj.content_version}（报告后网站内容已有修改，请对照当前页面核实）"
        return obj.content_version or "—"

    @admin.display(description="这个页面显示的内容")
    def shown_objects(self, obj):
        sections = objects_shown(obj.page)
        if not sections:
            return "（不是指南页面，或页面已不存在）"
        links = [(label, [(admin_change_path(o), str(o)) for o in items]) for label, items in sections]
        return render_to_string("admin/guides/problemreport/shown_objects.html", {"sections": links})

    def save_model(self, request, obj, form, change):
        if "status" in form.changed_data:
            stamp_status(obj, obj.status, request.user)
        super().save_model(request, obj, form, change)

    def _mark(self, request, queryset, status):
        changed = set_status(queryset, status, request.user)
        self.message_user(request, f"已将 {changed} 条报告标记为“{ProblemReport.Status(status).label}”。")

    @admin.action(description="标记为 处理中")
    def mark_in_progress(self, request, queryset):
        self._mark(request, queryset, ProblemReport.Status.IN_PROGRESS)

    @admin.action(description="标记为 已处理")
    def mark_handled(self, request, queryset):
        self._mark(request, queryset, ProblemReport.Status.HANDLED)

    @admin.action(description="标记为 不处理")
    def mark_wontfix(self, request, queryset):
        self._mark(request, queryset, ProblemReport.Status.WONTFIX)
