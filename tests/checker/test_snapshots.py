"""Regression snapshots of every checker path: its outcome kind, fee total and date ranges (issue 20, point 18).

Every combination of answers the checker can be given over the real content (the
paths of `test_flow.all_paths`), run on a frozen date, is written one line each to
`tests/checker/snapshots/paths.txt`. A change to any calculator (fees, working days,
the date ranges, the flow) shows as a diff of that file. When the change is meant
(new content, a corrected calendar), regenerate it and commit the diff:

    make snapshots      # = UPDATE_SNAPSHOTS=1 .venv/bin/python -m pytest -n 0 tests/checker/test_snapshots.py
"""

import difflib
import os
from pathlib import Path

import pytest
import time_machine
from django.utils import timezone

from guides.checker import flow
from guides.checker.outcomes import personal_guide
from guides.checker.workdays import WorkCalendar
from guides.content.catalogue import get_catalogue
from tests.checker.test_flow import all_paths
from tests.conftest import FROZEN_NOW

pytestmark = pytest.mark.django_db

SNAPSHOT = Path(__file__).parent / "snapshots" / "paths.txt"
REGENERATE = "make snapshots (UPDATE_SNAPSHOTS=1 .venv/bin/python -m pytest -n 0 tests/checker/test_snapshots.py)"


def describe(answers, catalogue, calendar, today):
    """One line: the answers, then the outcome kind, the fee total and each date range."""
    state = flow.run_checker({k: [v] for k, v in answers.items()}, catalogue, today)
    asked = " ".join(f"{k}={v}" for k, v in answers.items() if k != "date")
    if state.outcome is None:
        return f"{asked} → problem {state.problem.question.slug if state.problem else '?'}"
    if not state.outcome.is_guide:
        return f"{asked} → {state.outcome.kind}"
    personal = personal_guide(state.facts, catalogue, calendar)
    fees = personal.fees
    total = f"{fees.total_min}–{fees.total_max} 元"
    if fees.unpriced:
        total += f" +{len(fees.unpriced)} 项另计"
    dates = "; ".join(f"{d.label} {d.earliest.end}..{d.latest.end}" for d in personal.dates)
    return f"{asked} → guide | {total} | {dates}"


# Submission dates for the date ranges beyond today's: before 春节, across 劳动节 and 国庆节, a year's end.
OTHER_DATES = ["2027-01-29", "2027-04-28", "2027-09-28", "2027-12-10"]


def snapshot_lines():
    catalogue = get_catalogue()
    calendar = WorkCalendar.from_database()
    today = timezone.localdate()
    paths = [answers for answers, _expected in all_paths(catalogue)]
    lines = [describe(answers, catalogue, calendar, today) for answers in paths]
    # Each all-"yes" guide path, on other submission dates.
    for answers in paths:
        if answers["delivery"] == "mail" and "=no" not in " ".join(f"={v}" for v in answers.values()):
            for day in OTHER_DATES:
                lines.append(f"date={day} " + describe({**answers, "date": day}, catalogue, calendar, today))
    return lines


def test_every_checker_path_matches_its_snapshot(content):
    with time_machine.travel(FROZEN_NOW, tick=False):
        header = f"# checker paths on {timezone.localdate()} (frozen); regenerate: {REGENERATE}"
        lines = [header, *snapshot_lines()]
    text = "\n".join(lines) + "\n"
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        SNAPSHOT.parent.mkdir(parents=True, exist_ok=True)
        SNAPSHOT.write_text(text, encoding="utf-8")
        return
    assert SNAPSHOT.exists(), f"no snapshot yet: {REGENERATE}"
    expected = SNAPSHOT.read_text(encoding="utf-8")
    if text != expected:
        diff = list(difflib.unified_diff(expected.splitlines(), lines, "snapshot", "now", lineterm="", n=0))
        shown = "\n".join(diff[:80]) + ("\n…" if len(diff) > 80 else "")
        pytest.fail(f"checker paths changed ({len(diff)} diff lines). If meant, run {REGENERATE}\n{shown}")
    assert len(lines) > 100  # every path, not a handful
