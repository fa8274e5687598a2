"""Chinese working days: the State Council schedule, editors' corrections, and a fallback.

Three sources, in order of precedence:

1. `Holiday` rows entered by editors in admin (a holiday, or a weekend make-up workday);
2. the `chinese-calendar` package, which knows the schedule up to the last year it shipped;
3. for a year neither knows, Monday–Friday less the days off the law itself fixes
   (`days_off_by_law`) — and the answer says that year's make-up workdays (调休) are
   not published yet, so the page can warn the reader.

A year counts as known to the editors as soon as it has one `Holiday` row: the
State Council publishes a whole year at once, so an editor enters the whole year,
and past their rows only the holidays of 第二条 are added (a published schedule
lists its 补假 and 调休 days itself).

The law, as read (《全国年节及纪念日放假办法》, as amended by the State Council's
决定 of November 2024, in force from 2025-01-01; its text read in a repost of 央视新闻
at wxredian.com/art?id=3d77aa1253e01f96035646b0324126aa, and the unamended articles
in the 2013 text on www.gov.cn/zhuanti/2013-12/11/content_2610576.htm and its repost
at 78911.com.cn/HuaDangXinWen/462155-2.html):

- 第二条: 元旦 1 January; 春节 "放假4天（农历除夕、正月初一至初三）"; 清明; 劳动节
  "放假2天（5月1日、2日）"; 端午; 中秋; 国庆 1–3 October. The `holidays` package
  computes these dates (its lunar calendar), `observed=False`.
- 第六条: "全体公民放假的假日，如果适逢星期六、星期日，应当在工作日补假" — here: each
  such day gives the next weekday not already off.
- The 2025 schedule notice states the 调休 principles the 决定's new 第七条 allows:
  "除个别特殊情形外，春节自农历除夕起，放假调休8天；国庆节自10月1日起，放假调休7天；
  …国庆节放假如逢中秋节，则合并放假8天" (same repost). The days off of those two blocks
  are counted; the weekend days they turn into workdays are not known until the
  State Council publishes the year, so a count through them may come out a day or
  two late, never early on their account.
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


SPRING_FESTIVAL_DAYS = 8  # 春节自农历除夕起，放假调休8天
NATIONAL_DAY_DAYS = 7  # 国庆节自10月1日起，放假调休7天
MERGED_NATIONAL_DAY_DAYS = 8  # 国庆节放假如逢中秋节，则合并放假8天


def _runs(days):
    """Split sorted dates into runs of consecutive days."""
    runs = []
    for day in sorted(days):
        if runs and day - runs[-1][-1] == timedelta(days=1):
            runs[-1].append(day)
        else:
            runs.append([day])
    return runs


def _block(first, length):
    return {first + timedelta(days=n) for n in range(length)}


@cache
def days_off_by_law(year):
    """Return the days off in `year` as the law fixes them, for a year whose schedule is not published.

    第二条's holidays, 第六条's 补假 for those falling on a weekend, and the 春节 and
    国庆 blocks of the published 调休 principles (see the module docstring for the
    texts and where they were read).
    """
    named = holidays.China(years=year, observed=False, language="en_US")
    statutory = set(named)
    off = set(statutory)
    for run in _runs(statutory):
        owed = sum(day.weekday() >= 5 for day in run)
        day = run[-1]
        while owed:
            day += timedelta(days=1)
            if day.weekday() < 5 and day not in off:
                off.add(day)
                owed -= 1
    eve = min(named.get_named("New Year's Eve"), default=None)
    if eve is not None:
        off |= _block(eve, SPRING_FESTIVAL_DAYS)
    national_day = date(year, 10, 1)
    mid_autumn = min(named.get_named("Mid-Autumn"), default=None)
    if mid_autumn is not None and date(year, 9, 29) <= mid_autumn <= date(year, 10, 8):
        off |= _block(min(mid_autumn, national_day), MERGED_NATIONAL_DAY_DAYS)
    else:
        off |= _block(national_day, NATIONAL_DAY_DAYS)
    return frozenset(off)


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
        if day.year in self.editor_years:
            return day.weekday() < 5 and day not in statutory_holidays(day.year)
        return day.weekday() < 5 and day not in days_off_by_law(day.year)

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
