"""The personal guide's date ranges (issue 20, point 18)."""

from datetime import date

import pytest

from guides.checker.outcomes import Facts, personal_guide
from guides.checker.workdays import WorkCalendar
from guides.content.catalogue import get_catalogue
from guides.models import ProcessingTime

pytestmark = pytest.mark.django_db


def beijing_skill_reader(catalogue, submit_on):
    """The checker's facts for a lost 技能 certificate issued and applied for in 北京, in person, not urgent."""
    beijing = catalogue.region_by_code("110000")
    return Facts(
        certificate_type=catalogue.certificate_type("skill-certificate"),
        reason=catalogue.situation("lost"),
        issued_in=beijing,
        living_in=beijing,
        urgent="no",
        delivery="in-person",
        submit_on=submit_on,
    )


def guide_dates(start):
    catalogue = get_catalogue()
    return personal_guide(beijing_skill_reader(catalogue, start), catalogue, WorkCalendar()).dates


def test_a_complex_case_shorter_than_the_usual_maximum_is_clamped_to_it(content):
    """16 calendar days for a complex case end before 15 working days do (three weeks):
    the range "复杂情况" runs from the usual maximum to the usual maximum, never backwards."""
    ProcessingTime.objects.filter(key="review-period").update(
        max_days=15, complex_max_days=16, complex_unit=ProcessingTime.DayUnit.CALENDAR
    )
    start = date(2026, 11, 2)
    usual, complex_range = guide_dates(start)[:2]
    assert complex_range.label.startswith("复杂情况")
    usual_end = WorkCalendar().add_workdays(start, 15).end
    assert usual.latest.end == usual_end
    assert complex_range.earliest.end == usual_end
    assert complex_range.latest.end == usual_end  # not the 16th calendar day, 2026-11-18


def test_a_complex_case_longer_than_the_usual_maximum_is_not_clamped(content):
    ProcessingTime.objects.filter(key="review-period").update(
        max_days=15, complex_max_days=60, complex_unit=ProcessingTime.DayUnit.CALENDAR
    )
    start = date(2026, 11, 2)
    complex_range = guide_dates(start)[1]
    assert complex_range.latest.end == date(2027, 1, 1)  # 60 calendar days
