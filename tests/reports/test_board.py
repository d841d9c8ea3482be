"""The executive summary, read from its document: figures, the quality tax split, groups
that cannot expose a small team, a partial quarter labelled, no names, no refused metric
(the numbers' golden arithmetic is in tests/metrics/)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

import metrics
from metrics.calendar import Quarter
from reports import board as board_module
from reports import markdown
from reports.document import Document, Tile, Tiles, plain
from tests.reports.conftest import PEOPLE, PERSON_NAMES, build_org

Q3 = Quarter(2026, 3)
AUG_15 = datetime(2026, 8, 15, tzinfo=UTC)


@pytest.fixture(scope="module")
def summary(org_db: Path) -> Document:
    return board_module.build_board(org_db, Q3)


def tiles(document: Document) -> dict[str, Tile]:
    [block] = document.of_type(Tiles)
    return {t.name: t for t in block.tiles}


def narrative(document: Document) -> list[str]:
    return [plain(item) for item in document.find("narrative").items]


def people(login_team: dict[str, str]) -> tuple[tuple[str, str, str, str], ...]:
    """The fixture's people with the teams given (the others left out)."""
    return tuple((lg, name, login_team[lg], lvl) for lg, name, _, lvl in PEOPLE if lg in login_team)


def test_eight_figures_quality_beside_speed_in_two_rows(summary) -> None:
    figures = tiles(summary)
    assert list(figures) == [
        "qact_p50_h",
        "quality_tax",
        "change_failure_rate",
        "defect_rate",
        "unreviewed_merge_rate",
        "rubber_stamp_rate",
        "ai_level_2_share",
        "growth_goals_on_track",
    ]
    [block] = summary.of_type(Tiles)
    assert block.per_row == 4 and [len(r) for r in block.rows()] == [4, 4]
    for tile in figures.values():
        assert tile.direction in {"improved", "worsened", "unchanged", "no comparison"}
        assert not tile.note  # a complete quarter
        metrics.definition(tile.name)  # every figure is declared in metrics
    cfr = figures["change_failure_rate"]
    # Q3: 38 merged PRs, one failed (ana's checkout change): 1/38 = 2.6%; Q2: none failed
    assert (cfr.value, cfr.previous, cfr.change, cfr.direction) == (
        "3%",
        "0%",
        "+2.6 pts",
        "worsened",
    )
    # the coverage is said once, for every delivery figure
    assert block.coverage == (
        "Delivery figures rest on 38 merged changes and 1 defect reported, 100% of them "
        "traced to the change that caused them. Defects traced: 1 by text, 0 by import, "
        "0 by inference, 0 untraced (of 1 defect)."
    )
    assert not cfr.coverage
    assert figures["growth_goals_on_track"].coverage == "10 of 11 engineers with a goal"


def test_an_unchanged_figure_shows_no_change(summary) -> None:
    unchanged = [t for t in tiles(summary).values() if t.direction == "unchanged"]
    assert unchanged, "the fixture has figures that did not move"
    assert all(t.change == "" for t in unchanged)


def test_speed_never_stands_alone(summary) -> None:
    figures = tiles(summary)
    assert "cycle_time_p50_h" not in figures
    assert figures["qact_p50_h"].detail.startswith("median; cycle time alone")
    names = {trace.name for trace in summary.find("chart delivery").figure.data}
    assert {"QACT median", "Cycle time median", "Change failure rate"} <= names


def test_the_quality_tax_is_split_into_fixes_and_open_defects(summary) -> None:
    tax = tiles(summary)["quality_tax"]
    # Σ cycle time of Q3's 38 PRs: 3 months x (6 + 8 + … + 26 h over 11 people = 176 h)
    # + ana's 5 + 4 + 3 + 7 + 10 h = 557 h. No fix PR, no revert: 0 h of follow-ups.
    # Defect #900 (on the 10 h checkout change) is open from 25 Jul 09:00 to 30 Sep
    # 23:59:59: 1,623.0 h / 557 h = 291%
    assert tax.value == "291%"
    assert tax.detail == "0% in fixes and reverts · 291% in open defects"
    said = narrative(summary)[1]
    assert said.startswith("Rework added 291% to delivery time")
    assert "0% in fixes and reverts, 291% in defects still without a fix" in said
    assert said.endswith("so most of it is defects waiting for repair.")
    header = summary.find("groups").header
    assert header[3:6] == ("Quality tax", "of it: follow-ups", "of it: open defects")
    chart = summary.find("chart tax").figure
    assert [t.name for t in chart.data] == [
        "Follow-up PRs (fixes, reverts)",
        "Defects without a fix (time waiting)",
    ]
    assert "Organization" in chart.data[0].y


def test_review_health_stands_beside_speed_in_every_group_row(summary) -> None:
    groups = summary.find("groups")
    assert groups.header == (
        "Group",
        "People",
        "QACT median",
        "Quality tax",
        "of it: follow-ups",
        "of it: open defects",
        "Change failure",
        "Defects per change",
        "Unreviewed",
        "Rubber stamps",
    )
    assert all(len(row) == len(groups.header) for row in groups.rows)
    # Alpha: 6 people x 3 months + ana's 5 = 23 PRs in Q3, 3 unreviewed (ana's): 13%
    alpha = dict(zip(groups.header, groups.rows[0], strict=True))
    assert (alpha["Group"], alpha["Unreviewed"], alpha["Rubber stamps"]) == ("Alpha", "13%", "0%")


def test_small_teams_merge_into_other(summary) -> None:
    groups = summary.find("groups")
    assert [(r[0], r[1]) for r in groups.rows] == [("Alpha", 6), ("Other", 5)]  # Beta + Gamma
    assert "merged into" in plain(summary.find("group note").text)


@pytest.mark.parametrize(
    ("teams", "shown", "said"),
    [
        # 1 and 3 people: the organization itself is too small for any figure
        ({"ana": "Alpha"}, None, "The organization has 1 person"),
        ({"gus": "Beta", "hal": "Beta", "ivy": "Beta"}, None, "The organization has 3 people"),
        # 6 people, Alpha 5 + Beta 1: Alpha alone would let Beta's one person be worked
        # out as the organization minus Alpha, and Other would be the organization
        (
            {**dict.fromkeys(("ana", "bo", "cai", "dee", "eli"), "Alpha"), "gus": "Beta"},
            [],
            "no group is shown",
        ),
        # Alpha 6 + Gamma 2: the same subtraction, so Alpha is not shown on its own
        (
            {**dict.fromkeys(("ana", "bo", "cai", "dee", "eli", "fay"), "Alpha"), "jon": "Gamma",
             "kim": "Gamma"},
            [],
            "no group is shown",
        ),
        # Alpha 5, Beta 5, Gamma 1: the smaller of the big teams (a tie: the first by name)
        # goes into Other with Gamma, so Other (6) minus nothing small can be read
        (
            {**dict.fromkeys(("ana", "bo", "cai", "dee", "eli"), "Alpha"), "fay": "Gamma",
             **dict.fromkeys(("gus", "hal", "ivy", "jon", "kim"), "Beta")},
            [("Beta", 5), ("Other", 6)],
            "Alpha is merged in too",
        ),
    ],
)  # fmt: skip
def test_no_small_group_can_be_seen_or_worked_out(tmp_path: Path, teams, shown, said) -> None:
    db = build_org(tmp_path / "org.duckdb", people(teams))
    summary = board_module.build_board(db, Q3)
    text = markdown.render_text(summary)
    assert said in text
    if shown is None:  # no figure of the organization at all
        assert not summary.of_type(Tiles) and not summary.named("groups")
        assert "%" not in text.split("How to read this")[0]
        return
    assert tiles(summary)  # the organization's own figures stand
    rows = [(r[0], r[1]) for r in summary.find("groups").rows] if shown else []
    assert rows == shown
    if rows:  # the rows shown add up to the whole organization: nothing left to subtract
        assert sum(n for _, n in rows) == len(teams)
    for team in {"Alpha", "Beta", "Gamma"} - {name for name, _ in rows}:
        assert team not in text.replace("Alpha is merged", "")


def test_beyond_the_most_groups_the_largest_teams_are_shown_and_the_rest_merged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Alpha 7, Beta 6, Gamma 5 people, each big enough on its own (5 at least); a board of
    # at most 1 group shows the largest by headcount and merges Beta and Gamma into Other
    # (11): chosen by size, never by a figure
    sizes = {"Alpha": 7, "Beta": 6, "Gamma": 5}
    logins = ["ana", "bo", "dee", *(f"p{i:02d}" for i in range(15))]  # ana, bo, dee: PRs
    team_of = [team for team, n in sizes.items() for _ in range(n)]
    everyone = tuple(
        (login, login.title(), team, "mid") for login, team in zip(logins, team_of, strict=True)
    )
    db = build_org(tmp_path / "org.duckdb", everyone)
    monkeypatch.setattr(board_module, "MAX_GROUPS", 1)
    summary = board_module.build_board(db, Q3)
    rows = [(r[0], r[1]) for r in summary.find("groups").rows]
    assert rows == [("Alpha", 7), ("Other", 11)]
    note = plain(summary.find("group note").text)
    assert "The largest team is shown on its own (by headcount)" in note
    assert 'the other 2 teams are merged into "Other"' in note
    monkeypatch.setattr(board_module, "MAX_GROUPS", 12)
    every = board_module.build_board(db, Q3).find("groups").column("Group")
    assert every == ["Alpha", "Beta", "Gamma"]


def test_the_minimum_group_size_is_the_setting(org_db: Path) -> None:
    from settings import Settings

    three = board_module.build_board(org_db, Q3, config=Settings(small_group_min_people=3))
    # Beta: 3 people, 3 authors -> shown; Gamma (2) alone is too small, so the smallest big
    # team (Beta) joins it in Other: Alpha 6, Other 5
    assert three.find("groups").column("Group") == ["Alpha", "Other"]
    out = markdown.render_text(three)
    assert "fewer than 3 people" in out and "Beta is merged in too" in out
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
    assert "38 changes merged in 2026Q3" in sentences
    skills = " ".join(plain(i) for i in summary.find("skill reading").items)
    assert "the share rose in 5 of 6 competencies since 2026Q2" in skills
    assert "10 of 11 engineers with a growth goal are on track (91%)" in skills
    for word in ("because", "due to", "will ", "expect"):
        assert word not in sentences.lower()
    empty = board_module.build_board(org_db, Quarter(2025, 4))
    assert narrative(empty) == ["No change was merged in 2025Q4: there are no delivery figures."]
    assert all(t.value == "no data" for t in list(tiles(empty).values())[:6])


def test_one_page_per_message(summary) -> None:
    names = [[getattr(b, "name", "") for b in page][:1] for page in summary.pages()]
    assert names == [["title"], ["in brief"], ["by group"], ["tax"], ["skill growth"],
                     ["how to read"]]  # fmt: skip
    assert summary.landscape and summary.file_stem == "executive-summary-2026Q3"


def test_a_running_quarter_is_labelled_partial_everywhere(org_db: Path) -> None:
    running = board_module.build_board(org_db, Q3, as_of=AUG_15)
    assert running.title == "Executive summary 2026Q3 (partial)"
    assert all(t.note == "partial quarter, to 15 Aug" for t in tiles(running).values())
    assert (
        narrative(running)[0] == "2026Q3 is still running: figures from 1 Jul to 15 Aug 2026 only."
    )
    assert plain(running.find("subtitle").text).startswith(
        "2026Q3 is still running: figures from 1 Jul to 15 Aug 2026 only, compared with the "
        "whole of 2026Q2."
    )
    headings = [h.text for h in running.named("") if hasattr(h, "level") and h.level == 2]
    assert all("(partial)" in h for h in headings if h != "How to read this")
    delivery = running.find("chart delivery").figure
    assert list(delivery.data[0].x)[-1] == "2026Q3 (partial)"
    out = markdown.render_text(running)
    assert "| Figure | 2026Q3 (partial) | 2026Q2 |" in out
    # a complete quarter carries no such label, and a report never runs past now
    assert "(partial)" not in markdown.render_text(board_module.build_board(org_db, Q3))
