"""The cache aliases, and a file cache that fails as a miss, never as an error page.

Three aliases, so that what must survive and what every request reads are kept
apart from the bulk (docs/operations.md says what an operator must set up):

* `default` — derived objects (assembled guides, the catalogue, the search index),
  pickled, all with a timeout: evictable, and a release's keys are never read by another
  (guides/caching/versioned.py).
* `pages` — whole cached pages, read on every request: JSON (text and headers), so a
  value planted in the cache is data, never code. Evictable.
* `state` — the content version and the rate-limit counters: JSON, no timeout, never
  culled. On Redis, set `maxmemory-policy volatile-lru` (or `noeviction`): only keys with
  a timeout are evicted, and everything the site stores in `default` and `pages` has one.

On Redis, `state` can also watch a key (`KeyWatch`): Redis tells this process when the
key changes, so the content version need not be read from Redis on every request.

Without REDIS_URL the aliases are directories on local disk (`DJANGO_CACHE_DIR` and its
`pages/` and `state/` subdirectories): only `state/` is never culled.
"""

import contextlib
import json
import logging
import os
import pickle
import threading
import zlib
from time import monotonic

import redis
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.filebased import FileBasedCache
from django.core.serializers.json import DjangoJSONEncoder
from django_redis.cache import RedisCache

from guides.caching import breaker

logger = logging.getLogger(__name__)

# Entries kept before the file cache culls: every guide page (3 types x 4 situations x 32 regions)
# and the objects behind them fit.
FILE_MAX_ENTRIES = 3000
# `state/` holds one version file and one counter file: it must never cull them.
NEVER_CULL = 10**12

# What reading or writing a cache file can raise: the disk (unreadable entry, full disk,
# a directory turned read-only) and a damaged or foreign entry (truncated, not a pickle,
# a class this release does not have).
FILE_ERRORS = (
    OSError,
    EOFError,
    pickle.UnpicklingError,
    zlib.error,
    ValueError,
    TypeError,
    AttributeError,
    ImportError,
    IndexError,
    KeyError,
)


class SafeFileBasedCache(FileBasedCache):
    """Django's file cache, degraded to "no cache" on any file error, with a log line.

    A read that fails is a miss (the damaged file is removed, if this process may);
    a write that fails is dropped and starts the cool-off of guides/caching/breaker.py,
    so the content version falls back to a per-process one and /healthz says degraded.
    """

    def __init__(self, dir, params):
        try:
            super().__init__(dir, params)
        except FILE_ERRORS as error:  # the directory cannot be created: writes will fail too
            logger.error("file cache: cannot create %s (%r): running without it for a while", dir, error)
            breaker.trip()

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except FILE_ERRORS as error:
            logger.warning("file cache: cannot read %s (%r): treated as a miss", key, error)
            self._discard(key, version)
            return default

    def has_key(self, key, version=None):
        try:
            return super().has_key(key, version)
        except FILE_ERRORS:
            return False

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        """Store `value`; return whether it was stored."""
        return self._write(super().set, key, value, timeout=timeout, version=version) is not False

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        if self.has_key(key, version):
            return False
        return self.set(key, value, timeout=timeout, version=version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return bool(self._write(super().touch, key, timeout=timeout, version=version))

    def delete(self, key, version=None):
        return bool(self._write(super().delete, key, version=version))

    def clear(self):
        self._write(super().clear)

    def _write(self, method, *args, **kwargs):
        try:
            return method(*args, **kwargs)
        except FILE_ERRORS as error:
            logger.error("file cache: cannot write in %s (%r): running without it for a while", self._dir, error)
            breaker.trip()
            return False

    def _discard(self, key, version):
        with contextlib.suppress(FILE_ERRORS):
            super().delete(key, version)


class JSONSerializer:
    """django-redis serializer for `pages` and `state`: JSON as UTF-8; a value that is not JSON reads as a miss."""

    def __init__(self, options=None):
        pass

    def dumps(self, value):
        return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":")).encode()

    def loads(self, value):
        try:
            return json.loads(value.decode())
        except ValueError:  # UnicodeDecodeError and JSONDecodeError among them
            logger.warning("cache value is not JSON (planted, or written by another program): treated as a miss")
            return None


class KeyWatch:
    """A connection on which Redis says, unasked, whenever one key changes.

    Redis's client-side caching protocol (`CLIENT TRACKING … BCAST PREFIX key`, Redis 6
    or later) sends an invalidation message on every change of the key, whoever makes
    it (a SET by any process or host, a flush, an eviction), before it answers the
    command that made the change. `epoch()` reads, without waiting, what has arrived:
    while it returns the same number, the key has not changed. It returns None when
    it cannot vouch for that, and the caller must then read the key from Redis:

    * the connection is not up (not yet, lost, or Redis skipped: guides/caching/breaker.py);
      it is tried again at most once every `RETRY_SECONDS`, and a new connection starts a
      new epoch, since changes made while there was none went unheard;
    * Redis has said nothing for `LEASE_SECONDS`: a connection that hangs without
      closing would otherwise hide changes. A PING after `HEARTBEAT_SECONDS` of silence
      keeps a live connection heard; an unanswered one drops it.

    Nothing runs in the background: the caller's own request reads the socket, so a
    message that reached this host before the request began is always seen.
    """

    HEARTBEAT_SECONDS = 0.5
    LEASE_SECONDS = 1.0
    RETRY_SECONDS = 1.0
    CHANNEL = "__redis__:invalidate"

    def __init__(self, url, key):
        self.url = url
        self.key = key
        self._lock = threading.Lock()
        self._connection = None
        self._epoch = 0
        self._heard_at = self._pinged_at = None
        self._retry_at = 0.0
        self.client_id = None  # Redis's id of the watch's connection (CLIENT LIST), once connected

    def epoch(self):
        """Return a number that changes whenever the key may have changed, or None if unsure."""
        with self._lock:
            try:
                return self._read_news()
            except (redis.RedisError, OSError) as error:
                logger.warning("content version watch on Redis lost (%r): reading Redis on every request", error)
                self.close()
                return None

    def _read_news(self):
        now = monotonic()
        if self._connection is None:
            if now < self._retry_at or breaker.cooling_off():
                return None
            self._retry_at = now + self.RETRY_SECONDS
            self._connect()
        while self._connection.can_read(0):
            reply = self._connection.read_response()
            self._heard_at = now
            if reply[0] == b"message":
                self._epoch += 1
            else:  # the answer to a PING
                self._pinged_at = None
        if self._pinged_at is not None and now - self._pinged_at > self.LEASE_SECONDS:
            raise redis.TimeoutError("no answer to PING")
        if self._pinged_at is None and now - self._heard_at > self.HEARTBEAT_SECONDS:
            self._connection.send_command("PING")
            self._pinged_at = now
        return self._epoch if now - self._heard_at <= self.LEASE_SECONDS else None

    def _connect(self):
        # RESP2, with the connection's invalidations redirected to itself and read as
        # Pub/Sub messages: plain replies, whichever protocol the cache's own connections speak.
        pool = redis.ConnectionPool.from_url(
            self.url,
            protocol=2,
            socket_timeout=0.25,
            socket_connect_timeout=0.25,
            connection_class=breaker.connection_class(self.url),
        )
        self._connection = connection = pool.get_connection()
        # Named for operators (CLIENT LIST) and tests: one watch per process.
        connection.send_command("CLIENT", "SETNAME", f"content-version-watch-{os.getpid()}")
        connection.read_response()
        connection.send_command("CLIENT", "ID")
        self.client_id = client_id = connection.read_response()
        connection.send_command("CLIENT", "TRACKING", "ON", "REDIRECT", client_id, "BCAST", "PREFIX", self.key)
        connection.read_response()
        connection.send_command("SUBSCRIBE", self.CHANNEL)
        connection.read_response()
        self._epoch += 1
        self._heard_at = monotonic()
        self._pinged_at = None

    def close(self):
        if self._connection is not None:
            self._connection.disconnect()
            self._connection = None
            self.client_id = None


_watch = None


def _forget_watch():
    """Drop the parent's watch in a forked child: its connection belongs to the parent."""
    global _watch
    _watch = None


os.register_at_fork(after_in_child=_forget_watch)


class WatchedRedisCache(RedisCache):
    """django-redis for the `state` alias, whose keys can be watched (`KeyWatch`)."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self.url = server

    def watch(self, key):
        """Return this process's watch on `key` (one per process: opening another closes the last)."""
        global _watch
        full_key = self.make_key(key)
        if _watch is None or (_watch.url, _watch.key) != (self.url, full_key):
            if _watch is not None:
                _watch.close()
            _watch = KeyWatch(self.url, full_key)
        return _watch


def cache_settings(*, redis_url, cache_dir, key_prefix):
    """Return settings.CACHES: the three aliases on Redis at `redis_url`, or in `cache_dir` without one."""
    if redis_url:
        state = breaker.redis_cache(redis_url, f"{key_prefix}:state", serializer=JSONSerializer)
        state["BACKEND"] = f"{WatchedRedisCache.__module__}.{WatchedRedisCache.__name__}"
        return {
            "default": breaker.redis_cache(redis_url, key_prefix),
            "pages": breaker.redis_cache(redis_url, f"{key_prefix}:pages", serializer=JSONSerializer),
            "state": state,
        }
    backend = f"{SafeFileBasedCache.__module__}.{SafeFileBasedCache.__name__}"
    return {
        "default": {
            "BACKEND": backend,
            "LOCATION": str(cache_dir),
            "KEY_PREFIX": key_prefix,
            "OPTIONS": {"MAX_ENTRIES": FILE_MAX_ENTRIES},
        },
        "pages": {
            "BACKEND": backend,
            "LOCATION": str(cache_dir / "pages"),
            "KEY_PREFIX": key_prefix,
            "OPTIONS": {"MAX_ENTRIES": FILE_MAX_ENTRIES},
        },
        "state": {
            "BACKEND": backend,
            "LOCATION": str(cache_dir / "state"),
            "KEY_PREFIX": key_prefix,
            "OPTIONS": {"MAX_ENTRIES": NEVER_CULL},
        },
    }
