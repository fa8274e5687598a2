"""Province pages earn their own title, canonical link and sitemap entry with content of their own."""

import re
from http import HTTPStatus

from django.test import Client
from django.urls import reverse

from guides.models import Notice, Region
from tests.formscrape import form_data

XIZANG = reverse("guides:guide_region", args=["professional-title", "damaged", "xizang"])
NATIONAL = reverse("guides:guide", args=["professional-title", "damaged"])


def canonical(html):
    return re.search(r'<link rel="canonical" href="http://testserver([^"]+)">', html).group(1)


def sitemap(client):
    return set(re.findall(r"<loc>http://testserver([^<]+)</loc>", client.get(reverse("sitemap")).content.decode()))


def test_a_province_page_without_its_own_content_says_so_and_defers_to_the_national_page(client, content):
    html = client.get(XIZANG).content.decode()
    national = client.get(NATIONAL).content.decode()
    assert "西藏暂无单独规定的资料，以下为全国通用内容" in html
    assert canonical(html) == NATIONAL
    assert "<title>职称证书损毁补办（西藏：全国通用内容） - 证书补办指南</title>" in html
    assert "<h1>职称证书损毁补办</h1>" in html
    # Every national sentence is kept, "who reissues it" included.
    where = "<dt>由谁补办</dt><dd>证书上所载的发证机关（人社部门或职称评审委员会组建单位）"
    assert where in national and where in html
    assert XIZANG not in sitemap(client)


def test_a_province_page_with_its_own_item_is_its_own_page_with_that_item_first(client, content):
    url = reverse("guides:guide_region", args=["professional-qualification", "lost", "guangdong"])
    page = client.get(url)
    html = page.content.decode()
    assert "data-national-text" not in html
    assert canonical(html) == url
    assert url in sitemap(client)
    own = [getattr(n, "region_limited", False) for n in page.context["guide"].notices]
    assert own == sorted(own, reverse=True) and own[0] and not own[-1], "the province's notices come first"


def test_publishing_an_item_for_a_province_in_admin_switches_its_pages_at_once(admin_client, content):
    public = Client()
    assert canonical(public.get(XIZANG).content.decode()) == NATIONAL  # cached now
    xizang = Region.objects.get(slug="xizang")
    add = reverse("admin:guides_notice_add")
    data = form_data(
        admin_client.get(add).content,
        "notice_form",
        key="xizang-test-notice",
        kind="info",
        title="西藏：测试用的本区说明",
        body="只在西藏适用的一条说明。",
        regions=[str(xizang.pk)],
        is_published="on",
        source=str(Notice.objects.filter(source__isnull=False).first().source_id),
    )
    response = admin_client.post(add, data)
    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:3000]
    assert Notice.objects.filter(key="xizang-test-notice", regions=xizang).exists()

    html = public.get(XIZANG).content.decode()
    assert canonical(html) == XIZANG
    assert "data-national-text" not in html and "西藏：测试用的本区说明" in html
    assert "<title>职称证书损毁补办（西藏自治区） - 证书补办指南</title>" in html
    assert XIZANG in sitemap(public)
    # Unpublishing it turns the page back into the national text.
    notice = Notice.objects.get(key="xizang-test-notice")
    notice.is_published = False
    notice.save()
    assert canonical(public.get(XIZANG).content.decode()) == NATIONAL
    assert XIZANG not in sitemap(public)
