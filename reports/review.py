"""Reports layer: the quarterly review packet of one person, as plain data (no rendering).

Built only from public functions of ``metrics`` (aggregates by person, per-PR and
per-defect facts, red flags, the refused registry), ``metrics.competency`` (levels, goals,
check-ins, recognitions) and ``framework``. A person is shown against their own history
and beside their team's median, never ranked against anyone. The renderers
(:mod:`reports.markdown`, :mod:`reports.pdf`) and the page draw this one structure.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import pandas as pd

import metrics
from framework import Framework
from framework import framework as load_framework
from metrics import competency
from metrics.calendar import Quarter
from settings import InputError
from store import DbPath

# Which metrics inform which evaluation dimension in the packet. Speed never stands
# alone: Productivity shows cycle time beside QACT (the same change, delivered correctly).
DIMENSION_METRICS: dict[str, tuple[str, ...]] = {
    "code_quality": ("qact_p50_h", "quality_tax", "defect_rate", "change_failure_rate"),
    "productivity": ("cycle_time_p50_h", "qact_p50_h"),
    "responsibility": (
        "unreviewed_merge_rate",
        "dismissed_review_merges",
        "failing_check_merges",
        "security_bypass_merges",
    ),
}
# Dimensions read from people's judgement (assessments, recognitions), not from metrics.
JUDGED_DIMENSIONS = ("judgment", "collaboration", "growth")
# Assessments of these competencies are the evidence of a dimension; the rest go to Growth.
DIMENSION_COMPETENCIES: dict[str, tuple[str, ...]] = {
    "judgment": (
        "workflow_integration",
        "ai_output_evaluation",
        "tool_adaptability",
        "prompt_effectiveness",
    ),
    "collaboration": ("knowledge_sharing",),
}
# Recognised behaviours as evidence of a dimension; unknown behaviours go to Growth.
DIMENSION_BEHAVIOURS: dict[str, tuple[str, ...]] = {
    "judgment": ("honest_limitation_discovery",),
    "collaboration": ("knowledge_multiplication", "effective_mentoring"),
    "growth": ("process_improvement",),
    "responsibility": ("quality_catch",),
}
HISTORY_QUARTERS = 4  # the person's own history: this quarter and the three before
MAX_EVIDENCE = 8  # PR links listed per kind of evidence (the rest are counted)
ALL_METRIC_IDS: tuple[str, ...] = tuple(
    dict.fromkeys(m for ids in DIMENSION_METRICS.values() for m in ids)
)


class UnknownPersonError(InputError):
    """A login that is not in the store (or is a bot)."""


# --- the packet -----------------------------------------------------------------------


@dataclass(frozen=True)
class CompetencyLine:
    id: str
    name: str
    group: str  # core | ai
    level_now: int | None
    level_last_quarter: int | None
    goal: str | None  # "3" or "3-4" when the growth goal covers this competency
    indicator: str  # what the current level looks like ('' when unassessed)
    in_review: bool = True  # False: AI competencies before the first cycle after adoption

    @property
    def change(self) -> int | None:
        if self.level_now is None or self.level_last_quarter is None:
            return None
        return self.level_now - self.level_last_quarter


@dataclass(frozen=True)
class MetricLine:
    """One metric of the person for the quarter, beside the team median and their past."""

    id: str
    title: str
    unit: str
    better: str
    meaning: str
    value: float | None  # the person's, this quarter
    team_median: float | None  # median over the team's members with data, this quarter
    team_people: int  # members the median rests on
    history: tuple[tuple[str, float | None], ...]  # (quarter label, person's value), oldest first


@dataclass(frozen=True)
class Link:
    label: str
    url: str | None


@dataclass(frozen=True)
class FlagLine:
    """A red flag of the framework, as the metrics layer raised it, with its evidence."""

    dimension: str
    title: str
    detail: str
    links: tuple[Link, ...] = ()


@dataclass(frozen=True)
class Evidence:
    """A kind of fact behind a dimension (e.g. PRs merged without review), with links."""

    title: str
    links: tuple[Link, ...]
    more: int = 0  # further items not listed


@dataclass(frozen=True)
class AssessmentLine:
    assessed_on: date
    competency: str
    level: int
    assessor_role: str
    assessor: str
    evidence: str


@dataclass(frozen=True)
class RecognitionLine:
    recognized_on: date
    behaviour: str
    format: str
    note: str
    pr_url: str | None


@dataclass(frozen=True)
class DimensionSection:
    id: str
    name: str
    good: str
    red_flag_signs: tuple[str, ...]  # the framework's red flags of this dimension
    source: str  # where the evidence comes from, in words
    metrics: tuple[MetricLine, ...] = ()
    flags: tuple[FlagLine, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    assessments: tuple[AssessmentLine, ...] = ()
    recognitions: tuple[RecognitionLine, ...] = ()
    weighted: bool = False  # weighted higher this cycle (learning over output)


@dataclass(frozen=True)
class CheckInLine:
    due_on: date
    cadence: str
    status: str
    held_on: date | None


@dataclass(frozen=True)
class ReviewCycle:
    phase: str  # the phase at the as-of date (transition, learning-weighted, ...)
    cadence: str  # monthly | quarterly (the steady cadence in words)
    adoption_on: date | None
    transition_end: date | None
    learning_end: date | None
    monthly_end: date | None
    ai_competencies_included: bool
    notes: tuple[str, ...]
    checkins: tuple[CheckInLine, ...]
    learning_weighted: bool = False  # the learning-weighted window covers most of the quarter


@dataclass(frozen=True)
class Conversation:
    level: str
    name: str
    experience: str
    career_focus: str
    prompts: tuple[str, ...]
    goal_actions: tuple[str, ...]


@dataclass(frozen=True)
class NotEvaluated:
    id: str
    title: str
    reason: str


@dataclass(frozen=True)
class GoalLine:
    summary: str
    status: str  # met | in progress | past deadline | not started | none
    deadline: date | None
    reached: int
    total: int


@dataclass(frozen=True)
class ReviewPacket:
    login: str
    name: str
    team: str | None
    developer_level: str | None
    quarter: Quarter
    as_of: datetime
    merged_prs: int  # how much data the person's figures rest on this quarter
    competencies: tuple[CompetencyLine, ...]
    goal: GoalLine
    dimensions: tuple[DimensionSection, ...]
    cycle: ReviewCycle
    conversation: Conversation | None
    not_evaluated: tuple[NotEvaluated, ...]
    notes_on_data: tuple[str, ...] = field(default=())

    @property
    def title(self) -> str:
        return f"Quarterly review {self.quarter.label}: {self.name}"

    def dimension(self, dimension_id: str) -> DimensionSection:
        for section in self.dimensions:
            if section.id == dimension_id:
                return section
        raise KeyError(dimension_id)


# Always listed, after the refused metrics: what the packet deliberately does not do.
STANDING_NOT_EVALUATED: tuple[NotEvaluated, ...] = (
    NotEvaluated(
        "ranking",
        "Rank among colleagues",
        "A person is read against their own history and beside the team median, never "
        "ordered against colleagues: a ranking turns a conversation into a contest.",
    ),
    NotEvaluated(
        "pr_size",
        "Size of changes (changed lines)",
        "Used only as context for how deep a review was, never as output or productivity.",
    ),
    NotEvaluated(
        "ai_split_people",
        "Quality of a person's AI-assisted code on its own",
        "The AI-assisted split is a team-level check of code quality, shown only with enough "
        "data; it is never a figure about a person and never counts AI use.",
    ),
)


def not_evaluated() -> tuple[NotEvaluated, ...]:
    """The standing section: every refused metric with its reason, then the standing items."""
    refused = tuple(NotEvaluated(r.id, r.title, r.reason) for r in metrics.REFUSED)
    return refused + STANDING_NOT_EVALUATED


# --- building it ----------------------------------------------------------------------


def _num(value: Any) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def _day(value: Any) -> date:
    return pd.Timestamp(value).date()


def _text(value: Any) -> str:
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)


def _in_quarter(values: pd.Series, quarter: Quarter) -> pd.Series:
    days = pd.to_datetime(values).dt.date
    return (days >= quarter.start) & (days <= quarter.end)


def _metric_lines(
    db: DbPath, login: str, quarter: Quarter, as_of: datetime, has_team: bool = True
) -> tuple[dict[str, MetricLine], int]:
    """The person's figures per metric (this quarter, team median, own history), and their
    merged PR count this quarter. Without a team there is no team median."""
    wanted = [*ALL_METRIC_IDS, "merged_prs"]
    trends = competency.person_trends(db, login, as_of=as_of, period="quarter", metric_ids=wanted)
    labels = [q.period_label for q in quarter.back(HISTORY_QUARTERS)]
    shown = {q.period_label: q.label for q in quarter.back(HISTORY_QUARTERS)}
    lines: dict[str, MetricLine] = {}
    merged = 0
    for metric_id in wanted:
        part = trends[trends["metric"] == metric_id]
        by_period = {row.period: row for row in part.itertuples(index=False)}
        now = by_period.get(quarter.period_label)
        if metric_id == "merged_prs":
            merged = int(_num(now.value) or 0) if now is not None else 0
            continue
        definition = metrics.METRICS[metric_id]
        history = tuple(
            (shown[label], _num(by_period[label].value) if label in by_period else None)
            for label in labels
        )
        lines[metric_id] = MetricLine(
            id=metric_id,
            title=definition.title,
            unit=definition.unit,
            better=definition.better,
            meaning=definition.meaning,
            value=_num(now.value) if now is not None else None,
            team_median=_num(now.team_median) if now is not None and has_team else None,
            team_people=int(now.team_people) if now is not None and has_team else 0,
            history=history,
        )
    return lines, merged


def _pr_link(row: Any) -> Link:
    title = _text(row.title) or "(untitled)"
    return Link(f"{row.pr_id} {title}", _text(row.url) or None)


def _defect_link(row: Any) -> Link:
    return Link(f"{row.key} {_text(row.title) or '(untitled)'}", _text(row.url) or None)


def _evidence(title: str, rows: pd.DataFrame, make: Any = _pr_link) -> Evidence | None:
    if rows.empty:
        return None
    links = tuple(make(row) for row in rows.head(MAX_EVIDENCE).itertuples(index=False))
    return Evidence(title, links, max(0, len(rows) - MAX_EVIDENCE))


@dataclass(frozen=True)
class _Facts:
    prs: pd.DataFrame  # the person's PRs merged in the quarter
    defects: pd.DataFrame  # defects reported in the quarter that name one of their PRs


def _facts(db: DbPath, login: str, quarter: Quarter, as_of: datetime) -> _Facts:
    prs = metrics.pr_facts(db, as_of)
    mine = prs[prs["author_login"].str.lower() == login.lower()]
    defects = metrics.defect_facts(db, as_of)
    theirs = defects[defects["author_login"].fillna("").str.lower() == login.lower()]
    return _Facts(
        mine[_in_quarter(mine["merged_at"], quarter)],
        theirs[_in_quarter(theirs["reported_at"], quarter)],
    )


def _pr_evidence(facts: _Facts) -> dict[str, tuple[Evidence, ...]]:
    """The person's PRs behind the Code Quality and Responsibility figures, as links."""
    mine = facts.prs

    def where(column: str) -> pd.DataFrame:
        return mine[mine[column].astype(bool)]

    quality = [
        _evidence(
            "Changes that later failed (a defect attributed, or reverted)", where("is_failed")
        ),
        _evidence(
            "Defects reported this quarter that name their change", facts.defects, _defect_link
        ),
    ]
    responsibility = [
        _evidence(
            "Merged without a review by someone else", mine[~mine["is_reviewed"].astype(bool)]
        ),
        _evidence(
            "Merged after a request for changes was dismissed",
            where("has_dismissed_change_request"),
        ),
        _evidence("Merged over failing checks", where("is_failing_check")),
        _evidence("Merged over failing security checks", where("is_security_bypass")),
    ]
    return {
        "code_quality": tuple(e for e in quality if e),
        "responsibility": tuple(e for e in responsibility if e),
    }


def _dimension_key(value: Any, fw: Framework) -> str:
    text = str(value or "").strip().lower().replace(" ", "_")
    for dimension in fw.dimensions:
        if text in (dimension.id, dimension.name.lower().replace(" ", "_")):
            return dimension.id
    return text


def _red_flags(
    db: DbPath,
    team: str | None,
    facts: _Facts,
    quarter: Quarter,
    as_of: datetime,
    fw: Framework,
) -> tuple[list[FlagLine], list[str]]:
    """The team's red flags of the quarter whose evidence includes the person's own PRs or
    defects (linked), and notes: expected transition dips, and how many team flags did
    not involve the person's changes. Flags are raised per team, never per person."""
    if not team:
        return [], []
    raw = metrics.red_flags(db, as_of, "quarter", [team], since=quarter.start)
    own = set(facts.prs["pr_id"]) | set(facts.defects["defect_id"])
    flags, notes, elsewhere = [], [], 0
    for flag in raw:
        if flag.period != quarter.period_label:
            continue
        if flag.is_transition_dip:
            notes.append(f"Expected transition dip, not a red flag: {flag.sentence}")
            continue
        links = tuple(
            Link(f"{e.id} {e.title}".strip(), e.url) for e in flag.evidence if e.id in own
        )
        if not links:
            elsewhere += 1
            continue
        flags.append(
            FlagLine(
                dimension=_dimension_key(flag.dimension, fw),
                title=flag.title,
                detail=f"Team flag for {team}: {flag.sentence} Their changes among the evidence:",
                links=links,
            )
        )
    if elsewhere:
        notes.append(
            f"{elsewhere} red flag(s) of team {team} this quarter do not involve their changes."
        )
    return flags, notes


def _competency_lines(
    db: DbPath,
    who: competency.Person,
    as_of: datetime,
    goal: competency.GoalProgress | None,
    fw: Framework,
    ai_in_review: bool,
) -> tuple[CompetencyLine, ...]:
    changes = competency.level_changes(db, as_of, (who.team,) if who.team else (), fw)
    mine = changes[changes["login"] == who.login]
    by_id = {row.competency: row for row in mine.itertuples(index=False)}
    scope = set(goal.competencies) if goal else set()
    target = None
    if goal:
        low, high = goal.target_min, goal.target_max
        target = str(low) if low == high else f"{low}-{high}"
    out = []
    for c in fw.competencies:
        row = by_id.get(c.id)
        now = None if row is None else _num(row.level_now)
        then = None if row is None else _num(row.level_then)
        out.append(
            CompetencyLine(
                id=c.id,
                name=c.name,
                group=c.group,
                level_now=int(now) if now is not None else None,
                level_last_quarter=int(then) if then is not None else None,
                goal=target if c.id in scope else None,
                indicator=c.indicator(int(now)) if now is not None else "",
                in_review=ai_in_review or c.group != "ai",
            )
        )
    return tuple(out)


def _goal_line(goal: competency.GoalProgress | None, fw: Framework) -> GoalLine:
    if goal is None:
        return GoalLine(
            "No growth goal: the person has no developer level on record.", "none", None, 0, 0
        )
    target = (
        str(goal.target_min)
        if goal.target_min == goal.target_max
        else f"{goal.target_min}-{goal.target_max}"
    )
    level = fw.developer_level(goal.developer_level).name
    scope = "AI-augmented" if all(fw.competency(c).group == "ai" for c in goal.competencies) else ""
    when = f" by {goal.deadline:%d %b %Y}" if goal.deadline else ""
    summary = (
        f"{level} goal: level {target} in the {len(goal.competencies)} {scope} competencies"
        f"{when}; {len(goal.reached)} of {len(goal.competencies)} at level {goal.target_min} "
        f"or above ({goal.status})."
    ).replace("  ", " ")
    return GoalLine(summary, goal.status, goal.deadline, len(goal.reached), len(goal.competencies))


def _cycle(
    db: DbPath, who: competency.Person, quarter: Quarter, as_of: datetime, fw: Framework
) -> ReviewCycle:
    rules = fw.review
    windows = competency.phases(who.adoption_on, rules)
    day = as_of.date()
    phase = windows.phase_on(day)
    monthly = phase in ("transition", "learning-weighted", "monthly check-ins")
    cadence = "monthly" if monthly else competency.steady_label(rules)
    notes = []

    def overlaps(begin: date | None, end: date | None) -> bool:
        """Whether the window [begin, end) shares a day with the quarter."""
        return (
            begin is not None and end is not None and begin <= quarter.end and end > quarter.start
        )

    if overlaps(windows.adoption_on, windows.transition_end):
        notes.append(
            f"Transition: the expected productivity dip of the first {rules.dip_weeks_min}-"
            f"{rules.dip_weeks_max} weeks after adoption ({windows.adoption_on:%d %b %Y} to "
            f"{windows.transition_end:%d %b %Y}) falls in this quarter. It is not held against "
            "the person."
        )
    learning_days = 0
    if windows.adoption_on is not None and windows.learning_end is not None:
        first = max(windows.adoption_on, quarter.start)
        last = min(windows.learning_end, quarter.end + timedelta(days=1))
        learning_days = max(0, (last - first).days)
    quarter_days = (quarter.end - quarter.start).days + 1
    weighted = learning_days * 2 >= quarter_days  # most of the quarter
    if learning_days:
        notes.append(
            f"Learning-weighted: until {windows.learning_end:%d %b %Y}, growth and learning "
            "weigh more than output"
            + (
                " (Growth and Judgment come first in this packet)."
                if weighted
                else f"; that is {learning_days} of this quarter's {quarter_days} days."
            )
        )
    if overlaps(windows.adoption_on, windows.monthly_end):
        notes.append(
            f"Monthly check-ins until {windows.monthly_end:%d %b %Y}, then "
            f"{competency.steady_label(rules)}."
        )
    if windows.adoption_on is None:
        notes.append("The team has not adopted AI tools: the steady review cadence applies.")
    ai_in = competency.ai_competencies_reviewed(who.adoption_on, quarter.end, rules)
    if not ai_in:
        notes.append(
            "The AI-augmented competencies join the review from the first cycle after "
            "adoption; they are shown for reference only."
        )
    checkins = tuple(
        CheckInLine(c.due_on, c.cadence, c.status, c.held_on)
        for c in competency.checkins(db, who.login, as_of, fw)
        if quarter.start <= c.due_on <= quarter.end
    )
    return ReviewCycle(
        phase=phase,
        cadence=cadence,
        adoption_on=windows.adoption_on,
        transition_end=windows.transition_end,
        learning_end=windows.learning_end,
        monthly_end=windows.monthly_end,
        ai_competencies_included=ai_in,
        notes=tuple(notes),
        checkins=checkins,
        learning_weighted=weighted,
    )


def _judged_evidence(
    db: DbPath, login: str, quarter: Quarter, as_of: datetime, fw: Framework
) -> tuple[dict[str, list[AssessmentLine]], dict[str, list[RecognitionLine]]]:
    names = {c.id: c.name for c in fw.competencies}
    history = competency.assessments(db, as_of, [login])
    history = history[_in_quarter(history["assessed_on"], quarter)]
    by_dim: dict[str, list[AssessmentLine]] = {d: [] for d in JUDGED_DIMENSIONS}
    for row in history.itertuples(index=False):
        dim = next(
            (d for d, ids in DIMENSION_COMPETENCIES.items() if row.competency in ids), "growth"
        )
        by_dim[dim].append(
            AssessmentLine(
                assessed_on=_day(row.assessed_on),
                competency=names.get(row.competency, row.competency),
                level=int(row.level),
                assessor_role=_text(row.assessor_role),
                assessor=_text(row.assessor),
                evidence=_text(row.evidence),
            )
        )
    found = competency.recognitions(db, as_of, [login], fw)
    found = found[_in_quarter(found["recognized_on"], quarter)]
    recs: dict[str, list[RecognitionLine]] = {}
    for row in found.itertuples(index=False):
        dim = next((d for d, ids in DIMENSION_BEHAVIOURS.items() if row.behaviour in ids), "growth")
        recs.setdefault(dim, []).append(
            RecognitionLine(
                recognized_on=_day(row.recognized_on),
                behaviour=_text(row.behaviour_name),
                format=_text(row.format_name),
                note=_text(row.note),
                pr_url=_text(row.pr_url) or None,
            )
        )
    return by_dim, recs


_SOURCES = {
    "code_quality": "Metrics of the person's merged PRs this quarter, beside the team median.",
    "productivity": "Cycle time beside quality-adjusted cycle time: speed never stands alone.",
    "responsibility": "How the person's changes were reviewed and checked before merging.",
    "judgment": "Assessments and recognitions: metrics cannot read judgment.",
    "collaboration": "Assessments and recognitions: metrics cannot read collaboration.",
    "growth": "Competency levels against last quarter and the growth goal; assessments and "
    "recognitions.",
}


def build_packet(
    db: DbPath,
    login: str,
    quarter: Quarter,
    *,
    as_of: datetime | None = None,
    fw: Framework | None = None,
) -> ReviewPacket:
    """The review packet of ``login`` for ``quarter``.

    Args:
        as_of: cap the quarter's end (a running quarter is shown as of this instant).

    Raises:
        UnknownPersonError: no such person (bots are not people here).
    """
    fw = fw or load_framework()
    moment = quarter.as_of(as_of)
    who = competency.person(db, login, moment)
    if who is None:
        raise UnknownPersonError(f"person {login!r}: no such login in the store")
    goal = competency.growth_goal(db, who.login, moment, fw)
    cycle = _cycle(db, who, quarter, moment, fw)
    lines, merged = _metric_lines(db, who.login, quarter, moment, who.team is not None)
    facts = _facts(db, who.login, quarter, moment)
    evidence = _pr_evidence(facts)
    flags, flag_notes = _red_flags(db, who.team, facts, quarter, moment, fw)
    assessed, recognised = _judged_evidence(db, who.login, quarter, moment, fw)
    learning = cycle.learning_weighted
    sections = []
    for dimension in fw.dimensions:
        sections.append(
            DimensionSection(
                id=dimension.id,
                name=dimension.name,
                good=dimension.good,
                red_flag_signs=dimension.red_flags,
                source=_SOURCES.get(dimension.id, "Assessments and recognitions."),
                metrics=tuple(lines[m] for m in DIMENSION_METRICS.get(dimension.id, ())),
                flags=tuple(f for f in flags if f.dimension == dimension.id),
                evidence=evidence.get(dimension.id, ()),
                assessments=tuple(assessed.get(dimension.id, ())),
                recognitions=tuple(recognised.get(dimension.id, ())),
                weighted=learning and dimension.id in ("growth", "judgment"),
            )
        )
    if learning:  # growth and learning first while they weigh more than output
        sections.sort(key=lambda s: not s.weighted)
    orphan = [f for f in flags if f.dimension not in {d.id for d in fw.dimensions}]
    notes = list(flag_notes)
    if orphan:
        notes.extend(f"Red flag: {f.title} {f.detail}".strip() for f in orphan)
    if merged < 5:
        notes.append(
            f"{merged} merged PR(s) this quarter: the person's metrics rest on little data; "
            "read them as context, not as a verdict."
        )
    conversation = None
    if who.level:
        level = fw.developer_level(who.level)
        conversation = Conversation(
            level=level.id,
            name=level.name,
            experience=level.experience,
            career_focus=level.career_focus,
            prompts=level.conversation,
            goal_actions=level.growth_goal.actions,
        )
    return ReviewPacket(
        login=who.login,
        name=who.name or who.login,
        team=who.team,
        developer_level=who.level,
        quarter=quarter,
        as_of=moment,
        merged_prs=merged,
        competencies=_competency_lines(db, who, moment, goal, fw, cycle.ai_competencies_included),
        goal=_goal_line(goal, fw),
        dimensions=tuple(sections),
        cycle=cycle,
        conversation=conversation,
        not_evaluated=not_evaluated(),
        notes_on_data=tuple(notes),
    )


def people_choices(
    db: DbPath, as_of: datetime | None = None, teams: Iterable[str] = ()
) -> list[tuple[str, str]]:
    """(login, "Name (login)") of everyone (or the members of ``teams``), alphabetical by
    login — for a person picker; never ordered by anything else."""
    return [
        (p.login, f"{p.name or p.login} ({p.login})")
        for p in competency.people(db, as_of, tuple(teams))
    ]


def iter_metric_lines(packet: ReviewPacket) -> Iterable[MetricLine]:
    """Every metric line of the packet once (QACT appears under two dimensions)."""
    seen: set[str] = set()
    for section in packet.dimensions:
        for line in section.metrics:
            if line.id not in seen:
                seen.add(line.id)
                yield line
