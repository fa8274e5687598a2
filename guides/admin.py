"""Admin registration of every content model (the editors' interface)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    FAQ,
    CertificateType,
    Fee,
    Holiday,
    Material,
    Notice,
    Precondition,
    ProcessingTime,
    Region,
    Situation,
    Source,
    Step,
    StepChannel,
)

ITEM_FILTERS = ["is_published", "certificate_types", "situations", "regions"]


class GuideItemAdmin(SimpleHistoryAdmin):
    list_filter = ITEM_FILTERS
    filter_horizontal = ["certificate_types", "situations", "regions"]
    list_select_related = ["source"]
    ordering = ["order", "pk"]


@admin.register(Source)
class SourceAdmin(SimpleHistoryAdmin):
    list_display = ["title", "kind", "issuer", "number", "published_on", "note"]
    list_filter = ["kind"]
    search_fields = ["title", "issuer", "number", "key"]


@admin.register(CertificateType)
class CertificateTypeAdmin(SimpleHistoryAdmin):
    list_display = ["name", "slug", "category", "has_electronic", "is_published", "reviewed_on", "order"]
    list_filter = ["category", "is_published", "has_electronic"]
    search_fields = ["name", "short_name", "examples", "slug"]


@admin.register(Situation)
class SituationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "title", "slug", "kind", "is_published", "order"]
    list_filter = ["kind", "is_published"]
    search_fields = ["name", "title", "summary"]


@admin.register(Region)
class RegionAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "slug", "hotline", "portal_url", "is_published"]
    list_filter = ["is_published"]
    search_fields = ["name", "short_name", "code", "slug"]


@admin.register(Precondition)
class PreconditionAdmin(GuideItemAdmin):
    list_display = ["statement", "if_not", "is_published", "reviewed_on", "order"]
    list_filter = ["if_not", *ITEM_FILTERS]
    search_fields = ["statement", "detail", "question", "if_not_advice", "key"]


@admin.register(Material)
class MaterialAdmin(GuideItemAdmin):
    list_display = ["name", "requirement", "form", "is_published", "reviewed_on", "order"]
    list_filter = ["requirement", *ITEM_FILTERS]
    search_fields = ["name", "purpose", "notes", "obtain_from", "key"]


class StepChannelInline(admin.StackedInline):
    model = StepChannel
    extra = 0


@admin.register(Step)
class StepAdmin(GuideItemAdmin):
    list_display = ["title", "produces", "is_published", "reviewed_on", "order"]
    search_fields = ["title", "description", "produces", "key"]
    inlines = [StepChannelInline]


@admin.register(ProcessingTime)
class ProcessingTimeAdmin(GuideItemAdmin):
    list_display = ["label", "min_days", "max_days", "complex_max_days", "urgent_max_days", "is_published"]
    search_fields = ["label", "note", "key"]


@admin.register(Fee)
class FeeAdmin(GuideItemAdmin):
    list_display = ["name", "min_amount", "max_amount", "basis", "is_published", "reviewed_on"]
    list_editable = ["min_amount", "max_amount"]
    search_fields = ["name", "note", "basis", "key"]


@admin.register(Notice)
class NoticeAdmin(GuideItemAdmin):
    list_display = ["title", "kind", "is_published", "reviewed_on", "order"]
    list_filter = ["kind", *ITEM_FILTERS]
    search_fields = ["title", "body", "key"]


@admin.register(FAQ)
class FAQAdmin(GuideItemAdmin):
    list_display = ["question", "is_published", "reviewed_on", "order"]
    search_fields = ["question", "answer", "key"]


@admin.register(Holiday)
class HolidayAdmin(SimpleHistoryAdmin):
    list_display = ["date", "name", "is_workday"]
    list_filter = ["is_workday"]
    search_fields = ["name"]
    date_hierarchy = "date"
