"""An editor, in a real browser: log in, change one region's 工本费, make a mistake and
see it caught, see the change on that region's page only, then revert it from history.

With REDIS_URL set, the admin and the public pages are served by two different
gunicorn processes sharing the cache, as in production; otherwise by one.
"""

from pathlib import Path

import pytest

from tests.servers import EDITOR, SiteServers, shared_redis_url

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
# Server names; SiteServers gives each a free port when it starts it.
EDITING, READING = "editing", "reading"
GUANGDONG = "/guides/professional-qualification/lost/guangdong/"
BEIJING = "/guides/professional-qualification/lost/beijing/"
REGIONAL_FEE = (
    "from guides.models import Fee, Region;"
    "national = Fee.objects.get(key='production-fee');"
    "fee = Fee.objects.create(key='guangdong-production-fee', name='工本费', min_amount=30, max_amount=30,"
    " note='（测试数据）', replaces=national, counts_as_regular=True, is_published=True, source=national.source);"
    "fee.regions.set([Region.objects.get(slug='guangdong')])"
)

pytestmark = pytest.mark.browser


@pytest.fixture
def site(tmp_path):
    redis_url = shared_redis_url()
    ports = [EDITING, READING] if redis_url else [EDITING]
    servers = SiteServers(tmp_path, ports, redis_url)
    servers.prepare()
    servers.manage("shell", "-c", REGIONAL_FEE)
    servers.start()
    servers.reader = ports[-1]
    yield servers
    servers.stop()


def shoot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    for width in (360, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(ARTIFACTS / f"editor-{name}-{width}.png"), full_page=True)


def fee_cell(page):
    return page.locator("table.fees tbody tr", has_text="工本费").locator("td").first.inner_text()


def test_editor_changes_one_regions_fee_sees_it_and_reverts_it(site, browser):
    from playwright.sync_api import expect

    admin = browser.new_page()
    public = browser.new_page()
    public.goto(site.url(site.reader, GUANGDONG))
    assert fee_cell(public) == "30 元"
    public.goto(site.url(site.reader, BEIJING))
    assert fee_cell(public) == "20–50 元"

    # Log in.
    admin.goto(site.url(EDITING, "/admin/"))
    shoot(admin, "login")
    username, password = EDITOR
    admin.get_by_label("用户名").fill(username)
    admin.get_by_label("密码").fill(password)
    admin.get_by_role("button", name="登录").click()
    expect(admin.get_by_role("link", name="费用", exact=True).first).to_be_visible()
    shoot(admin, "index")

    # Find the 工本费 that applies in 广东.
    admin.get_by_role("link", name="费用", exact=True).first.click()
    admin.locator("#searchbar").fill("广东")
    admin.get_by_role("button", name="搜索").click()
    shoot(admin, "fee-list")
    admin.locator("#result_list tbody tr", has_text="广东").get_by_role("link", name="工本费", exact=True).click()

    # A mistake is caught, on the field, and nothing is saved.
    admin.get_by_label("最低金额（元）").fill("40")
    admin.get_by_label("最高金额（元）").fill("35")
    admin.get_by_role("button", name="保存", exact=True).first.click()
    expect(admin.locator(".errorlist", has_text="最高金额不能低于最低金额")).to_be_visible()
    shoot(admin, "fee-error")
    public.goto(site.url(site.reader, GUANGDONG))
    assert fee_cell(public) == "30 元"

    # Fixed and saved: 广东 changes at once, 北京 does not.
    admin.get_by_label("最低金额（元）").fill("35")
    admin.get_by_role("button", name="保存", exact=True).first.click()
    expect(admin.locator(".messagelist .success")).to_be_visible()
    public.goto(site.url(site.reader, GUANGDONG))
    assert fee_cell(public) == "35 元"
    shoot(public, "guide-guangdong-after-edit")
    public.goto(site.url(site.reader, BEIJING))
    assert fee_cell(public) == "20–50 元"

    # Revert from history.
    admin.locator("#result_list tbody tr", has_text="广东").get_by_role("link", name="工本费", exact=True).click()
    admin.get_by_role("link", name="历史与还原").click()
    expect(admin.locator("#change-history tbody tr").first).to_contain_text("bianji")
    shoot(admin, "fee-history")
    admin.locator("#change-history tbody tr").nth(1).get_by_role("link").first.click()
    expect(admin.get_by_label("最低金额（元）")).to_have_value("30.00")
    admin.get_by_role("button", name="还原").first.click()
    expect(admin.locator(".messagelist .success")).to_be_visible()
    public.goto(site.url(site.reader, GUANGDONG))
    assert fee_cell(public) == "30 元"

    # Staff see the live page as a preview: drafts marked, a chosen date, never cached.
    admin.goto(site.url(EDITING, GUANGDONG))
    admin.get_by_label("按日期预览").fill("2100-01-01")
    admin.get_by_role("button", name="预览").click()
    expect(admin.locator(".preview-bar")).to_contain_text("正在按 2100-01-01 的生效内容预览（未来日期）")
    expect(admin.locator(".draft-badge").first).to_be_visible()
    shoot(admin, "staff-preview")
