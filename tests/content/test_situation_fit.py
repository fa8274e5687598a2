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
def test_no_certificate_type_is_asked_whether_it_is_still_valid(client, content, situation):
    # No source read gives 资格、技能 or 职称 certificates a period of validity (issue 18 §7 row 7).
    for cert in TYPES:
        shown = guide(client, cert, situation).preconditions
        assert "still-valid" not in keys(shown)
        assert not [p for p in shown if p.if_not == "renew"]


def test_a_professional_title_holder_is_never_sent_to_renew(client, content):
    answers = {
        "cert": "professional-title",
        "reason": "lost",
        "identity-unchanged": "yes",
        "still-valid": "no",  # an old link's answer to a question no longer asked
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
    assert "提交申请并等待审核" in {step.title for step in shown.steps}
    assert any("证书补办+姓名+联系方式" in item_text(step) for step in shown.steps)


@pytest.mark.parametrize("situation", ["lost", "cross-province"])
def test_professional_qualification_pages_carry_the_professional_rules(client, content, situation):
    text = " ".join(item_text(item) for item in guide(client, "professional-qualification", situation).items())
    for phrase in ("中国人事考试网", "人社厅发〔2023〕16号", "证书发放机构"):
        assert phrase in text
    for phrase in ("职业资格证补办+姓名", "国家人事考试网"):  # the article's 专技 wording is replaced
        assert phrase not in text


# ── 损毁 pages have their own wording; nothing there is about a lost certificate ──

LOST_ONLY = ("丢失", "挂失", "登报", "遗失声明")


@pytest.mark.parametrize("cert", TYPES)
@pytest.mark.parametrize("region", [None, "guangdong"])
def test_a_damaged_page_says_nothing_that_holds_only_for_a_lost_certificate(client, content, cert, region):
    shown = guide(client, cert, "damaged", region)
    found = {(item.key, phrase) for item in shown.items() for phrase in LOST_ONLY if phrase in item_text(item)}
    assert not found
    assert "申请表" in {m.name for m in shown.materials}
    # what happens to the damaged original: handed in where the sources say so, else ask
    assert any("原证书" in item_text(n) or "证书原件" in item_text(n) for n in shown.notices)


def test_a_damaged_checker_outcome_says_nothing_about_reporting_a_loss(client, content):
    answers = {
        "cert": "skill-certificate",
        "reason": "damaged",
        "identity-unchanged": "yes",
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


def test_a_page_without_a_reason_shows_one_application_form_for_both(client, content):
    response = client.get(reverse("guides:guide", args=["skill-certificate", "cross-province"]))
    forms = [m for m in response.context["guide"].materials if m.name == "申请表"]
    assert len(forms) == 1 and not forms[0].only_for_reasons
    assert "丢失经过" not in response.content.decode()  # it would not fit a damaged certificate


# ── the complex case in the source's unit: 30 天 are calendar days ────────────


def test_the_complex_case_is_shown_in_its_own_unit_on_the_guide_page_and_in_search(client, content):
    from guides.search.index import get_index

    html = client.get(reverse("guides:guide", args=["professional-title", "lost"])).content.decode()
    assert "复杂情况可能延长至 30 天（自然日）" in html
    passages = [p for doc in get_index().guides for p in doc.passages if p.section == "time"]
    article = [p.text for p in passages if p.key == "time:review-period"]
    assert article and all("复杂情况最长 30 天（自然日）" in t for t in article)


def test_the_checker_counts_the_complex_case_in_calendar_days(client, content, frozen_today):
    answers = {
        "cert": "skill-certificate",
        "reason": "lost",
        "identity-unchanged": "yes",
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

    from guides.checker.outcomes import personal_guide
    from guides.checker.workdays import WorkCalendar
    from guides.models import ProcessingTime
    from tests.checker.test_outcomes import beijing_skill_reader

    ProcessingTime.objects.filter(key="review-period").update(complex_unit=ProcessingTime.DayUnit.WORKDAY)
    catalogue = get_catalogue()
    facts = beijing_skill_reader(catalogue, date(2026, 11, 2))
    calendar = WorkCalendar()
    complex_range = personal_guide(facts, catalogue, calendar).dates[1]
    assert complex_range.label == "复杂情况：最长 30 个工作日"
    assert complex_range.latest.end == calendar.add_workdays(date(2026, 11, 2), 30).end


# ── speculation and advice are marked as such ────────────────────────────────


def test_the_article_forecast_went_with_the_answer_16hao_replaced(client, content):
    faqs = guide(client, "professional-qualification", "lost").faqs
    assert not [f for f in faqs if "区块链" in f.answer]


def test_no_paper_once_electronic_is_a_condition_not_advice(client, content):
    # 16号 第十六条 is a rule: the article's "paper is safer" advice is gone, the condition is asked.
    html = client.get(reverse("guides:guide", args=["professional-qualification", "damaged"])).content.decode()
    assert "另有建议（不是补办条件）" not in html
    conditions = html.split('id="conditions"')[1].split("</section>")[0]
    assert "您的证书没有电子证书" in conditions
    assert "电子证书不能满足您的需要" not in html


# ── 异地: apply to the issuing body, not where the reader lives ─────────────────

APPLY_TO_ISSUER = "异地补办：向证书发放机构申请，不是向现在住的地方"


def cross_province_answers(reason):
    answers = {
        "cert": "professional-qualification",
        "reason": reason,
        "no-electronic-certificate": "yes",
        "identity-unchanged": "yes",
        "issued-in": "110000",
        "living-in": "440000",
        "urgent": "no",
        "delivery": "in-person",
        "date": today().isoformat(),
    }
    return answers


def test_a_cross_province_page_says_to_apply_to_the_issuing_body(client, content):
    shown = guide(client, "professional-qualification", "cross-province")
    notice = next(n for n in shown.notices if n.title == APPLY_TO_ISSUER)
    assert "人社厅发〔2023〕16号第十六条" in notice.body
    assert not notice.only_for_reasons  # 遗失 and 损毁 alike
    assert APPLY_TO_ISSUER not in {n.title for n in guide(client, "professional-qualification", "lost").notices}


def test_the_checker_says_where_to_apply_to_a_cross_province_reader_lost_or_damaged(client, content):
    for reason in ("lost", "damaged"):
        page = checker(client, **cross_province_answers(reason)).content.decode()
        assert APPLY_TO_ISSUER in page
        assert "办理地：北京市（发证省份）" in page
    at_home = checker(client, **{**cross_province_answers("lost"), "living-in": "110000"}).content.decode()
    assert APPLY_TO_ISSUER not in at_home


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


def test_every_checker_outcome_shows_only_items_that_fit_the_answers(content, every_checker_path):
    catalogue = get_catalogue()
    regions = {r.code: r.slug for r in catalogue.regions}
    limits = item_limits()
    outcomes = guides_seen = 0
    problems = []
    for visit in every_checker_path:
        answers = visit.answers
        assert visit.status_code == HTTPStatus.OK, answers
        assert visit.context["state"].outcome.kind == visit.expected, answers
        outcomes += 1
        region = regions[answers["issued-in"]]  # the issuing province's guide
        circumstances = set()
        if answers["issued-in"] != answers["living-in"]:
            circumstances.add("cross-province")
        if answers["urgent"] != "no":
            circumstances.add("urgent")
        personal = visit.context["personal"]
        if personal is not None:
            guides_seen += 1
            shown = personal.guide.items() + personal.advice
        else:
            precondition = visit.context["outcome"].precondition
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
    assert "补办仍向发给证书的机构申请" in response.content.decode()
    pq = client.get(reverse("guides:guide", args=["professional-qualification", "cross-province"])).content.decode()
    assert "现支持全国通办服务" not in pq and "现居住地市级人社部门" not in pq
