import re
from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from guides.models import CertificateType, Region, Situation

pytestmark = pytest.mark.django_db

SECTIONS = [
    "能否补办",
    "申请材料",
    "办理步骤",
    "办理时限",
    "费用",
    "注意事项",
    "常见问题",
    "办理地点与咨询",
    "依据与来源",
    "最后审核于",
]

# Every fact of the source article that no better source contradicts, as it must be readable somewhere on the site.
ARTICLE_FACTS = [
    "持证人身份信息未变更",
    "姓名、身份证号等关键要素",
    "身份证",
    "原件及复印件",
    "复印件需清晰可辨",
    "近期免冠证件照",
    "申请表",
    "线下窗口领取或官网下载",
    "需手写签字确认",
    "提交申请并等待审核",
    "证书补办+姓名+联系方式",
    "EMS 到付件",
    "受理回执单",
    "5–15 个工作日",  # for 技能 and 职称, marked as the article's
    "30 天",
    "通过申请编号在官网查询进度",
    "12333",
    "工本费",
    "20–50 元",
    "登报费",
    "100–300 元",
    "“补发”字样及新的发证日期",
    "数字独教育",
]

# The article's sentences a better source contradicts, or that nothing supports and would mislead
# (issue 18 §7): withdrawn, on no page.
WITHDRAWN_ARTICLE_FACTS = [
    "不是故意销毁或转让",
    "证书仍在有效期内",
    "过期需先续期再补办",
    "省级以上公开发行报刊",
    "2寸蓝底",
    "工作单位出具的在职证明",
    "劳动合同摘要页或社保缴纳记录",
    "芯片或防伪标识",
    "建议提前咨询发证机关技术限制",
    "挂失备案",
    "国家人事考试网",
    "人才服务中心/人社局专窗",
    "准备替代性证明材料",
    "同行从业者推荐信",
    "职业资格证补办+姓名+联系方式",
    "现支持全国通办服务",
    "现居住地市级人社部门",
    "两地信息系统互联互通",
    "原发证机关出具的转出函件",
    "项目投标书、会议邀请函",
    "备案紧急事由",
    "加急手续费",
    "通常为常规费用的2倍以内",
    "特定时段免收工本费",
    "原证的历史记录不可追溯",
    "工地实名制管理、银行开户许可审查",
    "区块链存证技术",
    "多数省份已实现电子证书同步发放",
]


def guide_urls():
    for cert in CertificateType.objects.all():
        for situation in Situation.objects.all():
            yield reverse("guides:guide", args=[cert.slug, situation.slug])
            for region in Region.objects.all():
                yield reverse("guides:guide_region", args=[cert.slug, situation.slug, region.slug])


def visible_text(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_every_guide_page_renders_with_its_sections(content, client):
    count = 0
    for url in guide_urls():
        response = client.get(url)
        assert response.status_code == HTTPStatus.OK, url
        text = visible_text(response.content.decode())
        guide = response.context["guide"]
        # Sections with nothing in them are left out.
        expected = [
            section
            for section in SECTIONS
            if (section != "注意事项" or guide.warnings or guide.tips) and (section != "常见问题" or guide.faqs)
        ]
        missing = [section for section in expected if section not in text]
        assert not missing, f"{url} lacks {missing}"
        count += 1
    assert count == 3 * 4 * 32


def test_every_article_fact_is_reachable(content, client):
    pages = [client.get(url).content.decode() for url in guide_urls() if url.count("/") == 4]
    text = visible_text(" ".join(pages))
    missing = [fact for fact in ARTICLE_FACTS if fact not in text]
    assert not missing
    shown = [fact for fact in WITHDRAWN_ARTICLE_FACTS if fact in text]
    assert not shown
    assert 'href="https://www.shuzidu.com/kaoshishengxue/8006.html"' in pages[0]


def test_lost_skill_certificate_in_guangdong(content, client):
    url = reverse("guides:guide_region", args=["skill-certificate", "lost", "guangdong"])
    text = visible_text(client.get(url).content.decode())
    # Nothing of 广东's own for 技能 yet: the national text, saying so.
    assert "广东暂无单独规定的资料，以下为全国通用内容" in text
    assert "120–350 元" in text  # 工本费 20–50 + 登报费 100–300
    assert "转出函件" not in text  # cross-province only
    assert "加急手续费" not in text  # no source gives one
    assert "技能人才评价证书全国联网查询" in text  # 技能's own route (人社部 答问, 官方转载)
    assert "最后审核于" in text


def test_circumstance_page_labels_reason_specific_items(content, client):
    url = reverse("guides:guide", args=["professional-title", "cross-province"])
    text = visible_text(client.get(url).content.decode())
    assert "遗失声明（登报） 必需 仅遗失时需要" in text
    assert "转出函件" not in text  # no source has one (issue 18 §7 row 2)
    assert "补办仍向发给证书的机构申请" in text


def test_urgent_page_adds_no_invented_surcharge(content, client):
    url = reverse("guides:guide", args=["professional-title", "urgent"])
    text = visible_text(client.get(url).content.decode())
    # 0–100 元 was the site's own arithmetic (2 × 工本费), not a fee any source gives (issue 18 §7 row 6).
    assert "最多为常规费用的" not in text and "加急手续费" not in text
    assert "120–350 元" in text  # 工本费 20–50 + 登报费 100–300 (lost only, but listed)
    assert "本站没有找到补办可以加急的官方规定" in text


def test_drafts_are_not_shown_to_the_public(content, client):
    url = reverse("guides:guide", args=["professional-qualification", "lost"])
    text = visible_text(client.get(url).content.decode())
    assert "草稿" not in text
    assert "295×416" not in text  # a draft notice's text (photo specifications, 待核实)


def test_region_picker_redirects_without_javascript(content, client):
    url = reverse("guides:guide", args=["skill-certificate", "lost"])
    response = client.get(url, {"region": "guangdong"})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("guides:guide_region", args=["skill-certificate", "lost", "guangdong"])
    assert client.get(url, {"region": "atlantis"}).status_code == HTTPStatus.OK


@pytest.mark.parametrize(
    "url",
    [
        "/guides/no-such-cert/",
        "/guides/skill-certificate/no-such/",
        "/guides/skill-certificate/lost/atlantis/",
        "/nope/",
    ],
)
def test_unknown_pages_get_a_friendly_404(content, client, url):
    response = client.get(url)
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "找不到这个页面" in response.content.decode()


def test_server_error_page_is_friendly(content, client, settings):
    from django.test import Client

    settings.ROOT_URLCONF = "tests.urls_boom"
    response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    body = response.content.decode()
    assert "抱歉，网站出了点问题" in body
    assert "Traceback" not in body


def test_guide_page_query_count_is_bounded_and_constant(content, client):
    url = reverse("guides:guide_region", args=["professional-title", "lost", "guangdong"])
    client.get(url)  # warm the catalogue cache, as any earlier request would
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    assert len(ctx) <= 10, [q["sql"] for q in ctx]


def test_guide_page_has_no_third_party_references(content, client):
    html = client.get(reverse("guides:guide", args=["skill-certificate", "lost"])).content.decode()
    for attribute in re.findall(r'(?:src|href)="([^"]+)"', html):
        if attribute.startswith(("http://", "https://", "//")) and not attribute.startswith("http://testserver/"):
            # Only links (a href) to official or source sites; nothing the page loads.
            assert not re.search(rf'<(?:link|script|img)[^>]+"{re.escape(attribute)}"', html), attribute
    # JSON-LD data blocks are the only script elements, and they never execute.
    assert html.count("<script") == html.count('<script type="application/ld+json">')


def test_an_item_limited_to_every_reason_has_no_reason_label(content, client):
    """Limited to 遗失 and to 损毁 is not reason-specific: no "仅遗失或损毁时需要" on a circumstance page."""
    from tests import builders

    reasons = list(Situation.objects.filter(kind=Situation.Kind.REASON, is_published=True))
    assert len(reasons) >= 2
    builders.material(name="每种情形都要的材料", situations=reasons)
    builders.material(name="只在遗失时要的材料", situations=[r for r in reasons if r.slug == "lost"])
    url = reverse("guides:guide", args=["professional-title", "cross-province"])
    html = re.sub(r"<script.*?</script>", "", client.get(url).content.decode(), flags=re.S)  # not the JSON-LD
    text = visible_text(html)
    every = text.split("每种情形都要的材料", 1)[1].split("只在遗失时要的材料", 1)[0]  # its entry, up to the next
    assert "时需要" not in every, every
    assert "只在遗失时要的材料 必需 仅遗失时需要" in text


@pytest.mark.parametrize(
    ("cert", "who"),
    [
        ("skill-certificate", "证书上所载的发证机关或评价机构"),
        ("professional-title", "证书上所载的发证机关（人社部门或职称评审委员会组建单位）"),
        ("professional-qualification", "证书上所载的发证机关（人社部门或行业主管部门）"),
    ],
)
def test_every_guide_says_who_reissues_its_type_from_the_data(client, content, cert, who):
    """A 技能 holder is sent to the 评价机构 that issued it, not told 人社局专窗 (the old fixed sentence)."""
    html = client.get(reverse("guides:guide", args=[cert, "lost"])).content.decode()
    assert f"<dt>由谁补办</dt><dd>{who}" in html
    assert "人社局专窗）申请；" not in html


@pytest.mark.parametrize(
    ("url", "preview_bar"),
    [
        ("/", True),
        ("/guides/professional-title/", True),
        ("/guides/professional-title/lost/", True),
        ("/guides/professional-qualification/lost/guangdong/", True),
        ("/certificates/", True),
        ("/certificates/driving-licence/", True),
        ("/search/?q=证书丢了", False),
        ("/check/", False),
        ("/check/reason/?cert=professional-title", False),
        ("/feedback/?page=/guides/skill-certificate/lost/&report=1", False),
    ],
)
def test_every_page_type_opens_for_a_logged_in_editor(content, admin_client, url, preview_bar):
    """Staff pages are rendered fresh: a page showing no guide must not trip over the preview bar."""
    response = admin_client.get(url)
    assert response.status_code == 200, url
    assert ("编辑预览" in response.content.decode()) is preview_bar
