"""Assembled guides, cached per content version.

Assembling a guide is seven filtered queries whose building costs far more
Python than the rows they return. Its result depends only on the request (certificate
type, situations, region, date, drafts or not) and on the content, so it is
kept in the shared cache under the content version: pages the page cache cannot
hold (a query string, a staff preview, a checker outcome) reuse it, and any
content edit makes every worker assemble afresh.
"""

from guides.caching import local_cache
from guides.caching.version import get_content_version
from guides.content.selectors import applicable_items, assemble_guide

TIMEOUT = 60 * 60 * 24


def guide_key(request):
    """Return the cache key for a `GuideRequest` under the current content version."""
    situations = ",".join(str(pk) for pk in sorted(s.pk for s in request.situations))
    region = request.region.pk if request.region else "-"
    return (
        f"guide:{get_content_version()}:{request.certificate_type.pk}:{situations}:{region}:"
        f"{request.on.isoformat() if request.on else '-'}:{int(request.include_drafts)}"
    )


def cached_guide(request, all_reasons=None):
    """Return `assemble_guide(request, all_reasons)`, from the cache while the content is unchanged."""
    return local_cache.get_or_set(guide_key(request), lambda: assemble_guide(request, all_reasons), TIMEOUT)


def cached_items(model, request):
    """Return `applicable_items(model, request)` (the checker's questions), cached like guides."""
    key = f"{guide_key(request)}:{model._meta.model_name}"
    return local_cache.get_or_set(key, lambda: applicable_items(model, request), TIMEOUT)
