"""Period labels (ISO week, month, quarter), groupings and stable order."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

import metrics
from metrics.aggregates import BadGroupingError


def at(y, m, d, h=12):
    return datetime(y, m, d, h, tzinfo=UTC)


@pytest.fixture
def year_end(store):
    store.person("alice", "Payments").person("bob", "Platform")
    store.pr(1, created=at(2025, 12, 29, 9), merged=at(2025, 12, 29))  # ISO 2026-W01
    store.pr(2, created=at(2026, 1, 1, 9), merged=at(2026, 1, 1), author="bob")  # 2026-W01
    store.pr(3, created=at(2027, 1, 1, 9), merged=at(2027, 1, 1))  # Friday: ISO 2026-W53
    store.pr(4, created=at(2026, 6, 30, 9), merged=at(2026, 6, 30, 23))  # Q2
    return store.write()


def test_week_labels_follow_iso_weeks(year_end):
    rows = metrics.compute(year_end, as_of=at(2027, 2, 1), period="week", by="org")
    assert rows["period"].tolist() == ["2026-W01", "2026-W27", "2026-W53"]
    assert rows["merged_prs"].tolist() == [2, 1, 1]
    assert rows["group"].unique().tolist() == [metrics.ORG_GROUP]


def test_month_and_quarter_labels(year_end):
    months = metrics.compute(year_end, as_of=at(2027, 2, 1), period="month", by="org")
    assert months["period"].tolist() == ["2025-12", "2026-01", "2026-06", "2027-01"]
    quarters = metrics.compute(year_end, as_of=at(2027, 2, 1), period="quarter", by="team")
    assert list(zip(quarters["group"], quarters["period"], strict=True)) == [
        ("Payments", "2025-Q4"),
        ("Payments", "2026-Q2"),
        ("Payments", "2027-Q1"),
        ("Platform", "2026-Q1"),
    ]


def test_team_filter_and_person_grouping(year_end):
    rows = metrics.compute(year_end, as_of=at(2027, 2, 1), period="quarter", teams=["Platform"])
    assert rows["group"].tolist() == ["Platform"]
    people = metrics.compute(year_end, as_of=at(2027, 2, 1), period="quarter", by="person")
    assert sorted(set(people["group"])) == ["alice", "bob"]


def test_bad_period_grouping_and_as_of(year_end):
    with pytest.raises(BadGroupingError):
        metrics.compute(year_end, period="year")
    with pytest.raises(BadGroupingError):
        metrics.compute(year_end, by="level")
    with pytest.raises(BadGroupingError, match="by person only"):
        metrics.compute(year_end, by="team", people=["alice"])
    with pytest.raises(metrics.BadAsOfError):
        metrics.compute(year_end, as_of="last tuesday")


def test_parse_as_of():
    assert metrics.parse_as_of("2026-07-01") == at(2026, 7, 1, 0)
    assert metrics.parse_as_of("2026-07-01T10:00") == at(2026, 7, 1, 10)
    assert metrics.parse_as_of("2026-07-01T12:00:00+02:00") == at(2026, 7, 1, 10)
    assert metrics.parse_as_of("2026-07-01T10:00:00Z") == at(2026, 7, 1, 10)
