"""The executive summary: figures, small-group rule, no names, no refused metric."""

from __future__ import annotations

from pathlib import Path

import pytest

import metrics
from metrics.calendar import Quarter
from reports import board as board_module
from reports.markdown import board_markdown
from tests.reports.conftest import PEOPLE, PERSON_NAMES, build_org

Q3 = Quarter(2026, 3)


@pytest.fixture(scope="module")
def summary(org_db: Path) -> board_module.BoardSummary:
    return board_module.build_board(org_db, Q3)


def test_five_to_seven_figures_with_direction_and_coverage(summary) -> None:
    ids = [f.id for f in summary.figures]
    assert 5 <= len(ids) <= 7
    assert ids[:5] == [
        "qact_p50_h",
        "quality_tax",
        "defect_rate",
        "change_failure_rate",
        "unreviewed_merge_rate",
    ]
    assert {"ai_level_2_share", "growth_goals_on_track"} <= set(ids)
    for fig in summary.figures:
        assert fig.direction in {"improved", "worsened", "unchanged", "no comparison"}
        assert fig.coverage
    cfr = summary.figure("change_failure_rate")
    # Q3: 38 merged PRs, one failed (ana's checkout change); Q2: none failed
    assert cfr.value == pytest.approx(1 / 38) and cfr.previous == 0
    assert cfr.direction == "worsened"
    assert "38 merged changes" in cfr.coverage and "1 defect reported" in cfr.coverage


def test_speed_never_stands_alone(summary) -> None:
    # cycle time only appears beside QACT; the delivery chart carries the failure rate
    assert "cycle_time_p50_h" not in {f.id for f in summary.figures}
    assert summary.figure("qact_p50_h").companion.startswith("Cycle time, median")
    from reports import charts

    names = {trace.name for trace in charts.board_delivery(summary).data}
    assert {"QACT median", "Cycle time median", "Change failure rate"} <= names


def test_skill_growth_shares(summary) -> None:
    assert [s.competency for s in summary.skills] == [
        "prompt_effectiveness",
        "ai_output_evaluation",
        "workflow_integration",
        "security_vigilance",
        "knowledge_sharing",
        "tool_adaptability",
    ]
    prompts = summary.skills[0]
    assert (prompts.people, prompts.assessed) == (11, 11)
    # ana moved from 1 to 3 in Q3, so 2+ and 3+ shares both include her now
    assert prompts.share_2 > prompts.share_2_before
    goals = summary.figure("growth_goals_on_track")
    assert goals.coverage == "11 engineers with a growth goal"


def test_small_teams_merge_into_other(summary) -> None:
    groups = [(g.group, g.people) for g in summary.groups]
    assert groups == [("Alpha", 6), ("Other", 5)]  # Beta (3) + Gamma (2)
    other = summary.groups[1]
    assert other.merged_prs == 15  # Beta 3 x 3 + Gamma 2 x 3 PRs in Q3
    assert "merged into" in summary.group_note


def test_other_under_five_is_not_shown(tmp_path: Path) -> None:
    # Without Beta, only Gamma (2 people) is small: even merged it would expose 2 people
    people = tuple(p for p in PEOPLE if p[2] != "Beta")
    db = build_org(tmp_path / "small.duckdb", people)
    summary = board_module.build_board(db, Q3)
    assert [g.group for g in summary.groups] == ["Alpha"]
    assert "organization figures only" in summary.group_note
    assert "Gamma" not in board_markdown(summary)


def test_no_name_no_small_team_no_refused_metric_in_markdown(summary) -> None:
    text = board_markdown(summary)
    for name in PERSON_NAMES:
        assert name not in text and name.split()[-1] not in text
    for team in ("Beta", "Gamma"):
        assert team not in text
    for refused in metrics.REFUSED:
        assert refused.id not in text
        assert refused.id not in {f.id for f in summary.figures}


def test_narrative_restates_the_figures_only(summary, org_db: Path) -> None:
    text = " ".join(summary.narrative)
    assert summary.figure("qact_p50_h").value_text in text
    assert summary.figure("change_failure_rate").value_text in text
    assert "38 changes were merged in 2026Q3" in text
    for word in ("because", "due to", "will ", "expect"):
        assert word not in text.lower()
    empty = board_module.build_board(org_db, Quarter(2025, 4))
    assert empty.narrative == ("No change was merged in 2025Q4: there are no delivery figures.",)
    assert all(f.value is None for f in empty.figures[:5])


@pytest.mark.parametrize(
    ("people", "authors", "shown"),
    [
        (5, 5, True),
        (9, 7, True),
        (5, 0, True),  # no figures at all: nothing about anyone to protect
        (4, 4, False),
        (5, 4, False),  # padded: five members, but four people's figures
        (0, 0, False),
    ],
)
def test_a_group_is_shown_only_with_five_people_behind_its_figures(people, authors, shown):
    assert board_module.is_shown(people, authors) is shown
