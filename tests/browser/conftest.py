"""Browser tests: the system Chromium driven by Playwright against a live test server.

Without /usr/bin/chromium they skip with a reason, unless REQUIRE_BROWSER=1 (CI),
where a missing browser is a failure.
"""

import os
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not (shutil.which(CHROMIUM) or Path(CHROMIUM).exists()):
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but no Chromium at {CHROMIUM} (apt-get install chromium)")
        pytest.skip(f"no Chromium at {CHROMIUM}; install the Debian package chromium to run browser tests")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def live_content(transactional_db, live_server, content):
    """The real content (committed, so the live server thread sees it)."""
    return live_server


@pytest.fixture
def site(live_content):
    """The live server's base URL, with the real content loaded and test-artifacts/ ready."""
    ARTIFACTS.mkdir(exist_ok=True)
    return live_content.url


class PageWatch:
    """Collect console errors and requests to any host other than the live server."""

    def __init__(self, page, live_url):
        self.console_errors = []
        self.foreign_requests = []
        own = urlsplit(live_url).netloc
        page.on("console", lambda msg: msg.type == "error" and self.console_errors.append(msg.text))
        page.on("pageerror", lambda exc: self.console_errors.append(str(exc)))

        def on_request(request):
            parts = urlsplit(request.url)
            if parts.scheme in ("http", "https") and parts.netloc != own:
                self.foreign_requests.append(request.url)

        page.on("request", on_request)


@pytest.fixture
def open_page(browser, live_content):
    """Return a function opening a path at a viewport, with a PageWatch attached."""
    contexts = []

    def _open(path, viewport=PHONE, java_script_enabled=True):
        context = browser.new_context(viewport=viewport, java_script_enabled=java_script_enabled, locale="zh-CN")
        contexts.append(context)
        page = context.new_page()
        watch = PageWatch(page, live_content.url)
        page.goto(live_content.url + path)
        return page, watch

    yield _open
    for context in contexts:
        context.close()


def screenshot(page, name, full_page=True):
    """Save a PNG under test-artifacts/ (the README's screenshots are copied from there)."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path
