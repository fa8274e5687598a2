"""The certificate directory: find a certificate by the name people use, and who reissues it."""

import contextlib
import re
from http import HTTPStatus
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from guides.directory.lookup import get_directory
from guides.models import CertificateType, DirectoryEntry, Source
from guides.search import ranking

pytestmark = pytest.mark.django_db


@pytest.fixture
def driving_licence(content):
    """A document the site does not cover, from the real directory."""
    return DirectoryEntry.objects.get(slug="driving-licence")


@pytest.fixture
def editors_entry(content):
    """An out-of-scope entry as an editor would add it in admin."""
    source = Source.objects.create(key="test-issuer", title="某证件补领", issuer="某机关", authority="official")
    return DirectoryEntry.objects.create(
        slug="test-document",
        name="测试用证件",
        kind=DirectoryEntry.Kind.OTHER,
        reissued_by="某机关",
        how="向某机关申请补领。",
        source=source,
        is_published=True,
    )


def text(response):
    return response.content.decode()


def test_directory_lists_the_catalogue_and_the_site_types_by_kind(client, content):
    page = text(client.get(reverse("guides:directory")))
    for name in ["注册会计师", "教师资格", "职称证书", "职业技能等级证书", "工程技术人员职称"]:
        assert f">{name}</a>" in page, name
    assert (
        page.index("专业技术人员职业资格（准入类）")
        < page.index(">注册会计师</a>")
        < page.index(">职业技能等级证书</a>")
    )


def test_an_in_scope_entry_leads_to_its_guides_and_the_checker(client, content):
    page = text(client.get(reverse("guides:directory_entry", args=["constructor"])))
    assert "住房城乡建设部、人力资源社会保障部" in page and "第三方资料" in page and "官方转载" in page
    assert "有电子证书" in page and "建造师（一级）" in page
    assert reverse("guides:guide", args=["professional-qualification", "lost"]) in page
    assert f"{reverse('guides:check_question', args=['reason'])}?cert=professional-qualification" in page


def test_an_out_of_scope_entry_says_who_reissues_it_and_offers_no_guide(client, driving_licence):
    page = text(client.get(driving_licence.get_absolute_url()))
    assert "本站不涉及机动车驾驶证的补办" in page
    assert "公安机关交通管理部门（车辆管理所）" in page
    assert "第三方资料" in page  # and it says how sure that is
    assert "/guides/" not in page.split('id="main"')[1].split("<footer")[0]


def test_an_unknown_entry_is_a_404(client, content):
    assert client.get(reverse("guides:directory_entry", args=["no-such-thing"])).status_code == HTTPStatus.NOT_FOUND


def test_a_query_naming_an_in_scope_certificate_puts_its_guide_first(content):
    outcome = ranking.search("一级建造师证丢了怎么办")
    assert outcome.entry.slug == "constructor"
    first = outcome.results[0].guide
    assert (first.cert, first.situation) == ("professional-qualification", "lost")
    assert {r.guide.cert for r in outcome.results} == {"professional-qualification"}


def test_a_query_naming_the_title_certificate_by_an_everyday_name_reaches_title_guides(content):
    outcome = ranking.search("中级职称证书坏了")
    assert outcome.entry.slug == "professional-title-certificate"
    assert outcome.results[0].guide.cert == "professional-title"


def test_a_query_naming_an_out_of_scope_document_answers_with_its_authority_not_our_guides(client, driving_licence):
    outcome = ranking.search("驾照丢了怎么补")
    assert outcome.entry == driving_licence
    assert outcome.results == []
    page = text(client.get(reverse("guides:search"), {"q": "驾照丢了怎么补"}))
    assert "本站不涉及机动车驾驶证的补办" in page and "车辆管理所" in page
    assert "依据与来源</a>（第三方资料）" in page  # and how sure that is
    assert "找到" not in page  # no unrelated guides


def test_an_out_of_scope_document_people_confuse_with_ours_links_to_our_guide(client, content):
    skill = reverse("guides:certificate", args=["skill-certificate"])
    entry = DirectoryEntry.objects.get(slug="special-operation-certificate")
    assert entry.see_also.slug == "skill-certificate"
    page = text(client.get(entry.get_absolute_url()))
    assert "本站不涉及特种作业人员（特种作业操作证）的补办" in page
    assert f'请看<a href="{skill}">职业技能证书补办指南</a>' in page
    # 低压电工证 names the out-of-scope document, and the answer shows the way to ours.
    outcome = ranking.search("低压电工证丢了怎么办")
    assert outcome.entry == entry
    answer = text(client.get(reverse("guides:search"), {"q": "低压电工证丢了怎么办"}))
    assert "应急管理部门" in answer and f'<a href="{skill}">职业技能证书补办指南</a>' in answer
    # A document nobody confuses with ours gets no such line.
    assert "它属于本站" not in text(client.get(reverse("guides:directory_entry", args=["driving-licence"])))


def test_only_an_out_of_scope_entry_names_a_type_it_is_confused_with(content):
    entry = DirectoryEntry.objects.get(slug="constructor")
    entry.see_also = entry.certificate_type
    with pytest.raises(ValidationError) as error:
        entry.full_clean()
    assert "see_also" in error.value.message_dict


@pytest.mark.parametrize(
    ("query", "slug"),
    [
        ("中级工程师证丢了", "title-series-engineers"),
        ("教授级高级工程师证书坏了", "title-series-engineers"),
        ("主治医师证书丢了怎么办", "title-series-health-professionals"),
        ("副教授证书丢了", "title-series-higher-education-teachers"),
        ("高级讲师证书坏了", "title-series-technical-school-teachers"),
        # The longest name wins: these hold a shorter name of another entry.
        ("执业兽医师资格证丢了", "veterinary-qualification"),
        ("医师资格证丢了", "physician-qualification"),
        ("高校教师资格证丢了", "teacher-qualification"),
        # A catalogue name holding a title level is the catalogue entry, not the title.
        ("注册安全工程师证书丢了", "registered-safety-engineer"),
        ("记者证丢了", "journalist-qualification"),
    ],
)
def test_a_title_level_or_a_longer_name_finds_its_own_entry(content, query, slug):
    outcome = ranking.search(query)
    assert (outcome.entry.slug if outcome.entry else None) == slug
    if slug and slug.startswith("title-series-"):
        assert {r.guide.cert for r in outcome.results} == {"professional-title"}


def test_a_title_series_entry_names_its_levels_from_the_source(client, content):
    entry = DirectoryEntry.objects.get(slug="title-series-engineers")
    page = text(client.get(entry.get_absolute_url()))
    assert "正高级：正高级工程师；副高级：高级工程师；中级：工程师；初级：助理工程师、技术员" in page
    assert "职称系列（专业）各层级名称" in page and "官方转载" in page
    assert reverse("guides:guide", args=["professional-title", "lost"]) in page


def test_a_query_naming_nothing_known_searches_as_before(content):
    outcome = ranking.search("证书丢了")
    assert outcome.entry is None
    assert outcome.results and outcome.results[0].guide.situation == "lost"


def test_the_checker_offers_unsure_and_sends_it_to_the_directory_without_javascript(client, content):
    question = text(client.get(reverse("guides:check_question", args=["cert"])))
    assert "不确定 / 我的证书不在这里" in question
    response = client.get(reverse("guides:check_result"), {"cert": "unsure"})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"{reverse('guides:directory')}?from=check"
    page = text(client.get(response["Location"]))
    assert "回到“查一查”继续" in page


def test_an_out_of_scope_entry_must_say_who_and_how(content):
    entry = DirectoryEntry(slug="x", name="某证", kind=DirectoryEntry.Kind.OTHER, is_published=False)
    with pytest.raises(ValidationError) as error:
        entry.full_clean()
    assert "how" in error.value.message_dict


def test_a_published_entry_needs_a_source(content):
    entry = DirectoryEntry(
        slug="y", name="某证", kind=DirectoryEntry.Kind.OTHER, reissued_by="某机关", how="去办。", is_published=True
    )
    with pytest.raises(ValidationError) as error:
        entry.full_clean()
    assert "source" in error.value.message_dict


def test_directory_pages_are_in_the_sitemap(client, content):
    sitemap = text(client.get("/sitemap.xml"))
    assert reverse("guides:directory") in sitemap
    assert reverse("guides:directory_entry", args=["certified-public-accountant"]) in sitemap


def test_an_editor_entry_shows_at_once_and_a_draft_does_not(client, editors_entry):
    assert "测试用证件" in text(client.get(reverse("guides:directory")))
    assert ranking.search("测试用证件丢了").entry == editors_entry
    editors_entry.is_published = False
    editors_entry.save()
    assert "测试用证件" not in text(client.get(reverse("guides:directory")))
    assert ranking.search("测试用证件丢了").entry is None


@pytest.mark.parametrize("query", ["注册会记师证书丢了", "注测会计师"])
def test_a_certificate_name_with_one_typo_still_finds_its_entry(content, query):
    assert ranking.search(query).entry.slug == "certified-public-accountant"


def test_a_typo_as_close_to_two_names_asks_which_one(client, content):
    # 注册计师证 is 注册会计师证 or 注册计量师证 with one character left out: no guess.
    outcome = ranking.search("注册计师证丢了")
    assert outcome.entry is None
    assert {e.slug for e in outcome.suggestions} == {"certified-public-accountant", "registered-metrologist"}
    page = text(client.get(reverse("guides:search"), {"q": "注册计师证丢了"}))
    assert "您要找的是不是：" in page and ">注册会计师</a>" in page and ">注册计量师</a>" in page


def test_a_short_name_is_not_guessed_from_a_typo(content):
    # Three characters with one wrong would match too much: 驾驶正 is not a guess at 驾驶证.
    assert ranking.search("驾驶正").entry is None


def test_check_content_warns_on_a_published_entry_resting_on_a_third_party_page(content, real_content_check):
    findings = [str(f) for f in real_content_check.audit.findings]
    assert any("机动车驾驶证" in f and "只有第三方资料" in f for f in findings)
    assert not any("居民身份证" in f for f in findings)  # its source is the issuer's own page


def test_the_examples_the_pages_give_are_names_the_directory_finds(client, content):
    """The home page and the directory suggest names to try: each must find its entry."""
    from guides.directory.lookup import get_directory

    examples = []
    for url in [reverse("guides:home"), reverse("guides:directory")]:
        page = text(client.get(url))
        found = re.search(r"（例如([^）]+)）", page) or re.search(
            r'id="directory-q"[^>]*placeholder="例如：([^"]+)"', page
        )
        assert found, url
        examples += found.group(1).split("、")
    assert len(examples) >= 4
    for name in examples:
        assert get_directory().find(name) is not None, name


def test_the_typo_pass_reads_only_the_first_hundred_folded_characters(content):
    """Its cost is aliases × characters, so the text it reads is bounded (issue 20, point 6)."""
    directory = get_directory()
    assert directory.find("啊" * 90 + "注册会记师") is not None  # one character wrong, within the first 100
    assert directory.find("啊" * 100 + "注册会记师") is None  # past them: not read
    assert directory.find("\ufdfa" * 6 + "注册会记师") is None  # U+FDFA folds to 18: 108 characters before the name
    assert directory.find("\ufdfa" * 5 + "注册会记师") is not None  # 90 before it: read


# ── An unpublished certificate type: no link to its guides, which answer 404 (issue 20, point 16) ──


def unpublish(slug):
    cert = CertificateType.objects.get(slug=slug)
    cert.is_published = False
    cert.save()
    return cert


def test_an_entry_of_an_unpublished_type_links_to_none_of_its_guides(client, content):
    entry_url = reverse("guides:directory_entry", args=["constructor"])
    assert "/guides/professional-qualification/" in text(client.get(entry_url))
    unpublish("professional-qualification")

    for html in (
        text(client.get(entry_url)),
        text(client.get(reverse("guides:directory"))),
        text(client.get(reverse("guides:search"), {"q": "一级建造师证丢了"})),
    ):
        assert "/guides/professional-qualification/" not in html
    page = text(client.get(entry_url))
    assert "证书发放机构（人事考试机构）" in page  # the entry's own authority text answers instead
    assert client.get("/guides/professional-qualification/").status_code == HTTPStatus.NOT_FOUND
    answer = ranking.search("一级建造师证丢了")
    assert answer.entry.slug == "constructor" and not answer.entry.in_scope
    assert not any(r.guide.cert == "professional-qualification" for r in answer.results)


def test_a_see_also_link_to_an_unpublished_type_is_dropped(client, content):
    entry = DirectoryEntry.objects.get(see_also__slug="skill-certificate")
    url = reverse("guides:directory_entry", args=[entry.slug])
    assert "/guides/skill-certificate/" in text(client.get(url))
    unpublish("skill-certificate")
    page = text(client.get(url))
    assert client.get("/guides/skill-certificate/").status_code == HTTPStatus.NOT_FOUND
    assert "/guides/skill-certificate/" not in page
    assert entry.reissued_by in page


def test_check_content_warns_of_an_entry_whose_type_is_a_draft(content):
    unpublish("professional-qualification")
    out = StringIO()
    with contextlib.suppress(CommandError):  # unpublishing a whole type leaves other errors too
        call_command("check_content", stdout=out)
    assert "证书目录条目「建造师」(constructor)" in out.getvalue()
    assert "本站证书类型“" in out.getvalue() and "尚未发布" in out.getvalue()
