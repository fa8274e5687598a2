"""Assemble a guide: the applicable, published, in-effect items for one request.

`assemble_guide` is the one place that decides what a citizen sees. It runs one
query per item kind (plus one for step channels), whatever the number of items.
"""

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from django.db.models import Prefetch

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

    # The assembled guide is cached and shared by every request for its page (a content
    # edit makes a new one), so what the page derives from its items is worked out once.

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
        seen = {}
        request = self.request
        context = [request.certificate_type, *request.situations, *([request.region] if request.region else [])]
        for item in [*self.items(), *context]:
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


def _items(model, request, all_reasons, queryset=None):
    """Return the applicable items of one kind, in order, with replaced items dropped."""
    qs = (queryset if queryset is not None else model.objects.all()).select_related("source")
    if not request.include_drafts:
        qs = qs.published()
    qs = qs.in_effect(request.on).applicable_to(request.certificate_type, request.situations, request.region)
    unlabelled = not request.reasons
    if unlabelled:
        qs = qs.with_reason_limits(all_reasons)
    if request.region is not None:
        qs = qs.with_region_flag()
    items = list(qs)
    replaced = {item.replaces_id for item in items if item.replaces_id}
    kept = [item for item in items if item.pk not in replaced]
    for item in kept:
        item.only_for_reasons = (
            [r for r in all_reasons if getattr(item, f"limited_to_{r.pk}", False)] if unlabelled else []
        )
        # An item limited to every reason is not reason-specific.
        if len(item.only_for_reasons) == len(all_reasons):
            item.only_for_reasons = []
    return kept


def assemble_guide(request, all_reasons=None):
    """Return the `Guide` for `request`.

    `all_reasons` (the reason situations, 遗失 and 损毁) label reason-limited items
    on pages that have no reason chosen; pass them when the caller has them
    already, to save a query.
    """
    if request.on is None:
        raise ValueError("GuideRequest.on must be a date")
    if all_reasons is None:
        all_reasons = list(Situation.objects.filter(kind=Situation.Kind.REASON))
    steps = Step.objects.prefetch_related(Prefetch("channels", queryset=StepChannel.objects.order_by("order", "pk")))

    def items(model, queryset=None):
        # On a province page, the province's own items come first in each section.
        return sorted(
            _items(model, request, all_reasons, queryset), key=lambda item: not getattr(item, "region_limited", False)
        )

    return Guide(
        request=request,
        **{s.attribute: items(s.model, steps if s.model is Step else None) for s in GUIDE_SECTIONS},
    )


def applicable_items(model, request):
    """Return the applicable items of one kind for `request`, which must name its reason.

    The checker asks one question per applicable precondition without assembling
    the whole guide.
    """
    if request.on is None or not request.reasons:
        raise ValueError("applicable_items needs a date and a reason")
    return _items(model, request, request.reasons)


def regions_with_items():
    """Return the pks of the regions some published item is limited to (their pages may have content of their own)."""
    return {pk for model in GUIDE_ITEM_MODELS for pk in model.objects.published().values_list("regions", flat=True)}
