"""The situation checker's flow: one question per page, every answer in the URL.

The order of the questions is declared once, as data (FLOW); the wording of each is
in guides/checker/questions.py and where the answers lead in guides/checker/outcomes.py.

The flow is a pure function of the query string: `run_checker(params, ...)` walks
FLOW, parses each answer, and stops at the first question that is unanswered or has
a bad answer (a `Problem`), or at an outcome. Which questions are asked depends on
earlier answers and on the content: every applicable `Precondition` is a yes/no
question, so an editor adding one adds a question.

Answers are GET parameters keyed by question slug. `CheckerState.query()` emits
them in the canonical order (FLOW's) and drops anything unknown or no longer
relevant, so a shared, bookmarked or refreshed URL always reproduces the same page.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils.http import urlencode

from guides.caching.versioned import versioned
from guides.checker import questions
from guides.checker.outcomes import (
    URGENT,
    Facts,
    Outcome,
    precondition_outcome,
    reason_outcome,
    situations_for,
)
from guides.checker.questions import CHANGED, NO, NOT_URGENT, REVOKED, UNSURE, InvalidAnswer, Question
from guides.content.catalogue import Catalogue
from guides.content.guide_cache import cached_items
from guides.content.selectors import GuideRequest
from guides.models import Precondition

# How far from today a planned submission date may be.
DATE_PAST_LIMIT = timedelta(days=30)
DATE_FUTURE_LIMIT = timedelta(days=366)

# A form posts back `asked=<slug>`, so an empty answer to the question just asked is
# an error, while the first visit to a question is not.
ASKED = "asked"


def check_date_window(value: date, today: date) -> None:
    if value < today - DATE_PAST_LIMIT:
        raise InvalidAnswer(f"提交日期不能早于 {today - DATE_PAST_LIMIT:%Y-%m-%d}。")
    if value > today + DATE_FUTURE_LIMIT:
        raise InvalidAnswer(f"提交日期请选一年以内的日期（不晚于 {today + DATE_FUTURE_LIMIT:%Y-%m-%d}）。")


@dataclass(frozen=True)
class Ask:
    """Ask one question; `fact` turns its answer into what later steps use."""

    slug: str
    question: Callable[[Catalogue], Question]
    fact: Callable[[Catalogue, object], object] | None = None  # the answer itself when None
    asked_if: Callable[[Catalogue], bool] | None = None  # when false the fact is `default`
    default: object = None
    ends_flow: Callable[["_Walk", object], Outcome | None] | None = None
    validate: Callable[[object, date], None] | None = None  # raises InvalidAnswer

    def run(self, walk: "_Walk") -> Outcome | None:
        if self.asked_if and not self.asked_if(walk.catalogue):
            walk.facts[self.slug] = self.default
            return None
        question = walk.question_of(self)
        value = walk.ask(question, (lambda v: self.validate(v, walk.today)) if self.validate else None)
        outcome = self.ends_flow(walk, value) if self.ends_flow else None
        if outcome is None:
            walk.facts[self.slug] = self.fact(walk.catalogue, value) if self.fact else value
        return outcome


@dataclass(frozen=True)
class AskPreconditions:
    """Ask every applicable precondition not asked yet, as far as the answers so far decide which apply."""

    slug = None

    def run(self, walk: "_Walk") -> Outcome | None:
        for precondition in cached_items(Precondition, walk.guide_request()):
            if precondition.key in walk.used:
                continue
            # A "no" to advice (建议) is the reader's choice, not a reason to stop: the outcome shows the advice.
            if walk.ask(questions.yes_no_question(precondition)) == NO and not precondition.is_advice:
                return precondition_outcome(precondition)
        return None


def _route_unsure(walk: "_Walk", cert_slug: str) -> Outcome | None:
    """Someone who cannot tell their certificate's kind identifies it in the directory first."""
    if cert_slug == UNSURE:
        return Outcome("identify", "先查一查您的证书归谁补办")
    return None


def _route_reason(walk: "_Walk", reason_slug: str) -> Outcome | None:
    """信息变更 and 收回/注销 have no guide: they end the flow at their outcome."""
    if reason_slug in (CHANGED, REVOKED):
        return reason_outcome(reason_slug, walk.facts["cert"], walk.catalogue, walk.today, walk.include_drafts)
    return None


# The checker's questions, in the order it asks them. Preconditions limited to a
# province or a circumstance (异地, 加急) can only be asked once those are known, so
# they come a second time, after the answers that decide them.
FLOW = (
    Ask(
        "cert",
        questions.certificate_question,
        fact=lambda catalogue, slug: catalogue.certificate_type(slug),
        ends_flow=_route_unsure,
    ),
    Ask(
        "reason",
        questions.reason_question,
        fact=lambda catalogue, slug: catalogue.situation(slug),
        ends_flow=_route_reason,
    ),
    AskPreconditions(),
    Ask(
        "issued-in",
        lambda catalogue: questions.province_question(catalogue, "issued-in"),
        fact=lambda catalogue, code: catalogue.region_by_code(code),
    ),
    Ask(
        "living-in",
        lambda catalogue: questions.province_question(catalogue, "living-in"),
        fact=lambda catalogue, code: catalogue.region_by_code(code),
    ),
    Ask(
        "urgent",
        lambda catalogue: questions.URGENT_QUESTION,
        asked_if=lambda catalogue: catalogue.situation(URGENT) is not None,
        default=NOT_URGENT,
    ),
    Ask("delivery", lambda catalogue: questions.DELIVERY_QUESTION),
    AskPreconditions(),
    Ask("date", lambda catalogue: questions.DATE_QUESTION, validate=check_date_window),
)


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


class _Stop(Exception):
    pass


@dataclass
class _Walk:
    """One pass through FLOW: the answers read so far and what they mean."""

    params: object
    state: CheckerState
    catalogue: Catalogue
    today: date
    include_drafts: bool
    used: set = field(default_factory=set)
    facts: dict = field(default_factory=dict)

    def ask(self, question: Question, validate: Callable[[object], None] | None = None) -> object:
        self.used.add(question.slug)
        values = list(_getlist(self.params, question.slug))
        distinct = list(dict.fromkeys(values))
        if not distinct or distinct == [""]:
            raise _Stop(Problem(question, "missing", question.required_message))
        if len(distinct) > 1:
            raise _Stop(Problem(question, "conflict", questions.CONFLICT_MESSAGE, distinct[-1]))
        raw = distinct[0].strip()
        try:
            value = question.parse(raw)
            if validate:
                validate(value)
        except InvalidAnswer as error:
            raise _Stop(Problem(question, "invalid", str(error), raw[:40])) from None
        # Store the canonical spelling (2026-12-01, not 2026-12-1) so the URL has one form.
        canonical = value.isoformat() if question.kind == "date" else raw
        self.state.answers.append(Answer(question, value, canonical))
        return value

    def question_of(self, step: Ask) -> Question:
        """Return `step`'s question, built once per catalogue (a province list is 32 options)."""
        key = ("checker:question", step.slug)
        try:
            return self.catalogue.memo[key]
        except KeyError:
            question = self.catalogue.memo[key] = step.question(self.catalogue)
            return question

    def guide_request(self) -> GuideRequest:
        """The request the answers so far describe: the province and circumstances once known.

        The province is the one that issued the certificate: a reissue is applied for at the
        证书发放机构 (人社厅发〔2023〕16号 第十六条), wherever the reader lives now.
        """
        facts = self.facts
        issued_in, living_in = facts.get("issued-in"), facts.get("living-in")
        cross_province = "living-in" in facts and issued_in != living_in
        urgent = facts.get("urgent", NOT_URGENT) != NOT_URGENT
        situations = situations_for(self.catalogue, facts["reason"], cross_province, urgent)
        return GuideRequest(
            certificate_type=facts["cert"],
            situations=situations,
            region=issued_in,
            on=self.today,
            include_drafts=self.include_drafts,
        )


def precondition_keys() -> tuple[str, ...]:
    """Return every precondition key, in question order (cached per content version)."""
    return versioned(
        "checker:precondition-keys",
        build=lambda: tuple(Precondition.objects.order_by("order", "pk").values_list("key", flat=True)),
    )


def slug_order() -> dict[str, int]:
    """Return {slug: rank} for every slug the checker can ask, in FLOW's order (each precondition at its first chance)."""

    def build():
        slugs = []
        for step in FLOW:
            slugs += [key for key in precondition_keys() if key not in slugs] if step.slug is None else [step.slug]
        return {slug: rank for rank, slug in enumerate(slugs)}

    return versioned("checker:slug-order", build=build)


def run_checker(params, catalogue: Catalogue, today: date, include_drafts: bool = False) -> CheckerState:
    """Return the `CheckerState` for the query `params` (a QueryDict or a dict of lists)."""
    order = slug_order()
    state = CheckerState(order=order)
    walk = _Walk(params, state, catalogue, today, include_drafts)
    try:
        for step in FLOW:
            outcome = step.run(walk)
            if outcome is not None:
                state.outcome = outcome
                return _finish(state)
    except _Stop as stop:
        state.problem = stop.args[0]
        # Keep later answers (known slugs only) so fixing this one loses nothing.
        state.pending = {
            slug: _getlist(params, slug)[-1]
            for slug in order
            if slug not in walk.used and _getlist(params, slug) and _getlist(params, slug)[-1]
        }
        return state
    f = walk.facts
    answered = [a for a in state.answers if a.question.precondition]
    confirmed = frozenset(a.question.slug for a in answered if a.value != NO)
    declined_advice = frozenset(a.question.slug for a in answered if a.value == NO)
    state.facts = Facts(
        certificate_type=f["cert"],
        reason=f["reason"],
        issued_in=f["issued-in"],
        living_in=f["living-in"],
        urgent=f["urgent"],
        delivery=f["delivery"],
        submit_on=f["date"],
        confirmed=confirmed,
        declined_advice=declined_advice,
    )
    state.outcome = Outcome("guide", f"{f['cert'].short_name}{f['reason'].title}：您的办理指南")
    return _finish(state)


def _finish(state: CheckerState) -> CheckerState:
    state.pending = {}
    return state


def _getlist(params, key: str) -> list[str]:
    if hasattr(params, "getlist"):
        return params.getlist(key)
    value = params.get(key, [])
    return value if isinstance(value, list) else [value]
