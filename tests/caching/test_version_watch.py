"""The content version kept in each process, and what Redis says when it changes (issue 21 §4).

On Redis a process keeps the version it read and reads it again only when its
`KeyWatch` says the key may have changed (guides/caching/backends.py). These tests
run against a real Redis: another process changes the key, the watch's connection is
killed or stalled, an editor saves during a stall; each time the next read must give
the version every other host reads.

A FLUSHDB anywhere on the Redis server reaches every watch as a change: the tests empty
caches by deleting their own keys instead (tests/cachetools.py), so another pytest worker
cannot disturb these counts.
"""

import json
import os
import socket
import subprocess
import sys
import uuid

import pytest
import redis
from django.core.cache import caches

from guides.caching import backends, breaker, version
from guides.caching.backends import cache_settings
from tests.redis_proxy import StallingProxy

pytestmark = pytest.mark.django_db

DB = 2  # the Redis tests' database (tests/caching/test_breaker.py); every key here is under a prefix of its own


def redis_url(port=6379):
    return f"redis://127.0.0.1:{port}/{DB}"


@pytest.fixture
def shared(settings, tmp_path, monkeypatch):
    """This process on a real Redis; returns a direct client (another host's view) and the version's key.

    The watch's clock stands still (a loaded machine must not let its lease run out mid-test).
    The version is already in Redis, as on a running site: had this process minted it, the
    invalidation of its own write could arrive at any moment of the test.
    """
    now = backends.monotonic()
    monkeypatch.setattr(backends, "monotonic", lambda: now)
    with socket.socket() as sock:
        if sock.connect_ex(("127.0.0.1", 6379)) != 0:
            pytest.skip("no Redis on 127.0.0.1:6379")
    prefix = f"test-{uuid.uuid4().hex[:8]}"
    settings.CACHES = cache_settings(redis_url=redis_url(), cache_dir=tmp_path, key_prefix=prefix)
    breaker.reset()
    version.reset_for_tests()
    direct = redis.Redis.from_url(redis_url())
    key = caches["state"].make_key(version.KEY)
    direct.set(key, json.dumps("5eed"))
    yield direct, key
    version.reset_for_tests()
    breaker.reset()
    for key in direct.scan_iter(f"{prefix}*"):
        direct.delete(key)


@pytest.fixture
def reads(monkeypatch):
    """Count the reads of the content version that go to the shared cache."""
    counted = []
    cache = caches["state"]
    real_get = cache.get

    def get(key, *args, **kwargs):
        counted.append(key)
        return real_get(key, *args, **kwargs)

    monkeypatch.setattr(cache, "get", get)
    return counted


def set_from_another_process(key, value):
    """Write the version as another host would: a separate process, its own connection."""
    code = f"import redis; redis.Redis.from_url({redis_url()!r}).set({key!r}, {json.dumps(value)!r})"
    subprocess.run([sys.executable, "-c", code], check=True)


def client_ids(direct):
    return {int(client["id"]) for client in direct.client_list()}


def test_a_change_by_another_process_reaches_this_processes_copy(shared, reads):
    _direct, key = shared
    set_from_another_process(key, "f1257")
    first = version.get_content_version()
    assert first == "f1257" and len(reads) == 1
    for _ in range(3):
        assert version.get_content_version() == first
    assert len(reads) == 1, "the version was read from Redis again while nothing changed"

    set_from_another_process(key, "abc123")
    assert version.get_content_version() == "abc123"
    assert len(reads) == 2


def test_this_processes_own_bump_shows_at_once(shared, reads):
    first = version.get_content_version()
    version.bump_content_version()
    bumped = version.get_content_version()
    assert bumped != first
    assert json.loads(shared[0].get(shared[1])) == bumped


def test_a_lost_watch_falls_back_to_reading_redis_on_every_request(shared, reads, monkeypatch):
    direct, key = shared
    later = backends.monotonic() + backends.KeyWatch.RETRY_SECONDS + 0.1
    version.get_content_version()
    watch = caches["state"].watch(version.KEY)
    lost = watch.client_id
    assert lost in client_ids(direct)
    direct.client_kill_filter(_id=lost)

    set_from_another_process(key, "beef01")
    before = len(reads)
    for _ in range(3):
        assert version.get_content_version() == "beef01"
    assert len(reads) == before + 3, "without its watch the process must ask Redis every time"

    # A second later the watch connects again, and the copy is trusted again.
    monkeypatch.setattr(backends, "monotonic", lambda: later)
    version.get_content_version()
    assert watch.client_id not in (None, lost) and watch.client_id in client_ids(direct)
    before = len(reads)
    version.get_content_version()
    version.get_content_version()
    assert len(reads) == before


def test_each_skip_of_redis_mints_a_version_of_its_own(shared):
    """Pages rendered during one skip are not reused in the next: the content may have changed in between."""
    shared_version = version.get_content_version()
    breaker.trip()
    first_skip = version.get_content_version()
    breaker.reset()
    assert version.get_content_version() == shared_version  # from the copy the watch vouches for
    breaker.trip()
    assert version.get_content_version() not in (first_skip, shared_version)


@pytest.fixture
def stalling(settings, tmp_path):
    """This process on a real Redis behind a proxy the test can stall; returns the proxy and the version's key."""
    with socket.socket() as sock:
        if sock.connect_ex(("127.0.0.1", 6379)) != 0:
            pytest.skip("no Redis on 127.0.0.1:6379")
    proxy = StallingProxy(db=DB)
    prefix = f"test-{uuid.uuid4().hex[:8]}"
    settings.CACHES = cache_settings(redis_url=proxy.url, cache_dir=tmp_path, key_prefix=prefix)
    breaker.reset()
    version.reset_for_tests()
    direct = redis.Redis.from_url(redis_url())
    key = caches["state"].make_key(version.KEY)
    direct.set(key, json.dumps("5eed"))  # as in `shared`: no invalidation of this process's own mint in flight
    yield proxy, key
    proxy.close()
    breaker.reset()
    version.reset_for_tests()
    for key in direct.scan_iter(f"{prefix}*"):
        direct.delete(key)


def test_a_watch_that_falls_silent_is_not_trusted(stalling, monkeypatch):
    """A connection that hangs without closing (a stalled network): the copy is dropped once PING goes unanswered."""
    proxy, _key = stalling
    first = version.get_content_version()
    proxy.stall()
    start = backends.monotonic()
    clock = [start + backends.KeyWatch.HEARTBEAT_SECONDS + 0.1]
    monkeypatch.setattr(backends, "monotonic", lambda: clock[0])
    assert version.get_content_version() == first  # heard from recently; a PING goes out
    clock[0] += backends.KeyWatch.LEASE_SECONDS + 0.1
    assert version.get_content_version() != first, "the old version was trusted on a silent connection"
    assert breaker.cooling_off()  # Redis was asked and did not answer: this process's own version for now


def test_a_save_during_a_stall_reaches_the_other_workers_once_redis_answers(stalling, monkeypatch, request):
    proxy, key = stalling
    version.get_content_version()
    other_worker = backends.KeyWatch(redis_url(), key)  # another worker's watch, not behind the proxy
    request.addfinalizer(other_worker.close)
    heard = other_worker.epoch()
    assert heard is not None

    proxy.stall()
    version.bump_content_version()  # an editor's save: it cannot reach Redis
    assert version.bump_pending()
    assert other_worker.epoch() == heard
    proxy.resume()

    # The cool-off ends: this process's next request writes the bump, and the other worker hears of it.
    now = breaker.monotonic()
    monkeypatch.setattr(breaker, "monotonic", lambda: now + breaker.COOL_OFF_SECONDS + 1)
    landed = version.get_content_version()
    assert not version.bump_pending()
    assert other_worker.epoch() != heard
    assert json.loads(redis.Redis.from_url(redis_url()).get(key)) == landed


def test_a_forked_process_opens_a_watch_of_its_own(shared):
    version.get_content_version()
    parent_watch = caches["state"].watch(version.KEY)
    assert parent_watch.epoch() is not None
    pid = os.fork()
    if pid == 0:  # the child, as a gunicorn worker forked from a master that had used the cache
        os._exit(0 if caches["state"].watch(version.KEY) is not parent_watch else 1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, "the child would read its parent's connection"
