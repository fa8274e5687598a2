"""Every sentence fits the reader's situation: certificate type, reason, circumstance and region.

These tests load the real fixtures and read the guide pages and checker outcomes as a
person in one situation would."""

from http import HTTPStatus
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import timezone

from guides.content.catalogue import get_catalogue

pytestmark = pytest.mark.django_db

TYPES = ("professional-qualification", "skill-certificate", "professional-title")


def guide(client, cert, situation, region=None):
    if region:
        url = reverse("guides:guide_region", args=[cert, situation, region])
    else:
        url = reverse("guides:guide", args=[cert, situation])
    response = client.get(url)
    assert response.status_code == HTTPStatus.OK, url
    return response.context["guide"]


def keys(items):
    return {item.key for item in items}


def checker(client, **answers):
    return client.get(f"{reverse('guides:check_result')}?{urlencode(answers)}", follow=True)


def today():
    return timezone.localdate()


# ── 职称 certificates have no period of validity ────────────────────────────


@pytest.mark.parametrize("situation", ["lost", "damaged", "cross-province", "urgent"])
def test_a_professional_title_is_not_asked_whether_it_is_still_valid(client, content, situation):
    assert "still-valid" not in keys(guide(client, "professional-title", situation).preconditions)
    assert "still-valid" in keys(guide(client, "professional-qualification", situation).preconditions)
    assert "still-valid" in keys(guide(client, "skill-certificate", situation).preconditions)


def test_a_professional_title_holder_is_never_sent_to_renew(client, content):
    answers = {
        "cert": "professional-title",
        "reason": "lost",
        "not-deliberately-destroyed": "yes",
        "identity-unchanged": "yes",
        "still-valid": "no",
        "issued-in": "110000",
        "living-in": "110000",
        "urgent": "no",
        "delivery": "mail",
        "date": today().isoformat(),
    }
    response = checker(client, **answers)
    assert response.status_code == HTTPStatus.OK
    assert "still-valid" not in response.redirect_chain[-1][0]
    assert response.context["state"].outcome.kind == "guide"
    assert "续期" not in response.content.decode()
    catalogue = get_catalogue()
    title = catalogue.certificate_type("professional-title")
    assert "续期" not in title.validity_notes


# ── 技能 and 职称 pages carry no 专技-only text ─────────────────────────────

PROFESSIONAL_QUALIFICATION_ONLY = ("职业资格证补办", "注册会计师", "中国人事考试网", "国家人事考试网")


def item_text(item):
    """Return every sentence an item shows (its text fields and, for a step, its channels')."""
    parts = [getattr(item, f.attname) for f in item._meta.concrete_fields]
    if hasattr(item, "channels"):
        parts += [f"{c.label} {c.description} {c.produces}" for c in item.channels.all()]
    return " ".join(str(p) for p in parts if isinstance(p, str))


@pytest.mark.parametrize("cert", ["skill-certificate", "professional-title"])
@pytest.mark.parametrize("situation", ["lost", "damaged", "cross-province", "urgent"])
@pytest.mark.parametrize("region", [None, "guangdong", "shanghai"])
def test_skill_and_title_pages_carry_no_professional_qualification_text(client, content, cert, situation, region):
    shown = guide(client, cert, situation, region)
    found = {
        (item.key, phrase)
        for item in shown.items()
        for phrase in PROFESSIONAL_QUALIFICATION_ONLY
        if phrase in item_text(item)
    }
    assert not found
    # what the 专技 text says in general is still there, in general words
    assert {step.title for step in shown.steps} >= {"准备替代性证明材料", "提交申请并等待审核"}
    assert any("证书补办+姓名+联系方式" in item_text(step) for step in shown.steps)
    assert any(faq.question == "电子证书能否替代纸质版进行补办？" for faq in shown.faqs)


@pytest.mark.parametrize("situation", ["lost", "cross-province"])
def test_professional_qualification_pages_keep_the_article_wording(client, content, situation):
    text = " ".join(item_text(item) for item in guide(client, "professional-qualification", situation).items())
    for phrase in PROFESSIONAL_QUALIFICATION_ONLY:
        assert phrase in text


# ── 损毁 pages have their own wording; nothing there is about a lost certificate ──

LOST_ONLY = ("丢失", "挂失", "登报", "遗失声明")


@pytest.mark.parametrize("cert", TYPES)
@pytest.mark.parametrize("region", [None, "guangdong"])
def test_a_damaged_page_says_nothing_that_holds_only_for_a_lost_certificate(client, content, cert, region):
    shown = guide(client, cert, "damaged", region)
    found = {(item.key, phrase) for item in shown.items() for phrase in LOST_ONLY if phrase in item_text(item)}
    assert not found
    assert "申请表" in {m.name for m in shown.materials}
    # what happens to the damaged original: the source does not say, so the page says to ask
    assert any("损毁的原证书" in item_text(notice) for notice in shown.notices)


def test_a_damaged_checker_outcome_says_nothing_about_reporting_a_loss(client, content):
    answers = {
        "cert": "skill-certificate",
        "reason": "damaged",
        "not-deliberately-destroyed": "yes",
        "identity-unchanged": "yes",
        "still-valid": "yes",
        "issued-in": "110000",
        "living-in": "110000",
        "urgent": "no",
        "delivery": "in-person",
        "date": today().isoformat(),
    }
    response = checker(client, **answers)
    assert response.context["state"].outcome.kind == "guide"
    page = response.content.decode()
    assert not [phrase for phrase in LOST_ONLY if phrase in page]
    assert "损毁的原证书" in page


def test_a_page_without_a_reason_shows_both_application_forms_labelled(client, content):
    response = client.get(reverse("guides:guide", args=["skill-certificate", "cross-province"]))
    html = response.content.decode()
    forms = [m for m in response.context["guide"].materials if m.name == "申请表"]
    assert sorted(r.slug for m in forms for r in m.only_for_reasons) == ["damaged", "lost"]
    assert "丢失经过" in html and "仅损毁时需要" in html


# ── the complex case in the source's unit: 30 天 are calendar days ────────────


def test_the_complex_case_is_shown_in_its_own_unit_on_the_guide_page_and_in_search(client, content):
    from guides.search.index import get_index

    html = client.get(reverse("guides:guide", args=["professional-title", "lost"])).content.decode()
    assert "复杂情况可能延长至 30 天（自然日）" in html
    texts = [p.text for doc in get_index().guides for p in doc.passages if p.section == "time"]
    assert texts and all("复杂情况最长 30 天（自然日）" in t for t in texts)


def test_the_checker_counts_the_complex_case_in_calendar_days(client, content, frozen_today):
    answers = {
        "cert": "skill-certificate",
        "reason": "lost",
        "not-deliberately-destroyed": "yes",
        "identity-unchanged": "yes",
        "still-valid": "yes",
        "issued-in": "110000",
        "living-in": "110000",
        "urgent": "no",
        "delivery": "in-person",
        "date": "2026-12-21",
    }
    page = checker(client, **answers).content.decode()
    assert "复杂情况：最长 30 天（自然日）" in page
    # 30 calendar days after Mon 21 Dec 2026; 30 working days would end in February
    assert "2027年1月20日" in page
    assert "30 个工作日" not in page


def test_a_complex_case_given_in_working_days_is_still_counted_in_working_days(content):
    from datetime import date

    from guides.checker.outcomes import Facts, personal_guide
    from guides.checker.workdays import WorkCalendar
    from guides.models import ProcessingTime

    ProcessingTime.objects.filter(key="review-period").update(complex_unit=ProcessingTime.DayUnit.WORKDAY)
    catalogue = get_catalogue()
    beijing = catalogue.region_by_code("110000")
    facts = Facts(
        catalogue.certificate_type("skill-certificate"),
        catalogue.situation("lost"),
        beijing,
        beijing,
        "no",
        "in-person",
        date(2026, 11, 2),
    )
    calendar = WorkCalendar()
    complex_range = personal_guide(facts, catalogue, calendar).dates[1]
    assert complex_range.label == "复杂情况：最长 30 个工作日"
    assert complex_range.latest.end == calendar.add_workdays(date(2026, 11, 2), 30).end


# ── speculation and advice are marked as such ────────────────────────────────


def test_the_article_forecast_is_marked_as_its_opinion(client, content):
    faqs = guide(client, "professional-qualification", "lost").faqs
    answer = next(f.answer for f in faqs if "区块链" in f.answer)
    assert "来源文章的展望，不是现行规定" in answer


def test_the_paper_certificate_advice_is_shown_as_advice_not_as_a_condition(client, content):
    html = client.get(reverse("guides:guide", args=["professional-qualification", "damaged"])).content.decode()
    conditions, advice = html.split("另有建议（不是补办条件）")
    assert "电子证书不能满足您的需要" not in conditions.split('id="conditions"')[1]
    assert "电子证书不能满足您的需要" in advice.split("</section>")[0]


# ── 异地: which step happens where ──────────────────────────────────────────

WHERE_EACH_STEP = "异地补办：哪一步在哪里办"


def cross_province_answers(reason):
    answers = {
        "cert": "skill-certificate",
        "reason": reason,
        "not-deliberately-destroyed": "yes",
        "identity-unchanged": "yes",
        "still-valid": "yes",
        "issued-in": "110000",
        "living-in": "440000",
        "urgent": "no",
        "delivery": "in-person",
        "date": today().isoformat(),
    }
    return answers


@pytest.mark.parametrize("cert", TYPES)
def test_a_cross_province_page_says_which_step_happens_where(client, content, cert):
    shown = guide(client, cert, "cross-province")
    notice = next(n for n in shown.notices if n.title == WHERE_EACH_STEP)
    assert "向现居住地市级人社部门提出" in notice.body
    assert "当初领证的人才服务中心/人社局专窗" in notice.body
    assert [r.slug for r in notice.only_for_reasons] == ["lost"]  # 挂失 is for a lost certificate only
    assert WHERE_EACH_STEP not in {n.title for n in guide(client, cert, "lost").notices}


def test_the_checker_says_where_each_step_happens_only_to_a_cross_province_loss(client, content):
    lost = checker(client, **cross_province_answers("lost")).content.decode()
    assert WHERE_EACH_STEP in lost
    damaged = checker(client, **cross_province_answers("damaged")).content.decode()
    assert WHERE_EACH_STEP not in damaged
    at_home = checker(client, **{**cross_province_answers("lost"), "living-in": "110000"}).content.decode()
    assert WHERE_EACH_STEP not in at_home


# ── every page and every outcome: no item limited to another type, situation or region ──


def item_limits():
    """Return {(model, key): (type slugs, reason slugs, circumstance slugs, region slugs, replaced key)}, read once."""
    from guides.registry import GUIDE_ITEM_MODELS

    limits = {}
    for model in GUIDE_ITEM_MODELS:
        for item in model.objects.prefetch_related("certificate_types", "situations", "regions").select_related(
            "replaces"
        ):
            limits[model, item.key] = (
                {c.slug for c in item.certificate_types.all()},
                {s.slug for s in item.situations.all() if s.is_reason},
                {s.slug for s in item.situations.all() if not s.is_reason},
                {r.slug for r in item.regions.all()},
                item.replaces.key if item.replaces_id else None,
            )
    return limits


def misfits(items, limits, cert, reason, circumstances, region):
    """Return what is wrong with showing `items` to a reader of `cert`, `reason` (None: a page for both), ….

    An item may show only when each of its limits holds for the reader. A page with no
    reason shows reason-limited items, labelled with exactly those reasons. An item
    another shown item replaces must not show.
    """
    problems = []
    shown = {(type(item), item.key) for item in items}
    for item in items:
        types, reasons, item_circumstances, regions, replaced = limits[type(item), item.key]
        where = f"{type(item).__name__} {item.key}"
        if types and cert not in types:
            problems.append(f"{where}: limited to types {sorted(types)}")
        if reason and reasons and reason not in reasons:
            problems.append(f"{where}: limited to reasons {sorted(reasons)}")
        if not reason and reasons and len(reasons) < 2:
            labelled = {r.slug for r in getattr(item, "only_for_reasons", [])}
            if labelled != reasons:
                problems.append(f"{where}: limited to {sorted(reasons)} but labelled {sorted(labelled)}")
        if item_circumstances and not item_circumstances & circumstances:
            problems.append(f"{where}: limited to circumstances {sorted(item_circumstances)}")
        if regions and region not in regions:
            problems.append(f"{where}: limited to regions {sorted(regions)}")
        if replaced and (type(item), replaced) in shown:
            problems.append(f"{where}: shown with {replaced}, which it replaces")
    return problems


def test_every_guide_page_shows_only_items_that_fit_it(client, content):
    from guides.models import CertificateType, Region, Situation

    limits = item_limits()
    pages = items = 0
    problems = []
    for cert in CertificateType.objects.all():
        for situation in Situation.objects.all():
            reason = situation.slug if situation.is_reason else None
            circumstances = set() if situation.is_reason else {situation.slug}
            for region in [None, *Region.objects.all()]:
                shown = guide(client, cert.slug, situation.slug, region.slug if region else None).items()
                problems += [
                    f"{cert.slug}/{situation.slug}/{region.slug if region else '-'}: {p}"
                    for p in misfits(shown, limits, cert.slug, reason, circumstances, region.slug if region else None)
                ]
                pages += 1
                items += len(shown)
    print(f"\nguide pages walked: {pages}, items checked: {items}")
    assert pages == 3 * 4 * 32
    assert not problems, "\n".join(problems[:20])


def test_every_checker_outcome_shows_only_items_that_fit_the_answers(client, content):
    from tests.checker.test_flow import all_paths

    catalogue = get_catalogue()
    regions = {r.code: r.slug for r in catalogue.regions}
    limits = item_limits()
    outcomes = guides_seen = 0
    problems = []
    for answers, expected in all_paths(catalogue):
        response = checker(client, **answers)
        assert response.status_code == HTTPStatus.OK, answers
        assert response.context["state"].outcome.kind == expected, answers
        outcomes += 1
        region = regions[answers["living-in"]]
        circumstances = set()
        if answers["issued-in"] != answers["living-in"]:
            circumstances.add("cross-province")
        if answers["urgent"] != "no":
            circumstances.add("urgent")
        personal = response.context.get("personal")
        if personal is not None:
            guides_seen += 1
            shown = personal.guide.items() + personal.advice
        else:
            precondition = response.context["outcome"].precondition
            shown = [precondition] if precondition else []
            if answers["reason"] not in {"lost", "damaged"}:
                continue  # 信息变更 / 收回: the advice of any reason's precondition will do
        problems += [
            f"{answers}: {p}" for p in misfits(shown, limits, answers["cert"], answers["reason"], circumstances, region)
        ]
    print(f"\nchecker outcomes walked: {outcomes} ({guides_seen} personal guides)")
    assert guides_seen and outcomes > guides_seen
    assert not problems, "\n".join(problems[:20])


def test_the_walk_flags_an_item_shown_where_its_limits_do_not_hold(content):
    from guides.models import CertificateType, Notice, Region, Situation

    notice = Notice.objects.create(key="fit-probe", title="只在上海加急的职称提示", body="……")
    notice.certificate_types.set([CertificateType.objects.get(slug="professional-title")])
    notice.situations.set(Situation.objects.filter(slug__in=["damaged", "urgent"]))
    notice.regions.set([Region.objects.get(slug="shanghai")])
    limits = item_limits()
    wrong = misfits([notice], limits, "professional-qualification", "lost", {"cross-province"}, None)
    assert len(wrong) == 4  # type, reason, circumstance and region
    unlabelled = misfits([notice], limits, "professional-title", None, {"urgent"}, "shanghai")
    assert wrong and unlabelled == ["Notice fit-probe: limited to ['damaged'] but labelled []"]
    assert not misfits([notice], limits, "professional-title", "damaged", {"urgent"}, "shanghai")


@pytest.mark.parametrize("cert", ["skill-certificate", "professional-title"])
def test_skill_and_title_cross_province_pages_do_not_cite_the_professional_qualification_rules(client, content, cert):
    response = client.get(reverse("guides:guide", args=[cert, "cross-province"]))
    assert "专业技术人员职业资格证书管理办法" not in response.content.decode()
    assert "现居住地市级人社部门" in response.content.decode()
    pq = client.get(reverse("guides:guide", args=["professional-qualification", "cross-province"]))
    assert "根据《专业技术人员职业资格证书管理办法》，现支持全国通办服务" in pq.content.decode()
