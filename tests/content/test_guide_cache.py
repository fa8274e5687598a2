"""Checker outcomes cannot fill the cache: a guide per effect period, not per submission date (issue 20.7)."""

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.core.cache import caches

from guides.content.guide_cache import effect_period
from guides.models import Fee
from tests.checker.test_flow import full_answers, result_url

DATES = 40


def stored(cache):
    """Return (keys, bytes) the locmem cache holds."""
    return len(cache._cache), sum(len(value) for value in cache._cache.values())


def walk_dates(client, start, days):
    for offset in range(days):
        on = start + timedelta(days=offset)
        response = client.get(result_url(**full_answers(date=on.isoformat())))
        assert response.status_code == HTTPStatus.OK, on


def test_walking_submission_dates_stores_no_guide_per_date(content, client, frozen_today):
    cache = caches["default"]
    if not hasattr(cache, "_cache"):
        pytest.skip("counts the keys of the tests' in-memory cache")
    walk_dates(client, frozen_today, 1)  # today: keyed by the day, as pages are
    keys_today, bytes_today = stored(cache)
    walk_dates(client, frozen_today + timedelta(days=1), 2)  # later dates: their effect period's guide
    keys_period, bytes_period = stored(cache)
    walk_dates(client, frozen_today + timedelta(days=3), DATES - 2)
    keys_all, bytes_all = stored(cache)
    print(
        f"\n{DATES + 1} checker dates: {keys_today} → {keys_period} → {keys_all} keys, "
        f"{bytes_today} → {bytes_period} → {bytes_all} bytes in the cache"
    )
    # Before: every date stored its own assembled guide (~23 KB) and the issuing province's offices.
    assert (keys_all, bytes_all) == (keys_period, bytes_period), "something is stored per submission date"
    assert keys_period - keys_today <= 3  # the period's guide, its offices, the effective dates


def test_a_date_across_an_effective_date_gets_the_other_guide(content, client, frozen_today):
    later = frozen_today + timedelta(days=20)

    def outcome(on):
        return client.get(result_url(**full_answers(date=on.isoformat()))).content.decode()

    shown = outcome(later)
    fee = next(f for f in Fee.objects.filter(is_published=True, effective_from=None) if f.name in shown)
    fee.effective_from = later
    fee.save()
    assert effect_period(later - timedelta(days=1)) != effect_period(later) == later.isoformat()
    times = shown.count(fee.name)
    assert outcome(later - timedelta(days=1)).count(fee.name) < times
    assert outcome(later).count(fee.name) == times
    assert outcome(later - timedelta(days=2)).count(fee.name) < times  # the earlier period's guide, from the cache


def test_a_date_outside_any_request_has_no_period():
    assert effect_period(None) == "-"


def test_what_a_page_works_out_from_a_guide_is_kept_for_the_local_day_only():
    from datetime import datetime
    from zoneinfo import ZoneInfo

    import time_machine

    from guides.content.selectors import Guide

    guide = Guide(request=None)
    builds = []

    def build():
        builds.append(1)
        return len(builds)

    shanghai = ZoneInfo("Asia/Shanghai")
    with time_machine.travel(datetime(2026, 12, 14, 0, 0, 1, tzinfo=shanghai), tick=False):
        assert guide.per_day("labels", build) == 1
    with time_machine.travel(datetime(2026, 12, 14, 23, 59, 59, tzinfo=shanghai), tick=False):
        assert guide.per_day("labels", build) == 1  # the same day in 北京时间
    with time_machine.travel(datetime(2026, 12, 15, 0, 0, 0, tzinfo=shanghai), tick=False):
        assert guide.per_day("labels", build) == 2
    with time_machine.travel(datetime(2026, 12, 14, 12, 0, tzinfo=shanghai), tick=False):
        assert guide.per_day("labels", build) == 3  # back in time (a test, a clock set back): worked out again
