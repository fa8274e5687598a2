"""The content version: a token that changes whenever any content row changes.

Cached pages and cached reference data are keyed by it, so an edit saved by one
worker makes every worker's next request miss the cache and read fresh rows.
The token lives in the shared cache (Redis in production); if the cache loses it,
a new token is minted, which only costs a cache miss.

Within one request the version is read from the shared cache once
(`ContentVersionMiddleware`): the catalogue, the assembled guide, the region
picker and the checker's lookups all key on it, and each read is a Redis round
trip. Outside a request (commands, tests) every call reads the cache.
"""

import time
from contextvars import ContextVar

from django.core.cache import cache
from django.db import transaction

KEY = "content-version"

# The version seen by the current request, once read; None outside a request.
_request_version = ContextVar("request_content_version", default=None)


def get_content_version():
    """Return the current content version, minting one if the cache has none."""
    seen = _request_version.get()
    if seen:
        return seen[0]
    version = cache.get(KEY)
    if version is None:
        version = _new_version()
        # add() keeps a version another worker minted at the same moment.
        if not cache.add(KEY, version, timeout=None):
            version = cache.get(KEY) or version
    remember(version)
    return version


def remember(version):
    """Keep `version` as this request's content version (no-op outside a request)."""
    seen = _request_version.get()
    if seen is not None:
        seen[:] = [version]


def bump_content_version(**kwargs):
    """Record that content changed (a signal receiver, hence **kwargs).

    The version changes twice: at once, so the rest of this request (and this
    connection, which sees its own uncommitted rows) reads fresh content, and again
    when the transaction commits. Without the second bump, a request of another
    worker that read the new version before the commit would render the old rows
    and store them under it, and that stale page would be served until the next edit.
    """
    _bump()
    transaction.on_commit(_bump, using=kwargs.get("using"))


def _bump():
    version = _new_version()
    cache.set(KEY, version, timeout=None)
    remember(version)


class ContentVersionMiddleware:
    """Read the content version at most once per request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request_version.set([])
        try:
            return self.get_response(request)
        finally:
            _request_version.reset(token)


def _new_version():
    return format(time.time_ns(), "x")
