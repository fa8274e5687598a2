"""Search and feedback as a reader meets them, in headless Chromium with JavaScript off.

Screenshots at 360 px and 1280 px go to test-artifacts/ (gitignored).
"""

from pathlib import Path

import pytest
from django.conf import settings

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"

pytestmark = pytest.mark.browser


@pytest.fixture
def site(live_server, transactional_db, content):
    return live_server.url


def shoot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("width", [360, 1280])
def test_search_then_report_a_wrong_fee_without_javascript(browser, site, width):
    from guides.models import ProblemReport

    context = browser.new_context(viewport={"width": width, "height": 800}, java_script_enabled=False)
    page = context.new_page()
    outside = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(site) else None)

    page.goto(site + "/")
    page.fill("#site-search-q", "证书丢了 外地")
    page.click(".site-search button")
    first = page.locator(".search-result").first
    assert "异地" in first.locator("h2").inner_text()
    assert page.locator("mark").count() > 0
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shoot(page, f"search-results-{width}")

    first.locator("h2 a").click()
    page.get_by_role("link", name="页面有误？请告诉我们").click()
    page.fill("#id_problem", "工本费写的是20–50元，本地实际收10元。")
    shoot(page, f"feedback-form-{width}")
    page.get_by_role("button", name="提交").click()
    assert page.locator("h1").inner_text() == "谢谢您的反馈"
    shoot(page, f"feedback-thanks-{width}")

    assert ProblemReport.objects.filter(message__contains="本地实际收10元").exists()
    assert outside == []
    context.close()


def test_no_result_page_suggests_the_checker(browser, site):
    context = browser.new_context(viewport={"width": 360, "height": 800}, java_script_enabled=False)
    page = context.new_page()
    page.goto(site + "/search/?q=%F0%9F%98%80")
    assert page.get_by_role("link", name="回答几个问题，查看您的补办办法").count() == 1
    shoot(page, "search-no-result-360")
    context.close()
