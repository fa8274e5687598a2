"""Redis stalls and outages, on a real Redis behind a proxy the test stalls (issue 20.1, 20.4, 20.5).

A stall longer than the socket timeout (0.25 s) makes the process skip Redis for
`COOL_OFF_SECONDS` (guides/caching/breaker.py). An editor's save in that time must
still move the shared content version — or tell the editor it did not — and the
process must keep one version of its own meanwhile, with the rate limit still on.
"""

import json
import socket
import time
import uuid
from decimal import Decimal
from http import HTTPStatus

import pytest
import redis
from django.contrib.auth.models import User
from django.core.cache import caches
from django.test import Client
from django.urls import reverse

from guides.admin.live import NOT_LIVE_YET
from guides.caching import breaker, page_cache, version
from guides.caching.backends import JSONSerializer, cache_settings
from guides.models import Fee
from tests.formscrape import form_data
from tests.redis_proxy import StallingProxy

GUIDE = reverse("guides:guide", args=["professional-qualification", "lost"])
DB = 2  # tests/caching/test_breaker.py's database; every key here is under a prefix of this test's own


@pytest.fixture
def proxy(settings, tmp_path):
    with socket.socket() as sock:
        if sock.connect_ex(("127.0.0.1", 6379)) != 0:
            pytest.skip("no Redis on 127.0.0.1:6379")
    server = StallingProxy(db=DB)
    prefix = f"test-{uuid.uuid4().hex[:8]}"
    settings.CACHES = cache_settings(redis_url=server.url, cache_dir=tmp_path, key_prefix=prefix)
    server.direct = redis.Redis(db=DB)  # another host's view of the shared cache: no proxy in between
    server.version_key = caches["state"].make_key(version.KEY)
    breaker.reset()
    yield server
    server.close()
    breaker.reset()
    version.reset_for_tests()
    for key in server.direct.scan_iter(f"{prefix}*"):
        server.direct.delete(key)


def shared_version(proxy):
    """The content version every other host reads."""
    raw = proxy.direct.get(proxy.version_key)
    return JSONSerializer().loads(raw) if raw else None


def trip_on_a_stall(proxy, client, seconds=0.4):
    """Stall Redis for `seconds` while a page asks it: this process then skips Redis for a while.

    A page shown before may be answered from this process's own copies without asking Redis
    (its watch vouches for the version it read); they are dropped, so the page asks.
    """
    version.reset_for_tests()
    page_cache.clear_local_entries()
    proxy.stall(seconds)
    assert client.get(GUIDE).status_code == HTTPStatus.OK
    assert breaker.cooling_off()
    time.sleep(seconds)  # Redis answers again; the process does not ask it yet


@pytest.fixture
def editor(db):
    user = User.objects.create_user("bianji", password="x", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(user)
    return client


def save_fee(editor, **changes):
    """Save the 报纸声明 fee through its admin change form; return the page the editor lands on."""
    fee = Fee.objects.get(key="newspaper-fee")
    url = reverse("admin:guides_fee_change", args=[fee.pk])
    data = form_data(editor.get(url).content, "fee_form", **changes)
    response = editor.post(url, data, follow=True)
    assert response.status_code == HTTPStatus.OK
    fee.refresh_from_db()
    assert fee.max_amount == Decimal(changes["max_amount"]), response.content.decode()[:2000]
    return response.content.decode()


def test_a_save_right_after_a_short_stall_reaches_every_host(content, proxy, editor):
    """The audit's reproduction: Redis stalled 0.4 s, then an edit; before, host A served the old fee 35 s later."""
    client = Client()
    client.get(GUIDE)
    before = shared_version(proxy)
    assert before
    trip_on_a_stall(proxy, client)

    started = time.monotonic()
    landed = save_fee(editor, max_amount="2222.00")
    assert shared_version(proxy) != before, "the edit never reached the shared content version"
    print(f"stall 0.4 s, then a save: shared version moved {time.monotonic() - started:.2f} s after the save began")
    assert time.monotonic() - started < 2
    assert "已在网站上生效" in landed and NOT_LIVE_YET not in landed
    assert not breaker.cooling_off(), "Redis answered the bump: the process talks to it again"
    assert "2222" in client.get(GUIDE).text


def test_a_save_during_the_stall_tells_the_editor_and_lands_on_the_next_contact(content, proxy, editor, monkeypatch):
    client = Client()
    client.get(GUIDE)
    before = shared_version(proxy)
    proxy.stall()
    try:
        landed = save_fee(editor, max_amount="2222.00")
        assert NOT_LIVE_YET in landed and "已在网站上生效" not in landed
        assert version.bump_pending()
        assert shared_version(proxy) == before
        health = client.get(reverse("healthz"))
        assert health.status_code == HTTPStatus.OK
        assert json.loads(health.content)["content_version"] == "pending"
    finally:
        proxy.resume()
    # The cool-off ends: the next request to this process writes the bump.
    now = breaker.monotonic()
    monkeypatch.setattr(breaker, "monotonic", lambda: now + breaker.COOL_OFF_SECONDS + 1)
    assert client.get(GUIDE).status_code == HTTPStatus.OK
    assert shared_version(proxy) != before
    assert not version.bump_pending()
    assert json.loads(client.get(reverse("healthz")).content)["status"] == "ok"


def test_health_is_degraded_not_down_during_a_stall(content, proxy):
    client = Client()
    trip_on_a_stall(proxy, client)
    health = client.get(reverse("healthz"))
    assert health.status_code == HTTPStatus.OK
    body = json.loads(health.content)
    assert body["status"] == "degraded" and body["cache"] == "degraded" and "降级" in body["detail"]


def test_while_redis_is_skipped_one_version_holds_and_pages_are_reused(content, proxy, django_assert_num_queries):
    client = Client()
    trip_on_a_stall(proxy, client)
    seen = set()
    for _ in range(3):
        client.get(reverse("guides:home"))
        seen.add(version.get_content_version())  # what the next request reads
    assert len(seen) == 1, "a fresh version per request: nothing cached could be reused"
    client.get(GUIDE)
    with django_assert_num_queries(0):
        assert client.get(GUIDE).status_code == HTTPStatus.OK  # this process's copy, under its own version


def test_while_redis_is_skipped_the_rate_limit_still_holds(content, proxy, settings):
    settings.FEEDBACK_RATE_LIMIT = (2, 3600)
    client = Client()
    trip_on_a_stall(proxy, client)
    statuses = [
        client.post(reverse("guides:feedback"), {"page": GUIDE, "helpful": "yes"}).status_code for _ in range(4)
    ]
    assert statuses == [HTTPStatus.FOUND, HTTPStatus.FOUND, HTTPStatus.TOO_MANY_REQUESTS, HTTPStatus.TOO_MANY_REQUESTS]
    assert breaker.cooling_off()
