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
from django.utils import timezone

from guides.admin.common import (
    HistoryAdmin,
    ReviewAgeFilter,
    SlugGuardForm,
    guide_url_for_item,
    mark_reviewed,
    publish,
    unpublish,
)
from guides.admin.editing import (
    CHANGE_REASON_FIELD,
    SCHEDULE_PARAM,
    AuthorityFilter,
    AutoKeyForm,
    ChangeReasonForm,
    FamilyFilter,
    ItemForm,
    ReadAgeFilter,
    RowErrorsForm,
    authority,
    citing_rows,
    family_link,
    item_label,
    replaces_column,
    revert_changes,
    saved_note,
    schedule_change,
    schedule_form,
    schedule_initial,
    with_citing_count,
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
ITEM_FILTERS = [
    "is_published",
    AuthorityFilter,
    ReviewAgeFilter,
    "certificate_types",
    "situations",
    "regions",
    FlaggedByReadersFilter,
    FamilyFilter,
]
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
    {
        "fields": [*PUBLISHING_FIELDS, "key", *BOOKKEEPING_FIELDS],
        "description": "新建的内容是草稿；发布（勾选“已发布”）前须选来源。要从将来某天起改数值，"
        "不要把正在生效的这一条的生效日期改到将来，请用右上角的“安排变更”。",
    },
)
REASON_FIELDSET = ("修改原因", {"fields": [CHANGE_REASON_FIELD]})


def with_reason_fieldset(fieldsets):
    """Return `fieldsets` with the 修改原因 box last (the field out of any other set)."""
    fieldsets = [
        (name, {**options, "fields": [f for f in options["fields"] if f != CHANGE_REASON_FIELD]})
        for name, options in fieldsets
    ]
    return [*(fs for fs in fieldsets if fs[1]["fields"]), REASON_FIELDSET]


class ContentAdmin(HistoryAdmin):
    """Shared by every content table: review filter and actions, history list columns."""

    actions = [mark_reviewed, publish, unpublish]
    list_per_page = 50
    save_on_top = True

    def get_form(self, request, obj=None, **kwargs):
        # HistoryAdmin.get_form adds the stale-save guard (reverts included).
        kwargs["form"] = with_change_reason(kwargs.get("form", self.form))
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
        return with_reason_fieldset(fieldsets)

    def get_changelist_form(self, request, **kwargs):
        kwargs.setdefault("form", RowErrorsForm)  # HistoryAdmin adds the stale-save guard
        return super().get_changelist_form(request, **kwargs)

    def save_model(self, request, obj, form, change):
        set_change_reason(request, obj, form)
        super().save_model(request, obj, form, change)
        request.saved_note = saved_note(obj)  # said once the change is live (guides/admin/live.py)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        return super().history_form_view(
            request,
            object_id,
            version_id,
            {**revert_context(self.model, request, object_id, version_id), **(extra_context or {})},
        )


def with_change_reason(form):
    """`form` with the 修改原因 field (kept by simple-history as the record's change reason)."""
    if issubclass(form, ChangeReasonForm):
        return form
    return type(form.__name__, (form, ChangeReasonForm), {})


def set_change_reason(request, obj, form):
    reason = (form.cleaned_data.get(CHANGE_REASON_FIELD) or "").strip() if form is not None else ""
    record = getattr(request, "reverted_record", None)
    if record is not None:
        restored = f"还原到 {timezone.localtime(record.history_date):%Y-%m-%d %H:%M} 的版本"
        reason = f"{restored}：{reason}" if reason else restored
    if reason:
        obj._change_reason = reason


def revert_context(model, request, object_id, version_id):
    """What a revert will change (current → that version), for the revert page."""
    if not (str(object_id).isdigit() and str(version_id).isdigit()):
        return {}
    current = model._default_manager.filter(pk=object_id).first()
    record = model.history.filter(id=object_id, history_id=version_id).first()
    if current is None or record is None:
        return {}
    request.reverted_record = record
    return {"revert_changes": revert_changes(current, record), "version_record": record}


class GuideItemAdmin(ContentAdmin):
    form = ItemForm
    actions = [*ContentAdmin.actions, schedule_change]
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

    def get_list_display(self, request):
        # Which row replaces which, and what each rests on, in every list.
        return [*self.list_display, "replaces_label", "source_authority"]

    replaces_label = staticmethod(replaces_column)
    source_authority = staticmethod(authority)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch("certificate_types", queryset=CertificateType.objects.order_by("order", "pk")),
                Prefetch("situations", queryset=Situation.objects.order_by("order", "pk")),
                Prefetch("regions", queryset=Region.objects.order_by("code")),
                *(f"replaces__{name}" for name in LIMIT_FIELDS),
            )
        )

    def get_changeform_initial_data(self, request):
        original = self._scheduled_original(request)
        if original is None:
            return super().get_changeform_initial_data(request)
        return schedule_initial(original, flatten_fieldsets(self.fieldsets))

    def _scheduled_original(self, request):
        value = request.GET.get(SCHEDULE_PARAM, "")
        if request.resolver_match and request.resolver_match.url_name.endswith("_add") and value.isdigit():
            return self.model._default_manager.filter(pk=value).first()
        return None

    def add_view(self, request, form_url="", extra_context=None):
        original = self._scheduled_original(request)
        if original is not None:
            extra_context = {
                **(extra_context or {}),
                "title": f"安排变更：{item_label(original)}",
                "scheduled_original": original,
            }
        return super().add_view(request, form_url, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id) if str(object_id).isdigit() else None
        if obj is not None:
            add = reverse(f"admin:{self.model._meta.app_label}_{self.model._meta.model_name}_add")
            extra_context = {
                **(extra_context or {}),
                "schedule_url": f"{add}?{SCHEDULE_PARAM}={obj.pk}",
                "family_url": family_link(obj),
            }
        return super().change_view(request, object_id, form_url, extra_context)

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
        original = self._scheduled_original(request) if obj is None else None
        if original is not None:
            return schedule_form(form, original)
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


class SourceForm(AutoKeyForm, ChangeReasonForm):
    class Meta:
        model = Source
        fields = "__all__"


@admin.register(Source)
class SourceAdmin(HistoryAdmin):
    form = SourceForm
    list_display = ["title", "authority", "read_on", "citing_count", "kind", "issuer", "number"]
    list_filter = ["authority", ReadAgeFilter, "kind"]
    search_fields = ["title", "issuer", "number", "key", "note"]
    fields = [
        "title",
        "authority",
        "read_on",
        "kind",
        "issuer",
        "number",
        "clause",
        "published_on",
        "url",
        "note",
        "certificate_types",
        "key",
    ]
    formfield_overrides = {models.ManyToManyField: {"widget": forms.CheckboxSelectMultiple}}

    def get_queryset(self, request):
        return with_citing_count(super().get_queryset(request))

    @admin.display(description="引用它的内容（条）", ordering="citing")
    def citing_count(self, obj):
        return obj.citing

    def get_fields(self, request, obj=None):
        return [*self.fields, CHANGE_REASON_FIELD]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        source = self.get_object(request, object_id) if str(object_id).isdigit() else None
        if source is not None:
            extra_context = {**(extra_context or {}), "citing_rows": citing_rows(source)}
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        set_change_reason(request, obj, form)
        super().save_model(request, obj, form, change)


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
    list_display_links = ["label"]
    list_editable = ["min_days", "max_days", "complex_max_days", "urgent_max_days"]
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
        "effective_from",
        "is_published",
        "reviewed_on",
    ]
    list_display_links = ["name"]
    list_editable = ["min_amount", "max_amount", "is_published"]
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
    list_display = ["name", "applies_to", "online", "visits", "phone", "hours", "is_published", "reviewed_on"]
    list_display_links = ["name"]
    # Editable in the list, so one office's rows across provinces are edited side by side (?family=).
    list_editable = ["phone", "hours"]
    list_filter = ["online", *ITEM_FILTERS]
    search_fields = ["name", "handles", "address", "phone", "app", "note", *ITEM_SEARCH]
    main_fields = ["name", "handles", "address", "hours", "phone", "website", "app", "online", "visits", "note"]


@admin.register(Holiday)
class HolidayAdmin(HistoryAdmin):
    list_display = ["date", "name", "is_workday"]
    list_filter = ["is_workday"]
    search_fields = ["name"]
    date_hierarchy = "date"
