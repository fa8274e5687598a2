"""Production serving: headers, the page cache, conditional GETs, budgets, SEO and escaping."""

import gzip
import json
import os
import re
import runpy
import secrets
import subprocess
import sys
from http import HTTPStatus
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.cache import caches
from django.db import connection, models
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse

from guides.caching import page_cache
from guides.caching.page_cache import entry_key, is_cacheable
from guides.caching.version import bump_content_version
from guides.clients import client_address
from guides.models import FAQ, CertificateType, Material, Region, Situation
from guides.registry import CONTENT_MODELS
from guides.text import MAX_QUERY_CHARS
from tests import cachetools

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ("skill-certificate", "lost")


def guide_url(*args):
    return reverse("guides:guide", args=args or GUIDE)


def public_pages():
    """Every kind of public page, one URL each (extend as page types land)."""
    return [
        reverse("guides:home"),
        reverse("guides:certificate", args=["professional-title"]),
        guide_url(),
        reverse("guides:guide_region", args=["professional-title", "damaged", "beijing"]),
        "/no-such-page/",
    ]


def count_queries(client, url, **extra):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **extra)
    return response, len(ctx)


# --- headers -----------------------------------------------------------------


def test_guide_page_sends_security_headers(content, client):
    response = client.get(guide_url())
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert response["X-Frame-Options"] == "DENY"


def test_cached_page_carries_the_same_security_headers(content, client):
    client.get(guide_url())
    response, queries = count_queries(client, guide_url())
    assert queries == 0
    for header in ["Content-Security-Policy", "X-Content-Type-Options", "Permissions-Policy", "X-Frame-Options"]:
        assert header in response, header


def test_every_page_is_free_of_inline_script_and_style(content, client):
    for url in public_pages():
        html = client.get(url).content.decode()
        assert " style=" not in html, url
        assert "<style" not in html, url
        assert not re.search(r"<[^>]+\son[a-z]+=", html), url
        scripts = re.findall(r"<script[^>]*>", html)
        assert all(tag == '<script type="application/ld+json">' for tag in scripts), (url, scripts)


def test_guide_page_is_public_and_cacheable(content, client):
    response = client.get(guide_url())
    assert response["Cache-Control"] == f"public, max-age={settings.PAGE_CACHE_MAX_AGE}, must-revalidate"
    assert re.fullmatch(r'"[0-9a-f]{32}"', response["ETag"])
    assert response["Last-Modified"].endswith("GMT")


def test_head_gets_the_same_cache_headers_as_get(content, client):
    head = client.head(guide_url())
    get = client.get(guide_url())
    for header in ["ETag", "Last-Modified", "Cache-Control"]:
        assert head[header] == get[header], header


def test_staff_see_pages_privately_and_never_fill_the_cache(content, admin_client, client):
    response = admin_client.get(guide_url())
    assert response.status_code == HTTPStatus.OK
    assert "private" in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]
    assert cache_entry(guide_url()) is None
    client.get(guide_url())
    assert cache_entry(guide_url()) is not None


def test_a_page_that_looked_at_the_anonymous_user_is_still_cached(content, client):
    """Views that ask "is this staff?" make Django add `Vary: Cookie`; for cookie-less visitors that changes nothing."""
    from django.http import HttpResponse

    request = RequestFactory().get(guide_url())
    request.resolver_match = resolve(guide_url())
    response = HttpResponse("页面")
    response["Vary"] = "Cookie"
    assert is_cacheable(request, response)
    response.set_cookie("csrftoken", "x")
    assert not is_cacheable(request, response)


def test_a_query_string_bypasses_the_page_cache(content, client):
    client.get(guide_url() + "?preview=1")
    assert cache_entry(guide_url()) is None


def test_health_check_is_never_cached(content, client):
    response = client.get(reverse("healthz"))
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]


def cache_entry(url):
    return caches["pages"].get(entry_key(RequestFactory().get(url)))


def test_a_script_name_request_does_not_change_what_the_guide_url_serves(content, client):
    """`SCRIPT_NAME=/a/b` + `/` and plain `/a/b/` share `request.path`, but not the page they render."""
    client.get("/", SCRIPT_NAME=guide_url().rstrip("/"))  # resolves the start page
    served = client.get(guide_url()).content
    cachetools.empty("pages")
    page_cache.clear_local_entries()
    assert served == client.get(guide_url()).content


def test_host_variants_store_the_page_once(content, client):
    for host in ["localhost", "LOCALHOST", "localhost.", "localhost:80", "LocalHost.:80"]:
        html = client.get(guide_url(), HTTP_HOST=host).content.decode()
        assert f'<link rel="canonical" href="http://localhost{guide_url()}">' in html, host
    assert len(page_cache._local_entries) == 1


def test_a_port_the_server_does_not_listen_on_is_not_stored(content, client):
    client.get(guide_url(), HTTP_HOST="localhost:1234", SERVER_PORT="8000")
    assert not page_cache._local_entries
    client.get(guide_url(), HTTP_HOST="localhost:8000", SERVER_PORT="8000")
    assert len(page_cache._local_entries) == 1


# --- conditional GET and invalidation ------------------------------------------


def test_matching_etag_answers_304(content, client):
    first = client.get(guide_url())
    response = client.get(guide_url(), HTTP_IF_NONE_MATCH=first["ETag"])
    assert response.status_code == HTTPStatus.NOT_MODIFIED
    assert response.content == b""
    assert response["ETag"] == first["ETag"]


def test_matching_last_modified_answers_304(content, client):
    first = client.get(guide_url())
    response = client.get(guide_url(), HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert response.status_code == HTTPStatus.NOT_MODIFIED


def test_stale_etag_gets_the_page(content, client):
    response = client.get(guide_url(), HTTP_IF_NONE_MATCH='"0123"')
    assert response.status_code == HTTPStatus.OK


def test_a_content_edit_replaces_the_cached_page(content, client):
    before = client.get(guide_url())
    assert client.get(guide_url()).content == before.content  # served from the cache
    item = Material.objects.get(key="id-card")  # on every guide page
    item.notes = "编辑刚刚改过的回答。"
    item.save()
    after = client.get(guide_url())
    assert "编辑刚刚改过的回答。" in after.content.decode()
    assert after["ETag"] != before["ETag"]
    assert client.get(guide_url(), HTTP_IF_NONE_MATCH=before["ETag"]).status_code == HTTPStatus.OK


def test_a_limit_change_replaces_the_cached_page(content, client):
    """Many-to-many edits (an item's limits) bump the version as well."""
    url = reverse("guides:guide_region", args=["professional-qualification", "lost", "guangdong"])
    faq = FAQ.objects.get(key="same-validity")
    assert faq.question in client.get(url).content.decode()
    faq.regions.set([Region.objects.get(slug="beijing")])
    assert faq.question not in client.get(url).content.decode()


def test_a_worker_answers_from_its_own_copy_until_any_worker_changes_the_version(content, client):
    first = client.get(guide_url())
    # The shared copy is gone (evicted, say): this worker still has the page.
    caches["pages"].delete_many(list(page_cache._local_entries))
    response, queries = count_queries(client, guide_url())
    assert (response.content, queries) == (first.content, 0)
    # Another worker saves an edit: it bumps the version in the shared cache only.
    bump_content_version()
    response, queries = count_queries(client, guide_url())
    assert response.status_code == HTTPStatus.OK
    assert queries > 0, "the page was rendered afresh, not taken from this worker's copy"


# --- budgets -------------------------------------------------------------------


def test_query_budget_uncached_and_cached(content, client):
    client.get(reverse("guides:home"))  # an earlier page has read the reference rows
    response, uncached = count_queries(client, guide_url())
    assert response.status_code == HTTPStatus.OK
    assert uncached <= 10
    _, cached = count_queries(client, guide_url())
    assert cached == 0


def test_byte_budgets(content, client):
    html = client.get(reverse("guides:guide_region", args=["professional-title", "lost", "guangdong"])).content
    assert len(html) <= 60 * 1024
    assets = re.findall(rb'<link[^>]+rel="stylesheet"[^>]+href="/static/([^"]+)"', html)
    assets += re.findall(rb'<script[^>]+src="/static/([^"]+)"', html)
    assert assets
    gzipped = sum(len(gzip.compress(Path(finders.find(a.decode())).read_bytes(), 9)) for a in assets)
    assert gzipped <= 40 * 1024


def test_no_page_loads_anything_from_another_site(content, client):
    for url in public_pages():
        html = client.get(url).content.decode()
        loaded = re.findall(r'<(?:link|script|img|iframe|source|video|audio)\b[^>]*(?:src|href)="([^"]+)"', html)
        for address in loaded:
            assert not re.match(r"(https?:)?//", address) or address.startswith("http://testserver/"), (url, address)


# --- production settings -----------------------------------------------------------


def run_manage(*args, secret, client_ip_header="none"):
    # A clean production environment: no DJANGO_* variable the test run set (such as
    # DJANGO_ALLOW_ASYNC_UNSAFE, which the browser tests need and a deployment must not have).
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
        "DJANGO_SETTINGS_MODULE": "reissue_site.settings.prod",
        "DJANGO_SECRET_KEY": secret,
        "DJANGO_ALLOWED_HOSTS": "guide.example.cn",
        "DJANGO_CLIENT_IP_HEADER": client_ip_header,
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean_under_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", secret=secrets.token_urlsafe(50))
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = run_manage("check", secret="")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_makes_the_operator_say_where_client_addresses_come_from():
    secret = secrets.token_urlsafe(50)
    result = run_manage("check", secret=secret, client_ip_header="")
    assert result.returncode != 0
    assert "DJANGO_CLIENT_IP_HEADER" in result.stderr
    for choice, expected in [("none", "''"), ("HTTP_X_FORWARDED_FOR", "'HTTP_X_FORWARDED_FOR'")]:
        result = run_manage(
            "shell",
            "-c",
            "from django.conf import settings; print(repr(settings.CLIENT_IP_HEADER))",
            secret=secret,
            client_ip_header=choice,
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip().splitlines()[-1] == expected


# --- gunicorn ----------------------------------------------------------------------


def gunicorn_setting(monkeypatch, name, **env):
    """Return gunicorn's value for setting `name` under our config file (its default when the file is silent)."""
    from gunicorn.config import Config

    for variable, value in env.items():
        monkeypatch.setenv(variable, value)
    config = runpy.run_path(str(ROOT / "reissue_site" / "gunicorn.conf.py"))
    settings_ = Config()
    if name in config:
        settings_.set(name, config[name])
    return getattr(settings_, name)


def test_gunicorn_takes_the_longest_search_url(monkeypatch):
    """docs/architecture.md promises a pasted 500-character query its "只按前 100 个字搜索" page, not a 414."""
    search = reverse("guides:search")
    pasted = f"GET {search}?q={quote('证' * 500)} HTTP/1.1"
    typed = f"GET {search}?q={quote('😀' * MAX_QUERY_CHARS)} HTTP/1.1"  # 4 UTF-8 bytes a character
    limit = gunicorn_setting(monkeypatch, "limit_request_line")
    assert max(len(pasted), len(typed)) <= limit <= 8190


def test_gunicorn_ignores_a_script_name_header_unless_told(monkeypatch):
    assert "SCRIPT_NAME" not in gunicorn_setting(monkeypatch, "forwarder_headers")
    opted_in = gunicorn_setting(monkeypatch, "forwarder_headers", GUNICORN_FORWARDER_HEADERS="SCRIPT_NAME")
    assert opted_in == ["SCRIPT_NAME"]


# --- escaping ------------------------------------------------------------------------

PAYLOAD = "<script>x()</script>"


def editable_text_fields(model):
    for field in model._meta.get_fields():
        if (
            isinstance(field, models.CharField | models.TextField)
            and not isinstance(field, models.SlugField | models.URLField | models.EmailField)
            and not field.choices
            and not field.unique
            and field.editable
        ):
            yield field


def test_script_in_every_text_field_is_inert_on_every_page(content, client):
    stored = 0
    for model in CONTENT_MODELS:
        fields = list(editable_text_fields(model))
        for obj in model.objects.all():
            for field in fields:
                setattr(obj, field.name, PAYLOAD[: field.max_length] if field.max_length else PAYLOAD)
                stored += 1
            obj.save()
    assert stored > 300  # every text field of every content row
    urls = [reverse("guides:home"), reverse("sitemap")]
    for cert in CertificateType.objects.all():
        urls.append(cert.get_absolute_url())
        for situation in Situation.objects.all():
            urls.append(reverse("guides:guide", args=[cert.slug, situation.slug]))
            urls.append(reverse("guides:guide_region", args=[cert.slug, situation.slug, "guangdong"]))
    for url in urls:
        response = client.get(url)
        assert response.status_code == HTTPStatus.OK, url
        html = response.content.decode()
        assert "<script>x()" not in html, url
        assert html.count("<script") == html.count('<script type="application/ld+json">'), url
        assert "&lt;script&gt;" in html or url == reverse("sitemap"), url
    # The structured data is still valid JSON, with the markup as inert text.
    for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S):
        assert "<" not in block
        json.loads(block)


# --- SEO and sharing ----------------------------------------------------------------------


def test_robots_points_at_the_sitemap(client):
    body = client.get("/robots.txt").content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in body
    assert "Disallow: /admin/" in body


def test_sitemap_lists_every_guide_page_with_lastmod(content, client):
    xml = client.get(reverse("sitemap")).content.decode()
    locations = re.findall(r"<loc>http://testserver([^<]+)</loc>", xml)
    expected = set()
    for cert in CertificateType.objects.filter(is_published=True):
        for situation in Situation.objects.filter(is_published=True):
            expected.add(reverse("guides:guide", args=[cert.slug, situation.slug]))
    # Province pages with content of their own (专技 items of 广东, 上海, 山东, 辽宁, 重庆, 山西; 职称
    # items of 北京, 天津, 上海, 广东, 重庆); the others repeat the national text, point their
    # canonical link at it and stay out.
    own = {
        "professional-qualification": ["guangdong", "shanghai", "shandong", "chongqing", "shanxi"],
        "professional-title": ["beijing", "tianjin", "shanghai", "guangdong", "chongqing"],
    }
    for cert, slugs in own.items():
        for slug in slugs:
            for situation in Situation.objects.filter(is_published=True):
                expected.add(reverse("guides:guide_region", args=[cert, situation.slug, slug]))
    assert expected <= set(locations)
    assert reverse("guides:guide_region", args=["professional-qualification", "lost", "liaoning"]) in locations
    assert reverse("guides:guide_region", args=["skill-certificate", "lost", "guangdong"]) not in locations
    assert not [loc for loc in locations if "/xizang/" in loc]
    assert xml.count("<lastmod>") == len(locations)


def test_guide_page_has_canonical_description_open_graph_and_json_ld(content, client):
    url = reverse("guides:guide_region", args=["professional-qualification", "lost", "guangdong"])
    html = client.get(url).content.decode()
    assert f'<link rel="canonical" href="http://testserver{url}">' in html
    assert re.search(r'<meta name="description" content="[^"]{20,}">', html)
    assert '<meta property="og:title" content="专技职业资格证书遗失补办（广东省） - 证书补办指南">' in html
    assert re.search(r'<meta property="og:description" content="[^"]{20,}">', html)
    blocks = [json.loads(b) for b in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)]
    by_type = {b["@type"]: b for b in blocks}
    howto, faq = by_type["HowTo"], by_type["FAQPage"]
    assert [s["name"] for s in howto["step"]][0] == "向证书发放机构申请补发纸质证书"  # 16号 第十六条; no 挂失
    assert {"@type": "HowToSupply", "name": "身份证"} in howto["supply"]
    assert howto["estimatedCost"] == {
        "@type": "MonetaryAmount",
        "currency": "CNY",
        "minValue": "120.00",
        "maxValue": "350.00",
    }
    assert faq["mainEntity"][0]["@type"] == "Question"
    assert faq["mainEntity"][0]["acceptedAnswer"]["text"]


# --- the client's address (rate limit, login lockout) ----------------------------


@pytest.mark.parametrize(
    ("header", "meta", "expected"),
    [
        ("", {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.9"}, "10.0.0.1"),
        (
            "HTTP_X_FORWARDED_FOR",
            {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "1.2.3.4, 203.0.113.9"},
            "203.0.113.9",
        ),
        ("HTTP_X_FORWARDED_FOR", {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "not-an-address"}, "10.0.0.1"),
        ("HTTP_X_FORWARDED_FOR", {"REMOTE_ADDR": "10.0.0.1"}, "10.0.0.1"),
        ("", {"REMOTE_ADDR": ""}, None),
    ],
)
def test_client_address(settings, header, meta, expected):
    """Garbage never comes out: django-axes stores the address in an IP column (PostgreSQL checks it)."""
    settings.CLIENT_IP_HEADER = header
    request = RequestFactory().get("/", **meta)
    assert client_address(request) == expected


def test_a_response_that_sets_a_cookie_is_private_and_never_page_cached(content):
    """A cookie (a CSRF token, a session) makes a response personal: no shared cache may keep it."""
    from django.http import HttpResponse

    from guides.web.security import SecurityHeadersMiddleware

    def sets_a_cookie(request):
        response = HttpResponse("表单")
        response.set_cookie("csrftoken", "personal")
        return response

    request = RequestFactory().get(guide_url())
    request.resolver_match = resolve(guide_url())
    response = SecurityHeadersMiddleware(sets_a_cookie)(request)
    cache_control = response["Cache-Control"]
    assert "private" in cache_control and "no-store" in cache_control
    assert not is_cacheable(request, response)
    # Without a cookie the middleware leaves caching alone: the page cache may store it.
    plain = SecurityHeadersMiddleware(lambda request: HttpResponse("页面"))(request)
    assert "Cache-Control" not in plain
    assert is_cacheable(request, plain)
