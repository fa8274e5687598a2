"""The situation checker: the flow, stateless URLs, bad input, and every path from the real fixtures."""

import itertools
import re
from datetime import date, timedelta
from http import HTTPStatus
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from django.urls import reverse, set_script_prefix
from django.utils import timezone

from guides.checker import flow
from guides.checker.questions import CHANGED, REVOKED
from guides.checker.workdays import WorkCalendar, statutory_holidays
from guides.content.selectors import GuideRequest, applicable_items
from guides.models import Holiday, Precondition

pytestmark = pytest.mark.django_db

BEIJING, GUANGDONG = "110000", "440000"


def result_url(**answers):
    return f"{reverse('guides:check_result')}?{urlencode(answers)}"


def question_url(slug, **answers):
    return f"{reverse('guides:check_question', args=[slug])}?{urlencode(answers)}"


def today():
    return timezone.localdate()


def full_answers(**overrides):
    """Answers for 职称证书, lost, eligible, issued in 北京, living in 广东, urgent, mailing, today."""
    answers = {
        "cert": "professional-title",
        "reason": "lost",
        "no-electronic-certificate": "yes",
        "identity-unchanged": "yes",
        "issued-in": BEIJING,
        "living-in": GUANGDONG,
        "urgent": "title-review",
        "delivery": "mail",
        "date": today().isoformat(),
    }
    answers.update(overrides)
    if answers["cert"] != "professional-qualification" and "no-electronic-certificate" not in overrides:
        del answers["no-electronic-certificate"]  # asked of 专技 only (人社厅发〔2023〕16号 第十六条)
    return {k: v for k, v in answers.items() if v is not None}


def text(response):
    return re.sub(r"\s+", " ", response.content.decode())


# ── a lost 职称 certificate, 北京 to 广东, urgent, by post ─────────────────────────────────


def test_lost_title_certificate_beijing_to_guangdong_urgent_by_mail(client, content):
    response = client.get(result_url(**full_answers()))
    assert response.status_code == HTTPStatus.OK
    page = text(response)
    assert "职称证书遗失补办" in page
    # materials: the loss notice; no 加急 materials and no transfer letter (no source has them)
    assert "遗失声明（登报）" in page
    for gone in ["书面情况说明", "第三方证明材料", "转出函件", "异地补办前确认两件事"]:
        assert gone not in page
    # the application goes to the issuing province (北京), not to where the reader lives (广东)
    assert "办理地：北京市（发证省份），您现在在广东省（异地补办）" in page
    # fees: the article's 工本费 20–50 and 登报费 100–300, marked; no invented 加急 fee
    assert "120–350 元" in page
    assert "加急手续费" not in page
    assert "预计哪天办好" in page
    assert response["X-Robots-Tag"].startswith("noindex")
    assert '<meta name="robots" content="noindex' in page
    assert "private" in response["Cache-Control"]  # someone's answers: no shared cache keeps them


def test_outcome_summary_has_a_change_link_for_every_answer(client, content):
    answers = full_answers()
    page = text(client.get(result_url(**answers)))
    assert "您的回答" in page
    for slug in answers:
        assert f'data-change="{slug}"' in page
    assert "重新开始" in page


def test_in_person_drops_the_express_fee_and_the_mail_channel(client, content):
    page = text(client.get(result_url(**full_answers(delivery="in-person", urgent="no"))))
    assert "120–350 元" in page
    assert "EMS 到付件" not in page
    assert "受理回执单" in page


def test_same_province_is_not_cross_province(client, content):
    page = text(client.get(result_url(**full_answers(**{"living-in": BEIJING}))))
    assert "异地补办" not in page
    assert "您现在在" not in page


# ── routing to other outcomes ───────────────────────────────────────────────


@pytest.mark.parametrize(
    ("answers", "title"),
    [
        ({"reason": "changed"}, "请先办理证书信息变更"),
        ({"reason": "revoked"}, "被收回或注销的证书不能补办"),
        ({"identity-unchanged": "no"}, "请先办理证书信息变更"),
        ({"cert": "professional-qualification", "no-electronic-certificate": "no"}, "您可以直接下载电子证书"),
    ],
)
def test_routes_to_its_own_outcome(client, content, answers, title):
    response = client.get(result_url(**full_answers(**answers)), follow=True)
    assert response.status_code == HTTPStatus.OK
    page = text(response)
    assert f"<h1>{title}</h1>" in page
    assert "下一步怎么做" in page
    assert "您的回答" in page
    # the answers after the outcome's question are dropped from the canonical URL
    assert "delivery=" not in response.redirect_chain[-1][0]


def test_a_no_to_advice_does_not_stop_the_checker_but_shows_the_advice(client, content):
    # The content has no advice (建议) any more: 16号 turned "paper is safer" into a rule. An editor may add one.
    Precondition.objects.create(
        key="example-advice",
        statement="示例：建议先备好复印件",
        question="示例：您备好复印件了吗？",
        if_not="contact",
        if_not_advice="示例：不必补办也可以先用复印件。",
        is_advice=True,
        order=45,
        is_published=True,
    )
    answers = full_answers(**{"example-advice": "no", "living-in": BEIJING})
    response = client.get(result_url(**answers), follow=True)
    assert response.status_code == HTTPStatus.OK
    assert response.context["state"].outcome.kind == "guide"
    page = text(response)
    assert "给您的建议" in page
    assert "示例：不必补办也可以先用复印件。" in page
    assert "示例：建议先备好复印件</strong>：否" in page
    question = client.get(question_url("example-advice", **full_answers()))
    assert "回答“否”也可以继续补办" in text(question)


def test_electronic_question_only_for_certificates_the_content_limits_it_to(client, content):
    response = client.get(result_url(**full_answers(cert="professional-title", **{"no-electronic-certificate": "no"})))
    assert response.status_code == HTTPStatus.FOUND  # the answer is dropped: it is not a question here
    assert "no-electronic-certificate" not in response["Location"]
    page = error_page(
        client.get(
            result_url(**full_answers(cert="professional-qualification", **{"no-electronic-certificate": None}))
        ),
        "no-electronic-certificate",
    )
    assert "您的证书只有纸质证书、没有电子证书吗？" in page


# ── the flow, one question per page ─────────────────────────────────────────


def test_start_page_and_home_link(client, content):
    home = text(client.get(reverse("guides:home")))
    assert f'href="{reverse("guides:check_start")}"' in home
    start = client.get(reverse("guides:check_start"))
    assert start.status_code == HTTPStatus.OK
    assert "开始" in text(start)
    assert "X-Robots-Tag" not in start  # the front door is indexed; questions and outcomes are not
    assert "noindex" not in start.content.decode()
    assert client.get(question_url("cert"))["X-Robots-Tag"].startswith("noindex")
    assert client.head(reverse("guides:check_start")).status_code == HTTPStatus.OK
    assert client.post(reverse("guides:check_result")).status_code == HTTPStatus.METHOD_NOT_ALLOWED


def test_walk_the_flow_one_page_at_a_time(client, content):
    """Submit each question's form as a browser would, following the redirects."""
    want = full_answers()
    url = question_url("cert")
    asked = []
    for _ in range(20):
        response = client.get(url)
        if response.status_code == HTTPStatus.FOUND:
            url = response["Location"]
            continue
        assert response.status_code == HTTPStatus.OK
        page = response.content.decode()
        if "您的回答" in page:
            break
        form = re.search(r'<form method="get" action="([^"]+)"', page).group(1)
        hidden = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page)
        slug = dict(hidden)[flow.ASKED]
        asked.append(slug)
        assert page.count("<h1") == 1
        url = f"{form}?{urlencode([*hidden, (slug, want[slug])])}"
    assert asked == list(want)
    assert urlsplit(url).path == reverse("guides:check_result")
    assert parse_qsl(urlsplit(url).query) == list(want.items())


def test_questions_come_from_the_content(client, content):
    precondition = Precondition.objects.create(
        key="not-revoked-elsewhere",
        statement="证书没有在其他地方办理过补办",
        question="您之前没有申请过这本证书的补办吗？",
        if_not="contact",
        if_not_advice="请先联系发证机关确认之前的申请。",
        order=35,
        is_published=True,
    )
    response = client.get(question_url("issued-in", **full_answers()), follow=True)
    page = text(response)
    assert precondition.question in page
    assert "第 4 题" in page  # after cert, reason and the one precondition a 职称 holder is asked
    response = client.get(result_url(**full_answers(**{precondition.key: "no"})), follow=True)
    assert "<h1>请先联系发证机关</h1>" in text(response)


# ── stateless, canonical URLs ───────────────────────────────────────────────


def test_unknown_parameters_are_dropped_and_order_is_canonical(client, content):
    answers = full_answers()
    shuffled = list(reversed(answers.items())) + [("utm_source", "wechat"), ("x", "1")]
    response = client.get(f"{reverse('guides:check_result')}?{urlencode(shuffled)}")
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == result_url(**answers)
    assert client.get(response["Location"]).status_code == HTTPStatus.OK


def test_the_same_url_gives_the_same_page_without_cookies(client, content):
    url = result_url(**full_answers())
    first = client.get(url).content
    client.cookies.clear()
    second = client.get(url)
    assert second.content == first
    assert not second.cookies


def test_change_link_returns_to_the_outcome(client, content):
    answers = full_answers()
    page = client.get(result_url(**answers)).content.decode()
    change = re.search(r'href="([^"]+)" data-change="delivery"', page).group(1).replace("&amp;", "&")
    question = client.get(change)
    assert question.status_code == HTTPStatus.OK
    assert re.search(r'value="mail"[^>]* checked', question.content.decode())
    answers["delivery"] = "in-person"
    submitted = question_url("delivery", **answers, asked="delivery")
    response = client.get(submitted)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == result_url(**answers)


# ── bad input re-asks the right question ────────────────────────────────────


def error_page(response, slug):
    page = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert re.search(r"<title>错误：", page)
    assert f'href="#f-{slug}"' in page
    assert f'id="f-{slug}"' in page
    return page


@pytest.mark.parametrize(
    ("slug", "bad"),
    [
        ("cert", "no-such-certificate"),
        ("reason", "stolen"),
        ("identity-unchanged", "maybe"),
        ("issued-in", "999999"),
        ("living-in", "110001"),
        ("urgent", "very"),
        ("delivery", "pigeon"),
        ("date", "2026-02-30"),
        ("date", "tomorrow"),
        ("date", (date.today() + timedelta(days=3 * 365)).isoformat()),
        ("date", "1999-01-01"),
        ("date", "99999-01-01"),
    ],
)
def test_bad_answer_re_asks_its_question_with_an_error(client, content, slug, bad):
    response = client.get(result_url(**full_answers(**{slug: bad})))
    error_page(response, slug)


def test_contradictory_answers_re_ask_the_question(client, content):
    url = result_url(**full_answers()) + "&urgent=no"
    page = error_page(client.get(url), "urgent")
    assert "互相矛盾" in page


def test_skipped_question_is_asked_with_an_error(client, content):
    response = client.get(result_url(**full_answers(**{"issued-in": None})))
    page = error_page(response, "issued-in")
    assert "请先回答这个问题" in page
    response = client.get(question_url("delivery", cert="professional-title", reason="lost"))
    error_page(response, "identity-unchanged")


def test_submitting_without_an_answer_is_an_error(client, content):
    response = client.get(question_url("cert", asked="cert"))
    page = error_page(response, "cert")
    assert "请选择证书类型" in page


def test_first_visit_to_a_question_has_no_error(client, content):
    response = client.get(question_url("cert"))
    assert response.status_code == HTTPStatus.OK
    assert "错误：" not in response.content.decode().split("</title>")[0]
    assert "error-summary" not in response.content.decode()


def test_date_defaults_to_today(client, content):
    answers = full_answers(date=None)
    response = client.get(question_url("date", **answers))
    assert f'value="{today().isoformat()}"' in response.content.decode()


# ── dates and holidays on the page ──────────────────────────────────────────


def assert_accepted(day):
    """The checker accepts submission dates near today; these tests use fixed real dates, with today frozen."""
    assert today() - flow.DATE_PAST_LIMIT <= day <= today() + flow.DATE_FUTURE_LIMIT


def test_december_submission_warns_about_the_unknown_year_until_editors_enter_it(client, content, frozen_today):
    assert_accepted(date(2026, 12, 21))
    url = result_url(**full_answers(date="2026-12-21"))
    page = text(client.get(url))
    assert "2027 年的调休安排尚未公布" in page
    # 15 working days after Mon 21 Dec 2026, Mon–Fri less 元旦 (Fri 1 Jan 2027): Tue 12 Jan 2027
    assert "2027年1月12日" in page
    Holiday.objects.create(date=date(2027, 1, 4), name="元旦调休（示例）")
    page = text(client.get(url))
    assert "调休安排尚未公布" not in page
    assert "2027年1月13日" in page


def test_a_submission_before_spring_festival_2027_counts_the_days_off_the_law_gives(client, content, frozen_today):
    # Issue 18 §6: 28 Jan 2027 + the guide's working days must not count 9–12 Feb 2027
    # (第六条 补假 for 初一/初二 on the weekend; 春节 "自农历除夕起，放假调休8天") as workdays.
    start = date(2027, 1, 28)
    assert_accepted(start)
    page = text(client.get(result_url(**full_answers(date=start.isoformat(), urgent="no"))))
    assert "2027 年的调休安排尚未公布" in page
    assert "补假" in page
    longest = max(int(high) for _, high in re.findall(r"一般 (\d+)–(\d+) 个工作日", page))
    # The count that treated 9–12 Feb as plain workdays (the law's 第二条 days only):
    plain, day = longest, start
    while plain:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in statutory_holidays(2027):
            plain -= 1
    counted = WorkCalendar().add_workdays(start, longest).end
    assert counted > day
    assert f"{counted.year}年{counted.month}月{counted.day}日" in page
    assert f"{day.year}年{day.month}月{day.day}日" not in page


# ── every path, from the real fixtures ──────────────────────────────────────

OUTCOME_SECTIONS = {
    "guide": ["预计哪天办好", "大约花多少钱", "要准备的材料", "怎么办", "在哪里办、找谁问", "您的回答", "重新开始"],
    "stop": ["下一步怎么做", "12333", "您的回答", "重新开始"],
}


def all_paths(catalogue):
    """Yield (answers, expected outcome kind) for every combination of answers."""
    preconditions = {}
    for cert, reason, issued in itertools.product(catalogue.certificate_types, catalogue.reasons, [BEIJING, GUANGDONG]):
        # As the checker asks: the national ones first, then those of the issuing province, once known.
        situations = frozenset([reason])
        national = applicable_items(
            Precondition, GuideRequest(certificate_type=cert, situations=situations, on=today())
        )
        region = catalogue.region_by_code(issued)
        regional = applicable_items(
            Precondition, GuideRequest(certificate_type=cert, situations=situations, region=region, on=today())
        )
        preconditions[cert.slug, reason.slug, issued] = national + [p for p in regional if p not in national]
    base = {"urgent": None, "delivery": None, "date": today().isoformat()}
    for cert in catalogue.certificate_types:
        for reason, issued in itertools.product(
            [r.slug for r in catalogue.reasons] + [CHANGED, REVOKED], [BEIJING, GUANGDONG]
        ):
            # The changed/revoked reasons end before the preconditions: any reason's list will do.
            pres = preconditions[cert.slug, reason if reason in {r.slug for r in catalogue.reasons} else "lost", issued]
            for replies in itertools.product(["yes", "no"], repeat=len(pres)):
                for urgent, delivery in itertools.product(["no", "title-review", "other"], ["mail", "in-person"]):
                    answers = {"cert": cert.slug, "reason": reason}
                    answers.update({p.key: r for p, r in zip(pres, replies, strict=True)})
                    # Issued in 北京 or 广东, living in 北京: the issuing province's rules apply.
                    answers.update(base, **{"issued-in": issued, "living-in": BEIJING})
                    answers.update(urgent=urgent, delivery=delivery)
                    if reason == CHANGED:
                        expected = "change"
                    elif reason == REVOKED:
                        expected = "ineligible"
                    else:
                        failed = next(
                            (p for p, r in zip(pres, replies, strict=True) if r == "no" and not p.is_advice), None
                        )
                        expected = failed.if_not if failed else "guide"
                    yield answers, expected
                if reason in (CHANGED, REVOKED):
                    break  # later answers are dropped: one path is enough
            # reasons outside the content end before the preconditions


def test_every_path_ends_in_a_complete_outcome_page(content, every_checker_path):
    seen = set()
    counts = {}
    for visit in every_checker_path:
        answers, expected, page = visit.answers, visit.expected, visit.html
        assert visit.status_code == HTTPStatus.OK, answers
        assert f"outcome--{expected}" in page, (answers, expected)
        for section in OUTCOME_SECTIONS["guide" if expected == "guide" else "stop"]:
            assert section in page, (answers, section)
        seen.add(visit.final_url)
        counts[expected] = counts.get(expected, 0) + 1
    total = sum(counts.values())
    print(f"\nchecker paths walked: {total}, distinct outcome URLs: {len(seen)}, by outcome: {counts}")
    # one all-"yes" path per type, reason and issuing province, times urgent × delivery: no advice is left
    # (人社厅发〔2023〕16号 made "paper is safer" a rule: no paper once electronic) and no 有效期 question
    assert counts["guide"] == 3 * 2 * 2 * 3 * 2
    assert set(counts) == {"guide", "ineligible", "change", "electronic"}


# ── queries and editors ─────────────────────────────────────────────────────


def count_queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == HTTPStatus.OK
    return len(queries)


def test_query_counts_are_small_and_constant(client, content):
    outcome = result_url(**full_answers())
    question = question_url("issued-in", **full_answers())
    cold = count_queries(client, outcome)
    warm = count_queries(client, outcome)
    question_warm = count_queries(client, question)
    print(f"\noutcome queries cold={cold} warm={warm}; question page warm={question_warm}")
    # warm: 1 for the preconditions asked + 8 for the guide (one per item kind, plus channels)
    assert warm <= 10
    assert question_warm <= 2


def test_adding_2027_holidays_in_admin_changes_the_answer(admin_client, content, frozen_today):
    assert_accepted(date(2026, 12, 21))
    url = result_url(**full_answers(date="2026-12-21"))
    assert "2027年1月12日" in text(admin_client.get(url))
    response = admin_client.post(
        reverse("admin:guides_holiday_add"), {"date": "2027-01-04", "name": "元旦调休（示例）", "is_workday": ""}
    )
    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:2000]
    page = text(admin_client.get(url))
    assert "2027年1月13日" in page
    assert "调休安排尚未公布" not in page


def test_back_link_goes_to_the_previous_question_even_when_changing_an_answer(client, content):
    page = client.get(question_url("living-in", **full_answers())).content.decode()
    back = re.search(r'<a class="back-link no-print" href="([^"]+)"', page).group(1)
    assert urlsplit(back).path == reverse("guides:check_question", args=["issued-in"])
    assert "第 5 题" in page  # cert, reason, one precondition (职称: no electronic-certificate question), issued-in


def test_a_province_limited_precondition_is_asked_once_the_province_is_known(client, content):
    from guides.models import Region

    precondition = Precondition.objects.create(
        key="guangdong-only-check",
        statement="示例：仅在广东适用的条件",
        question="示例：您满足广东的这个条件吗？",
        if_not="contact",
        if_not_advice="请联系广东的办理机构。",
        order=50,
        is_published=True,
    )
    precondition.regions.set([Region.objects.get(code=GUANGDONG)])
    # Issued in 北京 (living in 广东): never asked — the issuing province's rules apply —
    # and the outcome does not claim it was confirmed.
    page = text(client.get(result_url(**full_answers())))
    assert precondition.statement not in page
    # Issued in 广东: asked after the delivery question, before the date.
    in_guangdong = {"issued-in": GUANGDONG, "living-in": BEIJING}
    response = client.get(result_url(**full_answers(**in_guangdong)))
    error_page(response, precondition.key)
    response = client.get(result_url(**full_answers(**in_guangdong, **{precondition.key: "yes"})), follow=True)
    assert "您已确认" in text(response) and precondition.statement in text(response)
    response = client.get(result_url(**full_answers(**in_guangdong, **{precondition.key: "no"})), follow=True)
    assert "<h1>请先联系发证机关</h1>" in text(response)


def test_an_item_in_force_only_from_a_later_date_says_from_when(client, content):
    from tests import builders

    starts = today() + timedelta(days=10)
    builders.fee(name="将来执行的工本费", min_amount=5, max_amount=5, effective_from=starts, source=None)
    label = f"自{starts.year}年{starts.month}月{starts.day}日起执行"
    later = text(client.get(result_url(**full_answers(date=(starts + timedelta(days=5)).isoformat()))))
    assert f'将来执行的工本费 <span class="badge upcoming-badge">{label}</span>' in later
    now = text(client.get(result_url(**full_answers())))
    assert "将来执行的工本费" not in now and "起执行" not in now


def test_guangdong_electronic_outcome_does_not_offer_paper_for_a_project_already_electronic(client, content):
    answers = full_answers(
        cert="professional-qualification",
        **{"issued-in": GUANGDONG, "living-in": GUANGDONG, "gd-no-electronic-certificate-yet": "no"},
    )
    page = text(client.get(result_url(**answers), follow=True))
    assert "已经上线电子证书的考试项目，不再补发纸质证书" in page
    assert "电子证书不能满足需要" not in page
    assert "确认您的考试项目尚未上线电子证书的，可以" in page


def test_the_outcome_says_who_reissues_this_type(client, content):
    page = text(client.get(result_url(**full_answers())))
    assert "<dt>由谁补办</dt><dd>证书上所载的发证机关（人社部门或职称评审委员会组建单位）" in page


# ── the submission-date window at its boundaries (issue 20, point 18) ─────────


def test_the_earliest_allowed_submission_date_is_exactly_the_past_limit():
    day = date(2026, 12, 14)
    flow.check_date_window(day - flow.DATE_PAST_LIMIT, day)  # the earliest allowed: accepted
    with pytest.raises(flow.InvalidAnswer, match="提交日期不能早于 2026-11-14"):
        flow.check_date_window(day - flow.DATE_PAST_LIMIT - timedelta(days=1), day)


def test_the_latest_allowed_submission_date_is_exactly_the_future_limit():
    day = date(2026, 12, 14)
    flow.check_date_window(day + flow.DATE_FUTURE_LIMIT, day)
    with pytest.raises(flow.InvalidAnswer, match="不晚于 2027-12-15"):
        flow.check_date_window(day + flow.DATE_FUTURE_LIMIT + timedelta(days=1), day)


def test_the_earliest_allowed_date_is_accepted_by_the_checker_and_the_day_before_is_not(client, content, frozen_today):
    earliest = frozen_today - flow.DATE_PAST_LIMIT
    accepted = client.get(result_url(**full_answers(date=earliest.isoformat())), follow=True)
    assert "outcome--guide" in accepted.content.decode()
    refused = client.get(result_url(**full_answers(date=(earliest - timedelta(days=1)).isoformat())), follow=True)
    assert f"提交日期不能早于 {earliest:%Y-%m-%d}" in refused.content.decode()


def test_change_links_carry_the_script_prefix_the_site_is_mounted_under(client, content):
    link = reverse("guides:check_question", args=["cert"]) + "?"
    url = result_url(**full_answers())
    assert link in text(client.get(url))
    try:
        set_script_prefix("/zhengshu/")
        mounted = text(client.get(url))
    finally:
        set_script_prefix("/")
    assert "/zhengshu" + link in mounted
