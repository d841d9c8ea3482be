"""Reports layer: the board-ready executive summary of one quarter, as a document of blocks.

Organization-level figures with their quarter-over-quarter direction and data coverage,
skill growth, groups, and a short narrative written only from those figures. Groups
only: no person is named anywhere, and any team smaller than
``settings.small_group_min_people`` is merged into "Other" (itself shown only when it is
that big). Quality stands next to every speed figure. The builder reads one snapshot
(:func:`metrics.snapshot`) and takes every number from ``metrics``; it only chooses,
orders and phrases. Page 1 is the summary, page 2 the details a board member may ask for.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import metrics
from framework import Framework
from framework import framework as load_framework
from metrics import compare, groups, skills
from metrics.calendar import Quarter
from reports import charts
from reports.document import (
    Block,
    Bullets,
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
from settings import Settings, settings
from store import DbPath

TREND_QUARTERS = 4

# The organization figures: (metric id, title on the board, companion metric shown with it)
METRIC_FIGURES: tuple[tuple[str, str, str | None], ...] = (
    ("qact_p50_h", "Time to deliver a change correctly (QACT, median)", "cycle_time_p50_h"),
    ("quality_tax", "Quality tax (extra time spent on rework)", None),
    ("defect_rate", "Defect rate (defects per merged change)", None),
    ("change_failure_rate", "Change failure rate", None),
    ("unreviewed_merge_rate", "Review health: changes merged without review", "rubber_stamp_rate"),
)
ORG_METRICS: tuple[str, ...] = (
    "merged_prs",
    "qact_p50_h",
    "cycle_time_p50_h",
    "quality_tax",
    "defect_rate",
    "change_failure_rate",
    "unreviewed_merge_rate",
    "rubber_stamp_rate",
)
# The by-group table: (header, metric id); "People" is group_people.
GROUP_FIGURES: tuple[tuple[str, str], ...] = (
    ("QACT median", "qact_p50_h"),
    ("Change failure", "change_failure_rate"),
    ("Defect rate", "defect_rate"),
    ("Unreviewed", "unreviewed_merge_rate"),
)


def method_notes(config: Settings | None = None) -> tuple[str, ...]:
    """How to read the summary; the thresholds it quotes are read from where they live."""
    least = (config or settings()).small_group_min_people
    return (
        "QACT (quality-adjusted cycle time) is the time from first commit to merge plus the "
        "time spent fixing or reverting that change: speed the team paid for later is not "
        "rewarded.",
        "Quality tax: extra delivery time spent on rework (0% = none).",
        "Direction compares with the previous quarter; changes under "
        f"{compare.TOLERANCE:.0%} read as unchanged.",
        "Groups only: no individual appears in this summary, and teams under "
        f"{least} people are merged.",
        "Not measured, by design: lines of code, AI usage frequency, AI suggestions "
        "accepted, speed of AI-assisted tasks, AI users versus non-users.",
    )


def _coverage(row: dict[str, Any]) -> str:
    if not row:
        return "no merged changes"
    text = f"{value_text(row.get('n_prs'), 'count')} merged changes"
    defects = row.get("n_defects") or 0
    if defects:
        rate = row.get("defect_attribution_rate")
        traced = f", {value_text(rate, 'share')} traced to a change" if rate is not None else ""
        plural = "s" if defects != 1 else ""
        text += f"; {value_text(defects, 'count')} defect{plural} reported{traced}"
    if row.get("is_low_data"):
        text += " (too little data)"
    return text


def _tile(
    figure_id: str,
    title: str,
    now: float | None,
    then: float | None,
    coverage: str,
    detail: str = "",
) -> tuple[Tile, compare.Comparison]:
    definition = metrics.definition(figure_id)
    moved = compare.compare(now, then, definition.better)
    tile = Tile(
        label=title,
        value=value_text(moved.value, definition.unit),
        previous=value_text(moved.previous, definition.unit),
        change=change_text(moved.change, definition.unit),
        direction=moved.direction,
        coverage=coverage,
        detail=detail,
        name=figure_id,
    )
    return tile, moved


def _figures(
    now: dict[str, Any],
    then: dict[str, Any],
    shares: skills.SkillShares,
    goals: skills.GoalsOnTrack,
    goals_before: skills.GoalsOnTrack,
) -> tuple[list[Tile], dict[str, compare.Comparison]]:
    tiles, moves = [], {}
    for metric_id, title, companion_id in METRIC_FIGURES:
        detail = ""
        if companion_id:
            other = metrics.METRICS[companion_id]
            detail = (
                f"{other.title}: {value_text(now.get(companion_id), other.unit)} "
                f"(previous {value_text(then.get(companion_id), other.unit)})"
            )
        tile, moves[metric_id] = _tile(
            metric_id, title, now.get(metric_id), then.get(metric_id), _coverage(now), detail
        )
        tiles.append(tile)
    tile, moves["ai_level_2_share"] = _tile(
        "ai_level_2_share",
        metrics.definition("ai_level_2_share").title,
        shares.ai_level_2_share,
        shares.ai_level_2_share_before,
        f"up to {shares.assessed_people_max} of {shares.engineers} engineers assessed",
    )
    tiles.append(tile)
    tile, moves["growth_goals_on_track"] = _tile(
        "growth_goals_on_track",
        metrics.definition("growth_goals_on_track").title,
        goals.growth_goals_on_track,
        goals_before.growth_goals_on_track,
        f"{goals.goal_people} engineers with a growth goal",
    )
    tiles.append(tile)
    return tiles, moves


def _narrative(
    tiles: list[Tile],
    moves: dict[str, compare.Comparison],
    shares: skills.SkillShares,
    goals: skills.GoalsOnTrack,
    quarter: Quarter,
    now: dict[str, Any],
) -> list[str]:
    """Sentences that restate the figures; no cause, no forecast, no claim beyond them."""
    if not now:
        return [f"No change was merged in {quarter.label}: there are no delivery figures."]
    by_id = {t.name: t for t in tiles}
    prev = quarter.previous().label

    def moved(figure_id: str) -> str:
        tile, direction = by_id[figure_id], moves[figure_id].direction
        if direction in ("improved", "worsened"):
            return f"{direction} from {tile.previous} in {prev}"
        if direction == "unchanged":
            return f"unchanged from {tile.previous} in {prev}"
        return f"no {prev} figure to compare"

    def shown(figure_id: str) -> str:
        return by_id[figure_id].value

    out = [
        f"{value_text(now.get('merged_prs'), 'count')} changes were merged in {quarter.label}. "
        f"A typical change took {shown('qact_p50_h')} to deliver correctly, including rework "
        f"(QACT median; {moved('qact_p50_h')}).",
        f"Change failure rate was {shown('change_failure_rate')} "
        f"({moved('change_failure_rate')}); defect rate {shown('defect_rate')} "
        f"({moved('defect_rate')}); rework added {shown('quality_tax')} to delivery time.",
        f"{shown('unreviewed_merge_rate')} of changes were merged without review "
        f"({moved('unreviewed_merge_rate')}).",
    ]
    if shares.ai_level_2_share is not None:
        text = (
            f"{value_text(shares.ai_level_2_share, 'share')} of AI-competency assessments "
            "stand at level 2 or above"
        )
        if shares.ai_skills_compared:
            text += (
                f"; the share rose in {shares.ai_skills_rising} of "
                f"{shares.ai_skills_compared} competencies since {prev}"
            )
        out.append(text + ".")
    if goals.goal_people:
        out.append(
            f"{goals.on_track_people} of {goals.goal_people} engineers with a growth goal are "
            f"on track ({value_text(goals.growth_goals_on_track, 'share')})."
        )
    if now.get("is_low_data"):
        out.append("The delivery figures rest on few changes this quarter; read them with care.")
    rate = now.get("defect_attribution_rate")
    if rate is not None and rate < 1:
        out.append(
            f"{value_text(rate, 'share')} of the quarter's defects were traced to the change "
            "that caused them; untraced defects are not in the defect rate."
        )
    return out


def _group_note(shown: groups.ShownGroups) -> str:
    least = shown.min_people
    rule = (
        f"Teams with fewer than {least} people (or whose figures rest on fewer than {least} "
        "authors)"
    )
    if shown.other_shown:
        return (
            f'{rule} are merged into "{groups.OTHER}" ({shown.small_groups} groups, '
            f"{shown.small_people} people)."
        )
    if shown.small_groups:
        return (
            f"{rule} are too small to show even merged ({shown.small_people} people, "
            f"{shown.small_authors} authors this quarter); they count in the organization "
            "figures only."
        )
    return f"Every team has at least {least} people."


def _details(quarter: Quarter, shown: groups.ShownGroups, shares: skills.SkillShares, notes):
    previous = quarter.previous().label
    group_table = Table(
        ("Group", "People", *(header for header, _ in GROUP_FIGURES)),
        tuple(
            (
                g.group,
                g.group_people,
                *(value_text(g.figures.get(m), metrics.METRICS[m].unit) for _, m in GROUP_FIGURES),
            )
            for g in shown.rows
        ),
        ("label", "figure", "figure", "figure", "figure", "figure"),
        name="groups",
    )
    skill_table = Table(
        ("Competency", "Level 2+", "Level 3+", f"Level 2+ in {previous}", "Assessed"),
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
        Heading(f"{quarter.label}: by group and skill growth", name="details"),
        Row(
            (
                (
                    Heading("By group (alphabetical)", level=3),
                    group_table,
                    Paragraph(_group_note(shown), "muted", name="group note"),
                ),
                (Heading("Skill growth: AI-augmented competencies", level=3), skill_table),
            ),
        ),
        Heading("How to read this", level=3),
        Bullets(notes, "muted", name="method"),
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
    """The executive summary of ``quarter`` (as of its end, or ``as_of`` if earlier)."""
    fw = fw or load_framework()
    config = config or settings()
    moment = quarter.as_of(as_of)
    previous = quarter.previous()
    with metrics.snapshot(db, moment, config) as snap:
        org = metrics.compute(
            snap, as_of=moment, period="quarter", by="org", metric_ids=list(ORG_METRICS)
        )
        shares = skills.skill_shares(snap, moment, previous.as_of(), fw)
        goals = skills.goals_on_track(snap, moment, fw)
        goals_before = skills.goals_on_track(snap, previous.as_of(), fw)
        shown = groups.shown_groups(
            snap,
            moment,
            period="quarter",
            period_label=quarter.period_label,
            merged_on=(quarter.start, quarter.end),
            metric_ids=[m for _, m in GROUP_FIGURES],
            config=config,
        )
    now = compare.period_values(org, metrics.ORG_GROUP, quarter.period_label)
    then = compare.period_values(org, metrics.ORG_GROUP, previous.period_label)
    tiles, moves = _figures(now, then, shares, goals, goals_before)
    narrative = tuple(_narrative(tiles, moves, shares, goals, quarter, now))
    notes = method_notes(config)
    trend = [
        compare.period_values(org, metrics.ORG_GROUP, q.period_label)
        for q in quarter.back(TREND_QUARTERS)
    ]
    delivery = charts.board_delivery(
        [q.label for q in quarter.back(TREND_QUARTERS)],
        [row.get("change_failure_rate") for row in trend],
        [row.get("qact_p50_h") for row in trend],
        [row.get("cycle_time_p50_h") for row in trend],
    )
    skill_chart = charts.board_skills(
        [s.name for s in shares.skills],
        [s.level_3_share for s in shares.skills],
        [s.level_2_share for s in shares.skills],
        [s.level_2_share_before for s in shares.skills],
        previous.label,
    )
    blocks: list[Block] = [
        Heading(f"Executive summary {quarter.label}", level=1, aside=organization, name="title"),
        Paragraph(
            f"As of {moment:%d %b %Y}, compared with {previous.label}. Groups only: no "
            f"individual appears; teams under {config.small_group_min_people} people are "
            'merged into "Other".',
            "muted",
            name="subtitle",
        ),
        Tiles(tuple(tiles), quarter.label, previous.label),
        Row(
            (
                (
                    Chart(
                        delivery,
                        "QACT and cycle time medians per quarter over the change failure rate.",
                        720,
                        340,
                        name="chart delivery",
                    ),
                ),
                (
                    Chart(
                        skill_chart,
                        "Share of assessed engineers at level 2+ and 3+ per AI competency, "
                        f"with the level 2+ share of {previous.label} marked.",
                        720,
                        340,
                        name="chart skills",
                    ),
                ),
            )
        ),
        Heading("Summary"),
        Bullets(narrative, name="narrative"),
        SpeakerNotes((*narrative, "", *notes)),
        PageBreak(),
        *_details(quarter, shown, shares, notes),
    ]
    return Document(
        kind="board",
        title=f"Executive summary {quarter.label}",
        blocks=tuple(blocks),
        footer=(f"teamlens · executive summary {quarter.label} · groups only, no individual shown"),
        file_stem=f"executive-summary-{quarter.label}",
        landscape=True,
    )
