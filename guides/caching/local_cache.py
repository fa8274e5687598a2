"""A per-process copy of cache entries whose keys contain the content version.

Such an entry can never go stale: a content edit changes the version, so the
next request asks for a new key. Keeping the unpickled object in the process
saves a Redis round trip and the unpickling (several milliseconds for the
catalogue's model rows) on every request; the version itself is still read
from the shared cache each time, so every worker sees an edit at once.
"""

from collections import OrderedDict

from django.core.cache import cache

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
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout=timeout)
    _entries[key] = value
    if len(_entries) > MAX_ENTRIES:
        _entries.popitem(last=False)
    return value


def clear():
    """Forget every entry (tests clear the shared cache and this with it)."""
    _entries.clear()
