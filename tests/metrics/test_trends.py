"""The Team trends data: low-data blanking, adoption windows, levels by quarter."""

from __future__ import annotations

from datetime import date

import pytest

from ingest import demo
from metrics import calendar, competency, trends
from tests.metrics.builders import t


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "teamlens.duckdb"
    demo.build_demo(path)
    return path


@pytest.mark.parametrize("teams", [(), ("Mobile",), ("Growth", "Data")])
def test_levels_by_quarter_match_the_competency_rule(demo_db, teams):
    start, end = date(2025, 11, 21), date(2026, 11, 20)
    got = trends.levels_by_quarter(demo_db, start, end, teams)
    assert list(got["quarter"].unique()) == ["2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
    for label, day in calendar.quarter_ends(start, end):
        expected = competency.level_distribution(demo_db, day, teams)
        expected = expected.groupby("level")["people"].sum()
        mine = got[got["quarter"] == label].set_index("level")["assessments"]
        assert mine.to_dict() == {int(k): int(v) for k, v in expected.items()}
        shares = got[got["quarter"] == label]["share"]
        assert shares.sum() == pytest.approx(1.0)


def test_low_data_rows_are_blanked_and_listed(store):
    store.person("alice")
    store.teams[0]["ai_adoption_date"] = date(2026, 3, 2)
    for n in range(1, 6):  # March: 5 PRs -> shown
        store.pr(n, created=t(2, 9), merged=t(2, 10 + n))
    store.pr(6, created=t(2, 9, 4), merged=t(2, 12, 4))  # April: 1 PR -> too little data
    data = trends.team_trends(
        store.write(),
        as_of=t(1, month=5),
        period="month",
        teams=("Payments",),
        start=date(2026, 3, 1),
    )
    rows = data.rows.set_index("period")
    assert rows.loc["2026-03", "cycle_time_p50_h"] == 4.0  # median of 2, 3, 4, 5, 6 h
    assert rows.loc["2026-04", "merged_prs"] == 1
    assert rows[["cycle_time_p50_h", "qact_p50_h", "defect_rate"]].loc["2026-04"].isna().all()
    assert data.low_data[["group", "period"]].values.tolist() == [["Payments", "2026-04"]]
    assert data.adoptions == [trends.Adoption("Payments", date(2026, 3, 2), date(2026, 3, 30))]
    assert [d for d, _ in data.unreadable] == ["Judgment", "Collaboration", "Growth"]
