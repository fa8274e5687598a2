"""Official first (issue 18): what a reader acts on follows the best source the site holds.

官方原文 > 官方转载 > 第三方资料. The 专技 reader meets the electronic-certificate route first;
the article's contradicted sentences (issue 18 §7) appear on no guide page, checker outcome or
search answer; a 山东 outcome counts with 山东's promised time; few items rest on the article
alone, and at least seven provinces have content of their own from official texts.
"""

import re
from datetime import date
from http import HTTPStatus
from itertools import product
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import timezone

from guides.checker.workdays import add_workdays
from guides.models import CertificateType, Notice, Office, Precondition, ProcessingTime, Region, Situation, Source
from guides.registry import GUIDE_ITEM_MODELS

pytestmark = pytest.mark.django_db

GUANGDONG, SHANGHAI, SHANDONG, BEIJING = "440000", "310000", "370000", "110000"
OFFICIAL = (Source.Authority.OFFICIAL, Source.Authority.OFFICIAL_REPOST)

# Sentences of the source article that a better source contradicts, or that nothing supports
# and would mislead (issue 18 §7, rows 1–14 and 16): none may show to the public anywhere.
CONTRADICTED = [
    "万无一失",  # row 1
    "现支持全国通办",  # row 2
    "现居住地市级人社部门",  # row 2
    "原发证机关出具的转出函件",  # row 2
    "证书管理办法》",  # row 2: no 办法 by that name was found
    "国家人事考试网",  # row 4
    "挂失",  # row 4
    "省级以上公开发行报刊",  # row 5
    "加急手续费",  # row 6
    "多数省份已实现电子证书同步发放",  # row 8
    "2寸蓝底",  # row 11
    "备案紧急事由",  # row 12
    "需要第三方证明材料",  # row 12: the urgent materials were the article's
    "可能比上面的日期更早办好",  # row 12: no source says an urgent request is handled sooner
    "原证的历史记录不可追溯",  # row 13
    "芯片",  # row 13
    "推荐信",  # row 13
    "是否需要交回或出示",  # row 14
    "先续期",  # row 7
    "证书仍在有效期内",  # row 7
]


def text(response):
    assert response.status_code == HTTPStatus.OK, response.status_code
    return re.sub(r"\s+", " ", response.content.decode())


def guide_page(client, cert, situation, region=None):
    if region:
        return text(client.get(reverse("guides:guide_region", args=[cert, situation, region])))
    return text(client.get(reverse("guides:guide", args=[cert, situation])))


def outcome_page(client, **answers):
    # The checker redirects to its canonical URL (answers in question order) first.
    return text(client.get(f"{reverse('guides:check_result')}?{urlencode(answers)}", follow=True))


def professional_answers(reason, issued_in, living_in=None, **extra):
    answers = {
        "cert": "professional-qualification",
        "reason": reason,
        "no-electronic-certificate": "yes",
        "identity-unchanged": "yes",
        "issued-in": issued_in,
        "living-in": living_in or issued_in,
        "urgent": "no",
        "delivery": "mail",
        "date": timezone.localdate().isoformat(),
    }
    if issued_in == GUANGDONG and reason == "lost":
        answers["gd-no-electronic-certificate-yet"] = "yes"
    answers.update(extra)
    return answers


def first_route(html):
    """The position of the 先看这里 block, which must come before the conditions, materials and steps."""
    assert "data-first-route" in html
    return html.index("data-first-route")


# ── the 专技 reader meets the electronic certificate first ─────────────────────────────


@pytest.mark.parametrize("reason", ["lost", "damaged"])
@pytest.mark.parametrize("region", [None, "guangdong", "shanghai"])
def test_a_professional_guide_page_starts_with_the_electronic_certificate(client, content, reason, region):
    html = guide_page(client, "professional-qualification", reason, region)
    first = first_route(html)
    for later in ('id="conditions"', 'id="materials"', 'id="steps"'):
        assert first < html.index(later)
    block = html[first : html.index('id="conditions"')]
    assert "2021年12月17日" in block and "人社厅发〔2021〕97号" in block  # which qualifications, since when
    assert "建造师（一级）" in block and "加注" in block and "中国人事考试网" in block
    assert "已经制发电子证书的，不再补发纸质证书" in block  # 16号 第十六条
    assert "人社厅发〔2023〕16号" in block


def test_guangdong_damaged_readers_are_told_no_paper_reissue_for_electronic_projects(client, content):
    html = guide_page(client, "professional-qualification", "damaged", "guangdong")
    block = html[first_route(html) : html.index('id="conditions"')]
    # 广州's own page (官方原文) covers 损毁 as well as 遗失.
    assert "已制发的纸质证书遗失、损毁、或逾期不领取的，不再办理补发" in block
    assert "官方原文" in html


@pytest.mark.parametrize("reason", ["lost", "damaged"])
@pytest.mark.parametrize("region", [None, GUANGDONG, SHANGHAI])
def test_the_checker_asks_about_the_electronic_certificate_first(client, content, reason, region):
    response = client.get(
        f"{reverse('guides:check_result')}?{urlencode({'cert': 'professional-qualification', 'reason': reason})}"
    )
    html = text(response)
    assert "您的证书只有纸质证书、没有电子证书吗？" in html
    # A "no" ends at the electronic certificate, not at a paper reissue.
    stop = outcome_page(
        client,
        cert="professional-qualification",
        reason=reason,
        **{"no-electronic-certificate": "no"},
    )
    assert "您可以直接下载电子证书" in stop
    assert "已经制发电子证书的，不再补发纸质证书" in stop
    if region:  # the full outcome too puts the electronic route before everything else
        html = outcome_page(client, **professional_answers(reason, region))
        first = first_route(html)
        assert first < html.index('id="dates"') < html.index('id="steps"')
        assert "中国人事考试网" in html[first : html.index('id="dates"')]


def test_an_outcome_for_a_reader_who_said_paper_only_keeps_the_electronic_texts_one_click_away(client, content):
    """The reader already answered "no electronic certificate": the outcome says so and folds the texts
    (a <details>, no JavaScript) instead of two screens of them before the dates; the guide page shows them open."""
    html = outcome_page(client, **professional_answers("lost", SHANGHAI))
    block = html[first_route(html) : html.index('id="dates"')]
    assert "您已回答：您的证书没有可以下载的电子证书" in block
    assert '<details class="first-route__details">' in block and "中国人事考试网" in block
    page = guide_page(client, "professional-qualification", "lost")
    assert "first-route__details" not in page and "您已回答" not in page


def test_precondition_order(content):
    ordered = list(
        Precondition.objects.filter(is_published=True, regions__isnull=True)
        .order_by("order")
        .values_list("key", flat=True)
    )
    assert ordered[0] == "no-electronic-certificate"


# ── where to apply, how long ─────────────────────────────────────────────────────────


def test_a_cross_province_reader_applies_at_the_issuing_body(client, content):
    html = outcome_page(client, **professional_answers("lost", SHANDONG, BEIJING))
    assert "向发给证书的证书发放机构申请" in html
    assert "不是向现在住的地方" in html
    # The issuing province's rules and offices apply: 山东's own office, not 北京's.
    assert "山东省人力资源和社会保障厅" in html


def test_a_shandong_professional_outcome_counts_with_shandongs_promised_time(client, content):
    answers = professional_answers("lost", SHANDONG, date="2026-12-07")
    html = outcome_page(client, **answers)
    promised = ProcessingTime.objects.get(key="sd-promised-time")
    assert (promised.max_days, promised.statutory_limit) == (65, "3 个月")
    assert "山东省人社厅承诺办结时限（65 个工作日内；法定办结时限 3 个月）" in html
    latest = add_workdays(date(2026, 12, 7), 65).end
    assert f"{latest.year}年{latest.month}月{latest.day}日" in html
    assert "5–15" not in html


def test_the_national_professional_page_says_the_time_varies_with_sourced_examples(client, content):
    html = guide_page(client, "professional-qualification", "lost")
    assert "本站没有找到全国统一的补发时限" in html
    assert "3–6个月" in html and "65个工作日" in html
    assert "5–15" not in html


def test_article_processing_time_is_marked_as_the_articles_where_it_stays(client, content):
    html = guide_page(client, "skill-certificate", "lost")
    assert "审核周期（来源文章的说法）" in html
    assert "本站没有找到这类证书补办时限的官方规定" in html


# ── fees ────────────────────────────────────────────────────────────────────────────


def test_no_invented_urgent_fee_and_postage_is_cash_on_delivery_where_sources_say_so(client, content):
    for cert in ("professional-qualification", "skill-certificate", "professional-title"):
        assert "加急手续费" not in guide_page(client, cert, "urgent")
    html = guide_page(client, "professional-qualification", "lost", "guangdong")
    assert "证书邮寄费（EMS）" in html and "到付，由考生自理" in html
    assert "到付，由申请人自行承担" in guide_page(client, "professional-qualification", "lost", "shanghai")


def test_the_situation_lead_names_no_electronic_certificate_where_none_is_sourced(client, content):
    # Only 专技 pages have a sourced electronic certificate (16号, 97号), in their 先看这里 block;
    # the lost/damaged lead, shown on every type's page, says where to apply and nothing more.
    for situation in ("lost", "damaged"):
        for cert in ("skill-certificate", "professional-title", "professional-qualification"):
            lead = re.search(r'<p class="lead">(.*?)</p>', guide_page(client, cert, situation)).group(1)
            assert "电子证书" not in lead and "向发给证书的机构申请补发" in lead, (cert, situation, lead)


def test_the_lead_cites_16_hao_only_where_16_hao_applies(client, content):
    """16号 第十六条 backs the lost/damaged lead for 专技职业资格证书 only: other types' pages do not list it."""

    def sources_block(html):
        return html[html.index('<ul class="sources">') :]

    for situation in ("lost", "damaged", "cross-province"):
        assert "source-rstingfa-2023-16-art16" in sources_block(
            guide_page(client, "professional-qualification", situation)
        )
        for cert in ("skill-certificate", "professional-title"):
            for region in (None, "guangdong"):
                listed = sources_block(guide_page(client, cert, situation, region))
                assert "人社厅发〔2023〕16号" not in listed, (cert, situation, region)


# ── 技能 and 职称 ─────────────────────────────────────────────────────────────────────


def test_skill_readers_find_the_issuer_through_the_national_query(client, content):
    html = guide_page(client, "skill-certificate", "lost")
    assert "技能人才评价证书全国联网查询" in html
    assert "本站没有找到写明职业技能等级证书由谁补发的官方文件" in html  # says how sure it is
    assert "中国人事考试网" not in html  # a 专技 channel


def test_no_validity_question_for_any_type(client, content):
    assert not Precondition.objects.filter(is_published=True, if_not=Precondition.IfNot.RENEW).exists()
    for cert in CertificateType.objects.all():
        assert not cert.validity_notes


@pytest.mark.parametrize(
    ("region", "needle"),
    [
        ("beijing", "自2020年度起"),
        ("tianjin", "从2020年5月1日起，天津实行电子职称证书"),
        ("shanghai", "沪人社规〔2019〕33号"),
        ("guangdong", "补换发职称电子证书"),
    ],
)
def test_title_readers_meet_their_regions_electronic_title_certificates_first(client, content, region, needle):
    html = guide_page(client, "professional-title", "lost", region)
    assert needle in html[first_route(html) : html.index('id="conditions"')]


def test_provinces_whose_texts_are_not_identified_keep_them_as_drafts(client, content):
    # 河北 and 河南's e-certificate texts come from reposts with no title, 文号 or date: not an
    # identified official text, so their notices and 河北's office wait as drafts.
    for key in ("hb-second-class-e-certificate", "hn-second-class-e-certificate"):
        notice = Notice.objects.get(key=key)
        assert not notice.is_published and notice.source.authority == Source.Authority.THIRD_PARTY
    assert not Office.objects.get(key="hb-rsks-office").is_published
    assert "原则上不再补办纸质证书" not in guide_page(client, "professional-qualification", "lost", "hebei")


def test_shaanxi_reissued_certificates_are_collected_by_mail_or_at_the_window(client, content):
    html = guide_page(client, "professional-qualification", "damaged", "shaanxi")
    assert "邮寄领取只限于有管理号的证书" in html
    assert "补办证书邮寄费（EMS）" in html and "14–26 元" in html  # the centre's 2022 rates
    assert "暂无单独规定的资料" not in html
    assert "14–26 元" not in guide_page(client, "professional-qualification", "damaged", "shanxi")


def test_damaged_originals_are_handed_in_where_the_sources_say_so(client, content):
    assert "连同原证书一并报送" in guide_page(client, "professional-qualification", "damaged")
    html = guide_page(client, "professional-title", "damaged", "guangdong")
    assert "提交损坏的证书原件" in html
    assert "本站没有找到这类证书的全国性规定" not in html  # replaced there


# ── the contradicted sentences are gone everywhere ───────────────────────────────────


def all_guide_pages(client):
    certs = CertificateType.objects.filter(is_published=True)
    situations = Situation.objects.filter(is_published=True)
    regions = [None, *Region.objects.filter(code__in=[GUANGDONG, SHANGHAI, SHANDONG, BEIJING, "210000", "500000"])]
    for cert, situation, region in product(certs, situations, regions):
        yield (
            (cert.slug, situation.slug, region and region.slug),
            guide_page(client, cert.slug, situation.slug, region and region.slug),
        )


def test_contradicted_sentences_appear_on_no_guide_page(client, content):
    for where, html in all_guide_pages(client):
        for sentence in CONTRADICTED:
            assert sentence not in html, (where, sentence)
        if where[0] == "professional-qualification":
            assert "5–15" not in html, where


@pytest.mark.parametrize("reason", ["lost", "damaged"])
@pytest.mark.parametrize(
    ("cert", "issued_in", "living_in"),
    [
        ("professional-qualification", GUANGDONG, BEIJING),
        ("professional-qualification", SHANGHAI, SHANGHAI),
        ("professional-qualification", SHANDONG, SHANDONG),
        ("skill-certificate", BEIJING, GUANGDONG),
        ("professional-title", GUANGDONG, GUANGDONG),
    ],
)
def test_contradicted_sentences_appear_in_no_checker_outcome(client, content, reason, cert, issued_in, living_in):
    answers = professional_answers(reason, issued_in, living_in, cert=cert, urgent="other")
    if cert != "professional-qualification":
        answers.pop("no-electronic-certificate")
        answers.pop("gd-no-electronic-certificate-yet", None)
    html = outcome_page(client, **answers)
    assert "您的办理指南" in html, html[:400]
    for sentence in CONTRADICTED:
        assert sentence not in html, sentence
    if cert == "professional-qualification":
        assert "5–15" not in html  # row 3: the article's figure stays only, marked, where nothing better exists
    # The questions along the way do not say it either.
    if answers["urgent"] != "no":
        assert "本站没有找到补办可以加急的官方规定" in html
    for slug in ("issued-in", "living-in", "urgent", "delivery"):
        question = text(
            client.get(f"{reverse('guides:check_question', args=[slug])}?{urlencode(answers)}", follow=True)
        )
        for sentence in CONTRADICTED:
            assert sentence not in question, (slug, sentence)


@pytest.mark.parametrize(
    "query", ["证书丢了异地补办", "一级建造师 遗失", "证书损毁 加急", "电子证书", "挂失", "全国通办"]
)
def test_contradicted_sentences_appear_in_no_search_answer(client, content, query):
    html = text(client.get(reverse("guides:search"), {"q": query}))
    for sentence in CONTRADICTED:
        if sentence in query:
            continue  # the reader's own words are echoed back
        assert sentence not in html.replace(f"“{query}”", ""), (query, sentence)


# ── counts: few article-only items, provinces with official content ──────────────────


def published_items():
    return [item for model in GUIDE_ITEM_MODELS for item in model.objects.filter(is_published=True)]


def test_at_most_ten_published_items_rest_only_on_third_party_material(content, real_content_check):
    alone = [
        item.key
        for item in published_items()
        if not item.source_id or item.source.authority == Source.Authority.THIRD_PARTY
    ]
    assert len(alone) <= 10, alone
    warned = [
        f
        for f in real_content_check.audit.findings
        if "只有第三方资料作依据" in f.reason and "证书目录条目" not in f.subject
    ]
    assert len(warned) == len(alone)


def test_at_least_seven_provinces_have_published_content_from_official_texts(content):
    provinces = {
        region.slug
        for item in published_items()
        if item.source_id and item.source.authority in OFFICIAL
        for region in item.regions.all()
    }
    assert len(provinces) >= 7, provinces
    assert {"guangdong", "shanghai", "shandong", "liaoning", "beijing", "tianjin", "chongqing"} <= provinces
    assert "shaanxi" in provinces
    assert not {"hebei", "henan"} & provinces  # their reposts are not identified official texts


def test_first_notices_rest_on_official_texts(content):
    for notice in Notice.objects.filter(kind=Notice.Kind.FIRST, is_published=True):
        assert notice.source.authority in OFFICIAL, notice.key


def test_the_state_council_document_is_marked_by_what_was_read(content):
    source = Source.objects.get(key="guobanfa-2020-53")
    assert source.authority == Source.Authority.OFFICIAL_REPOST
    assert source.url and source.read_on


def test_the_home_page_says_the_electronic_certificate_first_and_no_withdrawn_rule(client, content):
    html = text(client.get(reverse("guides:home")))
    assert "先查有没有电子证书" in html and "人社厅发〔2023〕16号" in html
    for sentence in [*CONTRADICTED, "不是故意销毁或转让", "先挂失"]:
        assert sentence not in html, sentence
