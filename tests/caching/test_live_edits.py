"""Live at once: an edit saved through one server process shows on the very next
request to another, when both share the configured cache and database: Redis, or
the embedded default's cache directory when no REDIS_URL is set."""

import http.cookiejar
import re
import sys
import urllib.parse
import urllib.request

import pytest

from tests.formscrape import form_data
from tests.servers import EDITOR, SiteServers, shared_redis_url

REDIS_URL = shared_redis_url()
CACHES = [
    pytest.param("", id="file-cache"),
    pytest.param(
        REDIS_URL,
        id="redis",
        marks=pytest.mark.skipif(not REDIS_URL, reason="set REDIS_URL to a reachable Redis to run servers sharing it"),
    ),
]

# Server names; SiteServers gives each a free port when it starts it.
EDITING, READING, RUNSERVER = "editing", "reading", "runserver"
GUANGDONG = "/guides/professional-qualification/lost/guangdong/"
BEIJING = "/guides/professional-qualification/lost/beijing/"


class Browser:
    """A cookie-keeping HTTP client that submits forms as rendered."""

    def __init__(self):
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, url):
        with self.opener.open(url) as response:
            return response.read().decode()

    def submit(self, url, form_id, **overrides):
        data = form_data(self.get(url), form_id, **overrides)
        body = urllib.parse.urlencode(data, doseq=True).encode()
        with self.opener.open(urllib.request.Request(url, data=body, headers={"Referer": url})) as response:
            return response.geturl(), response.read().decode()


def admin_object_url(servers, html_with_link, label):
    match = re.search(rf'<a href="(/admin/guides/[a-z]+/\d+/change/)[^"]*">{re.escape(label)}</a>', html_with_link)
    assert match, f"no admin link for {label}"
    return servers.url(EDITING, match.group(1))


@pytest.mark.parametrize("redis_url", CACHES)
def test_edit_through_one_process_shows_on_the_next_request_to_another(tmp_path, redis_url):
    with SiteServers(tmp_path, [EDITING, READING], redis_url) as servers:
        public = Browser()
        before = public.get(servers.url(READING, GUANGDONG))
        public.get(servers.url(READING, GUANGDONG))  # warm: the reader now serves its cached catalogue
        assert "20–50 元" in before and "020-12333" not in before

        editor = Browser()
        username, password = EDITOR
        landed, _ = editor.submit(
            servers.url(EDITING, "/admin/login/?next=/admin/"), "login-form", username=username, password=password
        )
        assert landed.endswith("/admin/")

        fees = editor.get(servers.url(EDITING, "/admin/guides/fee/?" + urllib.parse.urlencode({"q": "工本费"})))
        landed, _ = editor.submit(admin_object_url(servers, fees, "工本费"), "fee_form", min_amount="25.00")
        assert landed.endswith("/admin/guides/fee/")
        regions = editor.get(servers.url(EDITING, "/admin/guides/region/?" + urllib.parse.urlencode({"q": "广东"})))
        landed, _ = editor.submit(admin_object_url(servers, regions, "广东省"), "region_form", hotline="020-12333")
        assert landed.endswith("/admin/guides/region/")

        after = public.get(servers.url(READING, GUANGDONG))
        assert "25–50 元" in after and "020-12333" in after
        other = public.get(servers.url(READING, BEIJING))
        assert "25–50 元" in other and "020-12333" not in other


def test_make_run_server_shows_an_edit_made_by_another_process(tmp_path):
    """`make run` (runserver, no REDIS_URL) sees `manage.py shell` / `make load` edits at once."""
    servers = SiteServers(tmp_path, [RUNSERVER], redis_url="")
    servers.prepare()
    servers.start(lambda port: [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"])
    try:
        public = Browser()
        public.get(servers.url(RUNSERVER, GUANGDONG))
        assert "20–50 元" in public.get(servers.url(RUNSERVER, GUANGDONG))  # now served from the cache
        servers.manage(
            "shell",
            "-c",
            "from guides.models import Fee; f = Fee.objects.get(name='工本费'); f.min_amount = 30; f.save()",
        )
        assert "30–50 元" in public.get(servers.url(RUNSERVER, GUANGDONG))
    finally:
        servers.stop()
