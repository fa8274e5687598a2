"""Find content that would mislead a citizen: the rules behind `manage.py check_content`.

Each check yields `Finding`s naming the object and the reason. Errors are things a
citizen would be misled by now (a guide with no steps, a replacement that can never
take effect, a worse source hiding a better one, a published item on a source marked
待核实); warnings need an editor's eye (stale reviews, drafts referenced by
published content, items resting only on 第三方资料).

`audit_content` walks every guide page once (national, and each province a published
item is limited to) for the checks and for the per-page report of items by authority.
"""

from collections import Counter
from dataclasses import dataclass
from itertools import product

from django.core.exceptions import ValidationError
from django.utils import timezone

from guides.content.catalogue import get_catalogue
from guides.content.freshness import STALE_AFTER_DAYS, stale_cutoff
from guides.content.selectors import GuideItems, GuideRequest, assemble_guide
from guides.content.validation import LIMIT_FIELDS, replacement_errors
from guides.models import CertificateType, DirectoryEntry, Region, Situation, Source
from guides.registry import CONTENT_MODELS, GUIDE_ITEM_MODELS

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
    return audit_content(on).findings


@dataclass
class ContentAudit:
    """What `check_content` finds, and each guide page's items by authority level (one walk over the pages)."""

    findings: list
    pages: dict  # {page name: Counter({authority label: count})}
    page_items: dict  # {page name: {authority label: [item labels]}}, best authority first


def audit_content(on=None):
    """Check the content and report each guide page's items by authority, assembling each page once."""
    on = on or timezone.localdate()
    items = {
        model: list(
            model.objects.select_related("replaces", "source").prefetch_related(
                *LIMIT_FIELDS, "source__certificate_types"
            )
        )
        for model in GUIDE_ITEM_MODELS
    }
    pages = _pages(items, on)
    findings = [
        *_replacements(items, on),
        *_outranked_replacements(items, pages),
        *_unverified_sources(items),
        *_wider_than_source(items),
        *_unpublished_references(items),
        *_empty_guides(pages),
        *_uncovered_situations(items),
        *_stale(items),
        *_third_party_only(items),
        # A published directory entry sends people somewhere on its source's word, like an item.
        *_third_party_only({DirectoryEntry: DirectoryEntry.objects.filter(is_published=True).select_related("source")}),
        *_directory_links_to_drafts(),
        *_invalid_rows(),
    ]
    labels = dict(Source.Authority.choices)
    counts, page_items = {}, {}
    for name, (_, guide) in pages.items():
        by_level = {}
        for item in sorted(guide.items(), key=rank, reverse=True):
            by_level.setdefault(authority_label(item, labels), []).append(editor_label(item))
        page_items[name] = by_level
        counts[name] = Counter({level: len(names) for level, names in by_level.items()})
    return ContentAudit(findings=findings, pages=counts, page_items=page_items)


def _directory_links_to_drafts():
    """A published entry whose certificate type is a draft cannot link to its guides (they answer 404)."""
    entries = DirectoryEntry.objects.filter(is_published=True).select_related("certificate_type", "see_also")
    for entry in entries:
        for field in ("certificate_type", "see_also"):
            cert = getattr(entry, field)
            if cert is not None and not cert.is_published:
                label = DirectoryEntry._meta.get_field(field).verbose_name
                yield Finding(
                    WARNING,
                    editor_label(entry),
                    f"已发布，但{label}“{cert}”尚未发布：公众页面不链接它的指南，只显示本条的“由谁补办”和“怎么办”"
                    + ("" if entry.reissued_by.strip() and entry.how.strip() else "（这两项现在为空，请补上）")
                    + "。",
                )


def _invalid_rows():
    """Rows the model's own validation refuses (put in by `loaddata` before it validated, or by SQL): errors."""
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

# The answer follows the best source the site holds (docs/editors.md, 来源与可信程度): 官方原文 > 官方转载 > 第三方资料 > none.
RANK = {Source.Authority.OFFICIAL: 3, Source.Authority.OFFICIAL_REPOST: 2, Source.Authority.THIRD_PARTY: 1}
# A source an editor has not verified yet says so in its note (the admin's own example: "待核实").
UNVERIFIED = "待核实"


def rank(item):
    """Return how far `item`'s source is to be trusted: 3 官方原文, 2 官方转载, 1 第三方资料, 0 no source."""
    return RANK.get(item.source.authority, 0) if item.source_id else 0


def authority_label(item, labels=None):
    labels = labels or dict(Source.Authority.choices)
    return labels.get(item.source.authority, item.source.authority) if item.source_id else NO_SOURCE


def _pages(items, on):
    """Return {page name: (request, guide)} for every national page and each province page published items name.

    A province page differs from the national one only when a published item is
    limited to the province, so the other provinces are not walked.
    """
    catalogue = get_catalogue()
    named = _published_limits(items, "regions")
    rows = GuideItems.load()  # read once for every page
    pages = {}
    for region in [None, *(r for r in catalogue.regions if r.pk in named)]:
        for cert, situation in product(catalogue.certificate_types, catalogue.situations):
            request = GuideRequest(certificate_type=cert, situations=frozenset([situation]), region=region, on=on)
            name = f"{cert.short_name}{situation.title}" + (f"（{region.short_name}）" if region else "")
            pages[name] = (request, assemble_guide(request, all_reasons=catalogue.reasons, items=rows))
    return pages


def authority_counts(on=None):
    """Return, per guide page, how many of its items rest on each authority level.

    Every national page, then the province pages of each region that published
    items are limited to (the other province pages show the national items).
    """
    return audit_content(on).pages


def content_summary():
    """Return the figures `check_content --summary` prints: published items by authority, third-party-only items, provinces.

    "Third-party only": a published guide item resting on 第三方资料 or on no source.
    A province has content of its own from an official text when a published item
    limited to it rests on 官方原文 or 官方转载.
    """
    labels = dict(Source.Authority.choices)
    published = [
        item
        for model in GUIDE_ITEM_MODELS
        for item in model.objects.published().select_related("source").prefetch_related("regions")
    ]
    by_authority = Counter(authority_label(item, labels) for item in published)
    official_regions = {
        region.short_name
        for item in published
        if rank(item) >= RANK[Source.Authority.OFFICIAL_REPOST]
        for region in item.regions.all()
    }
    entries = DirectoryEntry.objects.filter(is_published=True).select_related("source")
    return {
        "by_authority": by_authority,
        "third_party_only": sum(rank(item) <= RANK[Source.Authority.THIRD_PARTY] for item in published),
        "official_regions": sorted(official_regions),
        "directory_by_authority": Counter(authority_label(entry, labels) for entry in entries),
        "directory_third_party_only": sum(rank(entry) <= RANK[Source.Authority.THIRD_PARTY] for entry in entries),
    }


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


def _empty_guides(pages):
    for request, guide in pages.values():
        region = request.region
        where = f"{request.certificate_type.short_name}{next(iter(request.situations)).title}（{region.name if region else '全国'}）"
        if not guide.materials:
            yield Finding(ERROR, f"指南页 {where}", "没有任何申请材料。")
        if not guide.steps:
            yield Finding(ERROR, f"指南页 {where}", "没有任何办理步骤。")


def _source_label(item):
    if not item.source_id:
        return NO_SOURCE
    return f"{authority_label(item)}《{item.source.title}》"


def _outranked_replacements(items, pages):
    """A published item that replaces a published one must rest on a source at least as high.

    Replacing is how the site says a text contradicts another (docs/editors.md, 来源与可信程度):
    a 第三方资料 item replacing an 官方转载 or 官方原文 one would hide the better
    source's word behind the worse one's on every page where it applies.
    """
    outranked = {
        (type(item), item.pk): item
        for model_items in items.values()
        for item in model_items
        if item.is_published
        and item.replaces is not None
        and item.replaces.is_published
        and rank(item) < rank(item.replaces)
    }
    if not outranked:
        return
    shown_on = {key: [] for key in outranked}
    for name, (_, guide) in pages.items():
        for item in guide.items():
            key = (type(item), item.pk)
            if key in shown_on:
                shown_on[key].append(name)
    for key, item in outranked.items():
        names = shown_on[key]
        where = f"在{'、'.join(names[:3])}{f'等 {len(names)} 个页面' if len(names) > 3 else ''}上，" if names else ""
        yield Finding(
            ERROR,
            editor_label(item),
            f"依据{_source_label(item)}，却替代了依据{_source_label(item.replaces)}的{editor_label(item.replaces)}："
            f"{where}较低来源的说法盖住了较高来源的说法。来源较低的内容不能替代来源较高的内容——"
            "请改为由较高来源的条目替代较低来源的条目，或给这条内容找到至少同样可靠的来源。",
        )


def _unverified_sources(items):
    """A published item may not rest on a source marked 待核实 or of an authority level the site does not know."""
    for model_items in items.values():
        for item in model_items:
            if not item.is_published or not item.source_id:
                continue
            source = item.source
            if source.authority not in RANK:
                yield Finding(
                    ERROR,
                    editor_label(item),
                    f"已发布，但它的来源《{source.title}》的可信程度“{source.authority}”不是官方原文、官方转载或第三方资料之一。",
                )
            elif UNVERIFIED in source.note:
                yield Finding(
                    ERROR,
                    editor_label(item),
                    f"已发布，但它的来源《{source.title}》标注为待核实（{source.note}）：核实来源后改掉这个标注，或把这条内容改回草稿。",
                )


def _wider_than_source(items):
    """A published item shown for a certificate type its source does not cover (Source.certificate_types)."""
    for model_items in items.values():
        for item in model_items:
            if not item.is_published or not item.source_id:
                continue
            covered = set(item.source.certificate_types.all())
            shown_for = set(item.certificate_types.all())
            if covered and (not shown_for or not shown_for <= covered):
                types = "、".join(cert.short_name for cert in sorted(covered, key=lambda c: (c.order, c.pk)))
                yield Finding(
                    WARNING,
                    editor_label(item),
                    f"它的来源《{item.source.title}》只管{types}，这一条却也显示在其他证书类型的页面上："
                    "把它限定到这些证书类型，或为其他类型另找依据。",
                )


def _published_limits(items, field):
    """Return the pks of the rows (regions, situations) that published items are limited to."""
    return {
        row.pk
        for model_items in items.values()
        for item in model_items
        if item.is_published
        for row in getattr(item, field).all()
    }


def _uncovered_situations(items):
    limited_to = _published_limits(items, "situations")
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
