"""The one way to cache a value derived from the content: `versioned(name, *parts, build=…)`.

Its key carries the content version (an edit anywhere makes every worker compute
afresh) and the release (a deploy never reads objects an older release stored:
guides/caching/release.py), so neither can be forgotten: no other module builds
a version-keyed cache key (tests/caching/test_versioned.py checks the source).

The value is kept in this process too (guides/caching/local_cache.py): the key can
never go stale, so the copy saves a round trip and the unpickling on every request.
"""

from guides.caching import local_cache
from guides.caching.release import release_id
from guides.caching.version import get_content_version

# Entries expire a day after they were stored; an edit retires them at once anyway.
DAY = 60 * 60 * 24


def versioned_key(name, *parts):
    """Return the cache key for `name` and `parts` under the current content version and release."""
    return ":".join(["v", release_id(), get_content_version(), name, *(str(part) for part in parts)])


def versioned(name, *parts, build, timeout=DAY, keep_locally=True):
    """Return `build()`'s value for `name` and `parts`, from the cache while content and release are unchanged.

    `parts` must name everything besides the content that the value depends on
    (drafts or not, a region, a day). `keep_locally=False` for large values most
    requests never read (the search index): they stay in the shared cache only.
    """
    key = versioned_key(name, *parts)
    if keep_locally:
        return local_cache.get_or_set(key, build, timeout)
    value = local_cache.shared_get(key)
    if value is None:
        value = build()
        local_cache.shared_set(key, value, timeout)
    return value
