"""Counters per fixed time window (the feedback rate limit), atomic and never evicted.

Each counter name keeps one table for its current window: {member: count}, which a
count in a new window starts afresh. So the number of stored keys is one per name,
whatever the number of clients, and nothing needs a timeout:

* on Redis (the `state` alias), one hash with no timeout — under `volatile-lru` it
  is never evicted — updated by a Lua script, so every worker and host counts in it
  atomically;
* on the file cache, one JSON file in the never-culled `state/` directory, updated
  under an exclusive `flock`, so the workers of a host count atomically (its name ends
  in `.djcache`, so clearing the cache clears it);
* when neither answers (Redis skipped after a failure, the file unwritable) and on
  other backends (the tests' in-memory cache), a table in this process: the limit
  still holds per process.
"""

import fcntl
import json
import logging
import os
import threading
from pathlib import Path

from django.core.cache import caches
from redis.exceptions import RedisError

from guides.caching import breaker
from guides.caching.backends import SafeFileBasedCache

logger = logging.getLogger(__name__)

_COUNT = """
if redis.call('HGET', KEYS[1], '~window') ~= ARGV[1] then
  redis.call('DEL', KEYS[1])
  redis.call('HSET', KEYS[1], '~window', ARGV[1])
end
return redis.call('HINCRBY', KEYS[1], ARGV[2], 1)
"""

_local_lock = threading.Lock()
_local_tables = {}  # name → (window, {member: count})


def count(name, member, window):
    """Add one to `member`'s count in `name` for `window` (an int); return the new count."""
    cache = caches["state"]
    try:
        if isinstance(cache, SafeFileBasedCache):
            return _count_in_file(Path(cache._dir) / f"{name}.counts.djcache", member, window)
        if hasattr(cache, "client") and not breaker.cooling_off():
            client = cache.client.get_client(write=True)
            return int(client.eval(_COUNT, 1, cache.make_key(f"counts:{name}"), str(window), member))
    except (OSError, ValueError, RedisError) as error:
        logger.warning("counter %s: shared store unavailable (%r): counting in this process", name, error)
    return _count_locally(name, member, window)


def _count_locally(name, member, window):
    with _local_lock:
        seen, table = _local_tables.get(name, (None, {}))
        if seen != window:
            table = {}
            _local_tables[name] = (window, table)
        table[member] = table.get(member, 0) + 1
        return table[member]


def _count_in_file(path, member, window):
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    with os.fdopen(fd, "r+", encoding="utf-8") as file:
        fcntl.flock(file, fcntl.LOCK_EX)  # released when the file is closed
        try:
            data = json.loads(file.read() or "{}")
        except ValueError:
            data = {}  # damaged: start the window afresh
        table = data.get("counts", {}) if data.get("window") == window else {}
        table[member] = table.get(member, 0) + 1
        file.seek(0)
        file.truncate()
        file.write(json.dumps({"window": window, "counts": table}))
        file.flush()
        return table[member]


def clear_local():
    """Forget this process's tables (tests)."""
    with _local_lock:
        _local_tables.clear()
