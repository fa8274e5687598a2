"""What editors need to publish safely: source authority, labels that say which row is which,
scheduled changes, the reason of a change and what a revert will change.

Separate from guides/admin/common.py (the stale-save guard and the shared actions) so
each can change without the other.
"""

import secrets
from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone

from guides.admin.common import GuideItemForm, admin_link
from guides.content.validation import LIMIT_FIELDS
from guides.models import Source
from guides.paths import admin_change_path
from guides.registry import BOOKKEEPING_FIELDS

CHANGE_REASON_FIELD = "change_reason"
SCHEDULE_PARAM = "schedule"
FAMILY_PARAM = "family"


def limits_label(item):
    """Say where an item applies, in the words of its limits: "专技 · 遗失 · 广东", or "全国"."""
    if item.pk is None:
        return "全国"
    parts = [
        "、".join(c.short_name for c in item.certificate_types.all()),
        "、".join(s.name for s in item.situations.all()),
        "、".join(r.short_name for r in item.regions.all()) or "全国",
    ]
    return " · ".join(p for p in parts if p)


def item_label(item):
    """A row's label wherever rows share a name (two 工本费): its limits and, if not yet in force, from when."""
    label = f"{item}（{limits_label(item)}"
    if item.effective_from and item.effective_from > timezone.localdate():
        label += f"，{item.effective_from:%Y-%m-%d} 起"
    if not item.is_published:
        label += "，草稿"
    return label + "）"


# -- Source authority ---------------------------------------------------------------------


class AuthorityFilter(admin.SimpleListFilter):
    """可信程度 of the row's source: review what rests on 第三方资料 only, or on nothing."""

    title = "来源可信程度"
    parameter_name = "authority"

    def lookups(self, request, model_admin):
        return [*Source.Authority.choices, ("none", "无来源")]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "none":
            return queryset.filter(source__isnull=True)
        if value in Source.Authority.values:
            return queryset.filter(source__authority=value)
        return queryset


@admin.display(description="来源可信程度", ordering="source__authority")
def authority(obj):
    return obj.source.get_authority_display() if obj.source_id else "无来源"


def citing_models():
    """Every table whose rows cite a Source (its `source` field)."""
    from guides.registry import CONTENT_MODELS

    return [
        model
        for model in CONTENT_MODELS
        if any(f.name == "source" and f.related_model is Source for f in model._meta.concrete_fields)
    ]


def with_citing_count(queryset):
    """Annotate `citing`: how many rows of every content table cite each source (one query for any number)."""
    total = Value(0, output_field=IntegerField())
    for model in citing_models():
        counted = (
            model._default_manager.filter(source=OuterRef("pk"))
            .order_by()
            .values("source")
            .annotate(n=Count("pk"))
            .values("n")
        )
        total = total + Coalesce(Subquery(counted, output_field=IntegerField()), 0)
    return queryset.annotate(citing=total)


def citing_rows(source):
    """Return [(table name, [(row label, admin url)])] of the rows citing `source`."""
    found = []
    for model in citing_models():
        rows = model._default_manager.filter(source=source).order_by("pk")
        has_limits = all(any(f.name == name for f in model._meta.many_to_many) for name in LIMIT_FIELDS)
        if has_limits:
            rows = rows.prefetch_related(*LIMIT_FIELDS)
        links = [(item_label(row) if has_limits else str(row), admin_change_path(row)) for row in rows]
        if links:
            found.append((model._meta.verbose_name_plural, links))
    return found


class ReadAgeFilter(admin.SimpleListFilter):
    title = "查阅情况"
    parameter_name = "read"

    def lookups(self, request, model_admin):
        from guides.content.freshness import STALE_AFTER_DAYS

        return [("stale", f"超过 {STALE_AFTER_DAYS} 天未查阅（或从未记录）")]

    def queryset(self, request, queryset):
        from guides.content.freshness import stale_cutoff

        if self.value() == "stale":
            return queryset.filter(Q(read_on__lt=stale_cutoff()) | Q(read_on__isnull=True))
        return queryset


class AutoKeyForm(forms.ModelForm):
    """Fill an English identifier (`key` or `slug`) from the row's kind when an editor leaves it blank.

    The same as guide items (GuideItemForm): editors should not have to invent one.
    """

    key_field = "key"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get(self.key_field)
        if field is not None:
            field.required = False
            field.help_text = (
                f"{field.help_text} 新建时可留空，保存时自动生成（{self._meta.model._meta.model_name}-日期-编号）。"
            ).strip()

    def _clean_key(self):
        value = self.cleaned_data.get(self.key_field)
        if value:
            return value
        current = getattr(self.instance, self.key_field, "")
        if self.instance.pk is not None and current:
            return current
        return f"{self._meta.model._meta.model_name}-{timezone.localdate():%Y%m%d}-{secrets.token_hex(3)}"

    def clean_key(self):
        return self._clean_key()


class AutoSlugForm(AutoKeyForm):
    key_field = "slug"

    def clean_slug(self):
        return self._clean_key()


# -- Forms: change reason, row errors, live rows, scheduling ----------------------------------


class ChangeReasonForm(forms.ModelForm):
    """A 修改原因 on every change form (kept in the history with the change)."""

    change_reason = forms.CharField(
        label="修改原因",
        required=False,
        max_length=100,
        help_text="可选：为什么改（例如：据广东省人社厅 2027 年收费公告）。记在“历史与还原”里。",
    )


class RowErrorsForm(forms.ModelForm):
    """A list row whose model check fails on a field the list does not show gets the message on the row.

    (Django raised ValueError "has no field named 'source'" instead.)
    """

    def _update_errors(self, errors):
        if hasattr(errors, "error_dict"):
            moved = {}
            for name, messages_ in errors.error_dict.items():
                if name in self.fields or name == NON_FIELD_ERRORS:
                    moved.setdefault(name, []).extend(messages_)
                else:
                    label = self._meta.model._meta.get_field(name).verbose_name
                    moved.setdefault(NON_FIELD_ERRORS, []).extend(
                        ValidationError(f"{label}：{message}") for error in messages_ for message in error
                    )
            errors = ValidationError(moved)
        super()._update_errors(errors)


class ItemForm(GuideItemForm):
    """A guide item's change form: labels that tell rows apart, and no live row silently moved into the future."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("replaces")
        if field is not None:
            field.queryset = field.queryset.prefetch_related(*LIMIT_FIELDS)
            field.label_from_instance = item_label

    def clean_effective_from(self):
        starts = self.cleaned_data.get("effective_from")
        today = timezone.localdate()
        if self.instance.pk is None or starts is None or starts <= today:
            return starts
        saved = type(self.instance).objects.filter(pk=self.instance.pk).values("is_published", "effective_from").first()
        live = saved and saved["is_published"] and (saved["effective_from"] is None or saved["effective_from"] <= today)
        if live:
            raise ValidationError(
                f"这一条现在正在网站上生效：把生效日期改到 {starts:%Y-%m-%d}，它会从今天起从页面上消失，直到那一天。"
                "要从将来某天起改成新的内容，请在本页右上角点“安排变更”：复制这一条、填新的数值和生效日期，"
                "到那一天新的一条自动替代它，今天的页面不变。",
                code="live_row_moved",
            )
        return starts


def schedule_form(form_class, original):
    """The add form of a scheduled change: it must start after today, and replaces `original`."""

    class ScheduleForm(form_class):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            field = self.fields.get("effective_from")
            if field is not None:
                field.required = True
                field.help_text = f"从这一天起，本条替代“{item_label(original)}”；之前网站仍显示原来那一条。"

        def clean_effective_from(self):
            starts = super().clean_effective_from()
            if starts is None or starts <= timezone.localdate():
                raise ValidationError("安排变更的生效日期必须晚于今天；今天就要改的，请直接修改原来那一条。")
            return starts

    return ScheduleForm


def schedule_initial(original, fields):
    """The values of a scheduled change: a copy of `original` that replaces it, dated tomorrow until the editor sets it."""
    initial = {}
    for name in fields:
        if name in ("key", "replaces", "effective_from", "reviewed_on", *BOOKKEEPING_FIELDS):
            continue
        field = original._meta.get_field(name)
        if field.many_to_many:
            initial[name] = [row.pk for row in getattr(original, name).all()]
        elif field.is_relation:
            initial[name] = getattr(original, field.attname)
        else:
            initial[name] = getattr(original, name)
    initial["replaces"] = original.pk
    initial["is_published"] = original.is_published
    initial["effective_from"] = timezone.localdate() + timedelta(days=1)
    return initial


@admin.action(description="安排变更（从将来某天起替代所选的一条）", permissions=["add"])
def schedule_change(modeladmin, request, queryset):
    if queryset.count() != 1:
        modeladmin.message_user(request, "安排变更一次只能选一条。", messages.WARNING)
        return None
    original = queryset.get()
    url = reverse(f"admin:{original._meta.app_label}_{original._meta.model_name}_add")
    return HttpResponseRedirect(f"{url}?{SCHEDULE_PARAM}={original.pk}")


def saved_note(obj):
    """What the editor is told after a save: live now, from a later date, or a draft."""
    today = timezone.localdate()
    starts = getattr(obj, "effective_from", None)
    if not obj.is_published:
        return "这是草稿：只有登录的编辑能在网站上看到（标有“草稿”）。"
    if starts and starts > today:
        replaces = getattr(obj, "replaces", None)
        instead = f"，替代“{item_label(replaces)}”；在那之前网站照旧显示原来的内容" if replaces else ""
        return f"将于 {starts:%Y-%m-%d} 起生效{instead}。可在网站上按日期预览（?on={starts:%Y-%m-%d}）。"
    return "已在网站上生效，下一次打开页面即可看到。"


# -- A family of rows: one item's national row and every row replacing it ----------------------


class FamilyFilter(admin.SimpleListFilter):
    """`?family=<id>`: a row and every row that replaces it (directly or through a province's row)."""

    title = "各地对照"
    parameter_name = FAMILY_PARAM

    def lookups(self, request, model_admin):
        value = self.value()
        if value and value.isdigit():
            row = model_admin.model._default_manager.filter(pk=value).first()
            if row is not None:
                return [(value, f"“{row}”及替代它的各条")]
        return []

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        if not value.isdigit():
            return queryset.none()
        return queryset.filter(Q(pk=value) | Q(replaces=value) | Q(replaces__replaces=value))


@admin.display(description="替代")
def replaces_column(obj):
    if not obj.replaces_id:
        return "—"
    return admin_link(admin_change_path(obj.replaces), item_label(obj.replaces))


def family_link(obj):
    """Link to the side-by-side list of `obj`'s national row and every row replacing it."""
    root = obj.replaces if obj.replaces_id else obj
    url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_changelist")
    return f"{url}?{FAMILY_PARAM}={root.pk}"


# -- Revert: what will change ------------------------------------------------------------------


def display_value(obj, field):
    value = getattr(obj, field.name, None)
    if field.choices:
        value = dict(field.flatchoices).get(value, value)
    if value is None or value == "":
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def revert_changes(current, record):
    """Return [(field label, current value, value after revert)] for every field a revert would change."""
    model = type(current)
    version = record.instance
    changes = []
    for field in model._meta.concrete_fields:
        if field.primary_key or field.name in BOOKKEEPING_FIELDS:
            continue
        if getattr(current, field.attname) != getattr(version, field.attname):
            changes.append((str(field.verbose_name), display_value(current, field), display_value(version, field)))
    for name in LIMIT_FIELDS:
        if not hasattr(record, name):
            continue
        field = model._meta.get_field(name)
        target = field.m2m_reverse_field_name()
        now = sorted(getattr(current, name).all(), key=lambda row: row.pk)
        then_ids = {getattr(row, f"{target}_id") for row in getattr(record, name).all()}
        then = sorted(field.related_model._default_manager.filter(pk__in=then_ids), key=lambda row: row.pk)
        if [r.pk for r in now] != [r.pk for r in then]:
            changes.append(
                (
                    str(field.verbose_name),
                    "、".join(map(str, now)) or "（全部）",
                    "、".join(map(str, then)) or "（全部）",
                )
            )
    return changes
