"""The directory as a new user tries it: everyday names, with 丢了 / 补办 / 遗失 / 坏了, typos and levels.

Each query must reach the entry (or the "您要找的是不是" question) in the table, in the
lookup and on the search page; the first nine rows are issue 19's table.
"""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from guides.models import DirectoryEntry, Source
from guides.search import ranking

pytestmark = pytest.mark.django_db

SUGGEST = "suggest"  # no one entry: the reader is asked which one

QUERIES = [
    # issue 19's table
    ("一级建造师资格证书遗失", "constructor"),
    ("律师执业证遗失补办", "lawyer-practice-certificate"),
    ("中小学一级教师证书遗失", "title-series-school-teachers"),
    ("人力资源管理师证书丢了", "hr-manager"),
    ("健康管理师证书补办", "health-manager"),
    ("叉车证补办", "special-equipment-operator"),
    ("导游证丢了", "tour-guide-qualification"),
    ("注册会计师证书丢了", "certified-public-accountant"),
    ("法律职业资格证书遗失", "legal-professional-qualification"),
    # 建造师, 电工 / 焊工, 会计: names that mean several certificates, and their exact names
    ("二级建造师证书丢了", "constructor"),
    ("一建证书坏了", "constructor"),
    ("建造师证丢了", "constructor-ambiguous"),
    ("建造师注册证书遗失", "constructor-registration"),
    ("电工证丢了", "electrician-certificate"),
    ("焊工证补办", "welder-certificate"),
    ("低压电工证遗失", "special-operation-certificate"),
    ("特种作业操作证丢了", "special-operation-certificate"),
    ("锅炉证丢了", "special-equipment-operator"),
    ("建筑施工特种作业证丢了", "construction-special-operation"),
    ("会计证丢了", "accounting-certificate-ambiguous"),
    ("中级会计师证书丢了", "accounting-qualification"),
    ("初级会计证遗失", "accounting-qualification"),
    ("会计从业资格证丢了", "accounting-practice-certificate"),
    # withdrawn
    ("心理咨询师证书丢了", "psychological-counsellor"),
    ("二级心理咨询师证书补办", "psychological-counsellor"),
    # 教师: 资格 (教育) vs 职称 (中小学教师 series)
    ("教师资格证丢了", "teacher-qualification"),
    ("教资证书坏了", "teacher-qualification"),
    ("高校教师资格证丢了", "teacher-qualification"),
    ("一级教师证书丢了", "title-series-school-teachers"),
    ("高级教师证书遗失", "title-series-school-teachers"),
    # 卫生健康, 农业
    ("医师资格证丢了", "physician-qualification"),
    ("执业医师证补办", "physician-qualification"),
    ("医师执业证丢了", "physician-qualification"),
    ("护士证丢了", "nurse-qualification"),
    ("执业兽医资格证遗失", "veterinary-qualification"),
    ("执业兽医师资格证丢了", "veterinary-qualification"),
    # 人社 / 人事考试 专技, with levels
    ("执业药师证书丢了", "licensed-pharmacist"),
    ("中级经济师证书丢了", "economist-qualification"),
    ("初级经济师证遗失", "economist-qualification"),
    ("中级审计师证书补办", "auditor-qualification"),
    ("统计师证丢了", "statistician-qualification"),
    ("社工证丢了", "social-worker"),
    ("中级社会工作师证书坏了", "social-worker"),
    ("一级造价工程师证书遗失", "cost-engineer"),
    ("二级造价师证丢了", "cost-engineer"),
    ("监理工程师证书丢了", "supervising-engineer"),
    ("一级消防工程师证丢了", "registered-fire-engineer"),
    ("注册安全工程师证书遗失", "registered-safety-engineer"),
    ("中级注册安全工程师证书丢了", "registered-safety-engineer"),
    ("注册电气工程师证书丢了", "registered-electrical-engineer"),
    ("注册结构工程师证书补办", "registered-structural-engineer"),
    ("注册测绘师证书遗失", "registered-surveyor"),
    ("环评工程师证书丢了", "eia-engineer"),
    ("二级笔译证书遗失", "translator-qualification"),
    ("CATTI证书丢了", "translator-qualification"),
    ("软考证书丢了", "computer-software-qualification"),
    # other ministries and associations
    ("一级注册建筑师证书丢了", "registered-architect"),
    ("房地产估价师证书遗失", "real-estate-appraiser"),
    ("税务师证书丢了", "tax-adviser"),
    ("拍卖师证丢了", "auctioneer"),
    ("银行从业资格证丢了", "banking-professional"),
    ("证券从业资格证遗失", "securities-futures-fund"),
    ("基金从业资格证丢了", "securities-futures-fund"),
    ("船员证丢了", "seafarer-qualification"),
    ("飞行员执照丢了", "civil-aviation-aircrew-ground"),
    ("保安证丢了", "security-guard"),
    ("危险品运输证丢了", "dangerous-goods-road-transport"),
    ("出租车资格证遗失", "taxi-driver"),
    ("消防设施操作员证丢了", "fire-facility-operator"),
    ("导游资格证书补办", "tour-guide-qualification"),
    ("记者证丢了", "journalist-qualification"),
    ("律师证坏了", "lawyer-practice-certificate"),
    # 职称 by level name, 技能
    ("中级职称证书坏了", "professional-title-certificate"),
    ("高级工程师证书丢了", "title-series-engineers"),
    ("中级工程师证丢了", "title-series-engineers"),
    ("副主任医师证书遗失", "title-series-health-professionals"),
    ("主管护师证书丢了", "title-series-health-professionals"),
    ("副教授证书丢了", "title-series-higher-education-teachers"),
    ("高级农艺师证书补办", "title-series-agricultural-technicians"),
    ("高级经济师证书丢了", "title-series-economists"),
    ("技能等级证书丢了", "skill-level-certificate"),
    ("职业技能证书坏了", "skill-level-certificate"),
    # common documents
    ("驾照丢了", "driving-licence"),
    ("身份证丢了", "resident-id-card"),
    ("房产证丢了", "real-estate-certificate"),
    ("社保卡坏了", "social-security-card"),
    ("毕业证丢了", "graduation-and-degree-certificates"),
    ("结婚证遗失", "marriage-certificate"),
    ("护照丢了", "ordinary-passport"),
    # typos: forgiven when one entry is closest, else asked
    ("注册会记师证书丢了", "certified-public-accountant"),
    ("一级建照师证书丢了", "constructor"),
    ("人力资源管理式证书丢了", "hr-manager"),
    ("律师执业正丢了", "lawyer-practice-certificate"),
    ("注册计师证丢了", SUGGEST),
    # nothing named
    ("证书丢了", None),
]


def test_the_table_is_long_enough_and_names_each_entry_it_expects():
    assert len(QUERIES) >= 80
    assert len({q for q, _ in QUERIES}) == len(QUERIES)


@pytest.mark.parametrize(("query", "expected"), QUERIES)
def test_an_everyday_query_reaches_its_entry_in_the_lookup_and_on_the_search_page(client, content, query, expected):
    outcome = ranking.search(query)
    page = client.get(reverse("guides:search"), {"q": query}).content.decode()
    if expected is None:
        assert outcome.entry is None and not outcome.suggestions
        assert "directory-answer" not in page
        return
    if expected == SUGGEST:
        assert outcome.entry is None and len(outcome.suggestions) >= 2
        assert "您要找的是不是：" in page
        return
    assert outcome.entry is not None, query
    assert outcome.entry.slug == expected
    entry = outcome.entry
    answer = page.split('class="outcome-box directory-answer"')[1].split("</section>")[0]
    if entry.is_ambiguous:
        assert f"“{entry.name}”可能是几种证书" in answer
        for other in entry.alternatives.all():
            assert f'href="{other.get_absolute_url()}"' in answer
    elif entry.in_scope:
        assert f"按{entry.certificate_type.name}补办" in answer
        assert {r.guide.cert for r in outcome.results} <= {entry.certificate_type.slug}
    else:
        assert entry.reissued_by in answer
        assert outcome.results == []  # no guide of ours for another system's certificate


ISSUE_AUTHORITIES = [
    ("legal-professional-qualification", "司法行政"),
    ("teacher-qualification", "教育"),
    ("physician-qualification", "卫生健康"),
    ("nurse-qualification", "卫生健康"),
    ("certified-public-accountant", "财政"),
    ("tour-guide-qualification", "文化和旅游"),
    ("seafarer-qualification", "交通运输"),
    ("civil-aviation-aircrew-ground", "民航"),
    ("securities-futures-fund", "证券期货基金"),
    ("special-operation-certificate", "应急管理"),
    ("special-equipment-operator", "市场监督管理"),
    ("construction-special-operation", "住房和城乡建设"),
    ("dangerous-goods-road-transport", "交通运输"),
    ("security-guard", "公安"),
    ("accounting-qualification", "财政"),
]


@pytest.mark.parametrize(("slug", "authority"), ISSUE_AUTHORITIES)
def test_another_ministrys_qualification_answers_with_that_authority(client, content, slug, authority):
    entry = DirectoryEntry.objects.get(slug=slug)
    assert entry.certificate_type is None
    assert authority in entry.reissued_by
    page = client.get(entry.get_absolute_url()).content.decode()
    assert f"本站不涉及{entry.name}的补办" in page and "/guides/professional-qualification/" not in page


def test_only_the_hrss_system_routes_to_our_guides(content):
    """An entry names a site type only when its department is 人社 (the 97号 list or 人社部 among implementers)."""
    for entry in DirectoryEntry.objects.filter(certificate_type__isnull=False):
        assert entry.department == DirectoryEntry.Department.HRSS, entry.slug
        if entry.certificate_type.slug == "professional-qualification":
            assert "人力资源社会保障部" in entry.implemented_by, entry.slug


def test_the_97_list_entries_say_they_have_an_electronic_certificate_from_that_source(content):
    e_cert = DirectoryEntry.objects.filter(e_certificate=True)
    assert e_cert.count() >= 18
    for entry in e_cert:
        assert "cpta-2021-e-certificate-list-repost" in {s.key for s in entry.more_sources.all()}, entry.slug
        assert "97号" in entry.e_certificate_note


def test_every_catalogue_sub_item_is_an_entry_marked_by_its_own_source(content):
    catalogue = DirectoryEntry.objects.filter(
        kind__in=["access", "level", "skill-access", "skill-evaluation"], source__isnull=False
    ).select_related("source")
    by_kind = {k: catalogue.filter(kind=k).count() for k in ["access", "level", "skill-access", "skill-evaluation"]}
    assert by_kind["access"] + by_kind["level"] == 72
    assert by_kind["skill-access"] + by_kind["skill-evaluation"] == 23
    reposted = {e.slug for e in catalogue if e.source.key == "guojia-zhiye-zige-mulu-2021"}
    assert len(reposted) == 9  # rows 1–8, 民用 sub-rows
    assert "nuclear-facility-operator-defence" not in reposted  # the copy read stops inside that row
    assert Source.objects.get(key="guojia-zhiye-zige-mulu-2021").authority == "official-repost"
    assert Source.objects.get(key="zyzg2021-transcription").authority == "third-party"


def test_the_sitemap_lists_every_published_entry_and_at_least_100(client, content):
    sitemap = client.get("/sitemap.xml").content.decode()
    listed = set(re.findall(r"/certificates/([a-z0-9-]+)/", sitemap))
    published = set(DirectoryEntry.objects.filter(is_published=True).values_list("slug", flat=True))
    assert listed == published and len(listed) >= 100


def test_each_entry_page_shows_its_sources_authority(client, content):
    for entry in DirectoryEntry.objects.filter(is_published=True)[:200]:
        page = client.get(entry.get_absolute_url()).content.decode()
        assert "来源可信程度" in page and entry.source.get_authority_display() in page, entry.slug


def test_the_real_estate_certificate_is_reissued_at_once_after_the_notice(client, content):
    entry = DirectoryEntry.objects.get(slug="real-estate-certificate")
    page = client.get(entry.get_absolute_url()).content.decode()
    assert "15个工作日" not in page
    assert "即予以补发" in page and "第14号部令" in page and "官方原文" in page


def test_the_directory_filters_by_kind_department_and_words_without_javascript(client, content):
    url = reverse("guides:directory")
    page = client.get(url, {"dept": "justice"}).content.decode()
    assert ">法律职业资格</a>" in page and ">律师执业证书</a>" in page and ">注册会计师</a>" not in page
    page = client.get(url, {"kind": "ambiguous"}).content.decode()
    assert ">电工证</a>" in page and ">建造师</a>" not in page
    page = client.get(url, {"q": "文化和旅游部"}).content.decode()
    assert ">导游资格</a>" in page and ">演出经纪人员资格</a>" in page and ">教师资格</a>" not in page
    page = client.get(url, {"q": "一建"}).content.decode()  # an alias
    assert ">建造师</a>" in page
    page = client.get(url, {"kind": "nonsense"}).content.decode()
    assert "没有这个类别" in page and ">注册会计师</a>" in page


def test_the_directory_page_runs_the_same_queries_however_many_entries(client, content):
    url = reverse("guides:directory")
    source = Source.objects.get(key="zyzg2021-transcription")

    def add(i):
        extra = DirectoryEntry.objects.create(
            slug=f"extra-{i}",
            name=f"测试证件{i}",
            kind="other",
            reissued_by="某机关",
            how="去办。",
            source=source,
            is_published=True,
        )
        extra.more_sources.add(source)

    add(0)  # a change: the page is rendered from scratch
    with CaptureQueriesContext(connection) as one_more:
        assert client.get(url).status_code == 200
    for i in range(1, 31):
        add(i)
    with CaptureQueriesContext(connection) as thirty_more:
        page = client.get(url).content.decode()
    assert ">测试证件30</a>" in page
    assert len(thirty_more) == len(one_more)
    directory_queries = [q for q in thirty_more.captured_queries if "guides_directoryentry" in q["sql"]]
    assert len(directory_queries) == 3  # entries, their other sources, their alternatives


@pytest.mark.parametrize(
    ("query", "hidden", "wrong"),
    [
        # Without their own entries, these must not fall back on a shorter or one-letter-off name.
        ("律师执业证遗失补办", "lawyer-practice-certificate", "physician-qualification"),
        ("中小学一级教师证书遗失", "title-series-school-teachers", "teacher-qualification"),
        ("执业兽医师资格证丢了", "veterinary-qualification", "physician-qualification"),
    ],
)
def test_a_name_inside_a_longer_name_of_another_certificate_is_no_match(content, query, hidden, wrong):
    entry = DirectoryEntry.objects.get(slug=hidden)
    entry.is_published = False
    entry.save()  # a save moves the content version: the directory is reloaded
    outcome = ranking.search(query)
    assert outcome.entry is None or outcome.entry.slug != wrong  # at most a "您要找的是不是" question
