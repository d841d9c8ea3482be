"""Figures resting on attribution are "not traceable" (with why and how to fix it) under
one half traced, in the executive summary and its exports; inferred culprits are
"suspected", with their evidence. Stores: tests/metrics/traced_stores.py and the real git
story of tests/metrics/test_inferred.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from metrics import attribution
from metrics.calendar import parse_quarter
from reports import board, markdown, review
from reports import traceability as trace
from reports.document import Table, Tiles
from tests.metrics import test_inferred
from tests.metrics.traced_stores import AS_OF, traced_store

Q1 = parse_quarter("2026Q1")


@pytest.fixture(scope="module")
def thin(tmp_path_factory) -> Path:
    """Core 1 of 4 traced, Edge 2 of 3, the organization 3 of 7 (43%)."""
    return traced_store(tmp_path_factory.mktemp("thin") / "teamlens.duckdb")


@pytest.fixture(scope="module")
def traced(tmp_path_factory) -> Path:
    """Core 1 of 4 traced, Edge 5 of 5: the organization 6 of 9 (67%)."""
    path = tmp_path_factory.mktemp("traced") / "teamlens.duckdb"
    return traced_store(path, edge_traced=5, edge_defects=5)


def tiles(document) -> dict:
    return {t.name: t for t in document.find("figures").tiles}


def test_an_untraceable_quarter_shows_no_defect_figure_as_a_number(thin: Path) -> None:
    document = board.build_board(thin, Q1, as_of=AS_OF)
    shown = tiles(document)
    for figure in ("qact_p50_h", "quality_tax", "change_failure_rate", "defect_rate"):
        tile = shown[figure]
        assert tile.value == trace.NOT_TRACEABLE and tile.change == ""
        assert tile.direction == "no comparison"
        assert "only 3 of 7 defects traced" in tile.note
    # the reason and the fix, once beside the figures, with the coverage by method
    said = document.find("figures").coverage
    assert "7 defects reported, 43% of them traced" in said
    assert "teamlens ingest git" in said and "tracker keys" in said
    assert "3 by text, 0 by import, 0 by inference, 4 untraced" in said
    # review health does not rest on attribution: a number
    assert shown["unreviewed_merge_rate"].value == "100%"  # no PR was reviewed
    assert "3 by text, 0 by import, 0 by inference, 4 untraced (of 7 defects)" in (
        document.find("figures").coverage
    )
    narrative = " ".join(document.find("narrative").items)
    assert "not traceable" in narrative and "4.0 h" in narrative  # cycle time median
    assert "took not traceable" not in narrative
    text = markdown.render(document).decode()
    assert "not traceable" in text
    # a defect rate of 0.2, 0.29 or 0% per change is nowhere on the organization's tiles
    assert "0.43 per PR" not in text and "0.60 per PR" not in text


def test_groups_under_one_half_are_not_traceable_beside_the_others(traced: Path) -> None:
    document = board.build_board(traced, Q1, as_of=AS_OF)
    shown = tiles(document)
    # organization: 6 attributed defects / 10 merged PRs = 0.6 per PR
    assert shown["defect_rate"].value == "0.60"
    assert shown["change_failure_rate"].value != trace.NOT_TRACEABLE
    table: Table = document.find("groups")
    by_group = {row[0]: dict(zip(table.header, row, strict=True)) for row in table.rows}
    # Core: 1 of 4 traced; Edge: 5 of 5 (5 defects / 5 PRs = 1.00 per change)
    assert by_group["Core"]["Defects per change"] == trace.NOT_TRACEABLE
    assert by_group["Core"]["QACT median"] == trace.NOT_TRACEABLE
    assert by_group["Core"]["Unreviewed"] == "100%"
    assert by_group["Edge"]["Defects per change"] == "1.00"
    notes = [c.text for c in document.named("group not traceable")]
    assert len(notes) == 1 and notes[0].startswith("Core: ")
    assert "Only 1 of 4 defects" in notes[0]
    coverage = document.find("group coverage").text
    assert "Core: 1 by text, 0 by import, 0 by inference, 3 untraced" in coverage
    assert "Edge: 5 by text, 0 by import, 0 by inference, 0 untraced" in coverage


@pytest.mark.parametrize("suffix", [".md", ".pdf", ".pptx"])
def test_every_export_says_not_traceable(thin: Path, suffix: str, tmp_path: Path) -> None:
    from reports import formats

    document = board.build_board(thin, Q1, as_of=AS_OF)
    data = formats.by_suffix(suffix, document.kind).render(document)
    if suffix == ".md":
        assert "not traceable" in data.decode() if isinstance(data, bytes) else data
        return
    path = tmp_path / f"board{suffix}"
    path.write_bytes(data if isinstance(data, bytes) else data.encode())
    if suffix == ".pdf":
        import subprocess

        text = subprocess.run(
            ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
    else:
        from pptx import Presentation

        text = " ".join(
            shape.text_frame.text
            for slide in Presentation(str(path)).slides
            for shape in slide.shapes
            if shape.has_text_frame
        )
    flat = " ".join(text.split())
    assert "not traceable" in flat
    assert "teamlens ingest git" in flat


def test_coverage_chart_stacks_the_methods(traced: Path) -> None:
    import metrics

    rows = metrics.compute(traced, as_of=AS_OF, period="quarter", by="team")
    figure = trace.coverage_chart(rows)
    by_name = {bar.name: list(bar.y) for bar in figure.data}
    # per team (Core, Edge): text 1 and 5, untraced 3 and 0
    assert by_name["named in the report"] == [1, 5]
    assert by_name["untraced"] == [3, 0]
    assert by_name["inferred from git (suspected)"] == [0, 0]
    assert figure.layout.barmode == "relative"


def test_inferred_culprits_are_suspected_with_their_evidence(tmp_path: Path) -> None:
    story = test_inferred.build(tmp_path)
    sha = test_inferred.build.sha  # type: ignore[attr-defined]
    evidence = attribution.inferred_evidence(story, test_inferred.AS_OF)
    assert set(evidence["method"]) == {"inferred"}
    table = trace.evidence_table(evidence)
    six = table[table["defect"] == "acme/app#6"].iloc[0].to_dict()
    assert six == {
        "defect": "acme/app#6",
        "pull request": "suspected: #5",
        "how": "inferred from git (suspected)",
        "confidence": "50%",
        "file": "calc.py",
        "line": "2",
        "commit": sha["#5"][:12],
        "note": "attributes the defect",
    }
    # a PR teamlens has not fetched: suspected, with the commit's author
    unfetched = table[table["defect"] == "acme/app#31"].iloc[0]
    assert unfetched["pull request"] == "suspected: #30 (not fetched yet; commit by Ana)"
    # only the reported-on range: none of these 8 defects was reported in January
    january = attribution.inferred_evidence(
        story, test_inferred.AS_OF, reported_on=(test_inferred.day(1, 1), test_inferred.day(1, 31))
    )
    assert january.empty


def test_tiles_type_is_unchanged():
    assert Tiles.__dataclass_fields__["coverage"].default == ""


def packet_table(path: Path, name: str) -> dict:
    document = review.build_packet(path, "core1", Q1, as_of=AS_OF)
    table: Table = document.find(name)
    return document, {row[0]: row for row in table.rows}


def test_a_packet_of_a_team_under_one_half_traced_says_not_traceable(thin: Path) -> None:
    document, quality = packet_table(thin, "metrics code_quality")
    # core1: one merged PR (4 h), the one Core defect named by text; Core traces 1 of 4
    for title in ("Defect rate", "Change failure rate", "Quality tax"):
        assert quality[title][1:3] == (trace.NOT_TRACEABLE, trace.NOT_TRACEABLE)
    _, speed = packet_table(thin, "metrics productivity")
    # cycle time does not rest on attribution: core1's one PR took 4 h, as did the team's
    assert speed["Cycle time, median"][1:3] == ("4.0 h", "4.0 h (5 people)")
    assert speed["Quality-adjusted cycle time (QACT), median"][1] == trace.NOT_TRACEABLE
    said = document.find("not traceable").text
    assert said.startswith("Team Core, 2026Q1: defect rate, change failure rate")
    assert "Only 1 of 4 defects" in said and "teamlens ingest git" in said
    assert "not traceable" in markdown.render(document).decode()


def test_a_packet_of_a_traced_team_shows_the_numbers(tmp_path: Path) -> None:
    db = traced_store(tmp_path / "teamlens.duckdb", core_traced=4)
    document, quality = packet_table(db, "metrics code_quality")
    assert trace.NOT_TRACEABLE not in str(quality)
    assert not document.named("not traceable")


def test_a_packet_lists_the_persons_suspected_causes_with_evidence(tmp_path: Path) -> None:
    story = test_inferred.build(tmp_path)
    sha = test_inferred.build.sha  # type: ignore[attr-defined]
    evidence = attribution.inferred_evidence(story, test_inferred.AS_OF, authors=["ANA"])
    # only lines that attribute a defect to a stored PR of ana's
    assert set(evidence["suspected_author"]) == {"ana"} and evidence["is_attributing"].all()
    document = review.build_packet(story, "ana", Q1, as_of=test_inferred.AS_OF)
    table: Table = document.find("suspected evidence")
    rows = {(r[0], r[1]): r for r in table.rows}
    assert rows[("acme/app#6", "suspected: #5")][2:] == ("50%", "calc.py", "2", sha["#5"][:12])
    assert "suspected" in document.find("suspected").text.lower()
    text = markdown.render(document).decode()
    assert "Suspected causes, inferred from git" in text and "suspected: #5" in text
    # nobody else's PR is listed in ana's packet
    authors = set(
        attribution.attribution_evidence(story, test_inferred.AS_OF)
        .set_index("pr_number")
        .loc[[int(pr.split("#")[1]) for _, pr in rows], "suspected_author"]
    )
    assert authors == {"ana"}
