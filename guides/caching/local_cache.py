"""A per-process copy of cache entries whose keys contain the content version and release.

Use it through guides/caching/versioned.py, which builds those keys.

Such an entry can never go stale: a content edit changes the version, so the
next request asks for a new key. Keeping the unpickled object in the process
saves a Redis round trip and the unpickling (several milliseconds for the
catalogue's model rows) on every request; the version itself is checked on
every request (guides/caching/version.py), so every worker sees an edit at once.
"""

import logging
import pickle
from collections import OrderedDict

from django.core.cache import cache

logger = logging.getLogger(__name__)

# What unpickling raises for an entry an earlier release stored: its class moved or
# was renamed (AttributeError, ImportError), or its shape changed (TypeError).
_UNREADABLE = (AttributeError, ImportError, TypeError, EOFError, pickle.UnpicklingError)

# An assembled guide takes about 100 KB in memory, so this bounds a worker's copy at about 25 MB;
# most requests never get here (the page cache answers them).
MAX_ENTRIES = 256
_entries = OrderedDict()


def get_or_set(key, compute, timeout):
    """Return the value for the version-bearing `key`: from this process, the shared cache, or `compute()`."""
    try:
        _entries.move_to_end(key)
        return _entries[key]
    except KeyError:
        pass
    value = shared_get(key)
    if value is None:
        value = compute()
        shared_set(key, value, timeout)
    _entries[key] = value
    if len(_entries) > MAX_ENTRIES:
        _entries.popitem(last=False)
    return value


def shared_get(key):
    """Return the shared cache's value for `key`; None when missing or unreadable.

    The release in every key keeps other releases' objects away (guides/caching/release.py);
    this is the second line: an entry that still cannot be unpickled (damaged, or
    written by a release with the same code but other libraries) is recomputed, not a 500.
    """
    try:
        return cache.get(key)
    except _UNREADABLE as error:
        logger.warning("cache entry %s is unreadable by this release (%r): recomputed", key, error)
        return None


def shared_set(key, value, timeout):
    """Store `value` under `key` in the shared cache (a failure costs a miss later, nothing now)."""
    cache.set(key, value, timeout=timeout)


def clear():
    """Forget every entry (tests clear the shared cache and this with it)."""
    _entries.clear()
