"""The content version: a token that changes whenever any content row changes.

Cached pages and cached reference data are keyed by it, so an edit saved by one
worker makes every worker's next request miss the cache and read fresh rows.
The token lives in the shared cache (Redis in production); if the cache loses it,
a new token is minted, which only costs a cache miss.
"""

import time

from django.core.cache import cache

KEY = "content-version"


def get_content_version():
    """Return the current content version, minting one if the cache has none."""
    version = cache.get(KEY)
    if version is None:
        version = _new_version()
        # add() keeps a version another worker minted at the same moment.
        if not cache.add(KEY, version, timeout=None):
            version = cache.get(KEY) or version
    return version


def bump_content_version(**kwargs):
    """Record that content changed (a signal receiver, hence **kwargs)."""
    cache.set(KEY, _new_version(), timeout=None)


def _new_version():
    return format(time.time_ns(), "x")
