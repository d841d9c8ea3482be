"""Reports layer: the board-ready executive summary of one quarter, as plain data.

Organization-level figures with their quarter-over-quarter direction and data coverage,
skill growth, and a short narrative written only from those figures. Groups only: no
person is named anywhere, and any team with fewer than ``MIN_GROUP`` people is merged
into "Other" (itself shown only when it reaches ``MIN_GROUP`` people). Quality stands
next to every speed figure. Built only from public functions of ``metrics`` and
``metrics.competency``.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pandas as pd

import metrics
from framework import Framework
from framework import framework as load_framework
from metrics import competency
from metrics.calendar import Quarter
from reports.format import direction, value_text
from store import DbPath

MIN_GROUP = 5  # METRICS.md "People": smaller groups merge into "Other"
OTHER = "Other"
TREND_QUARTERS = 4
UNASSIGNED = "Unassigned"

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


@dataclass(frozen=True)
class BoardFigure:
    id: str
    title: str
    unit: str
    better: str
    value: float | None
    previous: float | None
    direction: str  # improved | worsened | unchanged | no comparison
    coverage: str
    companion: str = ""  # a figure read with this one (cycle time beside QACT, ...)
    low_data: bool = False

    @property
    def value_text(self) -> str:
        return value_text(self.value, self.unit)

    @property
    def previous_text(self) -> str:
        return value_text(self.previous, self.unit)


@dataclass(frozen=True)
class SkillShare:
    competency: str
    name: str
    people: int  # engineers in scope
    assessed: int  # of them with a level in this competency
    share_2: float | None  # of the assessed, at level 2 or above
    share_3: float | None
    share_2_before: float | None  # the same at the end of the previous quarter
    share_3_before: float | None


@dataclass(frozen=True)
class GroupRow:
    """A team of MIN_GROUP or more people, or "Other" (smaller teams merged)."""

    group: str
    people: int
    merged_prs: int
    qact_p50_h: float | None
    cycle_time_p50_h: float | None
    change_failure_rate: float | None
    defect_rate: float | None
    unreviewed_merge_rate: float | None


GROUP_COLUMNS = ("Group", "People", "QACT median", "Change failure", "Defect rate", "Unreviewed")


def group_cells(groups: tuple[GroupRow, ...]) -> list[list[str]]:
    """The by-group table as text cells, the same in every export (see GROUP_COLUMNS)."""
    return [
        [
            g.group,
            str(g.people),
            value_text(g.qact_p50_h, "hours"),
            value_text(g.change_failure_rate, "share"),
            value_text(g.defect_rate, "defects per PR"),
            value_text(g.unreviewed_merge_rate, "share"),
        ]
        for g in groups
    ]


@dataclass(frozen=True)
class TrendPoint:
    quarter: str
    merged_prs: int
    qact_p50_h: float | None
    cycle_time_p50_h: float | None
    change_failure_rate: float | None
    defect_rate: float | None


@dataclass(frozen=True)
class BoardSummary:
    organization: str
    quarter: Quarter
    previous: Quarter
    as_of: datetime
    figures: tuple[BoardFigure, ...]
    skills: tuple[SkillShare, ...]
    groups: tuple[GroupRow, ...]
    group_note: str
    trend: tuple[TrendPoint, ...]
    narrative: tuple[str, ...]
    method_notes: tuple[str, ...]

    def figure(self, figure_id: str) -> BoardFigure:
        for fig in self.figures:
            if fig.id == figure_id:
                return fig
        raise KeyError(figure_id)


def _num(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def _row(frame: pd.DataFrame, group: str, period: str) -> dict[str, Any]:
    part = frame[(frame["group"] == group) & (frame["period"] == period)]
    return part.iloc[0].to_dict() if len(part) else {}


def _coverage(row: dict[str, Any]) -> str:
    if not row:
        return "no merged changes"
    prs = int(_num(row.get("n_prs")) or 0)
    defects = int(_num(row.get("n_defects")) or 0)
    text = f"{prs} merged changes"
    if defects:
        rate = _num(row.get("defect_attribution_rate"))
        attributed = f", {rate * 100:.0f}% traced to a change" if rate is not None else ""
        text += f"; {defects} defect{'s' if defects != 1 else ''} reported{attributed}"
    if row.get("is_low_data"):
        text += " (too little data)"
    return text


def _metric_figures(now: dict[str, Any], then: dict[str, Any]) -> list[BoardFigure]:
    out = []
    for metric_id, title, companion_id in METRIC_FIGURES:
        definition = metrics.METRICS[metric_id]
        value, before = _num(now.get(metric_id)), _num(then.get(metric_id))
        companion = ""
        if companion_id:
            other = metrics.METRICS[companion_id]
            companion = (
                f"{other.title}: {value_text(_num(now.get(companion_id)), other.unit)} "
                f"(previous {value_text(_num(then.get(companion_id)), other.unit)})"
            )
        out.append(
            BoardFigure(
                id=metric_id,
                title=title,
                unit=definition.unit,
                better=definition.better,
                value=value,
                previous=before,
                direction=direction(value, before, definition.better),
                coverage=_coverage(now),
                companion=companion,
                low_data=bool(now.get("is_low_data")) or not now,
            )
        )
    return out


def _skills(
    db: DbPath, quarter: Quarter, as_of: datetime, fw: Framework
) -> tuple[list[SkillShare], dict[str, float | None]]:
    """Shares at level 2+ / 3+ per AI competency now and at the previous quarter's end,
    and the pooled share (all AI competencies) now and then."""
    then_at = quarter.previous().as_of()
    now_levels = competency.current_levels(db, as_of, (), fw)
    then_levels = competency.current_levels(db, then_at, (), fw)
    people = len(competency.people(db, as_of))
    out = []
    pooled: dict[str, list[int]] = {"now": [0, 0], "then": [0, 0]}

    def shares(levels: pd.DataFrame, cid: str, key: str) -> tuple[int, float | None, float | None]:
        part = levels[levels["competency"] == cid]["level"].astype(int)
        if part.empty:
            return 0, None, None
        pooled[key][0] += int((part >= 2).sum())
        pooled[key][1] += len(part)
        return len(part), float((part >= 2).mean()), float((part >= 3).mean())

    for c in fw.competencies:
        if c.group != "ai":
            continue
        assessed, s2, s3 = shares(now_levels, c.id, "now")
        _, b2, b3 = shares(then_levels, c.id, "then")
        out.append(SkillShare(c.id, c.name, people, assessed, s2, s3, b2, b3))
    total = {k: (v[0] / v[1] if v[1] else None) for k, v in pooled.items()}
    return out, total


def _goals_on_track(db: DbPath, at: datetime, fw: Framework) -> tuple[float | None, int, int]:
    """Share of engineers with a developer level whose growth goal is met or in progress
    (not past its deadline, started), the number on track and the number with a goal."""
    levels = competency.current_levels(db, at, (), fw)
    by_login: dict[str, dict[str, int]] = {}
    for row in levels.itertuples(index=False):
        by_login.setdefault(row.login, {})[row.competency] = int(row.level)
    statuses = Counter()
    for person in competency.people(db, at):
        if not person.level:
            continue
        goal = competency.goal_progress(
            person.level, by_login.get(person.login, {}), person.adoption_on, at, fw
        )
        statuses[goal.status] += 1
    total = sum(statuses.values())
    on_track = statuses["met"] + statuses["in progress"]
    return (on_track / total if total else None), on_track, total


def is_shown(people: int, authors: int) -> bool:
    """Whether a group may appear on its own: at least MIN_GROUP members, and its delivery
    figures rest on at least MIN_GROUP authors (or on none: then there are no figures).

    The second half keeps a padded group honest: five members of whom four shipped
    anything would show those four people's figures.
    """
    return people >= MIN_GROUP and (authors == 0 or authors >= MIN_GROUP)


def _groups(db: DbPath, quarter: Quarter, as_of: datetime) -> tuple[list[GroupRow], str]:
    """One row per team that may be shown, then "Other" (the rest merged, when it may be
    shown itself); alphabetical, never ranked."""
    sizes = Counter(p.team or UNASSIGNED for p in competency.people(db, as_of))
    facts = metrics.pr_facts(db, as_of)
    merged_at = pd.to_datetime(facts["merged_at"]).dt.date
    facts = facts[(merged_at >= quarter.start) & (merged_at <= quarter.end)]
    authors = {
        team: {login.lower() for login in part["author_login"]}
        for team, part in facts.groupby("team")
    }
    by_team = metrics.compute(
        db, as_of=as_of, period="quarter", by="team", metric_ids=list(ORG_METRICS)
    )
    teams = sorted(set(sizes) | set(authors))
    big = [
        t for t in teams if t != UNASSIGNED and is_shown(sizes.get(t, 0), len(authors.get(t, ())))
    ]
    small = [t for t in teams if t not in big]
    rows = [_group_row(t, sizes[t], _row(by_team, t, quarter.period_label)) for t in big]
    other_people = sum(sizes.get(t, 0) for t in small)
    other_authors = len(set().union(*(authors.get(t, set()) for t in small))) if small else 0
    if small and is_shown(other_people, other_authors):
        merged = metrics.compute(
            db,
            as_of=as_of,
            period="quarter",
            by="org",
            metric_ids=list(ORG_METRICS),
            teams=small,
        )
        rows.append(
            _group_row(OTHER, other_people, _row(merged, metrics.ORG_GROUP, quarter.period_label))
        )
        note = (
            f"Teams with fewer than {MIN_GROUP} people (or whose figures rest on fewer than "
            f'{MIN_GROUP} authors) are merged into "{OTHER}" ({len(small)} groups, '
            f"{other_people} people)."
        )
    elif small:
        note = (
            f"Teams with fewer than {MIN_GROUP} people (or whose figures rest on fewer than "
            f"{MIN_GROUP} authors) are too small to show even merged ({other_people} people, "
            f"{other_authors} authors this quarter); they count in the organization figures only."
        )
    else:
        note = f"Every team has at least {MIN_GROUP} people."
    return rows, note


def _group_row(name: str, people: int, row: dict[str, Any]) -> GroupRow:
    return GroupRow(
        group=name,
        people=people,
        merged_prs=int(_num(row.get("merged_prs")) or 0),
        qact_p50_h=_num(row.get("qact_p50_h")),
        cycle_time_p50_h=_num(row.get("cycle_time_p50_h")),
        change_failure_rate=_num(row.get("change_failure_rate")),
        defect_rate=_num(row.get("defect_rate")),
        unreviewed_merge_rate=_num(row.get("unreviewed_merge_rate")),
    )


def _pct(value: float | None) -> str:
    return value_text(value, "share")


def _narrative(
    figures: list[BoardFigure],
    skills: list[SkillShare],
    pooled: dict[str, float | None],
    goals: tuple[float | None, int, int],
    quarter: Quarter,
    now: dict[str, Any],
) -> list[str]:
    """Sentences that restate the figures; no cause, no forecast, no claim beyond them."""
    by_id = {f.id: f for f in figures}
    prev = quarter.previous().label
    out = []
    if not now:
        return [f"No change was merged in {quarter.label}: there are no delivery figures."]

    def moved(fig: BoardFigure) -> str:
        if fig.direction in ("improved", "worsened"):
            return f"{fig.direction} from {fig.previous_text} in {prev}"
        if fig.direction == "unchanged":
            return f"unchanged from {fig.previous_text} in {prev}"
        return f"no {prev} figure to compare"

    qact, cfr, dr = by_id["qact_p50_h"], by_id["change_failure_rate"], by_id["defect_rate"]
    tax, review = by_id["quality_tax"], by_id["unreviewed_merge_rate"]
    prs = int(_num(now.get("merged_prs")) or 0)
    out.append(
        f"{prs} changes were merged in {quarter.label}. A typical change took {qact.value_text} "
        f"to deliver correctly, including rework (QACT median; {moved(qact)})."
    )
    out.append(
        f"Change failure rate was {cfr.value_text} ({moved(cfr)}); defect rate "
        f"{dr.value_text} ({moved(dr)}); rework added {tax.value_text} to delivery time."
    )
    out.append(f"{review.value_text} of changes were merged without review ({moved(review)}).")
    if pooled.get("now") is not None:
        ups = sum(
            1
            for s in skills
            if s.share_2 is not None
            and s.share_2_before is not None
            and s.share_2 > s.share_2_before
        )
        comparable = sum(
            1 for s in skills if s.share_2 is not None and s.share_2_before is not None
        )
        text = f"{_pct(pooled['now'])} of AI-competency assessments stand at level 2 or above"
        if comparable:
            text += f"; the share rose in {ups} of {comparable} competencies since {prev}"
        out.append(text + ".")
    share, on_track, total = goals
    if total:
        out.append(
            f"{on_track} of {total} engineers with a growth goal are on track ({_pct(share)})."
        )
    if qact.low_data:
        out.append("The delivery figures rest on few changes this quarter; read them with care.")
    rate = _num(now.get("defect_attribution_rate"))
    if rate is not None and rate < 1:
        out.append(
            f"{_pct(rate)} of the quarter's defects were traced to the change that caused them; "
            "untraced defects are not in the defect rate."
        )
    return out


METHOD_NOTES: tuple[str, ...] = (
    "QACT (quality-adjusted cycle time) is the time from first commit to merge plus the time "
    "spent fixing or reverting that change: speed the team paid for later is not rewarded.",
    "Quality tax: extra delivery time spent on rework (0% = none).",
    "Direction compares with the previous quarter; changes under 2% read as unchanged.",
    "Groups only: no individual appears in this summary, and teams under 5 people are merged.",
    "Not measured, by design: lines of code, AI usage frequency, AI suggestions accepted, "
    "speed of AI-assisted tasks, AI users versus non-users.",
)


def build_board(
    db: DbPath,
    quarter: Quarter,
    *,
    as_of: datetime | None = None,
    organization: str = "Engineering organization",
    fw: Framework | None = None,
) -> BoardSummary:
    """The executive summary of ``quarter`` (as of its end, or ``as_of`` if earlier)."""
    fw = fw or load_framework()
    moment = quarter.as_of(as_of)
    previous = quarter.previous()
    org = metrics.compute(
        db, as_of=moment, period="quarter", by="org", metric_ids=list(ORG_METRICS)
    )
    now = _row(org, metrics.ORG_GROUP, quarter.period_label)
    then = _row(org, metrics.ORG_GROUP, previous.period_label)
    figures = _metric_figures(now, then)
    skills, pooled = _skills(db, quarter, moment, fw)
    assessed = max((s.assessed for s in skills), default=0)
    people = skills[0].people if skills else 0
    figures.append(
        BoardFigure(
            id="ai_level_2_share",
            title="AI competencies at level 2+ (share of assessments)",
            unit="share",
            better="higher",
            value=pooled.get("now"),
            previous=pooled.get("then"),
            direction=direction(pooled.get("now"), pooled.get("then"), "higher"),
            coverage=f"up to {assessed} of {people} engineers assessed",
        )
    )
    goals = _goals_on_track(db, moment, fw)
    goals_before = _goals_on_track(db, previous.as_of(), fw)
    figures.append(
        BoardFigure(
            id="growth_goals_on_track",
            title="Growth goals on track (met or within deadline)",
            unit="share",
            better="higher",
            value=goals[0],
            previous=goals_before[0],
            direction=direction(goals[0], goals_before[0], "higher"),
            coverage=f"{goals[2]} engineers with a growth goal",
        )
    )
    groups, note = _groups(db, quarter, moment)
    trend = tuple(
        TrendPoint(
            quarter=q.label,
            merged_prs=int(_num(row.get("merged_prs")) or 0),
            qact_p50_h=_num(row.get("qact_p50_h")),
            cycle_time_p50_h=_num(row.get("cycle_time_p50_h")),
            change_failure_rate=_num(row.get("change_failure_rate")),
            defect_rate=_num(row.get("defect_rate")),
        )
        for q in quarter.back(TREND_QUARTERS)
        for row in [_row(org, metrics.ORG_GROUP, q.period_label)]
    )
    return BoardSummary(
        organization=organization,
        quarter=quarter,
        previous=previous,
        as_of=moment,
        figures=tuple(figures),
        skills=tuple(skills),
        groups=tuple(groups),
        group_note=note,
        trend=trend,
        narrative=tuple(_narrative(figures, skills, pooled, goals, quarter, now)),
        method_notes=METHOD_NOTES,
    )
