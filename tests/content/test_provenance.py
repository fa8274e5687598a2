"""How sure the site is: a page resting only on third-party material says so at the top."""

from datetime import date
from http import HTTPStatus

import pytest
from django.urls import reverse

from guides.models import Fee, Source

pytestmark = pytest.mark.django_db

# A page resting on the article alone: the national 职称 page (the 专技 page now starts from 16号 and 97号).
GUIDE = ("professional-title", "lost")


def page(client, args=GUIDE):
    response = client.get(reverse("guides:guide", args=args))
    assert response.status_code == HTTPStatus.OK
    return response.content.decode()


def test_a_third_party_only_page_says_so_near_the_top(content, client):
    html = page(client)
    assert "data-third-party-only" in html
    assert html.index("本页内容来自第三方资料") < html.index('id="conditions"')
    assert "《职业资格证补办》（数字独教育）" in html
    assert "12333" in html
    assert "〔第三方资料〕" in html  # on the source in 依据与来源
    assert "未对照官方原文" in html


def test_an_item_from_an_official_source_lifts_the_notice(content, client):
    official = Source.objects.create(
        key="official-test",
        title="某省人事考试局关于证书补发的公告",
        issuer="某省人事考试局",
        url="https://rsks.example.gov.cn/notice.html",
        authority=Source.Authority.OFFICIAL,
    )
    fee = Fee.objects.get(key="production-fee")
    fee.source = official
    fee.save()
    html = page(client)
    assert "data-third-party-only" not in html
    assert "〔官方原文〕" in html and "〔第三方资料〕" in html
    assert "内容最后审核于（对照上列资料，未对照官方原文）" not in html
    assert "data-mixed-sources" in html


def test_a_repost_counts_as_official_text_not_as_an_original(content, client):
    repost = Source.objects.create(key="repost-test", title="转载的通知", authority=Source.Authority.OFFICIAL_REPOST)
    Fee.objects.filter(key="production-fee").update(source=repost)
    Fee.objects.get(key="production-fee").save()  # bump the content version
    html = page(client)
    assert "data-third-party-only" not in html
    assert "〔官方转载〕" in html


def test_a_page_mixing_a_repost_and_an_article_calls_each_mark_what_it_is(content, client):
    # Issue 22 §5: a 官方转载 item is not "官方原文 … 对照原文核对".
    repost = Source.objects.create(key="repost-test", title="转载的通知", authority=Source.Authority.OFFICIAL_REPOST)
    fee = Fee.objects.get(key="production-fee")
    fee.source = repost
    fee.reviewed_on = date(2026, 12, 1)
    fee.save()
    html = page(client)
    notice = html[html.index("data-mixed-sources") : html.index("</div>", html.index("data-mixed-sources"))]
    assert "官方原文" not in notice
    assert "标“官方转载”的，是发证机关或主管部门的文本，但本站读到的是其他网站的转载" in notice
    assert "标“第三方资料”的，整理自《职业资格证补办》" in notice
    reviewed = html[html.index('<p class="reviewed">') : html.index("</p>", html.index('<p class="reviewed">'))]
    assert "标“官方原文”" not in reviewed and "对照原文核对" not in reviewed
    assert (
        '标“官方转载”的条目 <time datetime="2026-12-01">2026-12-01</time>（对照转载的官方文本核对，未见原网页）'
        in reviewed
    )
    assert "标“第三方资料”的条目" in reviewed and "未对照官方原文" in reviewed
    assert 'href="#source-repost-test">官方转载</a>' in html


def test_a_page_with_all_three_levels_states_each(content, client):
    repost = Source.objects.create(key="repost-test", title="转载的通知", authority=Source.Authority.OFFICIAL_REPOST)
    original = Source.objects.create(key="original-test", title="原文通知", authority=Source.Authority.OFFICIAL)
    Fee.objects.filter(key="production-fee").update(source=repost, reviewed_on=date(2026, 12, 1))
    Fee.objects.filter(key="newspaper-fee").update(source=original, reviewed_on=date(2026, 12, 2))
    Fee.objects.get(key="production-fee").save()  # bump the content version
    html = page(client)
    reviewed = html[html.index('<p class="reviewed">') : html.index("</p>", html.index('<p class="reviewed">'))]
    assert (
        reviewed.index("标“官方原文”的条目")
        < reviewed.index("标“官方转载”的条目")
        < reviewed.index("标“第三方资料”的条目")
    )
    assert '标“官方原文”的条目 <time datetime="2026-12-02">2026-12-02</time>（对照原文核对）' in reviewed


def test_the_checker_outcome_carries_the_notice_and_the_basis_of_its_dates(content, client):
    from tests.checker.test_flow import full_answers, result_url

    # Issued in 西藏, which has no rules of its own on the site: the article's national text.
    html = client.get(result_url(**full_answers(**{"issued-in": "540000", "living-in": "540000"}))).content.decode()
    assert "本页内容来自第三方资料" in html
    assert "data-date-basis" in html and "不含提交申请前准备材料的时间" in html
    assert "挂失" not in html  # no official page has a 挂失 step (issue 18 §7 row 4)


def test_a_province_page_names_only_the_third_party_sources_of_its_items(content, client):
    html = client.get(reverse("guides:guide_region", args=[*GUIDE, "xizang"])).content.decode()
    notice = html[html.index("data-third-party-only") : html.index("</div>", html.index("data-third-party-only"))]
    assert "《职业资格证补办》" in notice
    assert "国务院办公厅" not in notice  # the region's hotline source is not called 非官方资料


def test_a_page_mixing_official_and_third_party_items_marks_each_item(client, content):
    page = client.get(reverse("guides:guide_region", args=["professional-qualification", "lost", "guangdong"]))
    html = page.content.decode()
    guide = page.context["guide"]
    assert guide.mixed_authorities and not guide.third_party_only
    assert "data-mixed-sources" in html and "data-third-party-only" not in html
    official = 'href="#source-gd-rsks-zs-4510411">官方原文</a>'
    assert official in html and 'id="source-gd-rsks-zs-4510411"' in html
    assert "已经上线电子证书的考试项目，不再补发纸质证书" in html
    marks = html.count('class="source-mark"')
    # Every item but the preconditions (their badge is in the list) and step channels is marked once.
    assert marks == len(guide.items()) + 1  # and the "由谁补办" line, from the certificate type
    assert Source.objects.get(key="gd-rsks-zs-4510411").authority == Source.Authority.OFFICIAL
    # The review line does not lend the official check's date to the article's items.
    # Each mark gets its own date and says what it was checked against.
    assert '标“官方原文”的条目 <time datetime="2026-12-06">2026-12-06</time>（对照原文核对）' in html
    assert '标“官方转载”的条目 <time datetime="2026-12-06">2026-12-06</time>（对照转载的官方文本核对' in html
    assert '标“第三方资料”的条目 <time datetime="2026-12-06">2026-12-06</time>（对照上列第三方资料' in html


def test_a_page_of_one_authority_says_it_once_not_per_item(client, content):
    html = client.get(reverse("guides:guide", args=GUIDE)).content.decode()
    assert "data-third-party-only" in html
    assert 'class="source-mark"' not in html


def test_the_official_guangdong_answer_replaces_the_article_advice_only_in_guangdong(client, content):
    guangdong = client.get(reverse("guides:guide_region", args=["professional-qualification", "lost", "guangdong"]))
    national = client.get(reverse("guides:guide", args=["professional-qualification", "lost"]))
    shanghai = client.get(reverse("guides:guide_region", args=["professional-qualification", "lost", "shanghai"]))
    faqs = {f.key for f in guangdong.context["guide"].faqs}
    assert "gd-electronic-instead-of-paper" in faqs and "electronic-instead-of-paper" not in faqs
    assert "electronic-instead-of-paper" in {f.key for f in national.context["guide"].faqs}
    assert "electronic-instead-of-paper" in {f.key for f in shanghai.context["guide"].faqs}
    # 职称 pages in 广东 keep the general answer: the official text covers 专技 exam certificates.
    title = client.get(reverse("guides:guide_region", args=["professional-title", "lost", "guangdong"]))
    assert "gd-no-paper-once-electronic" not in {n.key for n in title.context["guide"].notices}


def test_the_guangdong_electronic_rule_shows_only_where_its_page_states_it_for_lost(client, content):
    damaged = client.get(reverse("guides:guide_region", args=["professional-qualification", "damaged", "guangdong"]))
    guide = damaged.context["guide"]
    assert "gd-no-paper-once-electronic" not in {n.key for n in guide.notices}
    assert {f.key for f in guide.faqs} >= {"electronic-instead-of-paper"}
    assert "gd-no-electronic-certificate-yet" not in {p.key for p in guide.preconditions}
    # 广州's own page covers 损毁 too, and 16号 第十六条 nationally: the damaged reader meets it first.
    assert {"gz-no-paper-lost-or-damaged", "no-paper-once-electronic"} <= {n.key for n in guide.first}
    cross = client.get(
        reverse("guides:guide_region", args=["professional-qualification", "cross-province", "guangdong"])
    )
    assert "gd-no-paper-once-electronic" in {n.key for n in cross.context["guide"].notices}
    assert "仅遗失时需要" in cross.content.decode()
