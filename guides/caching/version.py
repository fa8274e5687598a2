"""The content version: a token that changes whenever any content row changes.

Cached pages and cached reference data are keyed by it, so an edit saved by one
worker makes every worker's next request miss the cache and read fresh rows.
The token lives in the shared cache's `state` alias (Redis in production; JSON, no
timeout, never evicted or culled: guides/caching/backends.py); if the cache loses it,
a new token is minted, which only costs a cache miss.

Within one request the version is read once (`ContentVersionMiddleware`): the
catalogue, the assembled guide, the region picker and the checker's lookups all
key on it. On Redis, the process keeps the version it last read, and reads Redis
again only when Redis has said the key changed since, or cannot say so (a
`KeyWatch`, guides/caching/backends.py: no connection yet, lost, silent too long):
so a cached page costs no Redis round trip, and an edit made anywhere still shows on
every worker's next request. An edit made in this process drops its copy at once.
On other caches (files, the tests' memory) every read asks the cache.

Faults (docs/operations.md):

* While the shared cache is skipped (guides/caching/breaker.py: a hung or failing
  Redis, an unwritable cache directory) this process uses a version of its own,
  minted once for the whole skip, so what it caches in itself is reused meanwhile;
  it reads the shared version again once the cache answers.
* A bump that cannot reach the shared cache is not dropped: it is tried once even
  while cooling off, again when the transaction commits, and again on this
  process's next contact with the cache. Until it lands `bump_pending()` is true,
  and the admin tells the editor their change is not yet live everywhere.
"""

import logging
import re
import time
from contextvars import ContextVar

from django.core.cache import caches
from django.db import transaction

from guides.caching import breaker

logger = logging.getLogger(__name__)

KEY = "content-version"
_VERSION = re.compile(r"[0-9a-f]{1,32}")

# The version seen by the current request, once read; None outside a request.
_request_version = ContextVar("request_content_version", default=None)

# This process's version while the shared cache is skipped (None while in contact).
_fallback_version = None
# The latest bump that has not reached the shared cache (None when there is none).
_pending_version = None
# (watch, epoch, version): the version read while the watch was at that epoch (None when there is none).
_local = None


def state_cache():
    return caches["state"]


def get_content_version():
    """Return the current content version, minting one if the cache has none."""
    seen = _request_version.get()
    if seen:
        return seen[0]
    version = _shared_version()
    remember(version)
    return version


def _shared_version():
    """Return the shared cache's version, or this process's own while the cache is skipped."""
    global _fallback_version, _local
    if _pending_version is not None and not breaker.cooling_off():
        _retry_pending_bump()
    if breaker.cooling_off():
        return _fallback()
    cache = state_cache()
    watch = cache.watch(KEY) if hasattr(cache, "watch") else None
    epoch = watch.epoch() if watch else None
    if epoch is not None and _local is not None and _local[:2] == (watch, epoch):
        version = _local[2]
    else:
        version = _read_shared(cache)
        if version is None:
            return _fallback()
        # Kept only if nothing arrived while reading: a change then may have come after the read.
        if epoch is not None and watch.epoch() == epoch:
            _local = (watch, epoch, version)
    _fallback_version = None  # in contact again: a later skip mints a version of its own
    return version


def _read_shared(cache):
    """Return the shared cache's version, minting one if it has none; None if the cache failed."""
    version = cache.get(KEY)
    if not _is_version(version):
        if breaker.cooling_off():  # the read failed just now
            return None
        version = _new_version()
        # add() keeps a version another worker minted at the same moment; a value that is not
        # a version (damaged, planted) is replaced.
        if not cache.add(KEY, version, timeout=None):
            stored = cache.get(KEY)
            if _is_version(stored):
                version = stored
            else:
                cache.set(KEY, version, timeout=None)
                if breaker.cooling_off():
                    return None
    return version


def _fallback():
    global _fallback_version
    if _fallback_version is None:
        _fallback_version = _new_version()
        logger.warning("shared cache unavailable: this process uses content version %s for now", _fallback_version)
    return _fallback_version


def _is_version(value):
    return isinstance(value, str) and _VERSION.fullmatch(value) is not None


def remember(version):
    """Keep `version` as this request's content version (no-op outside a request)."""
    seen = _request_version.get()
    if seen is not None:
        seen[:] = [version]


def bump_pending():
    """Return whether a content change made in this process has not reached the shared cache yet."""
    return _pending_version is not None


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
    global _fallback_version, _local
    _local = None  # this process reads its own change from the shared cache, not the watch's word
    version = _new_version()
    remember(version)
    if _fallback_version is not None:
        _fallback_version = version  # this process sees its own edit even while cut off
    _publish(version)


def _retry_pending_bump():
    logger.warning("retrying a content-version bump that did not reach the shared cache")
    _publish(_new_version())


def _publish(version):
    """Write `version` to the shared cache and read it back; note it as pending if that fails."""
    global _pending_version
    cache = state_cache()
    trips = breaker.trips()
    with breaker.attempt_anyway():
        # django-redis answers a failed call with None (it swallows connection errors), like a
        # success of other backends: a new cool-off says it failed, the read-back that it landed.
        stored = cache.set(KEY, version, timeout=None) is not False and breaker.trips() == trips
        stored = stored and cache.get(KEY) == version
    if stored:
        _pending_version = None
        breaker.reset()  # the cache answered: stop skipping it
        return True
    _pending_version = version
    logger.error("content version %s could not be written to the shared cache: will retry", version)
    return False


def reset_for_tests():
    """Forget this process's fallback version, pending bump and copy of the version."""
    global _fallback_version, _pending_version, _local
    _fallback_version = _pending_version = _local = None


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
