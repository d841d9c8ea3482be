"""The review packet of a hand-built person (ana, mid level, team Alpha) for 2026Q3."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

import metrics
from metrics.calendar import BadQuarterError, Quarter, parse_quarter, quarter_of
from reports import review
from reports.markdown import review_markdown

Q3 = Quarter(2026, 3)
SIX = {"code_quality", "productivity", "judgment", "collaboration", "growth", "responsibility"}


@pytest.fixture(scope="module")
def packet(org_db: Path) -> review.ReviewPacket:
    return review.build_packet(org_db, "ana", Q3)


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


def test_levels_now_last_quarter_and_goal(packet: review.ReviewPacket) -> None:
    levels = {c.id: (c.level_last_quarter, c.level_now, c.goal) for c in packet.competencies}
    # Q2 (15 Jun): 1 everywhere but knowledge sharing 2; Q3 (20 Aug): 2, prompts 3.
    assert levels["prompt_effectiveness"] == (1, 3, "3")  # mid: level 3 in the AI ones
    assert levels["knowledge_sharing"] == (2, 2, "3")
    assert levels["software_design"] == (None, 2, None)  # first assessed in Q3; no goal
    assert levels["debugging"] == (None, None, None)
    line = next(c for c in packet.competencies if c.id == "prompt_effectiveness")
    assert line.change == 2 and line.indicator  # the level's indicator text
    assert packet.goal.status == "in progress"
    assert (packet.goal.reached, packet.goal.total) == (1, 6)


def test_six_dimensions_learning_weighted_first_when_it_covers_most_of_the_quarter(
    packet: review.ReviewPacket, org_db: Path
) -> None:
    # Alpha adopted on 1 May: learning-weighted until 1 Aug, i.e. 31 of Q3's 92 days
    assert [s.id for s in packet.dimensions] == [
        "code_quality",
        "productivity",
        "judgment",
        "collaboration",
        "growth",
        "responsibility",
    ]
    assert not any(s.weighted for s in packet.dimensions)
    assert any("31 of this quarter's 92 days" in n for n in packet.cycle.notes)
    # ... but 61 of Q2's 91 days: Growth and Judgment first, weighted higher
    spring = review.build_packet(org_db, "ana", Quarter(2026, 2))
    assert spring.cycle.learning_weighted
    assert [s.id for s in spring.dimensions[:2]] == ["judgment", "growth"]
    assert all(s.weighted for s in spring.dimensions[:2])
    assert {s.id for s in spring.dimensions} == SIX


def test_metrics_beside_team_median_and_own_history(packet: review.ReviewPacket) -> None:
    quality = {m.id: m for m in packet.dimension("code_quality").metrics}
    # ana merged 8 PRs in Q3, one of them caused defect #900: 1/8
    assert quality["defect_rate"].value == pytest.approx(1 / 8)
    assert quality["change_failure_rate"].value == pytest.approx(1 / 8)
    # Alpha's 6 members: everyone else had no defect -> median 0
    assert quality["defect_rate"].team_median == 0
    assert quality["defect_rate"].team_people == 6
    assert quality["defect_rate"].history[-2] == ("2026Q2", 0.0)
    assert [label for label, _ in quality["defect_rate"].history] == [
        "2025Q4",
        "2026Q1",
        "2026Q2",
        "2026Q3",
    ]
    responsibility = {m.id: m for m in packet.dimension("responsibility").metrics}
    assert responsibility["unreviewed_merge_rate"].value == pytest.approx(3 / 8)
    speed = [m.id for m in packet.dimension("productivity").metrics]
    assert speed == ["cycle_time_p50_h", "qact_p50_h"]  # speed beside quality
    assert packet.merged_prs == 8


def test_red_flag_with_links_to_their_prs(packet: review.ReviewPacket) -> None:
    flags = packet.dimension("responsibility").flags
    assert [f.title for f in flags] == ["Code merged without review"]
    urls = {link.url for link in flags[0].links}
    assert urls == {f"https://github.com/acme/app/pull/{n}" for n in (67, 68, 69)}
    assert "Alpha" in flags[0].detail
    evidence = {e.title: e for e in packet.dimension("responsibility").evidence}
    assert len(evidence["Merged without a review by someone else"].links) == 3
    assert len(evidence["Merged over failing checks"].links) == 1
    quality = {e.title for e in packet.dimension("code_quality").evidence}
    assert "Defects reported this quarter that name their change" in quality


def test_assessments_and_recognitions_by_dimension(packet: review.ReviewPacket) -> None:
    judgment = packet.dimension("judgment")
    assert {a.competency for a in judgment.assessments} == {
        "Prompt Effectiveness",
        "AI Output Evaluation",
        "Workflow Integration",
        "Tool Adaptability",
    }
    assert [r.behaviour for r in judgment.recognitions] == ["Honest limitation discovery"]
    collaboration = packet.dimension("collaboration")
    assert [a.competency for a in collaboration.assessments] == ["Knowledge Sharing"]
    assert [r.behaviour for r in collaboration.recognitions] == ["Effective mentoring"]
    growth = packet.dimension("growth")
    assert {a.competency for a in growth.assessments} == {
        "Security Vigilance",
        "Software design and architecture",
    }
    every = [r.behaviour for s in packet.dimensions for r in s.recognitions]
    assert "Quality catch" not in every  # recognised in Q2, not this quarter


def test_not_evaluated_lists_every_refused_metric_with_its_reason(
    packet: review.ReviewPacket,
) -> None:
    listed = {item.id: item.reason for item in packet.not_evaluated}
    for refused in metrics.REFUSED:
        assert listed[refused.id] == refused.reason
    assert "ranking" in listed


def test_review_cycle_and_conversation(packet: review.ReviewPacket, org_db: Path) -> None:
    cycle = packet.cycle
    assert (cycle.phase, cycle.cadence) == ("monthly check-ins", "monthly")
    assert any(note.startswith("Learning-weighted") for note in cycle.notes)
    assert [c.due_on.isoformat() for c in cycle.checkins] == [
        "2026-07-01",
        "2026-08-01",
        "2026-09-01",
    ]
    assert packet.conversation is not None and packet.conversation.name == "Mid-Level"
    assert packet.conversation.prompts
    gamma = review.build_packet(org_db, "kim", Q3)  # Gamma never adopted AI tools
    assert (gamma.cycle.phase, gamma.cycle.cadence) == ("not adopted", "quarterly")
    assert gamma.conversation is not None and gamma.conversation.level == "senior"


def test_a_quarter_without_data_still_has_every_section(org_db: Path) -> None:
    empty = review.build_packet(org_db, "ana", Quarter(2025, 4))
    assert empty.merged_prs == 0
    assert all(not s.flags and not s.recognitions for s in empty.dimensions)
    text = review_markdown(empty)
    for heading in (
        "## Competency levels",
        "## Evaluation dimensions",
        "## Review cycle",
        "## Conversation guide",
        "## What is not evaluated, and why",
    ):
        assert heading in text
    assert "rest on little data" in text


def test_unknown_person(org_db: Path) -> None:
    with pytest.raises(review.UnknownPersonError, match="nobody"):
        review.build_packet(org_db, "nobody", Q3)


def test_markdown_sections_and_untrusted_text(packet: review.ReviewPacket) -> None:
    text = review_markdown(packet)
    assert text.startswith("# Quarterly review 2026Q3: Ana Ångström")
    for dimension in ("Code Quality", "Productivity", "Judgment", "Collaboration", "Growth"):
        assert f"### {dimension}" in text
    assert "<b>" not in text and r"\<b\>config\</b\>" in text  # a PR title stays text
    assert "[acme/app#67 Hotfix" in text and "(https://github.com/acme/app/pull/67)" in text
    for refused in metrics.REFUSED:
        assert refused.title in text
    # tables are well formed: every row of a table has the header's column count
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("|---"):
            columns = lines[i - 1].count(" | ")
            j = i + 1
            while j < len(lines) and lines[j].startswith("| "):
                assert lines[j].replace("\\|", "").count(" | ") == columns, lines[j]
                j += 1
