"""Competency levels, growth goals and the review calendar, with golden dates.

The arithmetic is in the comments. "Today" is 2026-11-20 throughout.
"""

from __future__ import annotations

import math
import textwrap
from datetime import date
from pathlib import Path

import pytest

from framework import load_framework
from ingest import people_import as pi
from metrics import competency as mc
from tests.metrics.builders import StoreBuilder, t

TODAY = date(2026, 11, 20)
FW = load_framework(Path(__file__).resolve().parents[2] / "data" / "framework.toml")
RULES = FW.review
AI = FW.goal_competencies(FW.developer_level("junior").growth_goal)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).lstrip())
    return path


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "store.duckdb"
    teams = """
        team,ai_adoption_date,repos
        Payments,2026-02-02,acme/pay
        Growth,,acme/web
    """
    people = """
        login,name,team,level,started_on
        zed,Zed Zu,Payments,staff,2020-01-01
        alice,Alice Ng,Payments,junior,2026-03-10
        carol,Carol Ma,Payments,mid,2024-05-01
        bob,Bob Ray,Growth,senior,2025-05-10
    """
    assessments = """
        login,competency,level,assessed_on,assessor,evidence
        alice,prompt_effectiveness,1,2026-04-01,alice,
        alice,prompt_effectiveness,2,2026-04-01,carol,
        alice,prompt_effectiveness,2,2026-07-01,carol,
        alice,prompt_effectiveness,3,2026-10-15,carol,
        alice,ai_output_evaluation,2,2026-10-15,carol,
        alice,debugging,1,2026-06-01,carol,
        zed,prompt_effectiveness,4,2026-05-01,mgr,
        zed,ai_output_evaluation,4,2026-05-01,mgr,
        carol,prompt_effectiveness,3,2026-08-01,mgr,
        carol,prompt_effectiveness,2,2026-11-01,carol,
    """
    recognitions = """
        login,behaviour,format,recognized_on,note,pr_url
        alice,quality_catch,standup_verbal,2026-05-04,Caught an injection,
        alice,effective_mentoring,performance_review,2026-09-30,,
    """
    pi.import_teams(write(tmp_path, "t.csv", teams), path, today=TODAY)
    pi.import_people(write(tmp_path, "p.csv", people), path, today=TODAY)
    pi.import_assessments(write(tmp_path, "a.csv", assessments), path, today=TODAY, fw=FW)
    pi.import_recognitions(write(tmp_path, "r.csv", recognitions), path, today=TODAY, fw=FW)
    return path


# --- date arithmetic and phases -------------------------------------------------------


def test_add_months_clamps_to_the_end_of_the_month():
    assert mc.add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert mc.add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)  # leap year
    assert mc.add_months(date(2026, 11, 15), 3) == date(2027, 2, 15)
    assert mc.add_months(date(2026, 3, 31), -1) == date(2026, 2, 28)


def test_quarters():
    assert mc.quarter_start(date(2026, 11, 20)) == date(2026, 10, 1)
    assert mc.previous_quarter_end(date(2026, 11, 20)) == date(2026, 9, 30)
    assert mc.previous_quarter_end(date(2026, 1, 1)) == date(2025, 12, 31)
    assert mc.quarter_before(date(2026, 11, 20)) == date(2026, 8, 20)
    assert mc.quarter_before(date(2026, 5, 31)) == date(2026, 2, 28)


def test_adoption_start_is_the_later_of_team_adoption_and_start_date():
    # a junior who started 2026-03-10 on a team that adopted 2026-02-02: their clock
    # starts the day they started
    assert mc.adoption_start(date(2026, 2, 2), date(2026, 3, 10)) == date(2026, 3, 10)
    # someone who was there before the team adopted on 2026-01-31: the adoption date
    assert mc.adoption_start(date(2026, 1, 31), date(2025, 6, 1)) == date(2026, 1, 31)
    assert mc.adoption_start(date(2026, 1, 31), None) == date(2026, 1, 31)
    assert mc.adoption_start(None, date(2025, 6, 1)) is None  # team has not adopted


def test_phases_after_adoption():
    p = mc.phases(date(2026, 1, 31), RULES)
    assert p.transition_end == date(2026, 2, 28)  # 31 Jan + 4 weeks (28 days)
    assert p.learning_end == date(2026, 4, 30)  # 31 Jan + 3 months, clamped to 30 Apr
    assert p.monthly_end == date(2026, 7, 31)  # 31 Jan + 6 months
    assert p.phase_on(date(2026, 1, 30)) == "before adoption"
    assert p.phase_on(date(2026, 1, 31)) == "transition"
    assert p.phase_on(date(2026, 2, 27)) == "transition"
    assert p.phase_on(date(2026, 2, 28)) == "learning-weighted"  # ends are exclusive
    assert p.phase_on(date(2026, 4, 30)) == "monthly check-ins"
    assert p.phase_on(date(2026, 7, 31)) == "steady"
    assert mc.phases(None, RULES).phase_on(date(2026, 5, 1)) == "not adopted"


def test_ai_competencies_join_the_review_from_the_first_cycle_after_adoption():
    adopted = date(2026, 2, 2)
    assert not mc.ai_competencies_reviewed(adopted, date(2026, 1, 1), RULES)
    assert not mc.ai_competencies_reviewed(adopted, adopted, RULES)
    assert mc.ai_competencies_reviewed(adopted, date(2026, 4, 1), RULES)
    assert not mc.ai_competencies_reviewed(None, date(2026, 4, 1), RULES)


# --- growth goals ---------------------------------------------------------------------


def test_junior_goal_deadline_and_progress():
    # started 2025-06-01, team adopted 2026-01-31: clock starts 2026-01-31;
    # 2026-01-31 + 6 months = 2026-07-31
    start = mc.adoption_start(date(2026, 1, 31), date(2025, 6, 1))
    levels = {"prompt_effectiveness": 2, "ai_output_evaluation": 3, "workflow_integration": 1}
    goal = mc.goal_progress("junior", levels, start, date(2026, 6, 1), FW)
    assert goal.deadline == date(2026, 7, 31)
    assert goal.days_left == 60  # 1 Jun -> 1 Jul (30 days) -> 31 Jul (30 days)
    assert goal.reached == ("prompt_effectiveness", "ai_output_evaluation")
    assert goal.progress == pytest.approx(2 / 6)  # 2 of the 6 AI competencies at level 2+
    assert goal.status == "in progress"
    late = mc.goal_progress("junior", levels, start, date(2026, 8, 1), FW)
    assert (late.status, late.days_left) == ("past deadline", -1)
    done = mc.goal_progress("junior", dict.fromkeys(AI, 2), start, date(2026, 8, 1), FW)
    assert (done.status, done.progress) == ("met", 1.0)
    # met, a day after the deadline: nothing is left to count, nothing is late
    assert done.days_left is None and done.deadline == date(2026, 7, 31)


def test_goals_without_a_deadline_or_before_adoption():
    senior = mc.goal_progress("senior", {"prompt_effectiveness": 3}, date(2026, 1, 1), TODAY, FW)
    assert (senior.target_min, senior.target_max) == (3, 4)
    assert senior.deadline is None
    assert senior.status == "in progress"
    assert "Evaluate tools" in senior.actions
    waiting = mc.goal_progress("junior", {}, None, TODAY, FW)
    assert (waiting.status, waiting.deadline) == ("not started", None)


def test_growth_goal_from_the_store(db):
    goal = mc.growth_goal(db, "alice", TODAY, FW)
    # alice started 2026-03-10, Payments adopted 2026-02-02 -> 2026-03-10 + 6 months
    assert goal.starts_on == date(2026, 3, 10)
    assert goal.deadline == date(2026, 9, 10)
    assert goal.reached == ("prompt_effectiveness", "ai_output_evaluation")
    assert goal.status == "past deadline"
    assert mc.growth_goal(db, "nobody", TODAY, FW) is None


# --- the check-in calendar ------------------------------------------------------------


def test_checkin_dates_monthly_then_quarterly():
    dates = mc.checkin_dates(date(2026, 1, 31), RULES, until=date(2027, 2, 1))
    assert dates == [
        (date(2026, 2, 28), "monthly"),  # 31 Jan + 1 month, clamped
        (date(2026, 3, 31), "monthly"),
        (date(2026, 4, 30), "monthly"),
        (date(2026, 5, 31), "monthly"),
        (date(2026, 6, 30), "monthly"),
        (date(2026, 7, 31), "monthly"),  # + 6 months: the monthly phase ends
        (date(2026, 10, 31), "quarterly"),  # + 9 months
        (date(2027, 1, 31), "quarterly"),  # + 12 months
    ]


def test_checkin_schedule_statuses():
    # adopted 2026-01-31; one manager conversation on 2026-03-02 (nearest: 28 Feb).
    # 28 Feb: window [31 Jan, 16 Mar) holds 2 Mar -> held
    # 31 Mar: nothing, and 26 May is more than 7 days past it -> overdue
    # 30 Apr: nothing -> overdue
    # 31 May: 26 May is within 7 days before it -> due
    # 30 Jun: later -> upcoming (only the first upcoming one is listed)
    schedule = mc.checkin_schedule(
        date(2026, 1, 31), date(2026, 5, 26), RULES, held=[date(2026, 3, 2)]
    )
    assert [(c.due_on, c.cadence, c.status, c.held_on) for c in schedule] == [
        (date(2026, 2, 28), "monthly", "held", date(2026, 3, 2)),
        (date(2026, 3, 31), "monthly", "overdue", None),
        (date(2026, 4, 30), "monthly", "overdue", None),
        (date(2026, 5, 31), "monthly", "due", None),
        (date(2026, 6, 30), "monthly", "upcoming", None),
    ]


def test_a_late_conversation_holds_the_check_in_it_was_late_for():
    # adopted 2026-03-02: monthly on the 2nd until 2 Sep, then quarterly (2 Dec). The
    # 2 Sep check-in was held nine days late, on 11 Sep: it is the nearest due date
    # (2 Dec is 82 days away), so 2 Sep is held and 2 Dec, still ahead, is not.
    schedule = mc.checkin_schedule(
        date(2026, 3, 2),
        date(2026, 11, 20),
        RULES,
        held=[date(2026, 3, 13), date(2026, 6, 12), date(2026, 9, 11)],
    )
    assert [(c.due_on, c.status, c.held_on) for c in schedule] == [
        (date(2026, 4, 2), "held", date(2026, 3, 13)),  # early: nearer 2 Apr than anything
        (date(2026, 5, 2), "overdue", None),
        (date(2026, 6, 2), "held", date(2026, 6, 12)),
        (date(2026, 7, 2), "overdue", None),
        (date(2026, 8, 2), "overdue", None),
        (date(2026, 9, 2), "held", date(2026, 9, 11)),
        (date(2026, 12, 2), "upcoming", None),
    ]
    # a conversation after the as-of day holds nothing yet
    before = mc.checkin_schedule(
        date(2026, 3, 2), date(2026, 9, 5), RULES, held=[date(2026, 9, 11)]
    )
    assert [(c.due_on, c.status) for c in before][-2:] == [
        (date(2026, 9, 2), "due"),
        (date(2026, 12, 2), "upcoming"),
    ]


def test_checkin_schedule_without_adoption_is_quarterly_on_calendar_quarters():
    # started 2025-05-10, team never adopted, as of 2026-02-15: 1 Jul, 1 Oct, 1 Jan past
    # and unheld, 1 Apr next
    schedule = mc.checkin_schedule(None, date(2026, 2, 15), RULES, started_on=date(2025, 5, 10))
    assert [(c.due_on, c.cadence, c.status) for c in schedule] == [
        (date(2025, 7, 1), "quarterly", "overdue"),
        (date(2025, 10, 1), "quarterly", "overdue"),
        (date(2026, 1, 1), "quarterly", "overdue"),
        (date(2026, 4, 1), "quarterly", "upcoming"),
    ]


def test_checkins_from_the_store_count_manager_assessments(db):
    schedule = mc.checkins(db, "alice", date(2026, 7, 20), FW)
    # alice's clock starts 2026-03-10: monthly on 10 Apr .. 10 Sep.
    # manager assessments on 1 Apr (nearest 10 Apr: window [10 Mar, 26 Apr) -> held),
    # 1 Jun (window [26 May, 26 Jun) -> 10 Jun held), 1 Jul (-> 10 Jul held);
    # her self-assessment never counts.
    assert [(c.due_on, c.status) for c in schedule] == [
        (date(2026, 4, 10), "held"),
        (date(2026, 5, 10), "overdue"),
        (date(2026, 6, 10), "held"),
        (date(2026, 7, 10), "held"),
        (date(2026, 8, 10), "upcoming"),
    ]


# --- levels ---------------------------------------------------------------------------


def test_current_levels_latest_wins_and_manager_beats_self_on_the_same_day(db):
    levels = mc.current_levels(db, date(2026, 6, 1), fw=FW)
    alice = levels[levels["login"] == "alice"].set_index("competency")["level"].to_dict()
    # 1 Apr: self 1 and manager 2 -> 2; 1 Jun debugging 1
    assert alice == {"debugging": 1, "prompt_effectiveness": 2}
    later = mc.current_levels(db, TODAY, fw=FW)
    carol = later[later["login"] == "carol"]
    # carol's self-assessment of 1 Nov is later than the manager's 3 of 1 Aug: latest wins
    assert carol[["competency", "level", "assessor_role"]].values.tolist() == [
        ["prompt_effectiveness", 2, "self"]
    ]


def test_matrix_is_alphabetical_never_ranked(db):
    matrix = mc.level_matrix(db, TODAY, fw=FW)
    # zed holds the highest levels and is still listed last: alphabetical, not ranked
    assert matrix.index.tolist() == ["alice", "bob", "carol", "zed"]
    assert list(matrix.columns) == list(FW.competency_ids)
    assert matrix.loc["alice", "prompt_effectiveness"] == 3
    assert matrix.loc["zed", "ai_output_evaluation"] == 4
    assert math.isnan(matrix.loc["bob", "debugging"])  # bob has no assessment yet
    payments = mc.level_matrix(db, TODAY, ["Payments"], FW)
    assert payments.index.tolist() == ["alice", "carol", "zed"]


def test_level_distribution(db):
    dist = mc.level_distribution(db, TODAY, ["Payments"], FW)
    prompt = dist[dist["competency"] == "prompt_effectiveness"]
    # alice 3, carol 2, zed 4
    assert prompt["people"].tolist() == [0, 1, 1, 1]
    assert prompt["level_name"].tolist() == ["1 Beginner", "2 Proficient", "3 Advanced", "4 Expert"]
    assert len(dist) == 11 * 4


def test_change_since_last_quarter(db):
    changes = mc.level_changes(db, TODAY, ["Payments"], FW).set_index(["login", "competency"])
    # a quarter before 2026-11-20 is 2026-08-20: alice prompt 2 (1 Jul) -> 3 (15 Oct)
    assert changes.loc[("alice", "prompt_effectiveness")].tolist() == [2.0, 3.0, 1.0]
    # carol 3 (1 Aug) -> 2 (1 Nov)
    assert changes.loc[("carol", "prompt_effectiveness")].tolist() == [3.0, 2.0, -1.0]
    # alice was first assessed on output evaluation on 15 Oct: new, no change figure
    assert math.isnan(changes.loc[("alice", "ai_output_evaluation"), "change"])
    matrix = mc.change_matrix(db, TODAY, ["Payments"], FW)
    assert matrix.index.tolist() == ["alice", "carol", "zed"]
    assert matrix["prompt_effectiveness"].tolist() == [1.0, -1.0, 0.0]
    assert math.isnan(matrix.loc["alice", "ai_output_evaluation"])
    summary = mc.change_summary(db, TODAY, ["Payments"], FW).set_index("competency")
    row = summary.loc["prompt_effectiveness"]
    # alice up, carol down, zed unchanged (4 -> 4)
    assert (row["moved_up"], row["moved_down"], row["unchanged"], row["new"]) == (1, 1, 1, 0)
    assert row["mean_then"] == pytest.approx((2 + 3 + 4) / 3)
    assert row["mean_now"] == pytest.approx((3 + 2 + 4) / 3)
    assert summary.loc["ai_output_evaluation", "new"] == 1


def test_person_levels_over_time_and_recognitions(db):
    history = mc.person_levels_over_time(db, "alice", TODAY, FW)
    prompt = history[history["competency"] == "prompt_effectiveness"]
    assert prompt["level"].tolist() == [2, 1, 2, 3]
    recs = mc.recognitions(db, TODAY, ["alice"], FW)
    assert recs["behaviour_name"].tolist() == ["Effective mentoring", "Quality catches"]
    assert recs["format_name"].tolist()[0] == "Performance review documentation"


def test_team_phases(db):
    frame = mc.team_phases(db, fw=FW, as_of=date(2026, 4, 1)).set_index("team")
    assert frame.loc["Payments", "phase"] == "learning-weighted"  # 2 Mar .. 2 May
    assert frame.loc["Growth", "phase"] == "not adopted"
    assert frame.loc["Payments", "transition_end"] == date(2026, 3, 2)  # 2 Feb + 28 days
    assert frame.loc["Payments", "learning_end"] == date(2026, 5, 2)
    assert frame.loc["Growth", "transition_end"] is None


def test_people_and_team_on_a_date(db):
    who = mc.person(db, "ALICE", TODAY)
    assert (who.login, who.team, who.adoption_on) == ("alice", "Payments", date(2026, 3, 10))
    # before alice started (2026-03-10) she was on no team yet
    assert mc.person(db, "alice", date(2026, 1, 1)).team is None


# --- trends beside the team median ----------------------------------------------------


def test_person_trends_give_own_value_and_team_median(tmp_path):
    # A real store and the real metrics.compute: Payments is alice, carol and zed; bob is
    # in Growth. No commits, reviews or defects, so each PR's QACT is its cycle time
    # (merged - created).
    b = StoreBuilder(tmp_path / "trends.duckdb")
    for login in ("alice", "carol", "zed"):
        b.person(login, "Payments")
    b.person("bob", "Growth")
    for number, author, day, month, hours in (
        (1, "alice", 1, 9, 10),  # September: alice 10 h
        (2, "carol", 2, 9, 20),  # carol 20 h
        (3, "zed", 3, 9, 40),  # zed 40 h
        (4, "bob", 4, 9, 99),  # another team: never in Payments' median
        (5, "carol", 5, 10, 30),  # October: only carol, 30 h
    ):
        b.pr(number, author=author, created=t(day, 0, month), merged=t(day, hours, month))
    path = b.write()
    trends = mc.person_trends(path, "alice", as_of=date(2026, 11, 1), metric_ids=["qact_p50_h"])
    assert trends["period"].tolist() == ["2026-09", "2026-10"]
    assert trends["metric"].unique().tolist() == ["qact_p50_h"]
    assert trends["value"].iloc[0] == 10.0
    assert math.isnan(trends["value"].iloc[1])  # alice merged nothing in October
    assert trends["team_median"].tolist() == [20.0, 30.0]  # median of 10, 20, 40; then 30
    assert trends["team_people"].tolist() == [3, 1]
    assert trends["n_prs"].tolist() == [1, 0]  # alice's own merged PRs per month
    # bob sees his own 99 h against his team of one; an unknown login gets no rows
    bob = mc.person_trends(path, "bob", as_of=date(2026, 11, 1), metric_ids=["qact_p50_h"])
    assert bob[["value", "team_median", "team_people"]].values.tolist() == [[99.0, 99.0, 1]]
    assert mc.person_trends(path, "nobody", as_of=date(2026, 11, 1)).empty
