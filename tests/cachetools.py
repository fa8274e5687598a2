"""Emptying a cache alias in tests without FLUSHDB.

On Redis, `cache.clear()` is FLUSHDB, and a flush makes Redis send an invalidation to
every client that tracks keys (CLIENT TRACKING), in every database of the server. Under
`make test -n 2` one worker's flush would then reach the other worker's `KeyWatch` tests
(tests/caching/test_version_watch.py) as changes nobody made: they failed CI that way.
Deleting the alias's own keys invalidates only those keys.
"""

from django.core.cache import caches


def empty(alias):
    """Delete every key of the cache `alias` (its own key prefix only, on Redis)."""
    cache = caches[alias]
    if hasattr(cache, "delete_pattern"):  # django-redis: SCAN and DEL under this alias's prefix
        cache.delete_pattern("*")
    else:
        cache.clear()
