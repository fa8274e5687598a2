"""The situation checker: one question per page, every answer in the URL.

The flow is a pure function of the query string: `run_checker(params, ...)` walks
the questions in order, parses each answer, and stops at the first question that
is unanswered or has a bad answer (a `Problem`), or at an outcome. Which questions
are asked depends on earlier answers and on the content: every applicable
`Precondition` is a yes/no question, so an editor adding one adds a question.

Answers are GET parameters keyed by question slug. `CheckerState.query()` emits
them in the canonical order and drops anything unknown or no longer relevant, so a
shared, bookmarked or refreshed URL always reproduces the same page.
"""

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils.http import urlencode

from guides.caching import local_cache
from guides.caching.guide_cache import cached_guide, cached_items
from guides.caching.version import get_content_version
from guides.content.fees import estimate_fees
from guides.content.selectors import GuideRequest
from guides.models import Precondition

YES, NO = "yes", "no"
CROSS_PROVINCE = "cross-province"
URGENT = "urgent"

# Reasons the content has no guide for: they route straight to an outcome.
CHANGED, REVOKED = "changed", "revoked"
NOT_URGENT = "no"
MAIL, IN_PERSON = "mail", "in-person"

# How far from today a planned submission date may be.
DATE_PAST_LIMIT = timedelta(days=30)
DATE_FUTURE_LIMIT = timedelta(days=366)

# A form posts back `asked=<slug>`, so an empty answer to the question just asked is
# an error, while the first visit to a question is not.
ASKED = "asked"
DATE_PATTERN = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    hint: str = ""


@dataclass(frozen=True)
class Question:
    """One question page: its slug (the query parameter), wording and how to parse it."""

    slug: str
    title: str
    summary_label: str
    kind: str  # "radio", "select" or "date"
    options: tuple = ()
    hint: str = ""
    required_message: str = "请选择一项。"
    precondition: Precondition | None = None

    def parse(self, raw):
        """Return the answer for the raw parameter value, or raise `InvalidAnswer`."""
        if self.kind == "date":
            return parse_date(raw)
        if not any(option.value == raw for option in self.options):
            raise InvalidAnswer("这个回答无法识别，请重新选择。")
        return raw

    def display(self, value):
        if self.kind == "date":
            return f"{value.year}年{value.month}月{value.day}日"
        return next((o.label for o in self.options if o.value == value), value)

    @property
    def field_id(self):
        return f"f-{self.slug}"


class InvalidAnswer(ValueError):
    pass


def parse_date(raw):
    """Parse a YYYY-MM-DD date that is a real day; the window check is the caller's."""
    match = DATE_PATTERN.fullmatch(raw)
    try:
        if match is None:
            raise ValueError(raw)
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        # A browser's date field cannot show an impossible date, so say what was entered.
        raise InvalidAnswer(f"请输入一个真实存在的日期，例如 2026-12-01（您输入的是：{raw[:20]}）。") from None


@dataclass(frozen=True)
class Answer:
    question: Question
    value: object
    raw: str

    @property
    def display(self):
        return self.question.display(self.value)


@dataclass(frozen=True)
class Problem:
    """Why the flow stopped at a question: it is unanswered, or its answer is bad."""

    question: Question
    kind: str  # "missing", "invalid" or "conflict"
    message: str = ""
    raw: str = ""


@dataclass(frozen=True)
class Outcome:
    """Where the flow ends: the personal guide, or something to do instead of 补办."""

    kind: str  # "guide" or one of Precondition.IfNot
    title: str
    advice: str = ""
    precondition: Precondition | None = None

    @property
    def is_guide(self):
        return self.kind == "guide"


@dataclass
class CheckerState:
    """The parsed answers, and either the problem question or the outcome."""

    answers: list = field(default_factory=list)
    problem: Problem | None = None
    outcome: Outcome | None = None
    # Raw answers to questions after the problem, kept so fixing one answer loses no others.
    pending: dict = field(default_factory=dict)
    order: dict = field(default_factory=dict)
    facts: "Facts | None" = None

    def value(self, slug, default=None):
        return next((a.value for a in self.answers if a.question.slug == slug), default)

    def answer(self, slug):
        return next((a for a in self.answers if a.question.slug == slug), None)

    def questions(self):
        """Return the questions of the flow so far, in order, the problem question last."""
        asked = [a.question for a in self.answers]
        return asked + ([self.problem.question] if self.problem else [])

    def question(self, slug):
        return next((q for q in self.questions() if q.slug == slug), None)

    def params(self, *, without=None, override=None):
        """Return the canonical answers as (slug, raw) pairs, in flow order."""
        pairs = [(a.question.slug, a.raw) for a in self.answers]
        if self.problem and self.problem.raw:
            pairs.append((self.problem.question.slug, self.problem.raw))
        if self.problem:
            pairs += sorted(self.pending.items(), key=lambda kv: self.order.get(kv[0], len(self.order)))
        if override:
            slug, raw = override
            pairs = [(s, raw if s == slug else r) for s, r in pairs]
        return [(s, r) for s, r in pairs if s != without]

    def query(self, **kwargs):
        return urlencode(self.params(**kwargs))


@dataclass(frozen=True)
class Facts:
    """What the guide outcome is built from, taken from valid answers."""

    certificate_type: object
    reason: object
    issued_in: object
    living_in: object
    urgent: str
    delivery: str
    submit_on: date
    confirmed: frozenset = frozenset()  # keys of the preconditions answered "yes"

    @property
    def cross_province(self):
        return self.issued_in != self.living_in

    @property
    def is_urgent(self):
        return self.urgent != NOT_URGENT

    @property
    def mailing(self):
        return self.delivery == MAIL


class _Stop(Exception):
    pass


def _yes_no(precondition):
    return Question(
        slug=precondition.key,
        title=precondition.question,
        summary_label=precondition.statement,
        kind="radio",
        options=(Option(YES, "是"), Option(NO, "否")),
        hint=precondition.detail,
        required_message="请选择“是”或“否”。",
        precondition=precondition,
    )


def certificate_question(catalogue):
    return Question(
        slug="cert",
        title="您要补办哪种证书？",
        summary_label="证书类型",
        kind="radio",
        options=tuple(Option(c.slug, c.name, c.examples or c.summary) for c in catalogue.certificate_types),
        required_message="请选择证书类型。",
    )


def reason_question(catalogue):
    return Question(
        slug="reason",
        title="您的证书怎么了？",
        summary_label="证书情况",
        kind="radio",
        options=(
            *(Option(r.slug, r.name, r.summary) for r in catalogue.reasons),
            Option(CHANGED, "信息有误或需要变更", "例如姓名、身份证号变了，或证书上的信息印错了。"),
            Option(REVOKED, "证书已被收回或注销"),
        ),
        required_message="请选择证书的情况。",
    )


def province_question(catalogue, slug):
    issued = slug == "issued-in"
    return Question(
        slug=slug,
        title="您的证书是在哪个省份发的？" if issued else "您现在在哪个省份工作或生活？",
        summary_label="发证省份" if issued else "现在所在省份",
        kind="select",
        options=tuple(Option(r.code, r.name) for r in catalogue.regions),
        hint="看证书上的发证机关。" if issued else "与发证省份不同的，可以在现居住地申请（异地补办）。",
        required_message="请选择发证省份。" if issued else "请选择您现在所在的省份。",
    )


URGENT_QUESTION = Question(
    slug="urgent",
    title="您急着拿到新证书吗？",
    summary_label="是否加急",
    kind="radio",
    options=(
        Option(NOT_URGENT, "不急，按正常时限办理"),
        Option("title-review", "急：职称评审截止日期临近"),
        Option("other", "急：有其他紧急事由", "例如项目投标、会议，需要第三方证明材料。"),
    ),
    hint="加急要写书面情况说明，附第三方证明材料，并拨打 12333 备案紧急事由。",
    required_message="请选择是否需要加急。",
)

DELIVERY_QUESTION = Question(
    slug="delivery",
    title="您打算怎样递交申请？",
    summary_label="递交方式",
    kind="radio",
    options=(
        Option(MAIL, "邮寄", "使用 EMS 到付件，附回邮地址及联系电话；会产生快递费。"),
        Option(IN_PERSON, "到窗口现场递交", "工作日前往指定地点，当场核对材料，开具受理回执单。"),
    ),
    required_message="请选择递交方式。",
)

DATE_QUESTION = Question(
    slug="date",
    title="您打算哪天提交申请？",
    summary_label="计划提交日期",
    kind="date",
    hint="默认是今天。我们按中国的工作日（扣除法定节假日，计入调休上班日）推算办结日期。",
    required_message="请输入计划提交日期。",
)

FIXED_ORDER = ["cert", "reason", "<preconditions>", "issued-in", "living-in", "urgent", "delivery", "date"]


def precondition_keys():
    """Return every precondition key, in question order (cached per content version)."""
    key = f"checker:precondition-keys:{get_content_version()}"
    return local_cache.get_or_set(
        key, lambda: tuple(Precondition.objects.order_by("order", "pk").values_list("key", flat=True)), 60 * 60 * 24
    )


def slug_order():
    """Return {slug: rank} for every slug the checker can ask, in canonical order."""
    slugs = []
    for slug in FIXED_ORDER:
        slugs += precondition_keys() if slug == "<preconditions>" else [slug]
    return {slug: rank for rank, slug in enumerate(slugs)}


def run_checker(params, catalogue, today, include_drafts=False):
    """Return the `CheckerState` for the query `params` (a QueryDict or a dict of lists)."""
    order = slug_order()
    state = CheckerState(order=order)
    used = set()

    def ask(question, validate=None):
        used.add(question.slug)
        values = [v for v in _getlist(params, question.slug)]
        distinct = list(dict.fromkeys(values))
        if not distinct or distinct == [""]:
            raise _Stop(Problem(question, "missing", question.required_message))
        if len(distinct) > 1:
            raise _Stop(Problem(question, "conflict", "这个问题有多个互相矛盾的回答，请重新选择一项。", distinct[-1]))
        raw = distinct[0].strip()
        try:
            value = question.parse(raw)
            if validate:
                validate(value)
        except InvalidAnswer as error:
            raise _Stop(Problem(question, "invalid", str(error), raw[:40])) from None
        # Store the canonical spelling (2026-12-01, not 2026-12-1) so the URL has one form.
        canonical = value.isoformat() if question.kind == "date" else raw
        state.answers.append(Answer(question, value, canonical))
        return value

    try:
        cert = catalogue.certificate_type(ask(certificate_question(catalogue)))
        reason_slug = ask(reason_question(catalogue))
        if reason_slug in (CHANGED, REVOKED):
            state.outcome = _reason_outcome(reason_slug, cert, catalogue, today, include_drafts)
            return _finish(state)
        reason = catalogue.situation(reason_slug)
        request = GuideRequest(cert, frozenset([reason]), None, today, include_drafts)
        for precondition in cached_items(Precondition, request):
            if ask(_yes_no(precondition)) == NO:
                state.outcome = precondition_outcome(precondition)
                return _finish(state)
        issued_in = catalogue.region_by_code(ask(province_question(catalogue, "issued-in")))
        living_in = catalogue.region_by_code(ask(province_question(catalogue, "living-in")))
        urgent = ask(URGENT_QUESTION) if catalogue.situation(URGENT) else NOT_URGENT
        delivery = ask(DELIVERY_QUESTION)
        # Preconditions limited to a province or a circumstance (异地, 加急) can only be
        # asked once those are known.
        situations = situations_for(catalogue, reason, issued_in != living_in, urgent != NOT_URGENT)
        request = GuideRequest(cert, situations, living_in, today, include_drafts)
        for precondition in cached_items(Precondition, request):
            if precondition.key not in used and ask(_yes_no(precondition)) == NO:
                state.outcome = precondition_outcome(precondition)
                return _finish(state)
        submit_on = ask(DATE_QUESTION, validate=lambda d: check_date_window(d, today))
    except _Stop as stop:
        state.problem = stop.args[0]
        # Keep later answers (known slugs only) so fixing this one loses nothing.
        state.pending = {
            slug: _getlist(params, slug)[-1]
            for slug in order
            if slug not in used and _getlist(params, slug) and _getlist(params, slug)[-1]
        }
        return state
    confirmed = frozenset(a.question.slug for a in state.answers if a.question.precondition)
    state.facts = Facts(cert, reason, issued_in, living_in, urgent, delivery, submit_on, confirmed)
    state.outcome = Outcome("guide", f"{cert.short_name}{reason.title}：您的办理指南")
    return _finish(state)


def _finish(state):
    state.pending = {}
    return state


def _getlist(params, key):
    if hasattr(params, "getlist"):
        return params.getlist(key)
    value = params.get(key, [])
    return value if isinstance(value, list) else [value]


def check_date_window(value, today):
    if value < today - DATE_PAST_LIMIT:
        raise InvalidAnswer(f"提交日期不能早于 {today - DATE_PAST_LIMIT:%Y-%m-%d}。")
    if value > today + DATE_FUTURE_LIMIT:
        raise InvalidAnswer(f"提交日期请选一年以内的日期（不晚于 {today + DATE_FUTURE_LIMIT:%Y-%m-%d}）。")


OUTCOME_TITLES = {
    Precondition.IfNot.INELIGIBLE: "您的证书不能补办",
    Precondition.IfNot.CHANGE: "请先办理证书信息变更",
    Precondition.IfNot.RENEW: "请先办理证书续期",
    Precondition.IfNot.ELECTRONIC: "您可以直接下载电子证书",
    Precondition.IfNot.CONTACT: "请先联系发证机关",
}


def precondition_outcome(precondition):
    return Outcome(precondition.if_not, OUTCOME_TITLES[precondition.if_not], precondition.if_not_advice, precondition)


def _reason_outcome(reason_slug, cert, catalogue, today, include_drafts):
    """Route 信息变更 and 收回/注销 to their outcomes, using the content's advice when it has it."""
    wanted = Precondition.IfNot.CHANGE if reason_slug == CHANGED else Precondition.IfNot.INELIGIBLE
    if reason_slug == CHANGED:
        # Any reason will do to find the precondition about changed details.
        request = None
        if catalogue.reasons:
            request = GuideRequest(cert, frozenset(catalogue.reasons[:1]), None, today, include_drafts)
        found = cached_items(Precondition, request) if request else []
        match = next((p for p in found if p.if_not == wanted), None)
        if match:
            return Outcome(wanted, OUTCOME_TITLES[wanted], match.if_not_advice, match)
        return Outcome(
            wanted, OUTCOME_TITLES[wanted], "证书信息有误或需要变更的，请向发证机关申请更正或变更，而不是补办。"
        )
    return Outcome(
        wanted,
        "被收回或注销的证书不能补办",
        "证书已被发证机关收回或注销的，不能申请补办。如对收回或注销有疑问，请联系发证机关，或拨打人社服务热线 12333 咨询。",
    )


@dataclass(frozen=True)
class DateRange:
    label: str
    earliest: object  # WorkdayCount
    latest: object

    @property
    def unknown_years(self):
        return sorted(set(self.earliest.unknown_years) | set(self.latest.unknown_years))


@dataclass
class PersonalGuide:
    facts: Facts
    guide: object
    fees: object
    dates: list
    # {step pk: the channels that fit this reader}; the steps themselves are shared
    # with every other request (the assembled guide is cached), so they are not touched.
    channels: dict = field(default_factory=dict)

    @property
    def unknown_years(self):
        return sorted({year for d in self.dates for year in d.unknown_years})

    @property
    def confirmed(self):
        return [p for p in self.guide.preconditions if p.key in self.facts.confirmed]

    @property
    def unconfirmed(self):
        """Preconditions in the guide that were not asked (e.g. in effect only from the submission date)."""
        return [p for p in self.guide.preconditions if p.key not in self.facts.confirmed]


def situations_for(catalogue, reason, cross_province, urgent):
    """Return the reason plus the circumstances (异地, 加急) that hold, as the content names them."""
    situations = {reason}
    for slug, applies in ((CROSS_PROVINCE, cross_province), (URGENT, urgent)):
        situation = catalogue.situation(slug)
        if applies and situation:
            situations.add(situation)
    return frozenset(situations)


def personal_guide(facts, catalogue, calendar, include_drafts=False):
    """Return the assembled guide for the answers, with its date range and fee estimate."""
    situations = situations_for(catalogue, facts.reason, facts.cross_province, facts.is_urgent)
    request = GuideRequest(facts.certificate_type, situations, facts.living_in, facts.submit_on, include_drafts)
    guide = cached_guide(request, all_reasons=catalogue.reasons)
    dates = []
    for item in guide.processing_times:
        start = facts.submit_on
        dates.append(
            DateRange(
                f"{item.label}（一般 {item.min_days}–{item.max_days} 个工作日）",
                calendar.add_workdays(start, item.min_days),
                calendar.add_workdays(start, item.max_days),
            )
        )
        if item.complex_max_days:
            dates.append(
                DateRange(
                    f"复杂情况（最长 {item.complex_max_days} 个工作日）",
                    calendar.add_workdays(start, item.max_days),
                    calendar.add_workdays(start, item.complex_max_days),
                )
            )
        if facts.is_urgent and item.urgent_max_days:
            dates.append(
                DateRange(
                    f"加急（最长 {item.urgent_max_days} 个工作日）",
                    calendar.add_workdays(start, 1),
                    calendar.add_workdays(start, item.urgent_max_days),
                )
            )
    return PersonalGuide(
        facts=facts,
        guide=guide,
        fees=estimate_fees(guide.fees, mailing=facts.mailing),
        dates=dates,
        channels={step.pk: _channels_for(step, facts) for step in guide.steps},
    )


def _channels_for(step, facts):
    """Keep the channels that fit: no mail channel for someone going in person, and vice versa."""
    channels = list(step.channels.all())
    kinds = {c.kind for c in channels}
    if {"mail", "window"} <= kinds:
        drop = "window" if facts.mailing else "mail"
        channels = [c for c in channels if c.kind != drop]
    return channels
