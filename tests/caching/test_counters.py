"""The rate-limit counters: atomic under concurrency, on the file cache too (issue 20.14)."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.cache import caches
from django.test import RequestFactory

from guides.caching import counters
from guides.caching.backends import cache_settings
from guides.feedback.rate_limit import over_rate_limit

POSTS, LIMIT = 40, 10


def concurrent_posts(settings):
    """Send POSTS simultaneous submissions from one client through the rate limit; return how many pass."""
    settings.FEEDBACK_RATE_LIMIT = (LIMIT, 3600)
    start = threading.Barrier(POSTS)

    def submit(_):
        request = RequestFactory().post("/feedback/", REMOTE_ADDR="198.51.100.9")
        start.wait()
        return over_rate_limit(request) == 0

    with ThreadPoolExecutor(POSTS) as pool:
        return sum(pool.map(submit, range(POSTS)))


def test_forty_simultaneous_posts_on_the_file_cache_let_exactly_ten_through(settings, tmp_path):
    settings.CACHES = cache_settings(redis_url="", cache_dir=tmp_path, key_prefix="test")
    for _ in range(3):
        caches["state"].clear()
        counters.clear_local()
        assert concurrent_posts(settings) == LIMIT


def test_forty_simultaneous_posts_on_redis_let_exactly_ten_through(settings, tmp_path):
    import socket
    import uuid

    with socket.socket() as sock:
        if sock.connect_ex(("127.0.0.1", 6379)) != 0:
            pytest.skip("no Redis on 127.0.0.1:6379")
    prefix = f"test-{uuid.uuid4().hex[:8]}"
    settings.CACHES = cache_settings(redis_url="redis://127.0.0.1:6379/2", cache_dir=tmp_path, key_prefix=prefix)
    raw = caches["state"].client.get_client(write=True)
    try:
        assert concurrent_posts(settings) == LIMIT
        key = caches["state"].make_key("counts:feedback-rate")
        assert raw.ttl(key) == -1, "a counter with a timeout could be evicted under volatile-lru"
        assert len(raw.keys(f"{prefix}*")) == 1, "one hash per counter, whatever the number of clients"
    finally:
        for key in raw.scan_iter(f"{prefix}*"):
            raw.delete(key)


def test_a_new_window_starts_afresh_and_keeps_one_table(settings, tmp_path):
    settings.CACHES = cache_settings(redis_url="", cache_dir=tmp_path, key_prefix="test")
    assert [counters.count("c", "a", 1) for _ in range(3)] == [1, 2, 3]
    assert counters.count("c", "b", 1) == 1
    assert counters.count("c", "a", 2) == 1
    assert len(list((tmp_path / "state").glob("c.*"))) == 1


def test_a_damaged_counter_file_starts_the_window_afresh(settings, tmp_path):
    settings.CACHES = cache_settings(redis_url="", cache_dir=tmp_path, key_prefix="test")
    counters.count("c", "a", 1)
    next((tmp_path / "state").glob("c.*")).write_text("{not json")
    assert counters.count("c", "a", 1) == 1
