"""The review packet of a hand-built person (ana, mid level, team Alpha) for 2026Q3, read
from the document the builder returns (the numbers' golden arithmetic is in
tests/metrics/test_summaries.py; here, how the packet shows them)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

import metrics
from metrics.calendar import BadQuarterError, Quarter, parse_quarter, quarter_of
from reports import markdown, review
from reports.document import Bullets, Chart, Document, Heading, Paragraph, Table, plain

Q3 = Quarter(2026, 3)
SIX = ["code_quality", "productivity", "judgment", "collaboration", "growth", "responsibility"]


@pytest.fixture(scope="module")
def packet(org_db: Path) -> Document:
    return review.build_packet(org_db, "ana", Q3)


def rows(document: Document, name: str) -> dict[str, tuple]:
    """A table's rows by their first cell."""
    table = document.find(name)
    assert isinstance(table, Table)
    return {row[0]: row[1:] for row in table.rows}


def items(document: Document, name: str) -> list[str]:
    block = document.find(name)
    assert isinstance(block, Bullets)
    return [plain(item) for item in block.items]


def text(document: Document, name: str) -> str:
    block = document.find(name)
    assert isinstance(block, Paragraph)
    return plain(block.text)


def dimensions(document: Document) -> list[Heading]:
    return document.named("dimension ")


def test_quarters_parse_and_refuse() -> None:
    assert parse_quarter("2026Q3") == Q3 == parse_quarter(" 2026-q3 ")
    assert (Q3.start.isoformat(), Q3.end.isoformat()) == ("2026-07-01", "2026-09-30")
    assert Q3.previous() == Quarter(2026, 2) and Quarter(2026, 1).previous() == Quarter(2025, 4)
    assert quarter_of(datetime(2026, 11, 20, tzinfo=UTC)) == Quarter(2026, 4)
    for bad in ("2026Q5", "Q3 2026", "2026", ""):
        with pytest.raises(BadQuarterError, match="like 2026Q3"):
            parse_quarter(bad)
    with pytest.raises(BadQuarterError, match="not started"):
        parse_quarter("2027Q1", now=datetime(2026, 11, 28, tzinfo=UTC))


def test_one_document_with_the_title_and_what_it_rests_on(packet: Document) -> None:
    assert (packet.kind, packet.title) == ("review", "Quarterly review 2026Q3: Ana Ångström")
    assert packet.file_stem == "review-ana-2026Q3"
    # no volume beside the person's name: the framework reads value, not output
    assert text(packet, "meta") == (
        "ana · team Alpha · level mid · 1 Jul to 30 Sep 2026 · as of 2026-09-30 23:59 UTC"
    )
    charts = packet.of_type(Chart)
    assert [c.name for c in charts] == ["chart levels", "chart history"]
    assert all(c.alt for c in charts)


def test_levels_now_last_quarter_and_goal(packet: Document) -> None:
    levels = rows(packet, "competencies")
    # (group, last quarter, now, goal, indicator)
    # Q2 (15 Jun): 1 everywhere but knowledge sharing 2; Q3 (20 Aug): 2, prompts 3.
    assert levels["Prompt Effectiveness"][:4] == ("AI-augmented", "1", "3", "3")
    assert levels["Knowledge Sharing"][:4] == ("AI-augmented", "2", "2", "3")
    assert levels["Software design and architecture"][:4] == ("core", "—", "2", "—")
    assert levels["System debugging and troubleshooting"][1:] == ("—", "—", "—", "not assessed")
    assert levels["Prompt Effectiveness"][4] != "not assessed"  # the level's indicator text
    assert text(packet, "goal").endswith("1 of 6 at level 3 or above (in progress).")


def test_six_dimensions_learning_weighted_first_when_it_covers_most_of_the_quarter(
    packet: Document, org_db: Path
) -> None:
    # Alpha adopted on 1 May: learning-weighted until 1 Aug, i.e. 31 of Q3's 92 days
    assert [h.name.split()[1] for h in dimensions(packet)] == SIX
    assert not any("weighted higher" in h.text for h in dimensions(packet))
    assert any("31 of this quarter's 92 days" in n for n in items(packet, "cycle"))
    # ... but 61 of Q2's 91 days: Growth and Judgment first, weighted higher
    spring = review.build_packet(org_db, "ana", Quarter(2026, 2))
    first = dimensions(spring)
    assert [h.name.split()[1] for h in first[:2]] == ["judgment", "growth"]
    assert all(h.text.endswith("— weighted higher this cycle") for h in first[:2])
    assert sorted(h.name.split()[1] for h in first) == sorted(SIX)


def test_metrics_beside_team_median_and_own_history(packet: Document) -> None:
    quality = rows(packet, "metrics code_quality")
    # ana merged 8 PRs in Q3, one of them caused defect #900: 1/8 = 0.125; Alpha's other 5
    # members had no defect -> median of (0.125, 0, 0, 0, 0, 0) = 0 over 6 people
    assert quality["Defect rate"] == (
        "0.12 per PR",
        "0.00 per PR (6 people)",
        "2025Q4: no data, 2026Q1: no data, 2026Q2: 0.00 per PR",
    )
    assert quality["Change failure rate"][0] == "12%"  # 1/8
    assert rows(packet, "metrics responsibility")["Unreviewed merge rate"][0] == "38%"  # 3/8
    speed = list(rows(packet, "metrics productivity"))
    # speed beside quality
    assert speed == ["Cycle time, median", "Quality-adjusted cycle time (QACT), median"]


def test_red_flag_with_links_to_their_prs(packet: Document) -> None:
    assert [plain(p.text) for p in packet.named("flag responsibility")] == [
        "Red flag: Code merged without review"
    ]
    links = packet.find("flag links responsibility")
    urls = {span.url for item in links.items for span in item}
    assert urls == {f"https://github.com/acme/app/pull/{n}" for n in (67, 68, 69)}
    assert "Team flag for Alpha" in text(packet, "flag detail responsibility")
    assert len(items(packet, "evidence unreviewed")) == 3
    assert len(items(packet, "evidence failing_check")) == 1
    assert items(packet, "evidence defects") == ["acme/app#900 Checkout total wrong"]
    assert not packet.named("flag code_quality")


def test_assessments_and_recognitions_by_dimension(packet: Document) -> None:
    def competencies(dimension: str) -> set:
        return set(packet.find(f"assessments {dimension}").column("Competency"))

    assert competencies("judgment") == {
        "Prompt Effectiveness",
        "AI Output Evaluation",
        "Workflow Integration",
        "Tool Adaptability",
    }
    assert competencies("collaboration") == {"Knowledge Sharing"}
    assert competencies("growth") == {"Software design and architecture"}
    # the framework file maps security vigilance to Responsibility ("follows security
    # practices"); nothing is mapped in code
    assert competencies("responsibility") == {"Security Vigilance"}
    assert not packet.named("dimension unmapped")
    [judgment] = items(packet, "recognitions judgment")
    assert "Honest limitation discovery" in judgment and judgment.endswith("(PR)")
    assert "Effective mentoring" in items(packet, "recognitions collaboration")[0]
    every = [i for b in packet.named("recognitions ") for i in (plain(x) for x in b.items)]
    assert not any("Quality catch" in i for i in every)  # recognised in Q2, not this quarter


def test_not_evaluated_lists_every_refused_metric_with_its_reason(packet: Document) -> None:
    listed = items(packet, "not evaluated")
    for refused in metrics.REFUSED:
        assert f"{refused.title} — {refused.reason}" in listed
    assert any(i.startswith("Rank among colleagues") for i in listed)


def test_review_cycle_and_conversation(packet: Document, org_db: Path) -> None:
    cycle = items(packet, "cycle")
    assert cycle[:2] == [
        "Phase as of 30 Sep 2026: monthly check-ins",
        "Check-in cadence: monthly",
    ]
    assert any(note.startswith("Learning-weighted") for note in cycle)
    assert packet.find("checkins").column("Check-in due") == [
        "01 Jul 2026",
        "01 Aug 2026",
        "01 Sep 2026",
    ]
    assert text(packet, "conversation level").startswith("Mid-Level")
    assert items(packet, "conversation")
    gamma = review.build_packet(org_db, "kim", Q3)  # Gamma never adopted AI tools
    assert items(gamma, "cycle")[:2] == [
        "Phase as of 30 Sep 2026: not adopted",
        "Check-in cadence: quarterly",
    ]
    assert text(gamma, "conversation level").startswith("Senior")


def test_a_quarter_without_data_still_has_every_section(org_db: Path) -> None:
    empty = review.build_packet(org_db, "ana", Quarter(2025, 4))
    assert "merged PR" not in text(empty, "meta")
    assert not empty.named("flag ") and not empty.named("recognitions ")
    out = markdown.render_text(empty)
    for heading in (
        "## Competency levels",
        "## Evaluation dimensions",
        "## Review cycle",
        "## Conversation guide",
        "## What is not evaluated, and why",
    ):
        assert heading in out
    assert "Fewer than 5 merged PRs this quarter: the person's metrics rest on little data" in out
    assert "(s)" not in out


def test_a_running_quarter_says_so(org_db: Path) -> None:
    running = review.build_packet(org_db, "ana", Q3, as_of=datetime(2026, 8, 15, tzinfo=UTC))
    assert running.title == "Quarterly review 2026Q3 (partial): Ana Ångström"
    out = markdown.render_text(running)
    assert "2026Q3 is still running: these figures cover 1 Jul to 15 Aug 2026 only." in out
    assert "1 Jul to 15 Aug 2026 · as of 2026-08-15 00:00 UTC" in out


def test_unknown_person(org_db: Path) -> None:
    with pytest.raises(review.UnknownPersonError, match="nobody"):
        review.build_packet(org_db, "nobody", Q3)


def test_markdown_sections_and_untrusted_text(packet: Document) -> None:
    out = markdown.render_text(packet)
    assert out.startswith("# Quarterly review 2026Q3: Ana Ångström")
    for dimension in ("Code Quality", "Productivity", "Judgment", "Collaboration", "Growth"):
        assert f"### {dimension}" in out
    assert "<b>" not in out and r"\<b\>config\</b\>" in out  # a PR title stays text
    assert "[acme/app#67 Hotfix" in out and "(https://github.com/acme/app/pull/67)" in out
    assert "**ana** · team Alpha" in out
    for refused in metrics.REFUSED:
        assert refused.title in out
    # tables are well formed: every row of a table has the header's column count
    lines = out.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("|---"):
            columns = lines[i - 1].count(" | ")
            j = i + 1
            while j < len(lines) and lines[j].startswith("| "):
                assert lines[j].replace("\\|", "").count(" | ") == columns, lines[j]
                j += 1


# --- the framework file is the one source of the packet's mapping ----------------------

RENAMES = {
    # dimension ids and names, as an organization might write its own ladder
    '"code_quality"': '"quality_of_code"',
    '"Code Quality"': '"Quality of code"',
    '"judgment"': '"judgement"',
    '"Judgment"': '"Judgement"',
    '"responsibility"': '"ownership"',
    '"Responsibility"': '"Ownership"',
}


def framework_copy(tmp_path: Path, renames: dict[str, str]) -> Path:
    """The default framework file with ``renames`` made (each must be found)."""
    text = (Path(__file__).resolve().parents[2] / "data" / "framework.toml").read_text()
    for old, new in renames.items():
        assert old in text, old
        text = text.replace(old, new)
    path = tmp_path / "framework.toml"
    path.write_text(text)
    return path


def test_renamed_dimensions_keep_their_sections_filled(
    org_db: Path, tmp_path: Path, packet
) -> None:
    from framework import load_framework

    fw = load_framework(framework_copy(tmp_path, RENAMES))
    renamed = review.build_packet(org_db, "ana", Q3, fw=fw)
    assert [h.name.split()[1] for h in dimensions(renamed)] == [
        "quality_of_code", "productivity", "judgement", "collaboration", "growth", "ownership",
    ]  # fmt: skip
    assert "### Quality of code" in markdown.render_text(renamed)
    # every section holds what the default file's does
    assert rows(renamed, "metrics quality_of_code") == rows(packet, "metrics code_quality")
    assert rows(renamed, "metrics ownership") == rows(packet, "metrics responsibility")
    assert [plain(p.text) for p in renamed.named("flag ownership")] == [
        "Red flag: Code merged without review"
    ]
    assert items(renamed, "flag links ownership") == items(packet, "flag links responsibility")
    assert renamed.find("assessments judgement").rows == packet.find("assessments judgment").rows
    assert items(renamed, "recognitions judgement") == items(packet, "recognitions judgment")
    assert items(renamed, "evidence unreviewed") == items(packet, "evidence unreviewed")
    assert not renamed.named("dimension unmapped")


def test_evidence_of_no_dimension_is_listed_apart(org_db: Path, tmp_path: Path) -> None:
    from framework import load_framework

    # Knowledge Sharing loses its dimension: its assessment is listed apart, not lost
    unmapped = {
        'name = "Knowledge Sharing"\ndimension = "collaboration"\n': (
            'name = "Knowledge Sharing"\n'
        )
    }
    packet = review.build_packet(
        org_db, "ana", Q3, fw=load_framework(framework_copy(tmp_path, unmapped))
    )
    assert not packet.named("assessments collaboration")
    assert set(packet.find("assessments unmapped").column("Competency")) == {"Knowledge Sharing"}
    assert "Effective mentoring" in items(packet, "recognitions collaboration")[0]


def test_a_renamed_dimension_still_named_elsewhere_is_refused(tmp_path: Path) -> None:
    from framework import FrameworkError, load_framework

    # the dimension renamed in its table only: the competencies still name the old id
    half = {'id = "judgment"': 'id = "judgement"'}
    with pytest.raises(FrameworkError, match=r"competencies\[5\]\.dimension: 'judgment' is not"):
        load_framework(framework_copy(tmp_path, half))


def test_a_dimension_naming_what_teamlens_cannot_read_is_refused(org_db, tmp_path) -> None:
    from framework import FrameworkError, load_framework

    bad = {
        '["cycle_time_p50_h", "qact_p50_h"]': '["cycle_time_p50_h", "velocity"]',
        'evidence = ["failed", "defects"]': 'evidence = ["failed", "hotfixes"]',
    }
    fw = load_framework(framework_copy(tmp_path, bad))
    with pytest.raises(FrameworkError) as refused:
        review.build_packet(org_db, "ana", Q3, fw=fw)
    message = str(refused.value)
    assert "dimensions[0].evidence: unknown kind 'hotfixes'" in message
    assert "dimensions[1].metrics: unknown metric 'velocity'" in message
    assert "cycle time is shown only beside QACT" in message
