"""Assemble a guide: the applicable, published, in-effect items for one request.

`assemble_guide` is the one place that decides what a citizen sees. It cuts the
guide from `GuideItems`, every item read at once (ten queries, whatever the number of
items or guides), with the one applicability rule, `applies`.
"""

import copy
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from django.db.models import F, Prefetch, Value

from guides import clock
from guides.models import (
    CertificateType,
    Notice,
    Region,
    Situation,
    Source,
    Step,
    StepChannel,
)
from guides.registry import GUIDE_ITEM_MODELS, GUIDE_SECTIONS


def rests_on_official_text(item):
    """Tell whether `item`'s source is an official text (the original or a repost)."""
    return bool(item.source_id) and item.source.authority != Source.Authority.THIRD_PARTY


@dataclass(frozen=True, kw_only=True)
class GuideRequest:
    """What a guide is for: a certificate type, situations, a region (or none) and a date."""

    certificate_type: CertificateType
    situations: frozenset = frozenset()
    region: Region | None = None
    on: date | None = None
    include_drafts: bool = False

    @property
    def reasons(self):
        return sorted((s for s in self.situations if s.is_reason), key=lambda s: (s.order, s.pk))

    @property
    def circumstances(self):
        return sorted((s for s in self.situations if not s.is_reason), key=lambda s: (s.order, s.pk))


@dataclass
class Guide:
    request: GuideRequest
    preconditions: list = field(default_factory=list)
    materials: list = field(default_factory=list)
    steps: list = field(default_factory=list)
    processing_times: list = field(default_factory=list)
    fees: list = field(default_factory=list)
    notices: list = field(default_factory=list)
    faqs: list = field(default_factory=list)
    offices: list = field(default_factory=list)
    # What the pages work out from the guide, per day (`per_day`).
    memo: dict = field(default_factory=dict, compare=False, repr=False)

    # The assembled guide is cached and shared by every request for its page (a content
    # edit makes a new one), so what the page derives from its items is worked out once.

    def per_day(self, name, build):
        """Return `build()`, worked out once per day for this guide (an item's labels change on its effective date)."""
        today = clock.today()
        memo = self.memo
        if memo.get("day") != today:
            # Replaced, not cleared: a thread still on yesterday keeps writing to yesterday's.
            memo = self.memo = {"day": today}
        try:
            return memo[name]
        except KeyError:
            value = memo[name] = build()
            return value

    def items(self):
        """Return every item of the guide, section by section."""
        return [item for section in GUIDE_SECTIONS for item in getattr(self, section.attribute)]

    @cached_property
    def last_reviewed(self):
        dates = [item.reviewed_on for item in self.items() if item.reviewed_on]
        return max(dates) if dates else None

    @cached_property
    def reviews_by_authority(self):
        """Return [(authority or None, latest review date or None)] for each level this guide's items rest on, best first.

        None stands for items without a source. Each level's review is against its own
        kind of text, so a page mixing them states each one (issue 22 §5).
        """
        latest = {}
        for item in self.items():
            level = item.source.authority if item.source_id else None
            dates = latest.setdefault(level, [])
            if item.reviewed_on:
                dates.append(item.reviewed_on)
        order = [*Source.Authority.values, None]
        return [(level, max(latest[level], default=None)) for level in order if level in latest]

    @cached_property
    def sources(self):
        """Return the sources of the page's items, its certificate type, situations and region.

        A situation's or a region's source is left out on a page of a certificate type it
        does not cover (`Source.covers`): 16号 第十六条 backs "向发给证书的机构申请补发" for
        专技职业资格证书, not for 职称 or 技能 certificates.
        """
        seen = {}
        request = self.request
        cert = request.certificate_type
        context = [*request.situations, *([request.region] if request.region else [])]
        for item in [*self.items(), cert, *(row for row in context if not row.source_id or row.source.covers(cert))]:
            if item.source_id and item.source_id not in seen:
                seen[item.source_id] = item.source
        return sorted(seen.values(), key=lambda s: (s.kind != "policy", s.title))

    @cached_property
    def third_party_only(self):
        """Tell whether no item of this guide rests on an official text (original or repost)."""
        return not any(rests_on_official_text(item) for item in self.items())

    @cached_property
    def has_own_region_items(self):
        """Tell whether this province page shows items of the province's own (else it is the national text)."""
        return any(getattr(item, "region_limited", False) for item in self.items())

    @cached_property
    def mixed_authorities(self):
        """Tell whether this guide's items rest on sources of more than one authority level (or none)."""
        return len({item.source.authority if item.source_id else None for item in self.items()}) > 1

    @cached_property
    def third_party_sources(self):
        """Return the third-party sources this guide's items rest on (not those of its region or type)."""
        seen = {item.source_id: item.source for item in self.items() if item.source_id}
        return [source for source in seen.values() if source.authority == Source.Authority.THIRD_PARTY]

    @cached_property
    def first(self):
        """The notices a reader meets before anything else (先看这里): e.g. download the electronic certificate."""
        return [n for n in self.notices if n.kind == Notice.Kind.FIRST]

    @cached_property
    def warnings(self):
        return [n for n in self.notices if n.kind == Notice.Kind.WARNING]

    @cached_property
    def tips(self):
        return [n for n in self.notices if n.kind not in (Notice.Kind.WARNING, Notice.Kind.FIRST)]

    @cached_property
    def has_drafts(self):
        return any(not item.is_published for item in self.items())


@dataclass(frozen=True)
class Limits:
    """What one item is limited to, as primary keys; an empty set is no limit."""

    certificate_types: frozenset = frozenset()
    reasons: frozenset = frozenset()  # 遗失, 损毁
    circumstances: frozenset = frozenset()  # 异地, 加急
    regions: frozenset = frozenset()


NO_LIMITS = Limits()


def applies(limits, request):
    """Tell whether an item with `limits` shows for `request`: every non-empty limit must match.

    This is the one applicability rule: pages, the checker, search and feedback all
    cut their items with it. Reason limits (遗失, 损毁) and circumstance limits (异地,
    加急) are matched separately: an item limited to 遗失 and 加急 applies only when
    both hold. When the request names no reason, reason-limited items stay in (the page
    labels them); when it names no region, region-limited items drop out.
    """
    if limits.certificate_types and request.certificate_type.pk not in limits.certificate_types:
        return False
    chosen = {situation.pk for situation in request.situations}
    if limits.circumstances and not limits.circumstances & chosen:
        return False
    if limits.reasons and request.reasons and not limits.reasons & chosen:
        return False
    if request.region is None:
        return not limits.regions
    return not limits.regions or request.region.pk in limits.regions


def in_effect(item, on):
    """Tell whether `item` is in effect on the date `on` (open-ended dates are always in effect)."""
    return (item.effective_from is None or item.effective_from <= on) and (
        item.effective_to is None or item.effective_to >= on
    )


@dataclass(frozen=True)
class GuideItems:
    """Every guide item (drafts and items out of effect too) with its limits, read at once.

    Any number of guides are cut from it without a query (`assemble_guide`): a page
    costs one read of the content, and `check_content` or the search index, which
    assemble every page, read it once. `load()` runs one query per item kind, one
    for the steps' channels, and one (a UNION) for every kind's limits.
    """

    rows: dict  # {model: [item, …]} in each kind's order (order, pk)
    limits: dict  # {(model, pk): Limits} for items with a limit

    @classmethod
    def load(cls, models=None):
        models = GUIDE_ITEM_MODELS if models is None else models
        channels = Prefetch("channels", queryset=StepChannel.objects.order_by("order", "pk"))
        rows = {}
        for model in models:
            queryset = model.objects.select_related("source")
            rows[model] = list(queryset.prefetch_related(channels) if model is Step else queryset)
        return cls(rows=rows, limits=_load_limits(models))

    def cut(self, model, request, all_reasons):
        """Return the items of one kind for `request`, in order, with replaced items dropped.

        Each is a copy carrying what its page says of it: `only_for_reasons` (the
        reasons it is limited to, on a page that names none) and, on a province's
        page, `region_limited` (it is one of the province's own).
        """
        found = []
        for item in self.rows[model]:
            if not (item.is_published or request.include_drafts) or not in_effect(item, request.on):
                continue
            limits = self.limits.get((model, item.pk), NO_LIMITS)
            if applies(limits, request):
                found.append((item, limits))
        replaced = {item.replaces_id for item, _ in found if item.replaces_id}
        unlabelled = not request.reasons
        kept = []
        for item, limits in found:
            if item.pk in replaced:
                continue
            item = copy.copy(item)  # the rows are shared by every page cut from them
            only = [r for r in all_reasons if r.pk in limits.reasons] if unlabelled else []
            # An item limited to every reason is not reason-specific.
            item.only_for_reasons = [] if len(only) == len(all_reasons) else only
            if request.region is not None:
                item.region_limited = bool(limits.regions)
            kept.append(item)
        return kept


def _load_limits(models):
    """Return {(model, pk): Limits} for every item of `models` with a limit: one query, a UNION of the link tables."""
    parts = []
    for model in models:
        for name in ("certificate_types", "situations", "regions"):
            field_ = model._meta.get_field(name)
            through = field_.remote_field.through
            kind = F(f"{field_.m2m_reverse_field_name()}__kind") if name == "situations" else Value("")
            parts.append(
                through.objects.order_by()
                .annotate(limit=Value(f"{model._meta.label_lower}.{name}"), situation_kind=kind)
                .values_list("limit", field_.m2m_field_name(), field_.m2m_reverse_field_name(), "situation_kind")
            )
    first, *others = parts
    by_model = {model._meta.label_lower: model for model in models}
    found = {}
    for limit, item_pk, target_pk, situation_kind in first.union(*others, all=True):
        label, name = limit.rsplit(".", 1)
        if name == "situations":
            name = "reasons" if situation_kind == Situation.Kind.REASON else "circumstances"
        found.setdefault((by_model[label], item_pk), {}).setdefault(name, set()).add(target_pk)
    return {key: Limits(**{name: frozenset(pks) for name, pks in sets.items()}) for key, sets in found.items()}


def assemble_guide(request, all_reasons=None, items=None):
    """Return the `Guide` for `request`.

    `all_reasons` (the reason situations, 遗失 and 损毁) label reason-limited items
    on pages that have no reason chosen; pass them when the caller has them
    already, to save a query. `items` (a `GuideItems`) saves reading the items:
    pass it when assembling many guides, or a cached one.
    """
    if request.on is None:
        raise ValueError("GuideRequest.on must be a date")
    if all_reasons is None:
        all_reasons = list(Situation.objects.filter(kind=Situation.Kind.REASON))
    items = GuideItems.load() if items is None else items

    def section(model):
        # On a province page, the province's own items come first in each section.
        return sorted(
            items.cut(model, request, all_reasons), key=lambda item: not getattr(item, "region_limited", False)
        )

    return Guide(request=request, **{s.attribute: section(s.model) for s in GUIDE_SECTIONS})


def applicable_items(model, request, items=None):
    """Return the applicable items of one kind for `request`, which must name its reason.

    The checker asks one question per applicable precondition without assembling
    the whole guide. `items` as for `assemble_guide` (else only this kind is read).
    """
    if request.on is None or not request.reasons:
        raise ValueError("applicable_items needs a date and a reason")
    items = GuideItems.load([model]) if items is None else items
    return items.cut(model, request, request.reasons)


def regions_with_items():
    """Return the pks of the regions some published item is limited to (their pages may have content of their own)."""
    return {pk for model in GUIDE_ITEM_MODELS for pk in model.objects.published().values_list("regions", flat=True)}
