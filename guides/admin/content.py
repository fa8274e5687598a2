"""The content tables in admin: validated, versioned and linked to the page they show on.

Editors (the 编辑 group, see migration 0002) keep fees and rules current here. Every
save bumps the content version (guides/caching/invalidation.py), so the site shows it at once;
every change is kept by django-simple-history and can be reverted from "历史与还原".
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.db import models
from django.db.models import Prefetch
from django.urls import reverse

from guides.admin.common import (
    VERSION_FIELD,
    GuideItemForm,
    HistoryAdmin,
    ReviewAgeFilter,
    SlugGuardForm,
    guide_url_for_item,
    mark_reviewed,
    publish,
    stale_guard,
    unpublish,
)
from guides.admin.feedback import FlaggedByReadersFilter
from guides.content.catalogue import get_catalogue
from guides.content.validation import LIMIT_FIELDS
from guides.models import (
    FAQ,
    CertificateType,
    Fee,
    Holiday,
    Material,
    Notice,
    Office,
    Precondition,
    ProcessingTime,
    Region,
    Situation,
    Source,
    Step,
    StepChannel,
)
from guides.registry import BOOKKEEPING_FIELDS, GUIDE_ITEM_MODELS, PUBLISHING_FIELDS

# Readers' "没有帮助" flag last, next to the review-date filters.
ITEM_FILTERS = ["is_published", ReviewAgeFilter, "certificate_types", "situations", "regions", FlaggedByReadersFilter]
ITEM_SEARCH = ["key", "certificate_types__name", "situations__name", "regions__name", "regions__short_name"]
LIMITS_FIELDSET = (
    "适用范围",
    {
        "fields": ["certificate_types", "situations", "regions", "replaces"],
        "description": "都留空表示适用于所有证书、所有情形、全国。选了“替代”时，本条在适用的页面上取代被替代的那一条。",
    },
)
PUBLISHING_FIELDSET = (
    "发布与审核",
    {"fields": [*PUBLISHING_FIELDS, "key", *BOOKKEEPING_FIELDS]},
)


def with_version_field(request, fieldsets):
    """Return `fieldsets` with the stale-save guard's hidden field in its last set (none when reverting)."""
    fieldsets = list(fieldsets)
    if not getattr(request, "reverting", False) and VERSION_FIELD not in flatten_fieldsets(fieldsets):
        name, options = fieldsets[-1]
        fieldsets[-1] = (name, {**options, "fields": [*options["fields"], VERSION_FIELD]})
    return fieldsets


class ContentAdmin(HistoryAdmin):
    """Shared by every content table: review filter and actions, history list columns."""

    actions = [mark_reviewed, publish, unpublish]
    list_per_page = 50
    save_on_top = True

    def get_form(self, request, obj=None, **kwargs):
        if not getattr(request, "reverting", False):
            kwargs["form"] = stale_guard(kwargs.get("form", self.form))
        return super().get_form(request, obj, **kwargs)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            # A row not saved yet has no update time: the add page showed the database
            # default's Python repr ("<…DatabaseDefault object at 0x…>") instead.
            fieldsets = [
                (name, {**options, "fields": [f for f in options["fields"] if f not in BOOKKEEPING_FIELDS]})
                for name, options in fieldsets
            ]
        return with_version_field(request, fieldsets)

    def get_changelist_form(self, request, **kwargs):
        # templates/admin/guides/change_list.html renders each row's hidden version.
        form = super().get_changelist_form(request, **kwargs)
        return stale_guard(form, list_field=self.list_editable[0]) if self.list_editable else form

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        request.saved_published = obj.is_published  # noted once the change is live (guides/admin/live.py)


class GuideItemAdmin(ContentAdmin):
    form = GuideItemForm
    list_filter = ITEM_FILTERS
    # Plain checkboxes: no JavaScript, all in Chinese, usable on a phone.
    formfield_overrides = {models.ManyToManyField: {"widget": forms.CheckboxSelectMultiple}}
    list_select_related = ["source", "replaces"]
    ordering = ["order", "pk"]
    readonly_fields = ["updated_at"]
    main_fields: list = []

    @property
    def fieldsets(self):
        return [(None, {"fields": self.main_fields}), LIMITS_FIELDSET, PUBLISHING_FIELDSET]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch("certificate_types", queryset=CertificateType.objects.order_by("order", "pk")),
                Prefetch("situations", queryset=Situation.objects.order_by("order", "pk")),
                Prefetch("regions", queryset=Region.objects.order_by("code")),
            )
        )

    @admin.display(description="适用范围")
    def applies_to(self, obj):
        parts = [
            "、".join(c.short_name for c in obj.certificate_types.all()),
            "、".join(s.name for s in obj.situations.all()),
            "、".join(r.short_name for r in obj.regions.all()),
        ]
        return " · ".join(p for p in parts if p) or "全部（全国）"

    def view_on_site(self, obj):
        return guide_url_for_item(obj)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # simple-history fills the revert form from the current row, so limits (M2M)
        # would silently stay as they are now; get_form() below fills them from the version.
        request.history_version_id = version_id
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        version_id = getattr(request, "history_version_id", None)
        if version_id is None:
            return form
        record = self.model.history.get(history_id=version_id)
        limits = {
            name: [
                getattr(row, f"{self.model._meta.get_field(name).m2m_reverse_field_name()}_id")
                for row in getattr(record, name).all()
            ]
            for name in LIMIT_FIELDS
        }

        class VersionForm(form):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                self.initial.update(limits)

        return VersionForm


class ReferenceAdmin(ContentAdmin):
    form = SlugGuardForm
    list_filter = ["is_published", ReviewAgeFilter]
    readonly_fields = ["updated_at"]

    def get_deleted_objects(self, objs, request):
        """Refuse deleting a limit items depend on: an empty limit means "all", so they would widen."""
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        for obj in objs:
            for model in GUIDE_ITEM_MODELS:
                for item in getattr(obj, f"{model._meta.model_name}_items").all():
                    protected.append(
                        f"{model._meta.verbose_name}“{item}”只适用于“{obj}”：删除后它会变成适用于全部。"
                        "请改为草稿（取消“已发布”），不要删除。"
                    )
        return deleted, model_count, perms_needed, protected


@admin.register(Source)
class SourceAdmin(HistoryAdmin):
    list_display = ["title", "kind", "issuer", "number", "published_on", "note"]
    list_filter = ["kind"]
    search_fields = ["title", "issuer", "number", "key", "note"]


@admin.register(CertificateType)
class CertificateTypeAdmin(ReferenceAdmin):
    list_display = ["name", "short_name", "category", "has_electronic", "is_published", "reviewed_on", "order"]
    list_filter = ["category", "has_electronic", *ReferenceAdmin.list_filter]
    search_fields = ["name", "short_name", "examples", "summary", "slug"]


@admin.register(Situation)
class SituationAdmin(ReferenceAdmin):
    list_display = ["name", "title", "kind", "is_published", "reviewed_on", "order"]
    list_filter = ["kind", *ReferenceAdmin.list_filter]
    search_fields = ["name", "title", "summary", "description", "slug"]

    def view_on_site(self, obj):
        cert = next(iter(get_catalogue(include_drafts=True).certificate_types), None)
        return reverse("guides:guide", args=[cert.slug, obj.slug]) if cert else None


@admin.register(Region)
class RegionAdmin(ReferenceAdmin):
    list_display = ["name", "code", "hotline", "portal_name", "is_published", "reviewed_on"]
    search_fields = ["name", "short_name", "code", "slug", "portal_name"]

    def view_on_site(self, obj):
        catalogue = get_catalogue(include_drafts=True)
        cert = next(iter(catalogue.certificate_types), None)
        reason = next(iter(catalogue.reasons), None)
        if cert is None or reason is None:
            return None
        return reverse("guides:guide_region", args=[cert.slug, reason.slug, obj.slug])


@admin.register(Precondition)
class PreconditionAdmin(GuideItemAdmin):
    list_display = ["statement", "applies_to", "if_not", "is_advice", "is_published", "reviewed_on", "order"]
    list_filter = ["if_not", "is_advice", *ITEM_FILTERS]
    search_fields = ["statement", "detail", "question", "if_not_advice", *ITEM_SEARCH]
    main_fields = ["statement", "detail", "question", "if_not", "if_not_advice", "is_advice"]


@admin.register(Material)
class MaterialAdmin(GuideItemAdmin):
    list_display = ["name", "applies_to", "requirement", "form", "is_published", "reviewed_on", "order"]
    list_filter = ["requirement", *ITEM_FILTERS]
    search_fields = ["name", "purpose", "notes", "obtain_from", "condition", *ITEM_SEARCH]
    main_fields = [
        "name",
        "requirement",
        "condition",
        "form",
        "copies",
        "purpose",
        "obtain_from",
        "notes",
        "template_url",
    ]


class StepChannelInline(admin.StackedInline):
    model = StepChannel
    extra = 0
    fields = ["kind", "label", "description", "url", "produces", "order"]


@admin.register(Step)
class StepAdmin(GuideItemAdmin):
    list_display = ["title", "applies_to", "produces", "is_published", "reviewed_on", "order"]
    search_fields = ["title", "description", "produces", "channels__description", *ITEM_SEARCH]
    inlines = [StepChannelInline]
    main_fields = ["title", "description", "produces"]


@admin.register(StepChannel)
class StepChannelAdmin(HistoryAdmin):
    """Find a channel by its text; edit it under its step.

    Read-only here: edited on the step's form, a channel is covered by the step's
    stale-save guard (any stale save of the step, channels included, is refused).
    """

    list_display = ["label", "step", "kind", "order"]
    list_filter = ["kind"]
    list_select_related = ["step"]
    search_fields = ["label", "description", "step__title"]

    def view_on_site(self, obj):
        return guide_url_for_item(obj.step)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ProcessingTime)
class ProcessingTimeAdmin(GuideItemAdmin):
    list_display = [
        "label",
        "applies_to",
        "min_days",
        "max_days",
        "complex_max_days",
        "urgent_max_days",
        "is_published",
    ]
    search_fields = ["label", "note", "statutory_limit", *ITEM_SEARCH]
    main_fields = [
        "label",
        "min_days",
        "max_days",
        "complex_max_days",
        "complex_unit",
        "urgent_max_days",
        "statutory_limit",
        "note",
    ]


@admin.register(Fee)
class FeeAdmin(GuideItemAdmin):
    list_display = [
        "name",
        "applies_to",
        "min_amount",
        "max_amount",
        "basis",
        "effective_from",
        "is_published",
        "reviewed_on",
    ]
    list_display_links = ["name"]
    list_editable = ["min_amount", "max_amount"]
    search_fields = ["name", "note", "basis", "legal_basis", *ITEM_SEARCH]
    main_fields = [
        "name",
        "min_amount",
        "max_amount",
        "basis",
        "note",
        "only_when_mailing",
        "counts_as_regular",
        "regular_multiplier_max",
        "legal_basis",
    ]


@admin.register(Notice)
class NoticeAdmin(GuideItemAdmin):
    list_display = ["title", "applies_to", "kind", "is_published", "reviewed_on", "order"]
    list_filter = ["kind", *ITEM_FILTERS]
    search_fields = ["title", "body", *ITEM_SEARCH]
    main_fields = ["kind", "title", "body"]


@admin.register(FAQ)
class FAQAdmin(GuideItemAdmin):
    list_display = ["question", "applies_to", "is_published", "reviewed_on", "order"]
    search_fields = ["question", "answer", *ITEM_SEARCH]
    main_fields = ["question", "answer"]


@admin.register(Office)
class OfficeAdmin(GuideItemAdmin):
    list_display = ["name", "applies_to", "online", "visits", "phone", "authority", "is_published", "reviewed_on"]
    list_filter = ["online", "source__authority", *ITEM_FILTERS]
    search_fields = ["name", "handles", "address", "phone", "app", "note", *ITEM_SEARCH]
    main_fields = ["name", "handles", "address", "hours", "phone", "website", "app", "online", "visits", "note"]

    @admin.display(description="来源可信程度", ordering="source__authority")
    def authority(self, obj):
        # The authority decides whether an office may be published (官方原文) or waits as a draft.
        return obj.source.get_authority_display() if obj.source_id else "无来源"


@admin.register(Holiday)
class HolidayAdmin(HistoryAdmin):
    list_display = ["date", "name", "is_workday"]
    list_filter = ["is_workday"]
    search_fields = ["name"]
    date_hierarchy = "date"
