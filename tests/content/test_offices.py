"""Offices as content: validated, shown where they apply, drafts until sourced, kept by editors in admin."""

import re
from http import HTTPStatus
from urllib.parse import urlencode

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from guides.models import Office, Region, Source
from tests.formscrape import form_data

pytestmark = pytest.mark.django_db

GD_LOST = reverse("guides:guide_region", args=["professional-qualification", "lost", "guangdong"])
GD_DAMAGED = reverse("guides:guide_region", args=["professional-qualification", "damaged", "guangdong"])
SHANDONG_LOST = reverse("guides:guide_region", args=["professional-qualification", "lost", "shandong"])
XIZANG_TITLE = reverse("guides:guide_region", args=["professional-title", "lost", "xizang"])
NATIONAL_LOST = reverse("guides:guide", args=["professional-qualification", "lost"])


def text(response):
    return response.content.decode()


def contact_section(html):
    return html.split('id="contact"')[1].split("</section>")[0]


def canonical(html):
    return re.search(r'<link rel="canonical" href="http://testserver([^"]+)">', html).group(1)


def sitemap(client):
    return set(re.findall(r"<loc>http://testserver([^<]+)</loc>", text(client.get(reverse("sitemap")))))


def lost_guangdong_answers(**overrides):
    """Checker answers for a lost 专技 certificate issued in 广东 (living there unless overridden), eligible, by post."""
    answers = {
        "cert": "professional-qualification",
        "reason": "lost",
        "no-electronic-certificate": "yes",
        "identity-unchanged": "yes",
        "gd-no-electronic-certificate-yet": "yes",
        "issued-in": "440000",
        "living-in": "440000",
        "urgent": "no",
        "delivery": "mail",
        "date": timezone.localdate().isoformat(),
    }
    return {**answers, **overrides}


@pytest.fixture
def official(db):
    return Source.objects.create(key="test-office-page", title="某考试院证书补办须知", authority="official")


def office(**fields):
    defaults = {"key": "test-office", "name": "某考试院", "handles": "本地考试取得的证书的补发。", "is_published": True}
    return Office(**{**defaults, **fields})


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"website": "https://example.gov.cn/"}, "source", "没有来源的办理地点只能是草稿"),
        ({"with_source": True}, "address", "至少填写一种找到它的方式"),
        ({"with_source": True, "phone": "请拨打热线"}, "phone", "电话只能包含数字"),
        (
            {"with_source": True, "website": "https://example.gov.cn/", "online": "full", "visits": 2},
            "visits",
            "不用去现场",
        ),
        ({"with_source": True, "phone": "12333", "online": "in-person"}, "address", "只能到现场办理的，请填写地址"),
        ({"with_source": True, "address": "某路1号", "online": "in-person", "visits": 0}, "visits", "至少要去 1 次"),
        ({"with_source": True, "phone": "12333", "online": "apply-online"}, "website", "请填写网站或 App"),
    ],
    ids=[
        "published-without-source",
        "no-way-to-reach",
        "bad-phone",
        "online-but-visits",
        "in-person-no-address",
        "in-person-zero-visits",
        "online-no-website",
    ],
)
def test_an_invalid_office_names_the_field(official, fields, field, message):
    fields = dict(fields)
    source = official if fields.pop("with_source", False) else None
    with pytest.raises(ValidationError) as raised:
        office(source=source, **fields).full_clean()
    assert field in raised.value.message_dict
    assert message in raised.value.message_dict[field][0]


def test_a_valid_office_passes_and_one_without_a_source_may_be_a_draft(official):
    office(source=official, phone="020-12345678 转 1、12333", online="apply-online", app="粤省事小程序").full_clean()
    office(is_published=False, address="某路1号").full_clean()


def test_published_offices_rest_on_official_texts(content):
    published = Office.objects.filter(is_published=True).select_related("source")
    official = {"gd-rsks-office", "gz-rsj-office", "sh-ability-exam-office"}
    # Reposts of an identified official text, checked against the stored page (issue 18): 官方转载.
    reposted = {"sd-hrss-office", "sx-rsks-office", "cq-hrss-office", "tj-title-office", "gd-title-office"}
    assert {o.key for o in published} == official | reposted
    assert {o.source.authority for o in published if o.key in official} == {Source.Authority.OFFICIAL}
    assert {o.source.authority for o in published if o.key in reposted} == {Source.Authority.OFFICIAL_REPOST}
    assert all(o.source.url for o in published)
    # Third-party pages, and reposts not read again, stay drafts.
    drafts = Office.objects.filter(is_published=False).select_related("source")
    assert {o.key for o in drafts} == {"jn-rsks-office", "hb-rsks-office", "cpta-download-office", "wh-rsks-office"}


def test_a_province_page_shows_its_offices_with_their_source(client, content):
    contact = contact_section(text(client.get(GD_LOST)))
    assert "广东省人事考试局" in contact and "http://rsks.gd.gov.cn/" in contact
    assert "广州市人力资源和社会保障局" in contact and "邮费到付" in contact
    assert "官方原文" in contact  # the page mixes authorities, so each office carries its mark


def test_an_office_limited_to_lost_certificates_is_not_on_the_damaged_page(client, content):
    contact = contact_section(text(client.get(GD_DAMAGED)))
    assert "广东省人事考试局" not in contact
    assert "广州市人力资源和社会保障局" in contact  # its source covers 遗失 and 损毁 alike


def test_offices_show_only_where_they_apply(client, content):
    for url in [NATIONAL_LOST, reverse("guides:guide_region", args=["professional-title", "lost", "guangdong"])]:
        contact = contact_section(text(client.get(url)))
        assert "广东省人事考试局" not in contact and "上海市职业能力考试院" not in contact, url


def test_draft_offices_are_for_editors_only(client, admin_client, content):
    assert "六里山南路" not in text(client.get(SHANDONG_LOST))  # 济南市人事考试中心: a draft
    staff = contact_section(text(admin_client.get(SHANDONG_LOST)))
    assert "六里山南路" in staff and 'class="office draft"' in staff
    assert "解放东路16号" in contact_section(text(client.get(SHANDONG_LOST)))  # the 山东 guide: published


def test_the_checker_outcome_names_the_offices_of_the_issuing_province(client, content):
    answers = lost_guangdong_answers()
    response = client.get(f"{reverse('guides:check_result')}?{urlencode(answers)}", follow=True)
    html = text(response)
    assert "<h1>" in html and 'id="contact"' in html, html[:2000]
    contact = contact_section(html)
    assert "广东省人事考试局" in contact and "广州市人力资源和社会保障局" in contact
    assert "上海市职业能力考试院" not in contact


def test_an_editor_adds_an_office_in_admin_and_the_province_page_becomes_its_own(admin_client, content):
    public = Client()
    assert canonical(text(public.get(XIZANG_TITLE))) == reverse("guides:guide", args=["professional-title", "lost"])
    xizang = Region.objects.get(slug="xizang")
    source = Source.objects.create(
        key="test-xizang-page", title="西藏某页面", authority="official", url="https://x.gov.cn/"
    )
    add = reverse("admin:guides_office_add")
    data = form_data(
        admin_client.get(add).content,
        "office_form",
        key="xizang-test-office",
        name="西藏测试用办理窗口",
        handles="测试：本区职称证书的补发。",
        phone="0891-1234567",
        regions=[str(xizang.pk)],
        source=str(source.pk),
        is_published="on",
    )
    # A bad phone number is refused, naming the field, and nothing is saved.
    refused = admin_client.post(add, {**data, "phone": "打电话问"})
    assert refused.status_code == HTTPStatus.OK
    assert "电话只能包含数字" in text(refused) and not Office.objects.filter(key="xizang-test-office").exists()

    response = admin_client.post(add, data)
    assert response.status_code == HTTPStatus.FOUND, text(response)[:3000]
    html = text(public.get(XIZANG_TITLE))
    assert "西藏测试用办理窗口" in contact_section(html) and "0891-1234567" in html
    assert canonical(html) == XIZANG_TITLE
    assert XIZANG_TITLE in sitemap(public)
    # Back to a draft: the page is the national text again, at once.
    item = Office.objects.get(key="xizang-test-office")
    item.is_published = False
    item.save()
    html = text(public.get(XIZANG_TITLE))
    assert "西藏测试用办理窗口" not in html and canonical(html) != XIZANG_TITLE


def test_a_bad_office_row_in_a_fixture_fails_naming_it_and_loads_nothing(content, tmp_path):
    bad = tmp_path / "offices.yaml"
    bad.write_text(
        "- model: guides.office\n  fields:\n    key: bad-office\n    name: 无来源的窗口\n"
        "    handles: 补发。\n    phone: '12333'\n",
        encoding="utf-8",
    )
    before = Office.objects.count()
    with pytest.raises(Exception, match="bad-office|无来源的窗口"):
        call_command("load_content", str(bad), verbosity=0)
    assert Office.objects.count() == before


def test_across_provinces_the_outcome_names_the_offices_of_the_issuing_province_only(client, content):
    # The application goes to the 证书发放机构 (16号 第十六条), not to where the reader lives.
    answers = lost_guangdong_answers(**{"living-in": "540000"})
    html = text(client.get(f"{reverse('guides:check_result')}?{urlencode(answers)}", follow=True))
    contact = contact_section(html)
    assert contact.count("广东省人事考试局") == 1
    assert "现居住地" not in contact and "不是向现在住的地方" in contact
    # Their sources are listed, and each is marked with its authority.
    basis = html.split('id="basis"')[1]
    assert "source-gd-rsks-zs-4510411" in basis and 'href="#source-gd-rsks-zs-4510411">官方原文' in contact
    answers["living-in"] = answers["issued-in"]
    same = contact_section(text(client.get(f"{reverse('guides:check_result')}?{urlencode(answers)}", follow=True)))
    assert same.count("广东省人事考试局") == 1
