"""Where the checker ends: the personal guide (dates, fees, the channels that fit) or something to do instead of 补办."""

from dataclasses import dataclass
from datetime import date

from guides.checker.questions import CHANGED, MAIL, NOT_URGENT
from guides.content.fees import estimate_for
from guides.content.formatting import labelled_steps
from guides.content.guide_cache import cached_guide, cached_items
from guides.content.selectors import GuideRequest
from guides.models import Precondition, ProcessingTime

CROSS_PROVINCE = "cross-province"
URGENT = "urgent"


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


@dataclass(frozen=True, kw_only=True)
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
    declined_advice: frozenset = frozenset()  # keys of the advice (Precondition.is_advice) answered "no"

    @property
    def cross_province(self):
        return self.issued_in != self.living_in

    @property
    def is_urgent(self):
        return self.urgent != NOT_URGENT

    @property
    def mailing(self):
        return self.delivery == MAIL


OUTCOME_TITLES = {
    Precondition.IfNot.INELIGIBLE: "您的证书不能补办",
    Precondition.IfNot.CHANGE: "请先办理证书信息变更",
    Precondition.IfNot.RENEW: "请先办理证书续期",
    Precondition.IfNot.ELECTRONIC: "您可以直接下载电子证书",
    Precondition.IfNot.CONTACT: "请先联系发证机关",
}


def precondition_outcome(precondition):
    return Outcome(precondition.if_not, OUTCOME_TITLES[precondition.if_not], precondition.if_not_advice, precondition)


def reason_outcome(reason_slug, cert, catalogue, today, include_drafts):
    """Route 信息变更 and 收回/注销 to their outcomes, using the content's advice when it has it."""
    wanted = Precondition.IfNot.CHANGE if reason_slug == CHANGED else Precondition.IfNot.INELIGIBLE
    if reason_slug == CHANGED:
        # Any reason will do to find the precondition about changed details.
        request = None
        if catalogue.reasons:
            request = GuideRequest(
                certificate_type=cert,
                situations=frozenset(catalogue.reasons[:1]),
                on=today,
                include_drafts=include_drafts,
            )
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
    # The guide's steps as `labelled_steps` rows, each with the channels that fit this reader
    # (the same for everyone who sends the application the same way: worked out once per guide
    # and day). The steps themselves are shared with every other request, so they are not touched.
    steps: tuple = ()

    @property
    def unknown_years(self):
        return sorted({year for d in self.dates for year in d.unknown_years})

    @property
    def confirmed(self):
        return [p for p in self.guide.preconditions if p.key in self.facts.confirmed]

    @property
    def no_electronic_certificate(self):
        """Tell whether the reader answered that their certificate has no electronic one to download."""
        return any(p.if_not == Precondition.IfNot.ELECTRONIC for p in self.confirmed)

    @property
    def unconfirmed(self):
        """Preconditions in the guide that were not asked (e.g. in effect only from the submission date)."""
        answered = self.facts.confirmed | self.facts.declined_advice
        return [p for p in self.guide.preconditions if p.key not in answered]

    @property
    def advice(self):
        """The advice the reader answered "no" to and the guide still gives (an official rule may have replaced it)."""
        return [p for p in self.guide.preconditions if p.key in self.facts.declined_advice]


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
    # The guide of the province that issued the certificate: the application goes to the
    # 证书发放机构 (人社厅发〔2023〕16号 第十六条), not to where the reader lives now.
    request = GuideRequest(
        certificate_type=facts.certificate_type,
        situations=situations,
        region=facts.issued_in,
        on=facts.submit_on,
        include_drafts=include_drafts,
    )
    guide = cached_guide(request, all_reasons=catalogue.reasons)
    dates = []
    for item in guide.processing_times:
        start = facts.submit_on
        span = (
            f"{item.max_days} 个工作日内"
            if item.min_days == item.max_days
            else f"一般 {item.min_days}–{item.max_days} 个工作日"
        ) + (f"；法定办结时限 {item.statutory_limit}" if item.statutory_limit else "")
        dates.append(
            DateRange(
                f"{item.label}（{span}）",
                calendar.add_workdays(start, item.min_days),
                calendar.add_workdays(start, item.max_days),
            )
        )
        if item.complex_max_days:
            earliest = calendar.add_workdays(start, item.max_days)
            if item.complex_unit == ProcessingTime.DayUnit.CALENDAR:
                latest = calendar.add_calendar_days(start, item.complex_max_days)
                if latest.end < earliest.end:  # a long holiday can stretch the usual maximum past it
                    latest = earliest
            else:
                latest = calendar.add_workdays(start, item.complex_max_days)
            dates.append(DateRange(f"复杂情况：最长 {item.complex_duration}", earliest, latest))
        if facts.is_urgent and item.urgent_max_days:
            dates.append(
                DateRange(
                    f"加急（最长 {item.urgent_max_days} 个工作日）",
                    calendar.add_workdays(start, 1),
                    calendar.add_workdays(start, item.urgent_max_days),
                )
            )
    # The guide is the issuing province's, offices included: where to apply is where it was issued.
    return PersonalGuide(
        facts=facts,
        guide=guide,
        fees=estimate_for(guide, mailing=facts.mailing),
        dates=dates,
        steps=guide.per_day(("checker:steps", facts.mailing), lambda: _steps(guide, facts)),
    )


def _steps(guide, facts):
    """Return the guide's steps, each with its labels and the channels that fit the reader (`labelled_steps`)."""
    return labelled_steps(guide, {step.pk: _channels_for(step, facts) for step in guide.steps})


def _channels_for(step, facts):
    """Keep the channels that fit: no mail channel for someone going in person, and vice versa."""
    channels = list(step.channels.all())
    kinds = {c.kind for c in channels}
    if {"mail", "window"} <= kinds:
        drop = "window" if facts.mailing else "mail"
        channels = [c for c in channels if c.kind != drop]
    return channels
