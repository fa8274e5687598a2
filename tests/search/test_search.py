from http import HTTPStatus

import pytest
from django.template import engines
from django.urls import reverse

from guides.models import FAQ, SynonymGroup
from guides.search import ranking
from guides.search.index import get_index
from tests import builders

pytestmark = pytest.mark.django_db


def run(query):
    return ranking.search(query)


def urls(outcome):
    return [r.guide.url for r in outcome.results]


# ── Synonyms: everyday words find official terms ───────────────────────────


def test_everyday_word_finds_official_term_through_a_synonym_group():
    cert = builders.certificate_type(short_name="测试证书")
    lost = builders.situation(slug="lost", name="遗失", title="遗失补办")
    SynonymGroup.objects.create(key="lost", terms="丢了/丢失/遗失")

    outcome = run("证书丢了")

    assert urls(outcome)[0] == reverse("guides:guide", args=[cert.slug, lost.slug])
    assert ("遗失", True) in outcome.results[0].title_parts


def test_without_the_synonym_group_the_everyday_word_finds_nothing():
    builders.certificate_type(short_name="测试证书")
    builders.situation(name="遗失", title="遗失补办")

    assert run("丢了").results == []


def test_a_synonym_edit_shows_in_the_next_search():
    builders.certificate_type()
    builders.situation(name="损毁", title="损毁补办")
    assert run("坏了").results == []

    SynonymGroup.objects.create(key="damaged", terms="坏了\n破损\n损毁")

    assert len(run("坏了").results) == 1


def test_inactive_synonym_group_is_not_used():
    builders.certificate_type()
    builders.situation(name="损毁", title="损毁补办")
    SynonymGroup.objects.create(key="damaged", terms="坏了/损毁", is_active=False)

    assert run("坏了").results == []


@pytest.mark.parametrize(
    "terms, error",
    [("遗失", "至少要有两个"), ("遗失/遗失", "至少要有两个"), ("遗失/" + "长" * 21, "不超过 20 个字")],
)
def test_synonym_group_validation_names_the_field(terms, error):
    group = SynonymGroup(key="x", terms=terms)
    with pytest.raises(Exception) as excinfo:
        group.full_clean()
    assert error in str(excinfo.value.message_dict["terms"])


# ── Ranking ────────────────────────────────────────────────────────────────


def test_title_match_ranks_before_faq_body_match():
    cert = builders.certificate_type(short_name="甲证")
    urgent = builders.situation(name="紧急", title="紧急补办", order=2)
    other = builders.situation(name="其他", title="其他补办", order=1)
    faq = FAQ.objects.create(key="faq", question="能快一点吗？", answer="紧急情况可以说明。", is_published=True)
    faq.situations.set([other])

    outcome = run("紧急")

    assert urls(outcome) == [
        reverse("guides:guide", args=[cert.slug, urgent.slug]),
        reverse("guides:guide", args=[cert.slug, other.slug]),
    ]
    faq_hit = outcome.results[1].hits[0]
    assert faq_hit.passage.section == "faqs"
    assert ("紧急", True) in faq_hit.snippet_parts


def test_guide_matching_every_word_ranks_before_one_matching_some():
    cert = builders.certificate_type()
    builders.situation(name="遗失", title="遗失补办", order=1)
    cross = builders.situation(name="异地", title="异地补办", kind="circumstance", order=2)
    builders.material(name="遗失声明")

    outcome = run("遗失 异地")

    assert urls(outcome)[0] == reverse("guides:guide", args=[cert.slug, cross.slug])


def test_a_rare_word_outweighs_a_common_one():
    """IDF: each guide's title matches one word of the query; the word rare in the content ranks its guide first."""
    cert = builders.certificate_type(short_name="乙证")
    common = builders.situation(name="常见", title="常见补办", order=1)
    rare = builders.situation(name="罕见", title="罕见补办", order=2)
    for n in range(6):
        builders.material(name=f"常见材料{n}", purpose=f"常见说明{n}", situations=[common])

    outcome = run("常见 罕见")

    assert urls(outcome)[:2] == [
        reverse("guides:guide", args=[cert.slug, rare.slug]),
        reverse("guides:guide", args=[cert.slug, common.slug]),
    ]
    index = get_index()
    weights = {concept.label: index.weight(concept) for concept in outcome.concepts}
    assert weights["罕见"] > weights["常见"]


def test_lost_certificate_in_another_province_finds_the_cross_province_guide_first(content):
    outcome = run("证书丢了 外地")

    first = outcome.results[0]
    assert first.guide.url == reverse("guides:guide", args=["professional-qualification", "cross-province"])
    assert any("遗失" in h.passage.title for h in first.hits)


@pytest.mark.parametrize(
    "query, situation, section",
    [
        ("证书坏了", "damaged", None),
        ("职称证书丢了要多久", "lost", "time"),
        # the 加急 page first; it has no 加急 materials of its own any more (no source has a 加急 route)
        ("加急要带什么材料", "urgent", None),
        ("工本费多少钱", "lost", "fees"),
    ],
)
def test_everyday_questions_on_the_real_content(content, query, situation, section):
    first = run(query).results[0]
    assert first.guide.url.endswith(f"/{situation}/")
    if section:
        assert section in {h.passage.section for h in first.hits}


def test_a_match_shared_by_every_guide_is_shown_once_with_links_to_the_others(content):
    outcome = run("底色")  # only in a material that every guide shows (the photo's specification)

    assert len(outcome.results) == 1
    assert len(outcome.results[0].also_in) == 11


def test_result_links_land_on_the_matching_section(client, content):
    response = client.get(reverse("guides:search"), {"q": "多少钱"})

    link = reverse("guides:guide", args=["professional-qualification", "lost"]) + "#fees"
    assert f'href="{link}"' in response.text
    guide = client.get(link.split("#")[0])
    assert 'id="fees"' in guide.text


def test_search_index_is_cached_per_content_version(content, django_assert_num_queries):
    run("遗失")
    with django_assert_num_queries(0):
        run("多少钱")


# ── Bad queries: a helpful page, never an error ────────────────────────────


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        "😀🎉",
        "'; DROP TABLE guides_faq; --",
        "！？。，、…",
        "丢" * 500,
        "a" * 500,
        "\x00\x01",
        "<script>alert(1)</script>",
        "%' OR 1=1 --",
    ],
)
def test_odd_queries_get_a_helpful_page(client, content, query):
    response = client.get(reverse("guides:search"), {"q": query})

    assert response.status_code == HTTPStatus.OK
    assert "<script>alert" not in response.text
    assert "Traceback" not in response.text
    assert "搜索补办指南" in response.text


def test_no_result_suggests_the_checker_and_popular_guides(client, content):
    response = client.get(reverse("guides:search"), {"q": "火星签证"})

    assert "没有找到" in response.text
    assert ranking.checker_url() in response.text
    assert "常用指南" in response.text
    assert reverse("guides:guide", args=["professional-qualification", "lost"]) in response.text


def test_overlong_query_is_cut_and_says_so(client, content):
    response = client.get(reverse("guides:search"), {"q": "遗失" * 300})

    assert "只按前 100 个字搜索" in response.text
    assert response.context["outcome"].query == "遗失" * 50


def test_empty_query_explains_what_to_type(client, content):
    response = client.get(reverse("guides:search"))

    assert "请在上面输入要找的内容" in response.text


def test_search_pages_are_not_indexed(client, content):
    response = client.get(reverse("guides:search"), {"q": "遗失"})
    assert 'name="robots" content="noindex"' in response.text


def highlighted(parts):
    template = engines["jinja2"].from_string(
        '{% from "guides/search/_highlight.html" import highlighted %}{{ highlighted(parts) }}'
    )
    return template.render({"parts": parts})


def test_highlight_escapes_the_text_around_the_marks():
    parts = ranking.highlight("<b>遗失</b> & 补办", frozenset(["遗失"]))
    assert parts == [("<b>", False), ("遗失", True), ("</b> & 补办", False)]
    assert highlighted(parts) == "&lt;b&gt;<mark>遗失</mark>&lt;/b&gt; &amp; 补办"


def test_highlight_cuts_a_window_around_the_first_match():
    text = "甲" * 200 + "遗失" + "乙" * 200
    html = highlighted(ranking.highlight(text, frozenset(["遗失"]), window=40))
    assert html.startswith("…") and html.endswith("…")
    assert "<mark>遗失</mark>" in html


def test_every_page_has_the_search_box(client, content):
    for url in [reverse("guides:home"), reverse("guides:guide", args=["professional-title", "urgent"])]:
        response = client.get(url)
        assert f'action="{reverse("guides:search")}"' in response.text
        assert 'name="q"' in response.text


def test_a_province_in_the_query_links_to_the_guide_as_it_applies_there(content):
    outcome = run("广东 证书丢了")

    first = outcome.results[0]
    assert first.url == reverse("guides:guide_region", args=["professional-qualification", "lost", "guangdong"])
    assert first.title.endswith("（广东省）")
    assert [c.label for c in outcome.concepts] == ["证书", "丢了"]


def test_only_a_province_lists_the_reason_guides_there(content):
    outcome = run("浙江省")

    assert outcome.results
    assert all(r.url.endswith("/zhejiang/") for r in outcome.results)


def test_the_query_is_shown_back_as_typed_but_matched_folded(content):
    outcome = run("ＥＭＳ 快递\x00")

    assert outcome.query == "ＥＭＳ 快递"
    assert outcome.results
    assert "ems" in {t for c in outcome.concepts for t in c.terms}


@pytest.mark.parametrize(
    "query, situation",
    [("被偷了怎么办", "lost"), ("被盗了", "lost"), ("证书泡水了", "damaged"), ("职称证烧了", "damaged")],
)
def test_everyday_words_for_what_happened_reach_the_situation(content, query, situation):
    assert run(query).results[0].guide.url.endswith(f"/{situation}/")


# ── Bounded work: the query is cut after it is folded (issue 20, point 6) ──


def test_a_query_that_folding_lengthens_is_cut_after_folding(content):
    # U+FDFA folds (NFKC) to 18 characters: 100 of them were matched as 1,800.
    outcome = run("\ufdfa" * 100)
    assert outcome.truncated
    assert len(outcome.query) <= 100
    assert len(outcome.folded) == 100
    assert run("工本费").folded == "工本费" and not run("工本费").truncated


def test_the_cut_query_still_finds_what_its_first_hundred_characters_name(content):
    outcome = run("\ufdfa" * 3 + "证书丢了怎么补办" + "\ufdfa" * 97)
    assert outcome.truncated
    assert outcome.results


# ── Ranking: a guide's score is its matches times the share of concepts it matched ──


def test_the_score_is_multiplied_by_the_share_of_concepts_matched():
    """Coverage: a guide matching one of two concepts scores half its matches (issue 20, point 18)."""
    from guides.search.index import GuideDoc
    from guides.search.query import Concept

    guide = GuideDoc(url="/g/", cert="c", situation="s", title="补办", heading="证书补办", summary="", passages=())
    found, missing = Concept("补办", frozenset(["补办"])), Concept("异地", frozenset(["异地"]))
    weights = {found: 1.0, missing: 1.0}
    both = ranking._score_guide(guide, [found], weights)
    half = ranking._score_guide(guide, [found, missing], weights)
    assert both.score == ranking.WEIGHT_TITLE
    assert half.score == ranking.WEIGHT_TITLE / 2


def test_a_guide_answering_every_part_of_the_query_outranks_a_stronger_partial_match():
    from guides.search.index import GuideDoc, Passage
    from guides.search.query import Concept

    lost, abroad = Concept("遗失", frozenset(["遗失"])), Concept("异地", frozenset(["异地"]))
    partial = GuideDoc(url="/a/", cert="c", situation="a", title="遗失", heading="遗失补办", summary="", passages=())
    complete = GuideDoc(
        url="/b/",
        cert="c",
        situation="b",
        title="补办",
        heading="补办",
        summary="遗失后在异地也可以补办",
        passages=(Passage("k", "steps", "步骤", "异地遗失的，向居住地提交"),),
    )
    weights = {lost: 1.0, abroad: 1.0}
    scores = {g.url: ranking._score_guide(g, [lost, abroad], weights).score for g in (partial, complete)}
    # Without the coverage factor the partial match (title: 10) would beat the complete one (summary: 4 + 4).
    assert scores["/b/"] > scores["/a/"]
