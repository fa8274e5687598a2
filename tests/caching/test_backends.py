"""The cache under faults: a broken file cache is no cache, planted values are data, deployments stay apart."""

import json
import os
import pickle
import shutil
import socket
import uuid
from http import HTTPStatus
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.cache import caches
from django.test import Client
from django.urls import reverse

from guides.caching import breaker, local_cache, page_cache, version
from guides.caching.backends import JSONSerializer, SafeFileBasedCache, cache_settings
from guides.caching.page_cache import entry_key
from reissue_site.settings.base import cache_key_prefix

GUIDE = reverse("guides:guide", args=["professional-qualification", "lost"])
REGION_GUIDE = reverse("guides:guide_region", args=["skill-certificate", "lost", "guangdong"])


@pytest.fixture
def file_cache(settings, tmp_path):
    """The embedded default: the three aliases as directories under tmp_path."""
    settings.CACHES = cache_settings(redis_url="", cache_dir=tmp_path / "cache", key_prefix="test")
    yield tmp_path / "cache"
    for path in (tmp_path / "cache").rglob("*"):
        if path.is_dir():
            path.chmod(0o700)  # so pytest can remove it


def cache_files(root):
    return [path for path in root.rglob("*.djcache")]


def make_unreadable(path):
    """An entry this process cannot read: mode 000, or (as root, who reads anything) a symlink loop in its place."""
    if os.geteuid() == 0:
        path.unlink()
        path.symlink_to(path.name)  # opening it fails (ELOOP), as EACCES would
    else:
        path.chmod(0)


def make_unwritable(directory):
    """A cache directory nothing can be written to: read-only, or (as root) a plain file in its place."""
    if os.geteuid() == 0:
        shutil.rmtree(directory)
        directory.write_text("not a directory")
    else:
        for path in [directory, *directory.rglob("*")]:
            if path.is_dir():
                path.chmod(0o500)


def site_answers(editor_password="correct horse 42"):
    """Ask for pages, the admin login (a real login) and /healthz; return /healthz's body."""
    client = Client()
    for url in (GUIDE, REGION_GUIDE, reverse("guides:home"), reverse("admin:login")):
        assert client.get(url).status_code == HTTPStatus.OK, url
    logged_in = client.post(
        reverse("admin:login"), {"username": "bianji", "password": editor_password, "next": reverse("admin:index")}
    )
    assert logged_in.status_code == HTTPStatus.FOUND and logged_in["Location"] == reverse("admin:index")
    assert client.get(reverse("admin:index")).status_code == HTTPStatus.OK
    health = Client().get(reverse("healthz"))
    assert health.status_code == HTTPStatus.OK
    return json.loads(health.content)


@pytest.fixture
def editor(db):
    return User.objects.create_user("bianji", password="correct horse 42", is_staff=True, is_superuser=True)


def forget_process_copies():
    local_cache.clear()
    page_cache.clear_local_entries()
    version.reset_for_tests()
    breaker.reset()


# --- Issue 20.8: the file cache degrades to no cache ------------------------------------


def test_unreadable_cache_entries_are_misses(content, editor, file_cache):
    site_answers()
    entries = cache_files(file_cache)
    assert len(entries) >= 5  # pages, the version, guides, the catalogue
    for path in entries:
        make_unreadable(path)
    forget_process_copies()
    assert site_answers()["status"] == "ok"
    assert "补办" in Client().get(GUIDE).text


def test_a_corrupt_version_file_is_replaced(content, editor, file_cache):
    site_answers()
    state = caches["state"]
    version_file = Path(state._key_to_file(version.KEY))
    assert version_file.exists()
    version_file.write_bytes(b"\x80\x04garbage, not a pickle")
    forget_process_copies()
    assert site_answers()["status"] == "ok"
    assert version.get_content_version() == state.get(version.KEY)  # a fresh version, stored again


def test_an_unwritable_cache_directory_degrades_to_no_cache(content, editor, file_cache):
    for directory in (file_cache / "state", file_cache / "pages", file_cache):
        directory.mkdir(parents=True, exist_ok=True)
    make_unwritable(file_cache)
    forget_process_copies()
    body = site_answers()
    assert body["status"] == "degraded" and body["database"] == "ok"


def test_the_file_cache_wrapper_reports_what_it_stored(tmp_path):
    cache = SafeFileBasedCache(str(tmp_path / "c"), {})
    assert cache.set("a", 1) is True and cache.get("a") == 1
    assert cache.add("a", 2) is False
    (tmp_path / "c").rename(tmp_path / "gone")
    (tmp_path / "c").write_text("a file where the directory was")
    assert cache.set("b", 1) is False and cache.get("b") is None
    assert breaker.cooling_off()
    breaker.reset()


# --- Issue 20.11: what every request reads is data, not code -----------------------------


def real_redis_url():
    with socket.socket() as sock:
        if sock.connect_ex(("127.0.0.1", 6379)) != 0:
            pytest.skip("no Redis on 127.0.0.1:6379")
    return "redis://127.0.0.1:6379/2"  # tests/caching/test_breaker.py's database; keys under a prefix of our own


class Payload:
    """Unpickling this creates a file: the proof that a pickled value ran code."""

    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return (open, (str(self.path), "w"))


@pytest.fixture
def shared_redis(settings, tmp_path):
    prefix = f"test-{uuid.uuid4().hex[:8]}"
    settings.CACHES = cache_settings(redis_url=real_redis_url(), cache_dir=tmp_path, key_prefix=prefix)
    breaker.reset()
    yield caches["default"].client.get_client(write=True)
    client = caches["default"].client.get_client(write=True)
    for key in client.scan_iter(f"{prefix}*"):
        client.delete(key)


def test_a_pickle_planted_under_the_page_and_version_keys_does_not_run(content, shared_redis, tmp_path):
    ran = tmp_path / "code-ran"
    payload = pickle.dumps(Payload(ran))
    client = Client()
    first = client.get(GUIDE)
    assert first.status_code == HTTPStatus.OK
    shared_redis.set(caches["pages"].make_key(entry_key(first.wsgi_request)), payload)
    shared_redis.set(caches["state"].make_key(version.KEY), payload)
    forget_process_copies()

    response = client.get(GUIDE)
    assert response.status_code == HTTPStatus.OK and "补办" in response.text
    assert not ran.exists(), "a value read from Redis ran code"
    assert isinstance(caches["state"].get(version.KEY), str)  # replaced by a real version
    # The same bytes, unpickled (as the default serializer would), do run code: the test can fail.
    pickle.loads(payload).close()
    assert ran.exists()


def test_pages_and_the_version_are_stored_as_json(content, shared_redis):
    response = Client().get(GUIDE)
    raw = shared_redis.get(caches["pages"].make_key(entry_key(response.wsgi_request)))
    entry = json.loads(raw)
    assert entry["content"] == response.content.decode()
    assert json.loads(shared_redis.get(caches["state"].make_key(version.KEY))) == version.get_content_version()


def test_the_json_serializer_reads_foreign_bytes_as_a_miss():
    assert JSONSerializer().loads(pickle.dumps({"a": 1})) is None
    assert JSONSerializer().loads(JSONSerializer().dumps({"页": "补办"})) == {"页": "补办"}


# --- Issue 20.13: two deployments on one Redis -------------------------------------------


def test_the_key_prefix_is_derived_from_the_deployment(monkeypatch):
    monkeypatch.delenv("DJANGO_CACHE_KEY_PREFIX", raising=False)
    monkeypatch.delenv("CACHE_KEY_PREFIX", raising=False)
    one = {"ENGINE": "django.db.backends.postgresql", "HOST": "db", "PORT": 5432, "NAME": "reissue"}
    other = {**one, "NAME": "reissue_staging"}
    assert cache_key_prefix(one, ["guide.example.cn"]) == cache_key_prefix(one, ["guide.example.cn"])
    assert cache_key_prefix(one, ["guide.example.cn"]) != cache_key_prefix(other, ["guide.example.cn"])
    assert cache_key_prefix(one, ["guide.example.cn"]) != cache_key_prefix(one, ["staging.example.cn"])
    monkeypatch.setenv("DJANGO_CACHE_KEY_PREFIX", "guide-prod")
    assert cache_key_prefix(one, ["guide.example.cn"]) == "guide-prod"


def test_two_deployments_on_one_redis_do_not_share_pages(content, settings, tmp_path):
    url = real_redis_url()
    prefixes = [
        cache_key_prefix({"NAME": name}, ["localhost"]) for name in (f"a-{uuid.uuid4().hex}", f"b-{uuid.uuid4().hex}")
    ]
    try:
        settings.CACHES = cache_settings(redis_url=url, cache_dir=tmp_path, key_prefix=prefixes[0])
        client = Client()
        response = client.get(GUIDE)
        key = entry_key(response.wsgi_request)
        assert caches["pages"].get(key) is not None
        settings.CACHES = cache_settings(redis_url=url, cache_dir=tmp_path, key_prefix=prefixes[1])
        assert caches["pages"].get(key) is None
        assert caches["state"].get(version.KEY) is None
    finally:
        raw = caches["default"].client.get_client(write=True)
        for prefix in prefixes:
            for stored in raw.scan_iter(f"{prefix}*"):
                raw.delete(stored)


# --- Issue 20.7: the content version and the counters cannot be evicted --------------------


def test_culling_the_file_cache_never_deletes_the_version_or_the_counters(content, settings, tmp_path, monkeypatch):
    import guides.caching.backends as backends
    from guides.caching import counters

    monkeypatch.setattr(backends, "FILE_MAX_ENTRIES", 5)
    settings.CACHES = cache_settings(redis_url="", cache_dir=tmp_path, key_prefix="test")
    first = version.get_content_version()
    counters.count("feedback-rate", "someone", 1)
    for n in range(60):  # anonymous requests filling the cache far past its bound
        caches["default"].set(f"filler:{n}", "x" * 100)
        caches["pages"].set(f"filler:{n}", {"n": n})
    assert len(cache_files(tmp_path)) < 60, "the bulk was culled"
    forget_process_copies()
    assert version.get_content_version() == first
    counters.clear_local()
    assert counters.count("feedback-rate", "someone", 1) == 2


def test_on_redis_only_the_version_and_counters_have_no_timeout(content, shared_redis, settings):
    """Under `maxmemory-policy volatile-lru` Redis evicts only keys with a timeout (docs/operations.md)."""
    settings.FEEDBACK_RATE_LIMIT = (5, 3600)
    client = Client()
    for url in (GUIDE, REGION_GUIDE, reverse("guides:home"), reverse("guides:search") + "?q=工本费"):
        assert client.get(url).status_code == HTTPStatus.OK
    client.post(reverse("guides:feedback"), {"page": GUIDE, "helpful": "yes"})
    prefix = caches["default"].key_prefix
    keys = list(shared_redis.scan_iter(f"{prefix}*"))
    assert len(keys) > 5
    forever = sorted(key.decode() for key in keys if shared_redis.ttl(key) == -1)
    assert forever == sorted([caches["state"].make_key(version.KEY), caches["state"].make_key("counts:feedback-rate")])
