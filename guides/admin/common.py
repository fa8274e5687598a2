"""Pieces every content admin shares: review-age filter, "标记为已审核", validating forms, site links."""

import secrets
from urllib.parse import urlencode

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import connections, router, transaction
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from guides.admin.live import LiveNoticeMixin
from guides.content.catalogue import get_catalogue
from guides.content.freshness import STALE_AFTER_DAYS, stale_cutoff
from guides.content.validation import replacement_errors
from guides.registry import BOOKKEEPING_FIELDS


def admin_link(url, text):
    """Return a link for an admin list cell or read-only field."""
    return render_to_string("admin/guides/link.html", {"url": url, "text": text})


class HistoryAdmin(LiveNoticeMixin, SimpleHistoryAdmin):
    """simple-history's admin for every editable table: the stale-save guard on its change form,
    its changelist rows and its revert-from-history form, whether a save reached the site
    (LiveNoticeMixin), and 404 for a malformed object or version id instead of 500."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        obj.saved_record_id = obj.history.values_list("history_id", flat=True).order_by("-history_id").first()

    # Django logs a save after its limits (M2M) are saved, on the add and change forms, the
    # list's editable rows and simple-history's revert form alike: one save, one record.
    def log_addition(self, request, obj, message):
        fold_history(obj)
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        fold_history(obj)
        return super().log_change(request, obj, message)

    def history_view(self, request, object_id, extra_context=None):
        _require_id(object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        _require_id(object_id)
        _require_id(version_id)
        # The revert form holds an old version's values (and its update time): the guard
        # compares with the row as it was when the revert page was opened, read afresh.
        request.reverting = True
        # simple-history does not run this in a transaction; the guard's row lock needs one.
        with transaction.atomic(using=router.db_for_write(self.model)):
            return super().history_form_view(request, object_id, version_id, extra_context)

    def get_form(self, request, obj=None, **kwargs):
        if self.has_change_permission(request, obj):  # a read-only page saves nothing
            form = kwargs.get("form", self.form)
            kwargs["form"] = stale_guard(form, reverting=getattr(request, "reverting", False))
        return super().get_form(request, obj, **kwargs)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or not self.has_change_permission(request, obj):
            return fieldsets
        return with_version_field(fieldsets)

    def get_changelist_form(self, request, **kwargs):
        # templates/admin/guides/change_list.html renders each row's hidden version.
        form = super().get_changelist_form(request, **kwargs)
        return stale_guard(form, list_field=self.list_editable[0]) if self.list_editable else form

    def changelist_view(self, request, extra_context=None):
        if request.method == "POST" and self.list_editable:
            # Django validates list rows outside its saving transaction; the guard's row lock needs one.
            with transaction.atomic(using=router.db_for_write(self.model)):
                return super().changelist_view(request, extra_context)
        return super().changelist_view(request, extra_context)


def fold_history(obj):
    """Keep one history record for one admin save: the last, which holds the limits as saved.

    simple-history records the row when it is saved, before its limits are, then once more
    for every limit set. The first record pairs the new fields with the old limits (for a
    new row: no limits, so reverting to it would widen the row to everything); each later
    one holds the row as it then stood. The last is the saved state: it takes the first's
    kind (added or changed) and reason, and the others go.
    """
    first_id = getattr(obj, "saved_record_id", None)
    if first_id is None:
        return
    records = list(obj.history.filter(history_id__gte=first_id).order_by("history_id"))
    if len(records) < 2:
        return
    first, last = records[0], records[-1]
    last.history_type = first.history_type
    last.history_change_reason = first.history_change_reason
    last.save(update_fields=["history_type", "history_change_reason"])
    obj.history.filter(history_id__in=[record.history_id for record in records[:-1]]).delete()
    del obj.saved_record_id


def with_version_field(fieldsets):
    """Return `fieldsets` with the stale-save guard's hidden field in its last set."""
    fieldsets = list(fieldsets)
    if VERSION_FIELD not in flatten_fieldsets(fieldsets):
        name, options = fieldsets[-1]
        fieldsets[-1] = (name, {**options, "fields": [*options["fields"], VERSION_FIELD]})
    return fieldsets


def _require_id(value):
    if not str(value).isdigit():
        raise Http404("没有这条记录。")


class ReviewAgeFilter(admin.SimpleListFilter):
    title = "审核情况"
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [
            ("stale", f"超过 {STALE_AFTER_DAYS} 天未审核"),
            ("never", "从未审核"),
            ("fresh", f"{STALE_AFTER_DAYS} 天内审核过"),
        ]

    def queryset(self, request, queryset):
        cutoff = stale_cutoff()
        if self.value() == "stale":
            return queryset.filter(reviewed_on__lt=cutoff) | queryset.filter(reviewed_on__isnull=True)
        if self.value() == "never":
            return queryset.filter(reviewed_on__isnull=True)
        if self.value() == "fresh":
            return queryset.filter(reviewed_on__gte=cutoff)
        return queryset


@admin.action(description="标记为已审核（审核日期设为今天）", permissions=["change"])
def mark_reviewed(modeladmin, request, queryset):
    """Set reviewed_on to today, one save per row so history and the content version see it."""
    today = timezone.localdate()
    count = 0
    for obj in queryset:
        obj.reviewed_on = today
        obj.save(update_fields=["reviewed_on", "updated_at"])
        count += 1
    modeladmin.message_user(request, f"已将 {count} 条内容标记为今天（{today:%Y-%m-%d}）审核。", messages.SUCCESS)


@admin.action(description="发布所选内容", permissions=["change"])
def publish(modeladmin, request, queryset):
    """Publish what passes the model's own validation (a source, above all); name each row that does not."""
    count, refused = 0, []
    for obj in queryset.filter(is_published=False):
        obj.is_published = True
        try:
            obj.clean_fields()
            obj.clean()
        except ValidationError as error:
            refused.append(f"“{obj}”：{'；'.join(validation_messages(obj, error))}")
            continue
        obj.save(update_fields=["is_published", "updated_at"])
        count += 1
    if count or not refused:
        modeladmin.message_user(request, f"已发布 {count} 条内容，公众现在可以看到。", messages.SUCCESS)
    if refused:
        modeladmin.message_user(
            request, f"有 {len(refused)} 条没有发布，仍是草稿：" + " ".join(refused), messages.ERROR
        )


def validation_messages(obj, error):
    """Each message of a model ValidationError, prefixed with its field's Chinese name."""
    texts = []
    for field, messages_ in error.message_dict.items():
        label = "" if field == NON_FIELD_ERRORS else f"{obj._meta.get_field(field).verbose_name}："
        texts.extend(f"{label}{message}" for message in messages_)
    return texts


@admin.action(description="改为草稿（公众不可见）", permissions=["change"])
def unpublish(modeladmin, request, queryset):
    count = 0
    for obj in queryset.filter(is_published=True):
        obj.is_published = False
        obj.save(update_fields=["is_published", "updated_at"])
        count += 1
    modeladmin.message_user(request, f"已将 {count} 条内容改为草稿。", messages.SUCCESS)


class SlugGuardForm(forms.ModelForm):
    """Refuse a slug change on a published page: links people saved or shared would break."""

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        instance = self.instance
        if instance.pk is None:
            return slug
        saved = type(instance).objects.filter(pk=instance.pk).values("slug", "is_published").first()
        if saved and saved["is_published"] and saved["slug"] != slug:
            raise forms.ValidationError(
                f"已发布内容的网址标识不能修改：旧网址（含“{saved['slug']}”）已被收藏和分享，改动会使其失效。"
                "如确需改名，请先改为草稿、或请开发人员设置跳转。",
                code="slug_in_use",
            )
        return slug


class GuideItemForm(forms.ModelForm):
    """Check what a guide item replaces against the limits chosen in the same form."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("replaces")
        if field is not None:
            if self.instance.pk is not None:
                field.queryset = field.queryset.exclude(pk=self.instance.pk)
            # Two rows may share a name (the national 工本费 and a province's); the key tells them apart.
            field.label_from_instance = lambda item: f"{item}（{item.key}）"
        key = self.fields.get("key")
        if key is not None:
            # Editors should not have to invent an identifier; fixtures and exports use it.
            key.required = False
            key.help_text = "英文小写与连字符，用于导入导出，不显示给公众。新建时可留空，保存时自动生成。"

    def clean_key(self):
        key = self.cleaned_data.get("key")
        if key:
            return key
        if self.instance.pk is not None and self.instance.key:
            return self.instance.key
        return f"{self._meta.model._meta.model_name}-{timezone.localdate():%Y%m%d}-{secrets.token_hex(3)}"

    def clean(self):
        cleaned = super().clean()
        replaced = cleaned.get("replaces")
        limits = {name: cleaned.get(name) for name in ("certificate_types", "situations", "regions")}
        for field, message in replacement_errors(self.instance, replaced, limits, kind=cleaned.get("kind")).items():
            self.add_error(field if field in self.fields else None, message)
        return cleaned


VERSION_FIELD = "opened_version"


def row_version(model, pk, instance=None):
    """Return a token that changes whenever row `pk` is saved: its update time, or its latest history record.

    Tables without `updated_at` (来源, 同义词, 节假日, 问题报告) have history, and every save
    through the admin or the ORM writes a history record.
    """
    if any(f.name == "updated_at" for f in model._meta.concrete_fields):
        if instance is not None:
            stamp = instance.updated_at
        else:
            stamp = model._default_manager.filter(pk=pk).values_list("updated_at", flat=True).first()
        return stamp.isoformat() if stamp else ""
    latest = model.history.filter(id=pk).order_by("-history_id").values_list("history_id", flat=True).first()
    return f"history-{latest or 0}"


def lock_row(model, pk):
    """Lock row `pk` until the transaction ends (PostgreSQL), so a concurrent guarded save waits for this one.

    SQLite has no row locks: its transactions take the write lock when they begin
    (settings: transaction_mode IMMEDIATE), which serialises saves the same way.
    Returns whether the row exists.
    """
    queryset = model._default_manager.filter(pk=pk)
    if not connections[queryset.db].get_autocommit():
        queryset = queryset.select_for_update()
    return queryset.exists()


def stale_guard(form_class, list_field=None, reverting=False):
    """Return `form_class` refusing a save if the row changed since the form was opened.

    On a change form any stale save is refused: it carries every field, inlines
    included, as the editor saw them. A changelist row (`list_field`: its first
    editable column, where Django shows a row's errors) is refused only if it would
    write something, so saving a list does not fail over rows nobody touched. A
    revert form (`reverting`) holds an old version, so its token is read from the
    database rather than from the instance. The check locks the row first, so of two
    simultaneous saves one waits for the other and is then refused: the check and the
    save are atomic (the admin saves in the same transaction).
    """
    if getattr(form_class, "stale_guarded", False):
        return form_class

    class StaleGuardForm(form_class):
        stale_guarded = True
        opened_version = forms.CharField(widget=forms.HiddenInput, required=False)

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            if self.instance.pk is not None:
                model = type(self.instance)
                self.fields[VERSION_FIELD].initial = row_version(
                    model, self.instance.pk, None if reverting else self.instance
                )

        def clean(self):
            cleaned = super().clean()
            opened = cleaned.get(VERSION_FIELD)
            if self.instance.pk is None or not opened:
                return cleaned
            model = type(self.instance)
            exists = lock_row(model, self.instance.pk)
            current = row_version(model, self.instance.pk) if exists else None
            if current == opened:
                return cleaned
            if list_field and not [name for name in self.changed_data if name != VERSION_FIELD]:
                return cleaned
            if current is None:
                raise forms.ValidationError("保存失败：此记录在您打开后已被删除。", code="stale")
            # Carry the new stamp, so a save after checking the page goes through.
            self.data = self.data.copy()
            self.data[self.add_prefix(VERSION_FIELD)] = current
            error = forms.ValidationError(stale_message(model, self.instance.pk), code="stale")
            if list_field:
                self.add_error(list_field, error)
                return cleaned
            raise error

    return StaleGuardForm


def stale_message(model, pk):
    """Say who changed the row, when and which fields, from its latest history record."""
    records = list(model.history.filter(id=pk).order_by("-history_date", "-history_id")[:2])
    who, when, changed = "其他编辑", "", ""
    if records:
        latest = records[0]
        who = str(latest.history_user) if latest.history_user else "其他编辑"
        when = f" 于 {timezone.localtime(latest.history_date):%Y-%m-%d %H:%M}"
        if len(records) == 2:
            fields = [c.field for c in latest.diff_against(records[1]).changes if c.field not in BOOKKEEPING_FIELDS]
            names = [str(model._meta.get_field(f).verbose_name) for f in fields]
            changed = f"（改动：{'、'.join(names)}）" if names else ""
    return f"保存失败：此记录在您打开后已被 {who}{when} 修改{changed}。您填写的内容保留在下方，请核对后重新保存。"


def guide_url_for_item(item, on=None):
    """Return the URL of a guide page that shows `item` (its first limits, else the first published ones)."""
    catalogue = get_catalogue(include_drafts=True)
    cert = next(iter(item.certificate_types.all()), None) or _first(catalogue.certificate_types)
    situation = next(iter(item.situations.all()), None) or _first(catalogue.reasons) or _first(catalogue.situations)
    region = next(iter(item.regions.all()), None)
    if cert is None or situation is None:
        return None
    if region is None:
        url = reverse("guides:guide", args=[cert.slug, situation.slug])
    else:
        url = reverse("guides:guide_region", args=[cert.slug, situation.slug, region.slug])
    if item.effective_from and item.effective_from > timezone.localdate():
        # A future fee is only on the page from its date: open the preview as of that day.
        url += "?" + urlencode({"on": item.effective_from.isoformat()})
    return url


def _first(rows):
    return next(iter(rows), None)
