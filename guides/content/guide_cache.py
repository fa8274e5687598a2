"""Assembled guides, cached per content version, release and effect period.

Assembling a guide cuts it from every guide item (`GuideItems`, read once per
content version and shared by every page: ten queries). Its result depends only on the request (certificate
type, situations, region, date, drafts or not) and on the content, so it is
kept in the shared cache (guides/caching/versioned.py): pages the page cache cannot
hold (a query string, a staff preview, a checker outcome) reuse it, and any
content edit makes every worker assemble afresh.

The date counts only through the items' effective dates: every date between two
consecutive `effective_from` / day-after-`effective_to` boundaries gets the same
guide. So the key names that period, not the date: a checker outcome for any of
the 400 submission dates it accepts reuses one guide per period (usually one or
two), and anonymous requests cannot fill the cache with a guide per date. What
depends on the date itself (the date ranges) is worked out per request. Pages are
for today, keyed by the day as before: finding the period costs a query (once per
content version) that a cold page's budget of ten has no room for.
"""

from bisect import bisect_right
from datetime import timedelta

from guides import clock
from guides.caching.versioned import versioned
from guides.content.selectors import GuideItems, applicable_items, assemble_guide
from guides.registry import GUIDE_ITEM_MODELS


def effect_boundaries():
    """Return the sorted dates on which some guide item comes into or goes out of effect."""

    def build():
        # One query (a UNION over the item kinds): a cold page has a budget of ten.
        first, *others = (
            model.objects.exclude(effective_from=None, effective_to=None)
            .order_by()
            .values_list("effective_from", "effective_to")
            for model in GUIDE_ITEM_MODELS
        )
        days = set()
        for starts, ends in first.union(*others):
            if starts:
                days.add(starts)
            if ends:
                days.add(ends + timedelta(days=1))
        return tuple(sorted(days))

    return versioned("effect-boundaries", build=build)


def effect_period(on):
    """Return a token for the period of `on` in which no item comes into or goes out of effect."""
    if on is None:
        return "-"
    boundaries = effect_boundaries()
    index = bisect_right(boundaries, on)
    return boundaries[index - 1].isoformat() if index else "start"


def _date_part(on):
    """Today's pages key by the day (no query); any other date by its effect period (one query per version)."""
    if on == clock.today():
        return f"day:{on.isoformat()}"
    return f"from:{effect_period(on)}"


def _request_parts(request):
    situations = ",".join(str(pk) for pk in sorted(s.pk for s in request.situations))
    region = request.region.pk if request.region else "-"
    return (request.certificate_type.pk, situations, region, _date_part(request.on), int(request.include_drafts))


def cached_guide_items():
    """Return every guide item with its limits (`GuideItems`), read once per content version for every page."""
    return versioned("guide-items", build=GuideItems.load)


def cached_guide(request, all_reasons=None):
    """Return `assemble_guide(request, all_reasons)`, from the cache while the content is unchanged.

    The guide may have been assembled for another date of the same effect period:
    its `request.on` is that date. Callers take the date from their own request.
    """
    return versioned(
        "guide",
        *_request_parts(request),
        build=lambda: assemble_guide(request, all_reasons, items=cached_guide_items()),
    )


def cached_items(model, request):
    """Return `applicable_items(model, request)` (the checker's questions), cached like guides."""
    return versioned(
        "items",
        model._meta.model_name,
        *_request_parts(request),
        build=lambda: applicable_items(model, request, items=cached_guide_items()),
    )
