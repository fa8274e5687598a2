"""A Redis that accepts connections and never answers: asked once, then skipped for a while.

The hung Redis is real: a socket server on a loopback port that accepts every
connection and never replies, so each command waits out its socket timeout. The
test counts the connections it accepts: one per time the site asked Redis.
"""

import json
import socket
import threading
from http import HTTPStatus

import pytest
from django.core.cache import caches
from django.test import Client
from django.urls import reverse
from django_redis.cache import RedisCache

from guides.caching import breaker as cache_breaker
from guides.caching.backends import cache_settings


class HungRedis:
    """Accepts TCP connections on a free loopback port and never sends a byte."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.url = f"redis://127.0.0.1:{self.sock.getsockname()[1]}/0"
        self.accepted = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.accepted.append(conn)

    def close(self):
        self.sock.close()
        for conn in self.accepted:
            conn.close()


@pytest.fixture
def hung_redis():
    cache_breaker.reset()
    server = HungRedis()
    yield server
    server.close()
    cache_breaker.reset()


def redis_cache(url):
    settings = cache_breaker.redis_cache(url, "test")
    return RedisCache(settings["LOCATION"], settings)


def test_a_hung_redis_is_asked_once_then_skipped(hung_redis):
    cache = redis_cache(hung_redis.url)
    assert cache.get("a") is None  # waits out one socket timeout
    assert len(hung_redis.accepted) == 1
    assert cache_breaker.cooling_off()
    for _ in range(20):
        assert cache.get("a") is None
        cache.set("a", 1)
    assert len(hung_redis.accepted) == 1, "a command went to Redis while cooling off"


def test_redis_is_asked_again_after_the_cool_off(hung_redis, monkeypatch):
    cache = redis_cache(hung_redis.url)
    cache.get("a")
    now = cache_breaker.monotonic()
    monkeypatch.setattr(cache_breaker, "monotonic", lambda: now + cache_breaker.COOL_OFF_SECONDS - 1)
    cache.get("a")
    assert len(hung_redis.accepted) == 1
    monkeypatch.setattr(cache_breaker, "monotonic", lambda: now + cache_breaker.COOL_OFF_SECONDS + 1)
    cache.get("a")
    assert len(hung_redis.accepted) == 2


def test_pages_render_from_the_database_and_health_says_degraded(content, hung_redis, settings, tmp_path):
    settings.CACHES = cache_settings(redis_url=hung_redis.url, cache_dir=tmp_path, key_prefix="test")
    client = Client()
    guide = client.get(reverse("guides:guide", args=["professional-qualification", "lost"]))
    assert guide.status_code == HTTPStatus.OK
    assert "补办" in guide.content.decode()
    assert len(hung_redis.accepted) == 1, "one request asked a hung Redis more than once"
    for name, args in [("guides:home", []), ("guides:guide", ["professional-title", "damaged"])]:
        assert client.get(reverse(name, args=args)).status_code == HTTPStatus.OK
    assert len(hung_redis.accepted) == 1
    health = client.get(reverse("healthz"))
    assert health.status_code == HTTPStatus.OK, "a hung cache is no reason to leave the balancer"
    assert json.loads(health.content)["status"] == "degraded"


def real_redis_url():
    with socket.socket() as sock:
        if sock.connect_ex(("127.0.0.1", 6379)) != 0:
            pytest.skip("no Redis on 127.0.0.1:6379")
    return "redis://127.0.0.1:6379/2"


def test_a_healthy_redis_works_through_the_breaker_and_recovers_after_a_trip(monkeypatch):
    cache_breaker.reset()
    cache = redis_cache(real_redis_url())
    key = "cache-breaker-test"
    cache.set(key, "stored", timeout=10)
    assert cache.get(key) == "stored"
    cache_breaker.trip()
    assert cache.get(key) is None  # skipped: a miss, at once
    now = cache_breaker.monotonic()
    monkeypatch.setattr(cache_breaker, "monotonic", lambda: now + cache_breaker.COOL_OFF_SECONDS + 1)
    assert cache.get(key) == "stored"
    cache.delete(key)
    cache_breaker.reset()


def test_the_site_cache_uses_the_breaker_when_redis_is_configured():
    if "RedisCache" not in caches["default"].__class__.__name__:
        pytest.skip("REDIS_URL is not set")
    pool = caches["default"].client.get_client().connection_pool
    assert issubclass(pool.connection_class, cache_breaker.CoolOffMixin)
