"""The executive summary, read from its document: figures, small-group rule, no names, no
refused metric (the numbers' golden arithmetic is in tests/metrics/test_summaries.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

import metrics
from metrics.calendar import Quarter
from reports import board as board_module
from reports import markdown
from reports.document import Document, Tile, Tiles, plain
from tests.reports.conftest import PEOPLE, PERSON_NAMES, build_org

Q3 = Quarter(2026, 3)


@pytest.fixture(scope="module")
def summary(org_db: Path) -> Document:
    return board_module.build_board(org_db, Q3)


def tiles(document: Document) -> dict[str, Tile]:
    [block] = document.of_type(Tiles)
    return {t.name: t for t in block.tiles}


def narrative(document: Document) -> list[str]:
    return [plain(item) for item in document.find("narrative").items]


def test_five_to_seven_figures_with_direction_and_coverage(summary) -> None:
    figures = tiles(summary)
    assert 5 <= len(figures) <= 7
    assert list(figures)[:5] == [
        "qact_p50_h",
        "quality_tax",
        "defect_rate",
        "change_failure_rate",
        "unreviewed_merge_rate",
    ]
    assert {"ai_level_2_share", "growth_goals_on_track"} <= set(figures)
    for tile in figures.values():
        assert tile.direction in {"improved", "worsened", "unchanged", "no comparison"}
        assert tile.coverage
        metrics.definition(tile.name)  # every figure is declared in metrics
    cfr = figures["change_failure_rate"]
    # Q3: 38 merged PRs, one failed (ana's checkout change): 1/38 = 2.6%; Q2: none failed
    assert (cfr.value, cfr.previous, cfr.change, cfr.direction) == (
        "3%",
        "0%",
        "+3 pts",
        "worsened",
    )
    assert "38 merged changes" in cfr.coverage and "1 defect reported" in cfr.coverage


def test_speed_never_stands_alone(summary) -> None:
    # cycle time only appears beside QACT; the delivery chart carries the failure rate
    figures = tiles(summary)
    assert "cycle_time_p50_h" not in figures
    assert figures["qact_p50_h"].detail.startswith("Cycle time, median")
    names = {trace.name for trace in summary.find("chart delivery").figure.data}
    assert {"QACT median", "Cycle time median", "Change failure rate"} <= names


def test_skill_growth_shares(summary) -> None:
    skills = summary.find("skills")
    assert skills.column("Competency") == [
        "Prompt Effectiveness",
        "AI Output Evaluation",
        "Workflow Integration",
        "Security Vigilance",
        "Knowledge Sharing",
        "Tool Adaptability",
    ]
    # ana moved from 1 to 3 in Q3, so 2+ and 3+ shares both include her now:
    # 2+ 8/11 = 73% (7/11 = 64% before), 3+ 5/11 = 45%
    assert skills.rows[0] == ("Prompt Effectiveness", "73%", "45%", "64%", "11 of 11")
    assert tiles(summary)["growth_goals_on_track"].coverage == "11 engineers with a growth goal"


def test_small_teams_merge_into_other(summary) -> None:
    groups = summary.find("groups")
    assert [(r[0], r[1]) for r in groups.rows] == [("Alpha", 6), ("Other", 5)]  # Beta + Gamma
    assert "merged into" in plain(summary.find("group note").text)


def test_other_under_five_is_not_shown(tmp_path: Path) -> None:
    # Without Beta, only Gamma (2 people) is small: even merged it would expose 2 people
    people = tuple(p for p in PEOPLE if p[2] != "Beta")
    db = build_org(tmp_path / "small.duckdb", people)
    summary = board_module.build_board(db, Q3)
    assert summary.find("groups").column("Group") == ["Alpha"]
    assert "organization figures only" in plain(summary.find("group note").text)
    assert "Gamma" not in markdown.render_text(summary)


def test_the_minimum_group_size_is_the_setting(org_db: Path) -> None:
    from settings import Settings

    three = board_module.build_board(org_db, Q3, config=Settings(small_group_min_people=3))
    # Beta: 3 people, 3 authors -> shown; Gamma (2) alone is too small even as "Other"
    assert three.find("groups").column("Group") == ["Alpha", "Beta"]
    out = markdown.render_text(three)
    assert "teams under 3 people" in out and "fewer than 3 people" in out
    assert "under 5" not in out and "than 5" not in out


def test_no_name_no_small_team_no_refused_metric_in_markdown(summary) -> None:
    out = markdown.render_text(summary)
    for name in PERSON_NAMES:
        assert name not in out and name.split()[-1] not in out
    for team in ("Beta", "Gamma"):
        assert team not in out
    for refused in metrics.REFUSED:
        assert refused.id not in out
        assert refused.id not in tiles(summary)


def test_narrative_restates_the_figures_only(summary, org_db: Path) -> None:
    sentences = " ".join(narrative(summary))
    assert tiles(summary)["qact_p50_h"].value in sentences
    assert tiles(summary)["change_failure_rate"].value in sentences
    assert "38 changes were merged in 2026Q3" in sentences
    assert "the share rose in 5 of 6 competencies since 2026Q2" in sentences
    assert "10 of 11 engineers with a growth goal are on track (91%)" in sentences
    for word in ("because", "due to", "will ", "expect"):
        assert word not in sentences.lower()
    empty = board_module.build_board(org_db, Quarter(2025, 4))
    assert narrative(empty) == ["No change was merged in 2025Q4: there are no delivery figures."]
    assert all(t.value == "no data" for t in list(tiles(empty).values())[:5])


def test_two_pages_summary_then_details(summary) -> None:
    first, second = summary.pages()
    assert {getattr(b, "name", "") for b in first} >= {"title", "narrative", "figures"}
    assert second[0].name == "details"
    assert summary.landscape and summary.file_stem == "executive-summary-2026Q3"
