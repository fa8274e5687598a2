import pytest
from django.urls import reverse

from tests.browser.conftest import DESKTOP, PHONE, screenshot

GUIDE = ("professional-qualification", "lost", "guangdong")  # 广东 has 专技 items of its own


@pytest.mark.parametrize(("viewport", "name"), [(PHONE, "guide-360"), (DESKTOP, "guide-1280")])
def test_guide_page_fits_the_screen_without_errors_or_foreign_requests(open_page, viewport, name):
    page, watch = open_page(reverse("guides:guide_region", args=GUIDE), viewport)
    assert page.locator("h1").inner_text() == "专技职业资格证书遗失补办（广东省）"
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= viewport["width"], f"horizontal scroll: {scroll_width}px > {viewport['width']}px"
    assert page.locator("#materials li").count() >= 4
    assert watch.console_errors == []
    assert watch.foreign_requests == []
    assert screenshot(page, name).stat().st_size > 0
    screenshot(page, f"{name}-top", full_page=False)


def test_region_picker_works_without_javascript(open_page):
    page, watch = open_page(reverse("guides:guide", args=GUIDE[:2]), PHONE, java_script_enabled=False)
    page.select_option("select[name=region]", "guangdong")
    page.get_by_role("button", name="查看").click()
    page.wait_for_url("**/guides/professional-qualification/lost/guangdong/")
    assert "（广东省）" in page.locator("h1").inner_text()
    assert watch.foreign_requests == []


def test_print_layout_is_a_clean_checklist(open_page):
    # A page of the national text (技能 has nothing of 广东's own); a province page with
    # its own notices, or an urgent page, may take a fourth page.
    page, _ = open_page(reverse("guides:guide_region", args=["skill-certificate", "lost", "guangdong"]), DESKTOP)
    page.emulate_media(media="print")
    assert page.locator(".site-header").is_hidden()
    assert page.locator(".region-box").is_hidden()
    assert page.locator("#materials").is_visible()
    pdf = page.pdf(format="A4")
    pages = pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")
    assert 1 <= pages <= 3, f"printed to {pages} pages"


SHANDONG_OUTCOME = (
    "?cert=professional-qualification&reason=lost&no-electronic-certificate=yes&identity-unchanged=yes"
    "&issued-in=370000&living-in=110000&urgent=no&delivery=mail&date={today}"
)


@pytest.mark.parametrize(
    ("name", "where"),
    [
        ("official-first-national-lost-360", ("guides:guide", ["professional-qualification", "lost"])),
        (
            "official-first-guangdong-damaged-360",
            ("guides:guide_region", ["professional-qualification", "damaged", "guangdong"]),
        ),
        ("official-first-shandong-outcome-360", ("guides:check_result", [])),
    ],
)
def test_a_phone_reader_meets_the_electronic_certificate_first(open_page, name, where):
    """Issue 18: on a 360 px screen the 先看这里 block (e-certificate, no paper reissue) comes before the paper route."""
    from datetime import date

    url = reverse(where[0], args=where[1])
    if where[0] == "guides:check_result":
        url += SHANDONG_OUTCOME.format(today=date.today().isoformat())
    page, watch = open_page(url, PHONE)
    first = page.locator("[data-first-route]")
    if "outcome" in name:
        # The reader answered "paper only": the texts are folded, one tap away (no JavaScript needed).
        assert "您已回答：您的证书没有可以下载的电子证书" in first.inner_text()
        assert "已经制发电子证书的，不再补发纸质证书" not in first.inner_text()
        first.locator("summary").click()
    assert "已经制发电子证书的，不再补发纸质证书" in first.inner_text()
    assert first.bounding_box()["y"] < page.locator("#materials").bounding_box()["y"]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    if "shandong" in name:
        assert "65 个工作日内" in page.locator("#dates").inner_text()
    assert watch.console_errors == []
    screenshot(page, name)
