"""Metrics layer: one person's quarter, as a review packet reads it. Read-only.

Everything the packet shows about a person, computed here so the packet only phrases it:
their figures beside their team's median and their own earlier quarters, the PRs and
defects behind the Code Quality and Responsibility evidence (filtered in SQL), the team's
red flags that involve their changes, their competency levels now and a quarter ago,
their growth goal, the quarter's review windows after adoption, and the assessments and
recognitions of the quarter. A person is read against their own history and beside the
team median, never ranked.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import pandas as pd

from framework import Framework
from framework import framework as load_framework
from metrics import competency
from metrics.compare import number
from metrics.facts import defect_facts, parse_as_of, pr_facts
from metrics.flags import red_flags
from settings import Settings, settings
from store import DbPath

# The kinds of evidence, in the order the packet lists them: (kind, the per-PR flag column;
# "defects" lists the person's defects of the quarter instead, "unreviewed" the PRs not
# reviewed).
EVIDENCE_KINDS: tuple[tuple[str, str], ...] = (
    ("failed", "is_failed"),
    ("defects", ""),
    ("unreviewed", "is_reviewed"),
    ("dismissed_change_request", "has_dismissed_change_request"),
    ("failing_check", "is_failing_check"),
    ("security_bypass", "is_security_bypass"),
)


@dataclass(frozen=True)
class MetricHistory:
    """One registered metric of the person: this quarter, the team median, earlier ones."""

    id: str
    value: float | None  # the person's, this period
    team_median: float | None  # over the team's members with data (the person included)
    team_people: int  # members the median rests on (0: no team)
    history: tuple[tuple[str, float | None], ...]  # (period label, person's value), oldest first


@dataclass(frozen=True)
class EvidenceItem:
    """A PR or defect (title is untrusted text)."""

    id: str
    title: str
    url: str | None


@dataclass(frozen=True)
class EvidenceList:
    kind: str
    items: tuple[EvidenceItem, ...]  # the first ``limit`` of them
    evidence_more: int  # how many more there are beyond those listed


# A red flag of metrics.flags involves a person's changes when one of their PRs of the
# quarter meets the rule's own criterion: (per-PR fact column, the value that meets it).
# Their whole quarter is read, never the flag's evidence list (which stops at its first
# few PRs), so "does not involve their changes" is never said of a flag that does.
FLAG_CRITERIA: dict[str, tuple[str, bool]] = {
    "rubber_stamping": ("is_rubber_stamp", True),
    "volume_over_quality": ("is_failed", True),
    "unreviewed_merges": ("is_reviewed", False),
    "dismissed_review_merges": ("has_dismissed_change_request", True),
    "security_bypass_merges": ("is_security_bypass", True),
}
# Flags about the team's AI-assisted code: a team-level check of code quality. They are
# never tied to a person's own PRs, which would show which of their changes were
# AI-assisted (a per-person AI figure, which the framework forbids).
TEAM_ONLY_FLAGS: tuple[str, ...] = ("ai_defect_rate_above_team",)


@dataclass(frozen=True)
class PersonFlag:
    """A red flag of the person's team: one that involves their own PRs (with those PRs),
    or a team-only flag (never tied to anyone's PRs)."""

    kind: str  # the rule (metrics.flags: RedFlag.kind)
    dimension: str  # as the flag names it ("Responsibility", …)
    title: str
    sentence: str
    links: tuple[EvidenceItem, ...]  # the person's own PRs that meet the rule (first few)
    links_more: int = 0  # how many more of their PRs meet it
    is_team_only: bool = False


@dataclass(frozen=True)
class LevelChange:
    level_now: int | None
    level_last_quarter: int | None  # a quarter before the as-of date


@dataclass(frozen=True)
class ReviewWindows:
    """The review rules' windows after the person's adoption start, against the quarter."""

    phases: competency.Phases
    phase: str  # on the as-of date (see competency.Phases.phase_on)
    transition_in_quarter: bool  # the expected dip shares a day with the quarter
    monthly_in_quarter: bool  # the monthly check-ins share a day with the quarter
    learning_weighted_days: int  # days of the quarter inside the learning-weighted window
    quarter_days: int
    is_learning_weighted: bool  # that window covers at least half of the quarter
    ai_competencies_reviewed: bool  # at the quarter's end
    checkins: tuple[competency.CheckIn, ...]  # those due in the quarter


@dataclass(frozen=True)
class Assessment:
    assessed_on: date
    competency: str  # id
    level: int
    assessor_role: str
    assessor: str
    evidence: str


@dataclass(frozen=True)
class Recognition:
    recognized_on: date
    behaviour: str  # id
    behaviour_name: str
    format_name: str
    note: str
    pr_url: str | None


@dataclass(frozen=True)
class PersonQuarter:
    person: competency.Person
    merged_prs: int
    is_low_data: bool  # fewer than settings.min_prs merged PRs this quarter
    metrics: Mapping[str, MetricHistory]
    evidence: Mapping[str, EvidenceList]  # by kind (see EVIDENCE_KINDS); only non-empty
    flags: tuple[PersonFlag, ...]
    transition_dips: tuple[str, ...]  # the team's expected dips this quarter (sentences)
    team_flags_elsewhere: int  # the team's flags this quarter not involving their changes
    levels: Mapping[str, LevelChange]  # by competency id
    goal: competency.GoalProgress | None
    goal_competencies_reached: int
    goal_competencies: int
    windows: ReviewWindows
    assessments: tuple[Assessment, ...]  # assessed in the quarter
    recognitions: tuple[Recognition, ...]  # recognised in the quarter


def _text(value: Any) -> str:
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)


def _day(value: Any) -> date:
    return pd.Timestamp(value).date()


def _in_days(values: pd.Series, first: date, last: date) -> pd.Series:
    days = pd.to_datetime(values).dt.date
    return (days >= first) & (days <= last)


def metric_histories(
    db: DbPath,
    login: str,
    as_of: datetime,
    periods: Sequence[str],
    metric_ids: Iterable[str],
    has_team: bool = True,
) -> tuple[dict[str, MetricHistory], int]:
    """The person's quarterly figures per metric (the last of ``periods`` is this one)
    beside their team's median, and their merged PRs this quarter."""
    ids = [m for m in metric_ids if m != "merged_prs"]
    trends = competency.person_trends(
        db, login, as_of=as_of, period="quarter", metric_ids=[*ids, "merged_prs"]
    )
    this = periods[-1]
    out: dict[str, MetricHistory] = {}
    merged = 0
    for metric_id in [*ids, "merged_prs"]:
        part = trends[trends["metric"] == metric_id]
        by_period = {row.period: row for row in part.itertuples(index=False)}
        now = by_period.get(this)
        if metric_id == "merged_prs":
            merged = int(number(now.value) or 0) if now is not None else 0
            continue
        out[metric_id] = MetricHistory(
            id=metric_id,
            value=number(now.value) if now is not None else None,
            team_median=number(now.team_median) if now is not None and has_team else None,
            team_people=int(now.team_people) if now is not None and has_team else 0,
            history=tuple(
                (p, number(by_period[p].value) if p in by_period else None) for p in periods
            ),
        )
    return out, merged


def _items(frame: pd.DataFrame, id_column: str) -> list[EvidenceItem]:
    return [
        EvidenceItem(str(row[id_column]), _text(row["title"]), _text(row["url"]) or None)
        for row in frame.to_dict("records")
    ]


def person_evidence(
    prs: pd.DataFrame, defects: pd.DataFrame, limit: int
) -> dict[str, EvidenceList]:
    """The person's PRs (and defects) behind each kind of evidence, first ``limit`` listed."""
    out = {}
    for kind, column in EVIDENCE_KINDS:
        if kind == "defects":
            items = _items(defects, "key")
        elif kind == "unreviewed":
            items = _items(prs[~prs[column].astype(bool)], "pr_id")
        else:
            items = _items(prs[prs[column].astype(bool)], "pr_id")
        if items:
            out[kind] = EvidenceList(kind, tuple(items[:limit]), max(0, len(items) - limit))
    return out


def person_flags(
    db: DbPath,
    team: str | None,
    prs: pd.DataFrame,
    own_defects: set[str],
    as_of: datetime,
    period_label: str,
    since: date,
    limit: int,
) -> tuple[tuple[PersonFlag, ...], tuple[str, ...], int]:
    """The team's red flags of the quarter that involve the person's ``prs`` of the quarter
    (with the first ``limit`` of them) and its team-only flags, the team's transition dips,
    and how many flags involve none of their PRs. Flags are raised per team, never per
    person."""
    if not team:
        return (), (), 0
    flags, dips, elsewhere = [], [], 0
    own = set(prs["pr_id"]) | own_defects
    for flag in red_flags(db, as_of, "quarter", [team], since=since):
        if flag.period != period_label:
            continue
        if flag.is_transition_dip:
            dips.append(flag.sentence)
            continue
        if flag.kind in TEAM_ONLY_FLAGS:
            flags.append(
                PersonFlag(flag.kind, flag.dimension, flag.title, flag.sentence, (), 0, True)
            )
            continue
        if flag.kind in FLAG_CRITERIA:
            column, meets = FLAG_CRITERIA[flag.kind]
            mine = _items(prs[prs[column].astype(bool) == meets], "pr_id")
        else:  # a rule this module does not know yet: read its evidence list
            mine = [EvidenceItem(e.id, e.title, e.url) for e in flag.evidence if e.id in own]
        if not mine:
            elsewhere += 1
            continue
        flags.append(
            PersonFlag(
                flag.kind,
                flag.dimension,
                flag.title,
                flag.sentence,
                tuple(mine[:limit]),
                max(0, len(mine) - limit),
            )
        )
    return tuple(flags), tuple(dips), elsewhere


def person_levels(
    db: DbPath, who: competency.Person, as_of: datetime, fw: Framework
) -> dict[str, LevelChange]:
    """The person's level per competency now and a quarter before (assessed ones only)."""
    changes = competency.level_changes(db, as_of, (who.team,) if who.team else (), fw)
    mine = changes[changes["login"] == who.login]
    out = {}
    for row in mine.itertuples(index=False):
        now, then = number(row.level_now), number(row.level_then)
        out[row.competency] = LevelChange(
            int(now) if now is not None else None, int(then) if then is not None else None
        )
    return out


def review_windows(
    db: DbPath,
    who: competency.Person,
    first_day: date,
    last_day: date,
    as_of: datetime,
    fw: Framework,
) -> ReviewWindows:
    """The person's first-year windows after adoption, measured against the quarter."""
    rules = fw.review
    windows = competency.phases(who.adoption_on, rules)

    def overlaps(begin: date | None, end: date | None) -> bool:
        """Whether the window [begin, end) shares a day with the quarter."""
        return begin is not None and end is not None and begin <= last_day and end > first_day

    learning_days = 0
    if windows.adoption_on is not None and windows.learning_end is not None:
        first = max(windows.adoption_on, first_day)
        last = min(windows.learning_end, last_day + timedelta(days=1))
        learning_days = max(0, (last - first).days)
    quarter_days = (last_day - first_day).days + 1
    checkins = tuple(
        c
        for c in competency.checkins(db, who.login, as_of, fw)
        if first_day <= c.due_on <= last_day
    )
    return ReviewWindows(
        phases=windows,
        phase=windows.phase_on(as_of.date()),
        transition_in_quarter=overlaps(windows.adoption_on, windows.transition_end),
        monthly_in_quarter=overlaps(windows.adoption_on, windows.monthly_end),
        learning_weighted_days=learning_days,
        quarter_days=quarter_days,
        is_learning_weighted=learning_days * 2 >= quarter_days,
        ai_competencies_reviewed=competency.ai_competencies_reviewed(
            who.adoption_on, last_day, rules
        ),
        checkins=checkins,
    )


def judged_evidence(
    db: DbPath, login: str, first_day: date, last_day: date, as_of: datetime, fw: Framework
) -> tuple[tuple[Assessment, ...], tuple[Recognition, ...]]:
    """The person's assessments and recognitions dated inside the quarter."""
    history = competency.assessments(db, as_of, [login])
    history = history[_in_days(history["assessed_on"], first_day, last_day)]
    assessed = tuple(
        Assessment(
            assessed_on=_day(row.assessed_on),
            competency=str(row.competency),
            level=int(row.level),
            assessor_role=_text(row.assessor_role),
            assessor=_text(row.assessor),
            evidence=_text(row.evidence),
        )
        for row in history.itertuples(index=False)
    )
    found = competency.recognitions(db, as_of, [login], fw)
    found = found[_in_days(found["recognized_on"], first_day, last_day)]
    recognised = tuple(
        Recognition(
            recognized_on=_day(row.recognized_on),
            behaviour=str(row.behaviour),
            behaviour_name=_text(row.behaviour_name),
            format_name=_text(row.format_name),
            note=_text(row.note),
            pr_url=_text(row.pr_url) or None,
        )
        for row in found.itertuples(index=False)
    )
    return assessed, recognised


def person_quarter(
    db: DbPath,
    login: str,
    *,
    first_day: date,
    last_day: date,
    periods: Sequence[str],
    as_of: datetime | date | str | None,
    metric_ids: Iterable[str],
    fw: Framework | None = None,
    evidence_limit: int = 8,
    config: Settings | None = None,
) -> PersonQuarter | None:
    """Everything a review packet shows about ``login`` for one quarter, or None when no
    such person (bots are not people here).

    Args:
        first_day, last_day: the quarter's first and last UTC day.
        periods: the period labels of the person's history, oldest first, this one last.
        as_of: the instant of the figures (the quarter's end, or earlier while it runs).
        metric_ids: registered metrics to show beside the team median.
        evidence_limit: PRs listed per kind of evidence (the rest are counted).
        config: the settings (``min_prs`` decides ``is_low_data``); default the process's.
    """
    fw = fw or load_framework()
    config = config or settings()
    moment = parse_as_of(as_of)
    who = competency.person(db, login, moment)
    if who is None:
        return None
    lines, merged = metric_histories(
        db, who.login, moment, periods, metric_ids, who.team is not None
    )
    days = (first_day, last_day)
    prs = pr_facts(db, moment, authors=[who.login], merged_on=days)
    defects = defect_facts(db, moment, authors=[who.login], reported_on=days)
    flags, dips, elsewhere = person_flags(
        db,
        who.team,
        prs,
        set(defects["defect_id"]),
        moment,
        periods[-1],
        first_day,
        evidence_limit,
    )
    goal = competency.growth_goal(db, who.login, moment, fw)
    assessed, recognised = judged_evidence(db, who.login, first_day, last_day, moment, fw)
    return PersonQuarter(
        person=who,
        merged_prs=merged,
        is_low_data=merged < config.min_prs,
        metrics=lines,
        evidence=person_evidence(prs, defects, evidence_limit),
        flags=flags,
        transition_dips=dips,
        team_flags_elsewhere=elsewhere,
        levels=person_levels(db, who, moment, fw),
        goal=goal,
        goal_competencies_reached=len(goal.reached) if goal else 0,
        goal_competencies=len(goal.competencies) if goal else 0,
        windows=review_windows(db, who, first_day, last_day, moment, fw),
        assessments=assessed,
        recognitions=recognised,
    )
