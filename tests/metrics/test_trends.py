"""The Team trends data: low-data blanking, adoption windows, levels by quarter."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest

from ingest import demo
from metrics import calendar, competency, trends
from metrics import flags as flags_module
from metrics.flags import Evidence, RedFlag
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


def test_whole_organization_is_every_team_side_by_side(store):
    # no team chosen: one group per team (small multiples), never one 'organization' line
    store.person("alice", "Payments").person("bob", "Platform")
    for n in range(1, 6):
        store.pr(n, created=t(2, 9), merged=t(3, 9), author="alice")
        store.pr(10 + n, created=t(2, 9), merged=t(4, 9), author="bob")
    data = trends.team_trends(
        store.write(), as_of=t(1, month=4), period="month", teams=(), start=date(2026, 3, 1)
    )
    assert data.groups == ["Payments", "Platform"]
    assert set(data.rows["group"]) == {"Payments", "Platform"}


def test_period_spans_stop_at_as_of(store):
    # as of 2026-03-18 12:00: March's span ends there (partial); February's is whole
    store.person("alice")
    store.pr(1, created=t(1, 9, 2), merged=t(1, 10, 2))  # the data begins on 1 February
    store.pr(2, created=t(2, 9), merged=t(3, 9))
    data = trends.team_trends(
        store.write(), as_of=t(18, 12), period="month", teams=(), start=date(2026, 2, 10)
    )
    assert data.start == date(2026, 2, 1)  # the first period's first day
    assert data.as_of == t(18, 12)
    spans = data.rows.set_index("period")[["period_until", "is_partial"]]
    assert spans.loc["2026-02"].tolist() == [pd.Timestamp("2026-03-01"), False]
    assert spans.loc["2026-03"].tolist() == [pd.Timestamp("2026-03-18 12:00"), True]


def test_a_period_read_at_its_last_second_is_complete_and_one_begun_before_the_data_is_not(
    store,
):
    # as-of is the page's 'end of 31 March' (23:59:59): March is complete, not partial.
    # The first PR merges on 20 February: February holds 9 of its 28 days, so it is partial
    # (its 1 PR is not a volume drop).
    store.person("alice")
    store.pr(1, created=t(19, 9, 2), merged=t(20, 9, 2))
    store.pr(2, created=t(2, 9), merged=t(3, 9))
    db = store.write()
    end = t(31, 23) + timedelta(minutes=59, seconds=59)
    data = trends.team_trends(db, as_of=end, period="month", teams=(), start=date(2026, 2, 1))
    spans = data.rows.set_index("period")[["period_until", "is_partial"]]
    assert spans.loc["2026-03"].tolist() == [pd.Timestamp("2026-03-31 23:59:59"), False]
    assert spans.loc["2026-02"].tolist() == [pd.Timestamp("2026-03-01"), True]
    assert trends.first_merge(db) == date(2026, 2, 20)
    # a second short of 23:59:59 the month is still running
    early = trends.team_trends(
        db, as_of=end - timedelta(seconds=2), period="month", teams=(), start=date(2026, 2, 1)
    )
    assert early.rows.set_index("period").loc["2026-03", "is_partial"]


def test_an_adoption_after_as_of_does_not_exist_yet(store):
    store.person("alice", "Payments").person("bob", "Platform")
    store.teams[0]["ai_adoption_date"] = date(2026, 3, 2)
    store.teams[1]["ai_adoption_date"] = date(2026, 7, 6)
    store.pr(1, created=t(2, 9), merged=t(3, 9))
    db = store.write()
    data = trends.team_trends(db, as_of=t(31), period="month", teams=(), start=date(2026, 1, 1))
    assert [a.team for a in data.adoptions] == ["Payments"]  # Platform's is in July
    later = trends.adoptions(db, as_of=t(6, month=7))  # on the day itself it exists
    assert [a.team for a in later] == ["Payments", "Platform"]


def test_levels_of_the_running_quarter_are_read_at_as_of(demo_db):
    got = trends.levels_by_quarter(demo_db, date(2026, 5, 1), date(2026, 11, 20))
    days = dict(zip(got["quarter"], got["day"], strict=False))
    assert days == {
        "2026-Q2": date(2026, 6, 30),
        "2026-Q3": date(2026, 9, 30),
        "2026-Q4": date(2026, 11, 20),
    }


def _flag(kind, team, period, dimension="Code Quality", dip=False):
    return RedFlag(dimension, kind, team, period, f"title {kind}", f"{team} {period}",
                   is_transition_dip=dip)  # fmt: skip


def test_a_repeated_flag_is_one_item_with_its_count_and_periods():
    flags = [_flag("rubber_stamping", "Platform", p) for p in ("2026-01", "2026-03", "2026-02")] + [
        _flag("ai_defect_rate_above_team", "Mobile", "2026-02"),
        _flag("rubber_stamping", "Data", "2026-03"),
        _flag("transition_dip", "Data", "2026-03", "Productivity", dip=True),
    ]
    dips, raised = trends.flag_groups(flags, "Code Quality")
    assert dips == []
    # newest latest period first, then team by name; each group's periods newest first
    assert [(g.group, g.kind, g.count, g.periods) for g in raised] == [
        ("Data", "rubber_stamping", 1, ["2026-03"]),
        ("Platform", "rubber_stamping", 3, ["2026-03", "2026-02", "2026-01"]),
        ("Mobile", "ai_defect_rate_above_team", 1, ["2026-02"]),
    ]
    assert raised[1].latest.sentence == "Platform 2026-03"
    assert trends.occurrences_frame(raised[1])["period"].tolist() == [
        "2026-03",
        "2026-02",
        "2026-01",
    ]
    dips, raised = trends.flag_groups(flags, "Productivity")
    assert [(g.group, g.is_transition_dip) for g in dips] == [("Data", True)] and not raised


def test_grouped_evidence_lists_every_period_and_only_web_links():
    a = RedFlag(
        "Responsibility", "unreviewed_merges", "Payments", "2026-02", "t", "s",
        (Evidence("pr", "acme/app#1", "Fix", "javascript:alert(1)"),), n_evidence=3,
    )  # fmt: skip
    b = RedFlag(
        "Responsibility", "unreviewed_merges", "Payments", "2026-03", "t", "s",
        (Evidence("pr", "acme/app#7", "Add", "https://github.com/acme/app/pull/7"),),
        n_evidence=1,
    )  # fmt: skip
    (group,) = flags_module.group_flags([a, b])
    frame = trends.evidence_frame(group)
    assert frame[["period", "id"]].values.tolist() == [
        ["2026-03", "acme/app#7"],
        ["2026-02", "acme/app#1"],
        ["2026-02", "…"],  # 3 PRs stand behind it, 1 listed
    ]
    # a stored link that is not a web link is shown as text, never made clickable
    assert frame["link"].iloc[0] == "https://github.com/acme/app/pull/7"
    assert frame["link"].iloc[1:].isna().all()
    assert frame["title"].iloc[2] == "and 2 more PRs not listed"


def test_panel_pages_cut_the_teams_into_sets_alphabetically():
    # 25 teams and Unassigned = 26 names: sets of 12, 12 and 2, case ignored in the order
    names = [f"team {i:02d}" for i in range(1, 25)] + ["Alpha"]
    pages = trends.panel_pages(names)
    assert [len(p) for p in pages] == [12, 12, 2]
    assert pages[0][0] == "Alpha" and pages[0][1] == "team 01"
    assert pages[-1] == ("team 24", "Unassigned")
    assert trends.panel_pages([]) == [("Unassigned",)]
