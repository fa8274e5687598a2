"""Working days: the State Council schedule, editors' Holiday rows first, Mon–Fri past both."""

from datetime import date

import pytest

from guides.checker.workdays import WorkCalendar, add_workdays, days_off_by_law, library_knows, statutory_holidays
from guides.models import Holiday


def calendar(**overrides):
    return WorkCalendar({date.fromisoformat(k.replace("_", "-")[1:]): v for k, v in overrides.items()})


def test_library_knows_2026_and_not_2027():
    assert library_knows(2026)
    assert not library_knows(2027)


def test_national_day_holiday_is_skipped():
    # Wed 30 Sep 2026; 1–7 Oct are holidays; Sat 10 Oct is a make-up workday (调休上班).
    result = WorkCalendar().add_workdays(date(2026, 9, 30), 1)
    assert result.end == date(2026, 10, 8)
    assert not result.is_estimate


def test_make_up_saturday_counts_as_a_working_day():
    # Thu 8 Oct, Fri 9 Oct, then Sat 10 Oct (调休上班) is the third working day.
    assert WorkCalendar().add_workdays(date(2026, 9, 30), 3).end == date(2026, 10, 10)
    assert WorkCalendar().add_workdays(date(2026, 9, 30), 4).end == date(2026, 10, 12)


def test_ordinary_weekend_is_skipped():
    # Fri 13 Nov 2026 + 1 working day = Mon 16 Nov.
    assert WorkCalendar().add_workdays(date(2026, 11, 13), 1).end == date(2026, 11, 16)


def test_zero_days_is_the_start_date():
    assert WorkCalendar().add_workdays(date(2026, 11, 26), 0).end == date(2026, 11, 26)


def test_unknown_year_skips_the_statutory_holidays_and_says_so():
    # Thu 31 Dec 2026 + 1: Fri 1 Jan 2027 is 元旦 by law, though nobody has entered 2027 yet.
    result = WorkCalendar().add_workdays(date(2026, 12, 31), 1)
    assert result.end == date(2027, 1, 4)
    assert result.unknown_years == (2027,)
    assert result.is_estimate


def test_a_range_through_spring_festival_of_an_unknown_year_is_not_plain_weekdays():
    # 2027: 除夕 Fri 5 Feb, 初一–初三 Sat 6 – Mon 8 Feb (four days off by law since 2025).
    assert statutory_holidays(2027) >= {date(2027, 2, 5), date(2027, 2, 6), date(2027, 2, 7), date(2027, 2, 8)}
    # 第六条: 初一 and 初二 fall on the weekend, so Tue 9 and Wed 10 Feb are 补假; the
    # principle "春节自农历除夕起，放假调休8天" makes the block 5–12 Feb.
    assert {date(2027, 2, d) for d in range(5, 13)} <= days_off_by_law(2027)
    result = WorkCalendar().add_workdays(date(2027, 2, 4), 1)
    assert result.end == date(2027, 2, 15)
    assert result.is_estimate
    # 2028: 除夕 Tue 25 Jan – 初三 Fri 28 Jan, the block to Tue 1 Feb; ten working days from Mon 24 Jan.
    assert WorkCalendar().add_workdays(date(2028, 1, 24), 10).end == date(2028, 2, 15)


def test_a_submission_on_28_january_2027_does_not_count_9_to_12_february():
    # Before: ten working days from Thu 28 Jan 2027 ended Mon 15 Feb, counting 9–12 Feb
    # as workdays. Now: 29 Jan, 1–4 Feb, then nothing until Mon 15 Feb → Fri 19 Feb.
    result = WorkCalendar().add_workdays(date(2027, 1, 28), 10)
    assert result.end == date(2027, 2, 19)
    assert result.unknown_years == (2027,)
    for day in range(9, 13):
        assert not WorkCalendar().is_workday(date(2027, 2, day))


def test_a_holiday_on_a_weekend_gets_a_weekday_make_up_day():
    # 元旦 2028 is a Saturday: 第六条 gives Monday 3 January.
    assert date(2028, 1, 3) in days_off_by_law(2028)
    assert WorkCalendar().add_workdays(date(2027, 12, 31), 1).end == date(2028, 1, 4)
    # 劳动节 2027 (1–2 May) is a weekend: 补假 Mon 3 and Tue 4 May.
    assert WorkCalendar().add_workdays(date(2027, 4, 30), 1).end == date(2027, 5, 5)
    # 端午 2028 is Sunday 28 May: 补假 Monday 29 May.
    assert WorkCalendar().add_workdays(date(2028, 5, 26), 1).end == date(2028, 5, 30)


def test_national_day_of_an_unknown_year_is_a_week_and_merges_with_mid_autumn():
    # 2027: 国庆 1–3 Oct (Fri–Sun), 中秋 Wed 15 Sep apart: 1–7 Oct off, 15 Sep off.
    assert {date(2027, 10, d) for d in range(1, 8)} <= days_off_by_law(2027)
    assert date(2027, 10, 8) not in days_off_by_law(2027)
    assert not WorkCalendar().is_workday(date(2027, 9, 15))
    assert WorkCalendar().add_workdays(date(2027, 9, 30), 1).end == date(2027, 10, 8)
    # 2028: 中秋 Tue 3 Oct falls inside 国庆 — "合并放假8天": 1–8 Oct.
    assert {date(2028, 10, d) for d in range(1, 9)} <= days_off_by_law(2028)
    assert WorkCalendar().add_workdays(date(2028, 9, 29), 1).end == date(2028, 10, 9)


def test_statutory_holidays_are_the_thirteen_days_the_law_fixes():
    assert len(statutory_holidays(2027)) == 13  # 元旦 1, 春节 4, 清明 1, 劳动节 2, 端午 1, 中秋 1, 国庆 3
    days = statutory_holidays(2028)
    assert len(days) == 12  # 中秋 falls on 3 October, inside 国庆
    assert date(2028, 10, 1) in days and date(2028, 1, 3) not in days  # no guessed substitute days


def test_a_span_inside_known_years_is_exact():
    # From Wed 30 Dec 2026, one working day is Thu 31 Dec 2026: no 2027 day is looked at.
    assert not WorkCalendar().add_workdays(date(2026, 12, 30), 1).is_estimate


def test_reaching_into_an_unknown_year_makes_the_count_an_estimate():
    # With Thu 31 Dec 2026 made a holiday, the count reaches Fri 1 Jan 2027, a year nobody entered.
    result = calendar(d2026_12_31=False).add_workdays(date(2026, 12, 30), 1)
    assert result.end == date(2027, 1, 4)
    assert result.unknown_years == (2027,)


def test_editor_rows_make_a_year_known_and_change_the_answer():
    entered = calendar(d2027_01_01=False)
    result = entered.add_workdays(date(2026, 12, 31), 1)
    assert result.end == date(2027, 1, 4)
    assert not result.is_estimate


def test_editor_rows_take_precedence_over_the_library():
    # An editor's correction: say Mon 16 Nov 2026 became a holiday, Sat 14 Nov a workday.
    corrected = calendar(d2026_11_16=False, d2026_11_14=True)
    assert corrected.add_workdays(date(2026, 11, 13), 1).end == date(2026, 11, 14)
    assert corrected.add_workdays(date(2026, 11, 13), 2).end == date(2026, 11, 17)


def test_editor_rows_of_2027_take_precedence_over_the_law_based_estimate():
    # Say the published 2027 schedule made Thu 11 Feb a workday and Sat 20 Feb a make-up workday:
    # the editors' rows win, and past them only 第二条's holidays are added (no guessed 补假).
    entered = calendar(d2027_02_11=True, d2027_02_20=True, d2027_02_09=False)
    assert entered.is_workday(date(2027, 2, 11))
    assert entered.is_workday(date(2027, 2, 20))
    assert not entered.is_workday(date(2027, 2, 9))
    assert entered.is_workday(date(2027, 2, 10))  # not entered: an ordinary Wednesday of a known year
    assert not entered.is_workday(date(2027, 2, 8))  # 初三, 第二条
    result = entered.add_workdays(date(2027, 2, 4), 2)  # 10 and 11 Feb
    assert result.end == date(2027, 2, 11)
    assert not result.is_estimate


def test_negative_or_absurd_counts_are_refused():
    with pytest.raises(ValueError):
        WorkCalendar().add_workdays(date(2026, 1, 1), -1)
    with pytest.raises(ValueError):
        WorkCalendar().add_workdays(date(2026, 1, 1), 10_000)


@pytest.mark.django_db
def test_holiday_rows_from_the_database_are_used_at_once():
    start = date(2026, 12, 31)
    assert add_workdays(start, 1).end == date(2027, 1, 4)
    Holiday.objects.create(date=date(2027, 1, 4), name="元旦调休（示例）")
    # Saving a Holiday bumps the content version, so the cached rows are reread.
    assert add_workdays(start, 1).end == date(2027, 1, 5)
    Holiday.objects.create(date=date(2027, 1, 2), name="元旦调休上班（示例）", is_workday=True)
    assert add_workdays(start, 1).end == date(2027, 1, 2)
