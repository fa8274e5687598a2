"""Chinese working days: the State Council schedule, editors' corrections, and a fallback.

Three sources, in order of precedence:

1. `Holiday` rows entered by editors in admin (a holiday, or a weekend make-up workday);
2. the `chinese-calendar` package, which knows the schedule up to the last year it shipped;
3. for a year neither knows, Monday–Friday less the public holidays the law itself
   fixes (元旦, 春节, 清明, 劳动节, 端午, 中秋, 国庆: Gregorian and lunar dates the
   `holidays` package computes) — and the answer says that year's make-up workdays
   (调休) are not published yet, so the page can warn the reader.

A year counts as known to the editors as soon as it has one `Holiday` row: the
State Council publishes a whole year at once, so an editor enters the whole year.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache, lru_cache

import chinese_calendar
import holidays

from guides.caching.versioned import versioned
from guides.models import Holiday

# Far enough for the longest processing time plus a submission date a year ahead.
MAX_WORKDAYS = 400


@dataclass(frozen=True)
class WorkdayCount:
    """The date reached, and the years counted Monday–Friday for want of a schedule."""

    start: date
    days: int
    end: date
    unknown_years: tuple = field(default=())

    @property
    def is_estimate(self):
        return bool(self.unknown_years)


@cache
def library_knows(year):
    """Return True when `chinese-calendar` has the State Council schedule for `year`."""
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


@lru_cache(maxsize=4096)
def library_is_workday(day):
    """Return `chinese_calendar.is_workday(day)`, remembered: each call scans the library's whole table."""
    return chinese_calendar.is_workday(day)


@cache
def statutory_holidays(year):
    """Return the days off that 《全国年节及纪念日放假办法》 fixes for `year`, without any 调休.

    `observed=False`: the package's own guesses at substitute days are not law; the
    State Council's make-up schedule for the year is what editors enter as `Holiday` rows.
    """
    return frozenset(holidays.China(years=year, observed=False))


class WorkCalendar:
    """Answer "is this a working day?" from editors' rows, the library, then the weekday."""

    def __init__(self, overrides=None):
        # {date: is_workday} from Holiday rows
        self.overrides = dict(overrides or {})
        self.editor_years = frozenset(d.year for d in self.overrides)

    @classmethod
    def from_database(cls):
        """Return a calendar with every `Holiday` row, cached per content version."""
        overrides = versioned(
            "workdays:holidays", build=lambda: dict(Holiday.objects.values_list("date", "is_workday"))
        )
        return cls(overrides)

    def knows(self, year):
        return year in self.editor_years or library_knows(year)

    def is_workday(self, day):
        if day in self.overrides:
            return self.overrides[day]
        if library_knows(day.year):
            return library_is_workday(day)
        return day.weekday() < 5 and day not in statutory_holidays(day.year)

    def add_workdays(self, start, days):
        """Return the `days`-th working day after `start` (the day after submission is day one)."""
        if days < 0 or days > MAX_WORKDAYS:
            raise ValueError(f"days must be between 0 and {MAX_WORKDAYS}")
        day = start
        unknown = set()
        remaining = days
        while remaining:
            day += timedelta(days=1)
            # A weekend in an unknown year may still be a make-up workday, so any
            # day looked at, not only the days counted, makes the answer an estimate.
            if not self.knows(day.year):
                unknown.add(day.year)
            if self.is_workday(day):
                remaining -= 1
        return WorkdayCount(start=start, days=days, end=day, unknown_years=tuple(sorted(unknown)))

    def add_calendar_days(self, start, days):
        """Return the `days`-th calendar day after `start` (自然日: weekends and holidays count)."""
        if days < 0 or days > MAX_WORKDAYS:
            raise ValueError(f"days must be between 0 and {MAX_WORKDAYS}")
        return WorkdayCount(start=start, days=days, end=start + timedelta(days=days))


def add_workdays(start, days, calendar=None):
    """Return the `WorkdayCount` for `days` working days after `start`."""
    return (calendar or WorkCalendar.from_database()).add_workdays(start, days)
