"""Pieces every content admin shares: review-age filter, "标记为已审核", validating forms, site links."""

import secrets
from urllib.parse import urlencode

from django import forms
from django.contrib import admin, messages
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from guides.admin.live import LiveNoticeMixin
from guides.content.catalogue import get_catalogue
from guides.content.freshness import STALE_AFTER_DAYS, stale_cutoff
from guides.content.validation import replacement_errors
from guides.registry import BOOKKEEPING_FIELDS


class HistoryAdmin(LiveNoticeMixin, SimpleHistoryAdmin):
    """simple-history's admin, answering a malformed object or version id with 404 instead of 500."""

    def history_view(self, request, object_id, extra_context=None):
        _require_id(object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        _require_id(object_id)
        _require_id(version_id)
        # Reverting saves an old version on purpose: the stale-save guard does not apply.
        request.reverting = True
        return super().history_form_view(request, object_id, version_id, extra_context)


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
    count = _set_published(queryset, True)
    modeladmin.message_user(request, f"已发布 {count} 条内容，公众现在可以看到。", messages.SUCCESS)


@admin.action(description="改为草稿（公众不可见）", permissions=["change"])
def unpublish(modeladmin, request, queryset):
    count = _set_published(queryset, False)
    modeladmin.message_user(request, f"已将 {count} 条内容改为草稿。", messages.SUCCESS)


def _set_published(queryset, value):
    count = 0
    for obj in queryset.filter(is_published=not value):
        obj.is_published = value
        obj.save(update_fields=["is_published", "updated_at"])
        count += 1
    return count


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


def stale_guard(form_class, list_field=None):
    """Return `form_class` refusing a save if the row changed since the form was opened.

    On a change form any stale save is refused: it carries every field, inlines
    included, as the editor saw them. A changelist row (`list_field`: its first
    editable column, where Django shows a row's errors) is refused only if it would
    write something, so saving a list does not fail over rows nobody touched.
    """

    class StaleGuardForm(form_class):
        opened_version = forms.CharField(widget=forms.HiddenInput, required=False)

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            if self.instance.pk is not None and self.instance.updated_at:
                self.fields[VERSION_FIELD].initial = self.instance.updated_at.isoformat()

        def clean(self):
            cleaned = super().clean()
            opened = cleaned.get(VERSION_FIELD)
            if self.instance.pk is None or not opened:
                return cleaned
            model = type(self.instance)
            current = model.objects.filter(pk=self.instance.pk).values_list("updated_at", flat=True).first()
            if current is None or current.isoformat() == opened:
                return cleaned
            if list_field and not [name for name in self.changed_data if name != VERSION_FIELD]:
                return cleaned
            # Carry the new stamp, so a save after checking the page goes through.
            self.data = self.data.copy()
            self.data[self.add_prefix(VERSION_FIELD)] = current.isoformat()
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
