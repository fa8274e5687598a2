"""Find content that would mislead a citizen: the rules behind `manage.py check_content`.

Each check yields `Finding`s naming the object and the reason. Errors are things a
citizen would be misled by now (a guide with no steps, a replacement that can never
take effect); warnings need an editor's eye (stale reviews, drafts referenced by
published content).
"""

from collections import Counter
from dataclasses import dataclass
from itertools import product

from django.utils import timezone

from guides.content.catalogue import get_catalogue
from guides.content.freshness import STALE_AFTER_DAYS, stale_cutoff
from guides.content.selectors import GuideRequest, assemble_guide, regions_with_items
from guides.content.validation import LIMIT_FIELDS, replacement_errors
from guides.models import CertificateType, DirectoryEntry, Region, Situation, Source
from guides.registry import GUIDE_ITEM_MODELS

REFERENCE_MODELS = [CertificateType, Situation, Region]
ERROR, WARNING = "错误", "警告"


@dataclass(frozen=True)
class Finding:
    level: str
    subject: str
    reason: str

    def __str__(self):
        return f"{self.level}｜{self.subject}：{self.reason}"


def editor_label(obj):
    key = getattr(obj, "key", None) or getattr(obj, "slug", None) or obj.pk
    return f"{obj._meta.verbose_name}「{obj}」({key})"


def check_content(on=None):
    """Return every problem found in the content as it stands on the date `on`."""
    on = on or timezone.localdate()
    items = {
        model: list(model.objects.select_related("replaces", "source").prefetch_related(*LIMIT_FIELDS))
        for model in GUIDE_ITEM_MODELS
    }
    return [
        *_replacements(items, on),
        *_unpublished_references(items),
        *_empty_guides(items, on),
        *_uncovered_situations(items),
        *_stale(items),
        *_third_party_only(items),
        # A published directory entry sends people somewhere on its source's word, like an item.
        *_third_party_only({DirectoryEntry: DirectoryEntry.objects.filter(is_published=True).select_related("source")}),
        *_invalid_rows(),
    ]


def _invalid_rows():
    """Rows the model's own validation refuses (put in by `loaddata` before it validated, or by SQL): errors."""
    from django.core.exceptions import ValidationError

    from guides.registry import CONTENT_MODELS

    for model in CONTENT_MODELS:
        for row in model._default_manager.all():
            try:
                row.clean_fields()
                row.clean()
            except ValidationError as error:
                for field, messages in error.message_dict.items():
                    label = "" if field == "__all__" else f"{model._meta.get_field(field).verbose_name}："
                    for message in messages:
                        yield Finding(
                            ERROR,
                            editor_label(row),
                            f"不符合校验规则（后台和 load_content 都不会接受）：{label}{message}",
                        )


NO_SOURCE = "无来源"


def authority_counts(on=None):
    """Return, per guide page, how many of its items rest on each authority level.

    Every national page, then the province pages of each region that published
    items are limited to (the other province pages show the national items).
    """
    on = on or timezone.localdate()
    catalogue = get_catalogue()
    labels = dict(Source.Authority.choices)
    limited_to = regions_with_items()
    counts = {}
    for region in [None, *(r for r in catalogue.regions if r.pk in limited_to)]:
        for cert, situation in product(catalogue.certificate_types, catalogue.situations):
            request = GuideRequest(cert, frozenset([situation]), region, on)
            guide = assemble_guide(request, all_reasons=catalogue.reasons)
            name = f"{cert.short_name}{situation.title}" + (f"（{region.short_name}）" if region else "")
            counts[name] = Counter(
                labels[item.source.authority] if item.source_id else NO_SOURCE for item in guide.items()
            )
    return counts


def _never_applies(item, on):
    """Return why `item` can never appear on a public page, or "" if it can."""
    if not item.is_published:
        return "它是草稿"
    if item.effective_to and item.effective_to < on:
        return f"它已于 {item.effective_to:%Y-%m-%d} 失效"
    for field, label in LIMIT_FIELDS.items():
        limits = list(getattr(item, field).all())
        if limits and not any(row.is_published for row in limits):
            return f"它只适用于未发布的{label}"
    return ""


def _replacements(items, on):
    for model_items in items.values():
        for item in model_items:
            replaced = item.replaces
            if replaced is None or not item.is_published:
                continue
            reason = _never_applies(item, on)
            if reason:
                yield Finding(
                    ERROR, editor_label(replaced), f"被{editor_label(item)}替代，但{reason}，替代永远不会生效。"
                )
            limits = {field: list(getattr(item, field).all()) for field in LIMIT_FIELDS}
            for message in replacement_errors(item, replaced, limits).values():
                yield Finding(ERROR, editor_label(item), message)


def _unpublished_references(items):
    for model_items in items.values():
        for item in model_items:
            if not item.is_published:
                continue
            if item.replaces and not item.replaces.is_published:
                yield Finding(
                    WARNING, editor_label(item), f"替代的是草稿{editor_label(item.replaces)}，公众本来就看不到它。"
                )
            for field, label in LIMIT_FIELDS.items():
                drafts = [row for row in getattr(item, field).all() if not row.is_published]
                if drafts:
                    names = "、".join(str(row) for row in drafts)
                    yield Finding(WARNING, editor_label(item), f"已发布，但限定的{label}“{names}”尚未发布。")


def _empty_guides(items, on):
    catalogue = get_catalogue()
    # A region's page differs from the national one only if some item names the region.
    named = {region.pk for model_items in items.values() for item in model_items for region in item.regions.all()}
    regions = [None, *(r for r in catalogue.regions if r.pk in named)]
    for cert, situation, region in product(catalogue.certificate_types, catalogue.situations, regions):
        request = GuideRequest(cert, frozenset([situation]), region, on)
        guide = assemble_guide(request, all_reasons=catalogue.reasons)
        where = f"{cert.short_name}{situation.title}（{region.name if region else '全国'}）"
        if not guide.materials:
            yield Finding(ERROR, f"指南页 {where}", "没有任何申请材料。")
        if not guide.steps:
            yield Finding(ERROR, f"指南页 {where}", "没有任何办理步骤。")


def _uncovered_situations(items):
    limited_to = {
        situation.pk
        for model_items in items.values()
        for item in model_items
        if item.is_published
        for situation in item.situations.all()
    }
    for situation in Situation.objects.filter(is_published=True):
        if situation.pk not in limited_to:
            yield Finding(
                WARNING, editor_label(situation), "没有任何已发布的内容专门针对这个情形，它的指南页与一般情况完全相同。"
            )


def _stale(items):
    cutoff = stale_cutoff()
    rows = [item for model_items in items.values() for item in model_items]
    for model in REFERENCE_MODELS:
        rows.extend(model.objects.all())
    for row in rows:
        if not row.is_published:
            continue
        if row.reviewed_on is None:
            yield Finding(WARNING, editor_label(row), "从未审核。")
        elif row.reviewed_on < cutoff:
            yield Finding(
                WARNING, editor_label(row), f"超过 {STALE_AFTER_DAYS} 天未审核（上次 {row.reviewed_on:%Y-%m-%d}）。"
            )


def _third_party_only(items):
    for model_items in items.values():
        for item in model_items:
            if item.is_published and (not item.source_id or item.source.authority == Source.Authority.THIRD_PARTY):
                yield Finding(
                    WARNING, editor_label(item), "已发布，但只有第三方资料作依据（或没有来源）：请找到发证机关的原文。"
                )
