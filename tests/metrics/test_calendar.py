"""Calendar arithmetic (metrics.calendar): periods, their labels and quarters, golden dates."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from metrics import calendar as cal

D = date


@pytest.mark.parametrize(
    ("day", "period", "start", "following", "before", "label"),
    [
        # Thursday 2026-01-01 is in ISO week 2026-W01, which starts Monday 2025-12-29
        (D(2026, 1, 1), "week", D(2025, 12, 29), D(2026, 1, 5), D(2025, 12, 22), "2026-W01"),
        # 2027-01-01 is a Friday of ISO week 53 of 2026 (its Monday: 2026-12-28)
        (D(2027, 1, 1), "week", D(2026, 12, 28), D(2027, 1, 4), D(2026, 12, 21), "2026-W53"),
        (D(2026, 3, 31), "month", D(2026, 3, 1), D(2026, 4, 1), D(2026, 2, 1), "2026-03"),
        (D(2026, 12, 5), "month", D(2026, 12, 1), D(2027, 1, 1), D(2026, 11, 1), "2026-12"),
        (D(2026, 11, 20), "quarter", D(2026, 10, 1), D(2027, 1, 1), D(2026, 7, 1), "2026-Q4"),
        (D(2026, 2, 14), "quarter", D(2026, 1, 1), D(2026, 4, 1), D(2025, 10, 1), "2026-Q1"),
    ],
)  # fmt: skip
def test_periods(day, period, start, following, before, label):
    assert cal.period_start(day, period) == start
    assert cal.next_period_start(start, period) == following
    assert cal.previous_period_start(start, period) == before
    assert cal.period_label(start, period) == label


def test_quarter_ends_cut_the_running_quarter_at_the_end_day():
    # from mid-Q3 2026 to 10 Nov 2026: Q3 ends 30 Sep; Q4 is read as of 10 Nov
    assert cal.quarter_ends(date(2026, 8, 15), date(2026, 11, 10)) == [
        ("2026-Q3", date(2026, 9, 30)),
        ("2026-Q4", date(2026, 11, 10)),
    ]
    # an end on a quarter's last day does not open the next quarter
    assert cal.quarter_ends(date(2026, 1, 1), date(2026, 3, 31)) == [("2026-Q1", date(2026, 3, 31))]


def test_quarter_and_its_period_label_agree_with_period_label():
    q = cal.parse_quarter("2026-q3", now=datetime(2026, 8, 1, tzinfo=UTC))
    assert (q.label, q.period_label, q.start, q.end) == (
        "2026Q3",
        "2026-Q3",
        date(2026, 7, 1),
        date(2026, 9, 30),
    )
    assert cal.recent(date(2026, 2, 1), 3) == [
        cal.Quarter(2026, 1),
        cal.Quarter(2025, 4),
        cal.Quarter(2025, 3),
    ]


def test_as_of_day_is_the_utc_date():
    # 23:30 at UTC-05:00 is 04:30 the next day in UTC
    assert cal.as_of_day("2026-03-01T23:30:00-05:00") == date(2026, 3, 2)
    naive = datetime(2026, 3, 1, 23, 30)  # noqa: DTZ001 - a naive as-of is UTC
    assert cal.as_of_day(naive) == date(2026, 3, 1)


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        # mid-Q4: Q4 is still running, so the last complete quarter is Q3
        (datetime(2026, 11, 20, 23, 59, 59, tzinfo=UTC), cal.Quarter(2026, 3)),
        # the last second of Q3 is in Q3: Q3 is complete at that instant
        (datetime(2026, 9, 30, 23, 59, 59, tzinfo=UTC), cal.Quarter(2026, 3)),
        # one second earlier it is not
        (datetime(2026, 9, 30, 23, 59, 58, tzinfo=UTC), cal.Quarter(2026, 2)),
        # the first instant of a year: the year's Q1 is running, Q4 before it is complete
        (datetime(2027, 1, 1, tzinfo=UTC), cal.Quarter(2026, 4)),
    ],
)
def test_last_complete_quarter(moment, expected):
    assert cal.last_complete_quarter(moment) == expected
    assert expected.is_complete(moment)
    assert not expected.next().is_complete(moment)
