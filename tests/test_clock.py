"""Today's date, worked out once a minute (guides/clock.py)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import time_machine
from django.test import override_settings
from django.utils import timezone

from guides import clock

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_today_is_the_date_in_beijing_time_and_follows_the_clock():
    # 2026-12-14 23:59:30 in 北京时间 is still the 14th there (15:59:30 UTC).
    with time_machine.travel(datetime(2026, 12, 14, 23, 59, 30, tzinfo=SHANGHAI), tick=False):
        assert clock.today() == date(2026, 12, 14) == timezone.localdate()
    with time_machine.travel(datetime(2026, 12, 15, 0, 0, 0, tzinfo=SHANGHAI), tick=False):
        assert clock.today() == date(2026, 12, 15)
    with time_machine.travel(datetime(2026, 12, 14, 12, 0, tzinfo=SHANGHAI), tick=False):
        assert clock.today() == date(2026, 12, 14)  # a clock set back is followed too


def test_a_changed_time_zone_is_followed_within_the_minute():
    with time_machine.travel(datetime(2026, 12, 14, 23, 30, tzinfo=SHANGHAI), tick=False):
        assert clock.today() == date(2026, 12, 14)
        with override_settings(TIME_ZONE="UTC"):
            assert clock.today() == date(2026, 12, 14) == timezone.localdate()
        with override_settings(TIME_ZONE="Pacific/Kiritimati"):  # UTC+14: already the 15th
            assert clock.today() == date(2026, 12, 15) == timezone.localdate()
        assert clock.today() == date(2026, 12, 14)
