"""axe-core on every page type, keyboard-only use, and no CSP violation, in Chromium.

Skips when /usr/bin/chromium is missing, unless REQUIRE_BROWSER=1 (then fails).
Screenshots at 360 px and 1280 px land in test-artifacts/.
To cover a new page type, add it to PAGES.
"""

import os
import re
from datetime import date
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.urls import reverse

# Playwright's sync API runs an event loop in this thread; the test's own database
# calls (loading fixtures) are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
WIDTHS = [360, 1280]
OUTCOME = (
    "/check/result/?cert=professional-title&reason=lost&identity-unchanged=yes"
    "&issued-in=110000&living-in=440000&urgent=title-review&delivery=mail"
    f"&date={date.today():%Y-%m-%d}"
)
OUTCOME_OFFICES = (
    "/check/result/?cert=professional-qualification&reason=lost&no-electronic-certificate=yes&identity-unchanged=yes"
    "&gd-no-electronic-certificate-yet=yes"
    "&issued-in=440000&living-in=540000&urgent=no&delivery=mail"
    f"&date={date.today():%Y-%m-%d}"
)

# (name, URL name, args, expected status); extend as the checker and search pages land.
PAGES = [
    ("start", "guides:home", [], 200),
    ("certificate", "guides:certificate", ["professional-title"], 200),
    ("guide", "guides:guide", ["skill-certificate", "lost"], 200),
    ("guide-region", "guides:guide_region", ["professional-title", "cross-province", "guangdong"], 200),
    ("not-found", None, ["/no-such-page/"], 404),
    ("checker-start", "guides:check_start", [], 200),
    ("checker-question", None, ["/check/reason/?cert=professional-title"], 200),
    ("checker-error", None, ["/check/reason/?cert=professional-title&reason=nonsense"], 200),
    ("checker-outcome", None, [OUTCOME], 200),
    ("search", None, ["/search/?q=证书丢了+外地"], 200),
    ("search-empty", None, ["/search/?q=火星签证"], 200),
    ("feedback", None, ["/feedback/?page=/guides/skill-certificate/lost/&report=1"], 200),
    ("directory", "guides:directory", [], 200),
    ("directory-entry", "guides:directory_entry", ["certified-public-accountant"], 200),
    ("search-named-certificate", None, ["/search/?q=注册会计师证丢了"], 200),
    ("search-out-of-scope", None, ["/search/?q=驾照丢了怎么办"], 200),
    ("directory-out-of-scope", "guides:directory_entry", ["driving-licence"], 200),
    ("checker-identify", None, ["/certificates/?from=check"], 200),
    ("guide-offices", "guides:guide_region", ["professional-qualification", "lost", "guangdong"], 200),
    ("checker-outcome-offices", None, [OUTCOME_OFFICES], 200),
    ("search-confused-document", None, ["/search/?q=电工证丢了怎么办"], 200),
    ("directory-filtered", None, ["/certificates/?q=财政&kind=&dept=finance"], 200),
    ("search-ambiguous-name", None, ["/search/?q=建造师证丢了"], 200),
    ("search-did-you-mean", None, ["/search/?q=注册计师证丢了"], 200),
    ("directory-other-authority", "guides:directory_entry", ["legal-professional-qualification"], 200),
    ("directory-e-certificate", "guides:directory_entry", ["constructor"], 200),
]

pytestmark = pytest.mark.browser


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
