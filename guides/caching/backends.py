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

Without REDIS_URL the aliases are directories on local disk (`DJANGO_CACHE_DIR` and its
`pages/` and `state/` subdirectories): only `state/` is never culled.
"""

import contextlib
import json
import logging
import pickle
import zlib

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.filebased import FileBasedCache
from django.core.serializers.json import DjangoJSONEncoder

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


def cache_settings(*, redis_url, cache_dir, key_prefix):
    """Return settings.CACHES: the three aliases on Redis at `redis_url`, or in `cache_dir` without one."""
    if redis_url:
        return {
            "default": breaker.redis_cache(redis_url, key_prefix),
            "pages": breaker.redis_cache(redis_url, f"{key_prefix}:pages", serializer=JSONSerializer),
            "state": breaker.redis_cache(redis_url, f"{key_prefix}:state", serializer=JSONSerializer),
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
