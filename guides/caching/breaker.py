"""Stop asking a Redis that does not answer, for a while.

The cache is set to swallow connection errors (an outage costs cache misses, not
the site), but each call still waits out its socket timeout. A Redis that accepts
connections and never replies would make every cache call of every request wait:
a page makes several, so it would take seconds. After the first failure this
process skips Redis for `COOL_OFF_SECONDS` (every call fails at once, as a miss),
then tries again; one request per interval pays the timeout.

It sits in the redis-py connection, where every command (get, set, pipelines)
passes, and is installed through django-redis's CONNECTION_POOL_KWARGS. The file
cache trips it too when it cannot write (guides/caching/backends.py): either way,
`cooling_off()` means "the shared cache is out for now", and the content version
falls back to one of this process's own (guides/caching/version.py). A content
version bump may still try once (`attempt_anyway()`).
"""

import socket
from contextlib import contextmanager
from contextvars import ContextVar
from time import monotonic

from redis.connection import Connection, SSLConnection, UnixDomainSocketConnection
from redis.exceptions import ConnectionError, TimeoutError

COOL_OFF_SECONDS = 30.0

_FAILURES = (ConnectionError, TimeoutError, socket.timeout, OSError)

# Monotonic time until which this process does not talk to Redis.
_skip_until = 0.0
_trips = 0
# Set inside `attempt_anyway()`: one call worth a timeout even while cooling off.
_attempting = ContextVar("breaker_attempting", default=False)


def cooling_off():
    """Return whether the shared cache is being skipped after a recent failure."""
    return monotonic() < _skip_until


@contextmanager
def attempt_anyway():
    """Let the calls in this block reach Redis even while cooling off (a content-version bump).

    An editor's save is rare and must not be lost to a cool-off started by a reply
    that was merely slow a few seconds ago: it is worth one timeout. A call that fails
    starts the cool-off again, as any other would.
    """
    token = _attempting.set(True)
    try:
        yield
    finally:
        _attempting.reset(token)


def trip():
    """Skip Redis for the next COOL_OFF_SECONDS."""
    global _skip_until, _trips
    _skip_until = monotonic() + COOL_OFF_SECONDS
    _trips += 1


def trips():
    """Return how many times this process has started a cool-off (a call failed if this grew)."""
    return _trips


def reset():
    """Talk to Redis again on the next call (tests)."""
    global _skip_until
    _skip_until = 0.0


@contextmanager
def _tripping():
    """Start the cool-off if the block fails to reach Redis or times out."""
    try:
        yield
    except _FAILURES:
        trip()
        raise


class CoolOffMixin:
    """Fail at once while cooling off; start cooling off on any connection failure or timeout."""

    def connect_check_health(self, *args, **kwargs):
        if cooling_off() and not _attempting.get():
            raise ConnectionError("Redis skipped for a while after a failure")
        with _tripping():
            return super().connect_check_health(*args, **kwargs)

    def send_packed_command(self, *args, **kwargs):
        with _tripping():
            return super().send_packed_command(*args, **kwargs)

    def read_response(self, *args, **kwargs):
        with _tripping():
            return super().read_response(*args, **kwargs)


class CoolOffConnection(CoolOffMixin, Connection):
    pass


class CoolOffSSLConnection(CoolOffMixin, SSLConnection):
    pass


class CoolOffUnixConnection(CoolOffMixin, UnixDomainSocketConnection):
    pass


def redis_cache(url, key_prefix, serializer=None):
    """Settings for the shared Redis cache at `url`, with short timeouts and the cool-off."""
    settings = {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": url,
        "KEY_PREFIX": key_prefix,
        "OPTIONS": {
            # An outage costs cache misses, never an error page.
            "IGNORE_EXCEPTIONS": True,
            # A healthy Redis answers in well under a millisecond.
            "SOCKET_CONNECT_TIMEOUT": 0.25,
            "SOCKET_TIMEOUT": 0.25,
            "CONNECTION_POOL_KWARGS": {"connection_class": connection_class(url)},
        },
    }
    if serializer is not None:
        settings["OPTIONS"]["SERIALIZER"] = f"{serializer.__module__}.{serializer.__qualname__}"
    return settings


def connection_class(url):
    """The connection class for a redis://, rediss:// or unix:// URL."""
    if url.startswith("rediss://"):
        return CoolOffSSLConnection
    if url.startswith("unix://"):
        return CoolOffUnixConnection
    return CoolOffConnection
