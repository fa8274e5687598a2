"""axe-core on every page type, keyboard-only use, and no CSP violation, in Chromium.

Skips when /usr/bin/chromium is missing, unless REQUIRE_BROWSER=1 (then fails).
Screenshots at 360 px and 1280 px land in test-artifacts/.
To cover a new page type, add it to PAGES.
"""

import os
import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import sync_playwright

# Playwright's sync API runs an event loop in this thread; the test's own database
# calls (loading fixtures) are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
# This worktree's ports are 8501–8519; CI may set its own.
os.environ.setdefault("DJANGO_LIVE_TEST_SERVER_ADDRESS", "127.0.0.1:8505")

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WIDTHS = [360, 1280]

# (name, URL name, args, expected status); extend as the checker and search pages land.
PAGES = [
    ("start", "guides:home", [], 200),
    ("certificate", "guides:certificate", ["professional-title"], 200),
    ("guide", "guides:guide", ["skill-certificate", "lost"], 200),
    ("guide-region", "guides:guide_region", ["professional-title", "cross-province", "guangdong"], 200),
    ("not-found", None, ["/no-such-page/"], 404),
]

pytestmark = pytest.mark.browser

if not CHROMIUM.exists():
    if os.environ.get("REQUIRE_BROWSER") == "1":
        raise RuntimeError("REQUIRE_BROWSER=1 but /usr/bin/chromium is not installed")
    pytestmark = [
        pytest.mark.browser,
        pytest.mark.skip(reason="no Chromium at /usr/bin/chromium (apt install chromium)"),
    ]


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def site(live_server, transactional_db):
    call_command("loaddata", *settings.CONTENT_FIXTURES, verbosity=0)
    ARTIFACTS.mkdir(exist_ok=True)
    return live_server.url


def page_url(url_name, args):
    return reverse(url_name, args=args) if url_name else args[0]


def open_page(browser, width):
    context = browser.new_context(viewport={"width": width, "height": 800}, locale="zh-CN")
    page = context.new_page()
    problems = []
    page.on("console", lambda m: m.type == "error" and problems.append(m.text))
    page.on("pageerror", lambda e: problems.append(str(e)))
    # Anything fetched from outside the test server is a third-party request.
    page.on("request", lambda r: problems.append(f"third-party request {r.url}") if not _local(r.url) else None)
    return context, page, problems


def _local(url):
    return url.startswith(("http://127.0.0.1", "http://localhost", "data:", "about:"))


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(("name", "url_name", "args", "status"), PAGES, ids=[p[0] for p in PAGES])
def test_page_has_no_axe_violations(site, browser, name, url_name, args, status, width):
    context, page, problems = open_page(browser, width)
    try:
        response = page.goto(site + page_url(url_name, args))
        assert response.status == status
        page.screenshot(path=str(ARTIFACTS / f"a11y-{name}-{width}.png"), full_page=True)
        results = Axe().run(page)
        assert results.violations_count == 0, results.generate_report()
        # The strict CSP blocks nothing the page needs: no console error, no third-party request.
        if status == 404:  # Chromium logs the page's own 404 as a console error
            problems = [p for p in problems if "status of 404" not in p]
        assert not problems, problems
        # No horizontal scrolling at phone width.
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    finally:
        context.close()


@pytest.mark.parametrize(("template", "status"), [("503.html", 503), ("500.html", 500)])
def test_error_pages_have_no_axe_violations(site, browser, template, status):
    """The outage and error pages, served as the server would serve them, pass axe too."""
    from django.template.loader import render_to_string

    html = render_to_string(template)
    context, page, problems = open_page(browser, 360)
    try:
        url = f"{site}/error-page-{status}/"
        page.route(url, lambda route: route.fulfill(status=status, body=html, content_type="text/html; charset=utf-8"))
        page.goto(url)
        page.screenshot(path=str(ARTIFACTS / f"a11y-error-{status}-360.png"), full_page=True)
        results = Axe().run(page)
        assert results.violations_count == 0, results.generate_report()
        problems = [p for p in problems if f"status of {status}" not in p]
        assert not problems, problems
    finally:
        context.close()


def test_keyboard_alone_reaches_the_content_and_the_region_picker(site, browser):
    context, page, problems = open_page(browser, 360)
    try:
        page.goto(site + reverse("guides:guide", args=["skill-certificate", "lost"]))
        page.keyboard.press("Tab")
        skip = page.evaluate("[document.activeElement.textContent.trim(), document.activeElement.getAttribute('href')]")
        assert skip == ["跳到正文", "#main"]
        box = page.locator(":focus").bounding_box()
        assert box and box["width"] > 0 and box["height"] > 0  # the skip link shows when focused
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "main"

        for _ in range(40):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.id") == "id_region":
                break
        else:
            pytest.fail("Tab never reached the region picker")
        outline = page.evaluate(
            "getComputedStyle(document.activeElement).outlineStyle + getComputedStyle(document.activeElement).boxShadow"
        )
        assert outline not in ("nonenone", "none")  # a visible focus indicator
        page.keyboard.press("ArrowDown")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.type") == "submit"
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert re.search(r"/guides/skill-certificate/lost/[a-z-]+/$", page.url), page.url
        assert not problems, problems
    finally:
        context.close()
