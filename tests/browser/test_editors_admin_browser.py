"""The editors' admin in Chromium at 1280 px, in a browser set to UTC (issue 22 §4, §5): the fee
list fits its box, and no "你比服务器时间滞后 8 个小时" note sits under the date fields."""

import pytest
from django.contrib.auth.models import User

from guides.models import Fee
from tests.browser.conftest import DESKTOP

pytestmark = pytest.mark.browser


@pytest.fixture
def admin_page(site, browser):
    User.objects.create_superuser("chief", password="browser-pass-42")
    context = browser.new_context(viewport=DESKTOP, timezone_id="UTC", locale="zh-CN")
    page = context.new_page()
    page.goto(f"{site}/admin/login/")
    page.fill("#id_username", "chief")
    page.fill("#id_password", "browser-pass-42")
    with page.expect_navigation():
        page.click("input[type=submit]")
    yield page
    context.close()


def test_the_fee_list_fits_1280_px(site, admin_page):
    admin_page.goto(f"{site}/admin/guides/fee/")
    table, box, page_width = admin_page.evaluate(
        """() => [document.querySelector('#result_list').getBoundingClientRect().right,
                  document.querySelector('#changelist .results').getBoundingClientRect().right,
                  document.documentElement.scrollWidth]"""
    )
    assert table <= box and page_width <= DESKTOP["width"]
    for heading in ("生效日期", "已发布", "最后审核日期", "替代", "来源可信程度"):
        cell = admin_page.locator("#result_list thead th", has_text=heading).first
        assert cell.bounding_box()["x"] + cell.bounding_box()["width"] <= box, heading


def test_dates_need_no_time_zone_note_in_a_browser_elsewhere(site, admin_page):
    fee = Fee.objects.get(key="production-fee")
    admin_page.goto(f"{site}/admin/guides/fee/{fee.pk}/change/")
    assert admin_page.locator("#id_effective_from").is_visible()
    assert admin_page.get_by_text("滞后").filter(visible=True).count() == 0
    assert admin_page.get_by_text("日期与时间均为北京时间").is_visible()
    # "今天" fills Beijing's date (server time), not the browser's.
    admin_page.locator("#id_effective_from").fill("")
    admin_page.locator(".datetimeshortcuts a", has_text="今天").first.click()
    from django.utils import timezone

    filled = admin_page.locator("#id_effective_from").input_value().replace("/", "-")
    assert filled == timezone.localdate().isoformat()
