"""Reports layer: the board-ready executive summary of one quarter, as a document of blocks.

A deck an executive can present unchanged, one page (slide) per message: the headline
figures with their direction, the quarter in brief beside delivery over time, the groups
with speed beside quality and review health, where the quality tax comes from, skill
growth, and how to read it all. Groups only: no person is named anywhere, no group under
``settings.small_group_min_people`` is shown or can be worked out (:mod:`metrics.groups`),
and an organization that small shows no figure at all. A quarter still running is
labelled partial on every figure and in the narrative. The builder reads one snapshot
(:func:`metrics.snapshot`) and takes every number from ``metrics``; it only chooses,
orders and phrases (:mod:`reports.board_text`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any

import metrics
from framework import Framework
from framework import framework as load_framework
from metrics import compare, groups, skills
from metrics.calendar import Quarter
from reports import board_text, charts
from reports import traceability as trace
from reports.board_text import method_notes
from reports.document import (
    Block,
    Bullets,
    Callout,
    Chart,
    Document,
    Heading,
    PageBreak,
    Paragraph,
    Row,
    SpeakerNotes,
    Table,
    Tile,
    Tiles,
)
from reports.format import change_text, value_text
from reports.quarters import QuarterShown, report_instant
from settings import Settings, settings
from store import DbPath

__all__ = ["GROUP_FIGURES", "TILE_FIGURES", "build_board", "method_notes"]

TREND_QUARTERS = 4
# teams shown on their own at most, the largest by headcount; the rest merged into Other
MAX_GROUPS = 12
# The headline figures: (figure id, label, companion shown with it). Quality beside speed.
TILE_FIGURES: tuple[tuple[str, str, str | None], ...] = (
    ("qact_p50_h", "Time to deliver (QACT)", "cycle_time_p50_h"),
    ("quality_tax", "Quality tax (rework)", None),
    ("change_failure_rate", "Change failure rate", None),
    ("defect_rate", "Defects per change", None),
    ("unreviewed_merge_rate", "Merged without review", None),
    ("rubber_stamp_rate", "Rubber-stamp rate", None),
)
ORG_METRICS: tuple[str, ...] = (
    "merged_prs",
    "qact_p50_h",
    "cycle_time_p50_h",
    "quality_tax",
    "quality_tax_follow_up",
    "quality_tax_open_defects",
    "defect_rate",
    "change_failure_rate",
    "unreviewed_merge_rate",
    "rubber_stamp_rate",
)
# The by-group table: (header, metric id); "People" is group_people. Speed (QACT) stands
# beside the quality tax and its parts, failures and defects, then review health.
GROUP_FIGURES: tuple[tuple[str, str], ...] = (
    ("QACT median", "qact_p50_h"),
    ("Quality tax", "quality_tax"),
    ("of it: follow-ups", "quality_tax_follow_up"),
    ("of it: open defects", "quality_tax_open_defects"),
    ("Change failure", "change_failure_rate"),
    ("Defects per change", "defect_rate"),
    ("Unreviewed", "unreviewed_merge_rate"),
    ("Rubber stamps", "rubber_stamp_rate"),
)


def _cell(value: float | None, unit: str) -> str:
    """A table cell: the figure without a unit its header already names."""
    return value_text(value, unit).removesuffix(" per PR")


def _tile(
    figure_id: str,
    label: str,
    now: float | None,
    then: float | None,
    note: str,
    coverage: str = "",
    detail: str = "",
) -> tuple[Tile, compare.Comparison]:
    definition = metrics.definition(figure_id)
    moved = compare.compare(now, then, definition.better, definition.unit)
    tile = Tile(
        label=label,
        value=_cell(moved.value, definition.unit),
        previous=_cell(moved.previous, definition.unit),
        change=change_text(moved.shown_change, definition.unit),
        direction=moved.direction,
        coverage=coverage,
        detail=detail,
        name=figure_id,
        note=note,
    )
    return tile, moved


def _detail(figure_id: str, now: Mapping[str, Any]) -> str:
    if figure_id == "qact_p50_h":
        return f"median; cycle time alone {value_text(now.get('cycle_time_p50_h'), 'hours')}"
    if figure_id == "quality_tax":
        follow = value_text(now.get("quality_tax_follow_up"), "ratio")
        waiting = value_text(now.get("quality_tax_open_defects"), "ratio")
        return f"{follow} in fixes and reverts · {waiting} in open defects"
    if figure_id == "rubber_stamp_rate":
        return "of reviewed changes"
    return ""


def _figures(
    now: Mapping[str, Any],
    then: Mapping[str, Any],
    shares: skills.SkillShares,
    goals: skills.GoalsOnTrack,
    goals_before: skills.GoalsOnTrack,
    note: str,
) -> tuple[list[Tile], dict[str, compare.Comparison]]:
    tiles, moves = [], {}
    for figure_id, label, _ in TILE_FIGURES:
        # a figure resting on too thin an attribution is "not traceable", never a number
        shown_now, shown_then = trace.is_shown(now, figure_id), trace.is_shown(then, figure_id)
        tile, moves[figure_id] = _tile(
            figure_id,
            label,
            now.get(figure_id) if shown_now else None,
            then.get(figure_id) if shown_then else None,
            note if shown_now else " ".join(filter(None, (note, trace.tile_note(now)))),
            detail=_detail(figure_id, now) if shown_now else "",
        )
        if not shown_now:
            tile = replace(tile, value=trace.NOT_TRACEABLE)
        if not shown_then:
            tile = replace(tile, previous=trace.NOT_TRACEABLE)
        tiles.append(tile)
    tile, moves["ai_level_2_share"] = _tile(
        "ai_level_2_share",
        "AI skills at level 2+",
        shares.ai_level_2_share,
        shares.ai_level_2_share_before,
        note,
        coverage=f"{shares.assessed_people_max} of {shares.engineers} engineers assessed",
    )
    tiles.append(tile)
    tile, moves["growth_goals_on_track"] = _tile(
        "growth_goals_on_track",
        "Growth goals on track",
        goals.growth_goals_on_track,
        goals_before.growth_goals_on_track,
        note,
        coverage=f"{goals.on_track_people} of {goals.goal_people} engineers with a goal",
    )
    tiles.append(tile)
    return tiles, moves


def _groups_page(shown: QuarterShown, rows: groups.ShownGroups, org: Mapping[str, Any]) -> list:
    table = Table(
        ("Group", "People", *(header for header, _ in GROUP_FIGURES)),
        tuple(
            (
                g.group,
                g.group_people,
                *(
                    trace.figure_text(
                        {**g.coverage, **g.figures}, m, metrics.METRICS[m].unit
                    ).removesuffix(" per PR")
                    for _, m in GROUP_FIGURES
                ),
            )
            for g in rows.rows
        ),
        ("label", "figure", *("figure" for _ in GROUP_FIGURES)),
        name="groups",
    )
    note = Paragraph(board_text.group_note(rows), "muted", name="group note")
    untraced = [trace.notice(g.coverage, g.group) for g in rows.rows]
    traced = [f"{g.group}: {w}" for g in rows.rows if (w := trace.method_words(g.coverage))]
    coverage = Paragraph(
        "Defects traced to the change that caused them — " + "; ".join(traced) + ".",
        "small",
        name="group coverage",
    )
    blocks: list[Block] = [
        Heading(f"By group, {shown.label}", name="by group"),
        Paragraph(
            "Speed (QACT) beside the quality tax, failures, defects and review health.",
            "muted",
            name="by group reading",
        ),
    ]
    blocks += [table, note] if rows.rows else [note]
    if rows.rows:
        blocks += [coverage] if traced else []
        blocks += [Callout(u, name="group not traceable") for u in untraced if u]
        names = [g.group for g in rows.rows] + ["Organization"]
        rowed = [{**g.coverage, **g.figures} for g in rows.rows] + [org]
        parts = [
            [_traced(f, "quality_tax_follow_up") for f in rowed],
            [_traced(f, "quality_tax_open_defects") for f in rowed],
        ]
        figure = charts.board_quality_tax(names, parts[0], parts[1])
        blocks += [
            PageBreak(),
            Heading(f"Quality tax by group, {shown.label}", name="tax"),
            Row(
                (
                    (
                        Chart(
                            figure,
                            "Each group's quality tax in two parts: follow-up PRs, and "
                            "defects without a fix.",
                            760,
                            400,
                            name="chart tax",
                        ),
                    ),
                    (Bullets(_tax_reading(rows, org), name="tax reading"),),
                ),
                weights=(3, 2),
            ),
        ]
    return blocks


def _traced(row: Mapping[str, Any], figure_id: str) -> float | None:
    """A figure for a chart: None (a gap) where it is not traceable."""
    return row.get(figure_id) if trace.is_shown(row, figure_id) else None


def _tax_reading(rows: groups.ShownGroups, org: Mapping[str, Any]) -> tuple[str, ...]:
    out = [
        "Follow-up PRs: the time spent in the PRs that fixed or reverted a change of the quarter.",
        "Defects without a fix: the time attributed defects have waited so far with no fix "
        "PR; it grows every day they stay open.",
    ]
    waiting = [g.group for g in rows.rows if _mostly_waiting({**g.coverage, **g.figures})]
    if waiting:
        out.append("Mostly defects waiting for a fix, not slow rework: " + ", ".join(waiting) + ".")
    if _mostly_waiting(org):
        out.append("Across the organization, most of the tax is defects waiting for a fix.")
    return tuple(out)


def _mostly_waiting(figures: Mapping[str, Any]) -> bool:
    if not trace.is_shown(figures, "quality_tax"):
        return False
    follow = compare.number(figures.get("quality_tax_follow_up"))
    waiting = compare.number(figures.get("quality_tax_open_defects"))
    return follow is not None and waiting is not None and waiting > follow


def _skills_page(
    shown: QuarterShown, previous: str, shares: skills.SkillShares, goals: skills.GoalsOnTrack
) -> list:
    figure = charts.board_skills(
        [s.name for s in shares.skills],
        [s.level_3_share for s in shares.skills],
        [s.level_2_share for s in shares.skills],
        [s.level_2_share_before for s in shares.skills],
        previous,
    )
    table = Table(
        ("Competency", "Level 2+", "Level 3+", f"2+ in {previous}", "Assessed"),
        tuple(
            (
                s.name,
                value_text(s.level_2_share, "share"),
                value_text(s.level_3_share, "share"),
                value_text(s.level_2_share_before, "share"),
                f"{s.assessed_people} of {s.engineers}",
            )
            for s in shares.skills
        ),
        ("label", "figure", "figure", "figure", "figure"),
        name="skills",
    )
    return [
        Heading(f"Skill growth, {shown.label}", name="skill growth"),
        Row(
            (
                (
                    Chart(
                        figure,
                        "Share of assessed engineers at level 2+ and 3+ per AI competency, "
                        f"with the level 2+ share of {previous} marked.",
                        760,
                        560,
                        name="chart skills",
                    ),
                ),
                (
                    table,
                    Bullets(
                        tuple(board_text.skill_sentences(shares, goals, previous)),
                        name="skill reading",
                    ),
                ),
            ),
            weights=(11, 10),
        ),
    ]


def build_board(
    db: DbPath,
    quarter: Quarter,
    *,
    as_of: datetime | None = None,
    organization: str = "Engineering organization",
    fw: Framework | None = None,
    config: Settings | None = None,
) -> Document:
    """The executive summary of ``quarter`` as of its end, or ``as_of`` (default now) when
    that is earlier: a quarter still running is labelled partial everywhere."""
    fw = fw or load_framework()
    config = config or settings()
    moment = report_instant(quarter, as_of)
    shown = QuarterShown(quarter, moment)
    previous = quarter.previous()
    with metrics.snapshot(db, moment, config) as snap:
        org = metrics.compute(
            snap, as_of=moment, period="quarter", by="org", metric_ids=list(ORG_METRICS)
        )
        rows = groups.shown_groups(
            snap,
            moment,
            period="quarter",
            period_label=quarter.period_label,
            merged_on=(quarter.start, quarter.end),
            metric_ids=list(dict.fromkeys(m for _, m in GROUP_FIGURES)),
            max_groups=MAX_GROUPS,
            config=config,
        )
        if rows.is_org_shown:
            shares = skills.skill_shares(snap, moment, previous.as_of(), fw)
            goals = skills.goals_on_track(snap, moment, fw)
            goals_before = skills.goals_on_track(snap, previous.as_of(), fw)
    title = Heading(f"Executive summary {shown.label}", level=1, aside=organization, name="title")
    when = (
        f"{quarter.label} is still running: figures from {shown.span} only, compared with the "
        f"whole of {previous.label}."
        if shown.is_partial
        else f"{shown.span}, compared with {previous.label}."
    )
    subtitle = Paragraph(
        f"{when} Groups only: no individual appears in this summary.", "muted", name="subtitle"
    )
    notes = method_notes(config)
    if not rows.is_org_shown:
        blocks: tuple[Block, ...] = (
            title,
            subtitle,
            Callout(board_text.group_note(rows), name="too small"),
            Heading("How to read this", level=3),
            Bullets(notes, "muted", name="method"),
        )
        return _document(quarter, shown, blocks)
    now = compare.period_values(org, metrics.ORG_GROUP, quarter.period_label)
    then = compare.period_values(org, metrics.ORG_GROUP, previous.period_label)
    tiles, moves = _figures(now, then, shares, goals, goals_before, shown.tag)
    said = board_text.Moves({t.name: t for t in tiles}, moves, previous.label)
    narrative = tuple(board_text.narrative(said, now, shown))
    back = quarter.back(TREND_QUARTERS)
    trend = [compare.period_values(org, metrics.ORG_GROUP, q.period_label) for q in back]
    labels = [q.label for q in back[:-1]] + [shown.label]
    delivery = charts.board_delivery(
        labels,
        [_traced(row, "change_failure_rate") for row in trend],
        [_traced(row, "qact_p50_h") for row in trend],
        [row.get("cycle_time_p50_h") for row in trend],
    )
    blocks = (
        title,
        subtitle,
        Tiles(
            tuple(tiles),
            shown.label,
            previous.label,
            per_row=4,
            coverage=board_text.coverage_text(now),
        ),
        SpeakerNotes((*narrative, "", *notes)),
        PageBreak(),
        Heading(f"{shown.label} in brief", name="in brief"),
        Row(
            (
                (Bullets(narrative, name="narrative"),),
                (
                    Chart(
                        delivery,
                        "QACT and cycle time medians per quarter over the change failure rate.",
                        720,
                        420,
                        name="chart delivery",
                    ),
                ),
            ),
            weights=(1, 1),
        ),
        SpeakerNotes(narrative),
        PageBreak(),
        *_groups_page(shown, rows, now),
        PageBreak(),
        *_skills_page(shown, previous.label, shares, goals),
        PageBreak(),
        Heading("How to read this", name="how to read"),
        Bullets(notes, name="method"),
    )
    return _document(quarter, shown, blocks)


def _document(quarter: Quarter, shown: QuarterShown, blocks: tuple[Block, ...]) -> Document:
    return Document(
        kind="board",
        title=f"Executive summary {shown.label}",
        blocks=blocks,
        footer=f"teamlens · executive summary {shown.label} · groups only, no individual shown",
        file_stem=f"executive-summary-{quarter.label}",
        landscape=True,
    )
