"""Click through the checker in Chromium, with JavaScript off and on.

Skips when /usr/bin/chromium is missing, unless REQUIRE_BROWSER=1 (then fails).
Screenshots land in test-artifacts/ (the README's checker screenshot is one of them).
"""

import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import expect

# Playwright's sync API runs an event loop in this thread; the test's own database
# calls (loading fixtures) are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"

pytestmark = pytest.mark.browser


_opened = []  # the browser contexts the running test opened


@pytest.fixture(autouse=True)
def _close_pages(site):
    """Close the test's browser contexts before its live server stops (through `site`).

    A context left open keeps its connections to the server alive; their request threads
    then outlive the server and fail on the database they shared with it.
    """
    yield
    while _opened:
        _opened.pop().close()


def new_page(browser, *, js, width=360):
    context = browser.new_context(java_script_enabled=js, viewport={"width": width, "height": 800}, locale="zh-CN")
    _opened.append(context)
    page = context.new_page()
    outside = []
    page.on(
        "request",
        lambda r: (
            outside.append(r.url) if not r.url.startswith(("http://127.0.0.1", "http://localhost", "data:")) else None
        ),
    )
    page.outside_requests = outside
    return page


def choose(page, label):
    page.get_by_label(label, exact=True).check()
    page.get_by_role("button", name="继续").click()


def walk_done_when_scenario(page, site):
    """A new user: lost 职称 certificate from 北京, living in 广东, urgent, mailing, today."""
    page.goto(site + reverse("guides:home"))
    page.get_by_role("button", name="开始").click()
    page.get_by_role("button", name="开始").click()
    choose(page, "职称证书（专业技术资格证书）")
    choose(page, "遗失")
    choose(page, "是")  # the content's one precondition for a 职称 certificate (identity unchanged)
    page.get_by_label("您的证书是在哪个省份发的？").select_option(label="北京市")
    page.get_by_role("button", name="继续").click()
    page.get_by_label("您现在在哪个省份工作或生活？").select_option(label="广东省")
    page.get_by_role("button", name="继续").click()
    choose(page, "急：职称评审截止日期临近")
    choose(page, "邮寄")
    page.get_by_role("button", name="继续").click()  # the date defaults to today


@pytest.mark.parametrize("js", [False, True], ids=["js-off", "js-on"])
def test_click_through_to_the_personal_guide_and_change_an_answer(browser, site, js):
    page = new_page(browser, js=js)
    walk_done_when_scenario(page, site)
    assert page.locator("h1").inner_text() == "职称证书遗失补办"
    body = page.locator("main").inner_text()
    for expected in ["办理地：北京市（发证省份）", "遗失声明（登报）", "120–350 元", "预计哪天办好"]:
        assert expected in body
    for withdrawn in ["转出函件", "书面情况说明", "加急手续费"]:  # issue 18 §7: no source has them
        assert withdrawn not in body
    page.screenshot(path=ARTIFACTS / f"checker-outcome-360-{'js' if js else 'nojs'}.png", full_page=True)
    page.screenshot(path=ARTIFACTS / "checker-outcome-360.png")  # the first screenful, for the docs
    shared = page.url
    # 更改: go in person instead; the outcome comes back without the express fee.
    page.locator('a[data-change="delivery"]').click()
    assert page.get_by_label("邮寄", exact=True).is_checked()
    choose(page, "到窗口现场递交")
    assert "/check/result/" in page.url
    assert "120–350 元" in page.locator("[data-fee-total]").inner_text()
    assert "EMS 到付件" not in page.locator("main").inner_text()  # the mail channel is dropped
    # Back returns the earlier outcome, from the URL alone.
    page.go_back()
    page.go_back()
    assert page.url == shared
    assert "EMS 到付件" in page.locator("main").inner_text()
    assert page.outside_requests == []


@pytest.mark.parametrize("js", [False, True], ids=["js-off", "js-on"])
def test_error_summary_takes_the_keyboard_focus(browser, site, js):
    page = new_page(browser, js=js)
    page.goto(site + reverse("guides:check_question", args=["cert"]))
    page.get_by_role("button", name="继续").click()
    # The click returns once the answer page's navigation has committed, which can be
    # before its <title> is parsed: wait for the title (a timeout fails the test).
    page.wait_for_function("document.title.length > 0")
    assert page.title().startswith("错误：")
    summary = page.locator("[data-error-summary]")
    assert summary.is_visible()
    assert page.locator(":focus").get_attribute("data-error-summary") is not None
    page.screenshot(path=ARTIFACTS / f"checker-error-360-{'js' if js else 'nojs'}.png", full_page=True)
    # The summary links to the field.
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    # Playwright learns of a same-document (fragment) navigation a moment after the
    # key press, so wait for it rather than reading page.url at once.
    expect(page).to_have_url(re.compile(r"#f-cert$"))
    expect(page.locator("#f-cert")).to_be_in_viewport()


def test_copy_link_and_print_with_javascript(browser, site):
    page = new_page(browser, js=True, width=1280)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    walk_done_when_scenario(page, site)
    page.screenshot(path=ARTIFACTS / "checker-outcome-1280.png", full_page=True)
    page.get_by_role("button", name="复制链接").click()
    expect(page.locator(".share__status")).to_have_text("链接已复制。")
    assert page.locator("#share-url").input_value() == page.url
    pdf = page.pdf(format="A4")
    (ARTIFACTS / "checker-outcome.pdf").write_bytes(pdf)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert 1 <= pages <= 2, f"the outcome prints on {pages} pages"


def test_without_javascript_the_copy_and_print_buttons_stay_hidden(browser, site):
    page = new_page(browser, js=False)
    walk_done_when_scenario(page, site)
    assert not page.get_by_role("button", name="复制链接").is_visible()
    assert page.locator("#share-url").is_visible()


def test_checker_pages_have_no_axe_violations(browser, site):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    page = new_page(browser, js=True)
    walk_done_when_scenario(page, site)
    outcome = page.url
    urls = [
        reverse("guides:check_start"),
        reverse("guides:check_question", args=["cert"]),
        reverse("guides:check_question", args=["cert"]) + "?asked=cert",
        reverse("guides:check_question", args=["issued-in"]) + "?" + outcome.split("?", 1)[1],
        outcome.removeprefix(site),
        reverse("guides:check_result") + "?cert=professional-title&reason=revoked",
    ]
    problems = {}
    for url in urls:
        page.goto(site + url)
        results = axe.run(page)
        if results.violations_count:
            problems[url] = [v["id"] for v in results.response["violations"]]
    assert problems == {}
