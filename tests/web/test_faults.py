"""A database outage: cached guides keep serving, the rest answers a friendly 503, and the site recovers.

The outage is real: the connection is pointed at a loopback port where nothing
listens (so connecting is refused, as when PostgreSQL is stopped), then pointed
back. On PostgreSQL the very same connection object is redirected and restored,
which proves the site reconnects without a restart. On SQLite (whose in-memory
test database cannot be closed) a PostgreSQL connection to the closed port
stands in for the default one while the database is "down".
"""

import contextlib
import json
import socket
from http import HTTPStatus

import pytest
from django.db import connections
from django.db.backends.postgresql.base import DatabaseWrapper as PostgresWrapper
from django.test import Client
from django.urls import reverse

from guides.caching import local_cache
from guides.caching.backends import cache_settings
from tests import cachetools

CLOSED_PORT = 8519  # in this project's port range; the test checks nothing listens there


@pytest.fixture
def live_content(transactional_db, content):
    """The real content, committed."""


def port_is_closed(port):
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


@contextlib.contextmanager
def database_down():
    assert port_is_closed(CLOSED_PORT), f"something listens on {CLOSED_PORT}"
    original = connections["default"]
    if original.vendor == "postgresql":
        saved = {k: original.settings_dict[k] for k in ("HOST", "PORT")}
        original.close()
        original.settings_dict.update(HOST="127.0.0.1", PORT=CLOSED_PORT)
        try:
            yield
        finally:
            original.close()
            original.settings_dict.update(saved)
    else:
        down_settings = {
            **original.settings_dict,
            "ENGINE": "django.db.backends.postgresql",
            "NAME": "down",
            "USER": "postgres",
            "PASSWORD": "",
            "HOST": "127.0.0.1",
            "PORT": CLOSED_PORT,
            "OPTIONS": {"connect_timeout": 3},
        }
        connections["default"] = PostgresWrapper(down_settings, alias="default")
        try:
            yield
        finally:
            connections["default"].close()
            connections["default"] = original


def test_cached_guides_serve_while_the_database_is_down_and_the_site_recovers(live_content):
    client = Client(raise_request_exception=False)
    cached = reverse("guides:guide", args=["skill-certificate", "lost"])
    home = reverse("guides:home")
    uncached = reverse("guides:guide_region", args=["professional-title", "damaged", "hunan"])
    for url in (cached, home):
        assert client.get(url).status_code == HTTPStatus.OK
    assert client.get(reverse("healthz")).status_code == HTTPStatus.OK

    with database_down():
        response = client.get(cached)
        assert response.status_code == HTTPStatus.OK
        assert "能否补办" in response.content.decode()
        assert client.get(home).status_code == HTTPStatus.OK
        # A conditional GET of a cached page still gets its 304.
        assert client.get(cached, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == HTTPStatus.NOT_MODIFIED

        # Every guide item was read once for the first page: a page never shown before is cut from that copy.
        response = client.get(uncached)
        assert response.status_code == HTTPStatus.OK
        assert "能否补办" in response.content.decode()

        # With only whole pages left in the cache, a page that must read the database says so.
        cachetools.empty("default")
        local_cache.clear()
        other = reverse("guides:guide_region", args=["professional-title", "lost", "hunan"])
        for url in (other, reverse("guides:guide", args=["professional-qualification", "urgent"]) + "?x=1"):
            response = client.get(url)
            assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE, url
            body = response.content.decode()
            assert "服务暂时不可用" in body
            assert "Traceback" not in body
            assert "OperationalError" not in body
            assert response["Retry-After"]

        health = client.get(reverse("healthz"))
        assert health.status_code == HTTPStatus.SERVICE_UNAVAILABLE
        assert json.loads(health.content) == {"status": "error", "database": "error", "cache": "ok"}

    # The database is back: no restart, the next requests just work.
    assert client.get(uncached).status_code == HTTPStatus.OK
    health = client.get(reverse("healthz"))
    assert health.status_code == HTTPStatus.OK
    assert json.loads(health.content) == {"status": "ok", "database": "ok", "cache": "ok"}


def test_health_says_degraded_not_down_during_a_cache_outage(db, settings, tmp_path):
    """Redis gone: the host stays in the balancer (200, 降级), and pages still render from the database."""
    assert port_is_closed(CLOSED_PORT)
    settings.CACHES = cache_settings(
        redis_url=f"redis://127.0.0.1:{CLOSED_PORT}/0", cache_dir=tmp_path, key_prefix="test"
    )
    response = Client().get(reverse("healthz"))
    assert response.status_code == HTTPStatus.OK
    body = json.loads(response.content)
    assert body["status"] == "degraded" and body["database"] == "ok" and body["cache"] == "degraded"
    assert "降级" in body["detail"]
    assert Client().get(reverse("guides:home")).status_code == HTTPStatus.OK
