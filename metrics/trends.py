"""Metrics layer: the data of the Team trends page in one call (figures-ready). Read-only.

Gathers, for the chosen teams (or the whole organization) and time range: the aggregates
per period with every figure resting on too little data blanked (and said so), the teams'
AI adoption dates and transition windows, the red flags with their evidence, and the
competency level distribution at the end of each quarter in range.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

import pandas as pd

from framework import Framework
from framework import framework as load_framework
from metrics import sqlfiles
from metrics.aggregates import PERIODS, aggregate_frame, check_choice
from metrics.calendar import period_start, quarter_ends
from metrics.competency.phases import transition_end
from metrics.facts import fact_connection, parse_as_of
from metrics.flags import DIMENSIONS as DIMENSIONS  # the pages read it here
from metrics.flags import RedFlag, flags_on, unreadable_dimensions
from settings import Settings, settings
from store import DbPath, read_connection

# Figures a period needs ``min_prs`` merged PRs for (percentiles and rates over PRs).
PR_FIGURES = (
    "cycle_time_p50_h",
    "cycle_time_p90_h",
    "qact_p50_h",
    "qact_p90_h",
    "quality_tax",
    "defect_rate",
    "change_failure_rate",
    "unreviewed_merge_rate",
    "rubber_stamp_rate",
    "coding_time_p50_h",
    "pickup_time_p50_h",
    "review_time_p50_h",
)


@dataclass(frozen=True)
class Adoption:
    """A team's AI adoption date and the end of its transition window (exclusive)."""

    team: str
    adopted_on: date
    window_end: date


@dataclass
class TeamTrends:
    """Everything the Team trends page draws."""

    rows: pd.DataFrame  # compute() rows in range, low-data figures blanked
    low_data: pd.DataFrame  # group, period, merged_prs, defects_reported of blanked rows
    adoptions: list[Adoption]
    flags: list[RedFlag]
    levels: pd.DataFrame  # quarter, level, level_name, share, assessments
    unreadable: list[tuple[str, str]] = field(default_factory=list)
    config: Settings = field(default_factory=Settings)  # the thresholds the data was read with


def blank_low_data(rows: pd.DataFrame, config: Settings | None = None) -> pd.DataFrame:
    """The rows with PR figures blanked under ``min_prs`` merged PRs, and repair time under
    ``min_defects`` defects (settings): too little data shows as a gap, never as a
    misleading number."""
    config = config or settings()
    out = rows.copy()
    few_prs = out["merged_prs"] < config.min_prs
    for column in PR_FIGURES:
        if column in out:
            out.loc[few_prs, column] = float("nan")
    if "repair_time_p50_h" in out:
        out.loc[out["defects_reported"] < config.min_defects, "repair_time_p50_h"] = float("nan")
    return out


def adoptions(
    db: DbPath, teams: Iterable[str] | None = None, fw: Framework | None = None
) -> list[Adoption]:
    """The AI adoption dates of the chosen teams (all when none), by team name, each with
    the end of its transition window (the framework file's)."""
    rules = (fw or load_framework()).review
    chosen = list(teams or ())
    with read_connection(db) as conn:
        found = conn.execute(
            "select team, ai_adoption_date from teams where ai_adoption_date is not null "
            "and (len($teams) = 0 or list_contains($teams, team)) order by team",
            {"teams": chosen},
        ).fetchall()
    return [Adoption(team, day, transition_end(day, rules)) for team, day in found]


def levels_by_quarter(
    db: DbPath, start: date, end: date, teams: Iterable[str] | None = None
) -> pd.DataFrame:
    """Share of (person, competency) levels at each level, at each quarter's end in range.

    Columns: quarter, level, level_name, assessments (count), share. People are never
    listed; the counts are of assessed (person, competency) pairs in force that day (the
    rule of :func:`metrics.competency.level_distribution`, in one query).
    """
    fw = load_framework()
    quarters = quarter_ends(start, end)
    with read_connection(db) as conn:
        counts = sqlfiles.frame(
            conn,
            "levels_by_quarter",
            {
                "days": [day for _, day in quarters],
                "teams": list(teams or ()),
                "competencies": list(fw.competency_ids),
            },
        )
    found = {
        (pd.Timestamp(row.day).date(), int(row.level)): int(row.assessments)
        for row in counts.itertuples()
    }
    rows = []
    for label, day in quarters:
        whole = sum(found.get((day, n), 0) for n in fw.level_numbers)
        for number in fw.level_numbers:
            n = found.get((day, number), 0)
            rows.append(
                {
                    "quarter": label,
                    "level": number,
                    "level_name": fw.level_name(number),
                    "assessments": n,
                    "share": n / whole if whole else float("nan"),
                }
            )
    return pd.DataFrame(rows, columns=["quarter", "level", "level_name", "assessments", "share"])


def team_trends(
    db: DbPath,
    *,
    as_of: datetime | date | str | None,
    period: str,
    teams: Iterable[str] | None,
    start: date,
) -> TeamTrends:
    """The Team trends page's data: one row per (team or organization, period) from
    ``start`` to ``as_of``, adoption windows, red flags and competency levels."""
    moment = parse_as_of(as_of)
    check_choice(period, PERIODS, "period")
    chosen = tuple(teams or ())
    by = "team" if chosen else "org"
    config = settings()
    fw = load_framework()
    # one fact build serves both the aggregates and the red flags
    with fact_connection(db, moment, config) as conn:
        rows = aggregate_frame(conn, period=period, by=by, teams=chosen, config=config)
        flags = flags_on(conn, period, chosen, since=start, config=config, fw=fw)
    rows = rows[pd.to_datetime(rows["period_start"]).dt.date >= period_start(start, period)]
    rows = rows.reset_index(drop=True)
    low = rows.loc[rows["is_low_data"], ["group", "period", "merged_prs", "defects_reported"]]
    return TeamTrends(
        rows=blank_low_data(rows, config),
        low_data=low.reset_index(drop=True),
        adoptions=adoptions(db, chosen, fw),
        flags=flags,
        levels=levels_by_quarter(db, start, moment.date(), chosen),
        unreadable=unreadable_dimensions(),
        config=config,
    )


MAX_EXPANDED = 12  # flags per dimension shown with their evidence; earlier ones in brief


def flags_of(
    flags: Iterable[RedFlag], dimension: str
) -> tuple[list[RedFlag], list[RedFlag], list[RedFlag]]:
    """A dimension's transition dips, its earlier flags (in brief) and its latest flags
    (shown with evidence), each in time order (period, then team): never by a figure."""
    mine = sorted((x for x in flags if x.dimension == dimension), key=lambda x: (x.period, x.group))
    dips = [x for x in mine if x.is_transition_dip]
    raised = [x for x in mine if not x.is_transition_dip]
    cut = max(0, len(raised) - MAX_EXPANDED)
    return dips, raised[:cut], raised[cut:]


def more_evidence(flag: RedFlag) -> int:
    """How many PRs behind a flag its evidence list leaves out."""
    return max(0, flag.n_evidence - sum(e.kind == "pr" for e in flag.evidence))


def flags_frame(flags: Iterable[RedFlag]) -> pd.DataFrame:
    """Flags in brief: group, period, title, sentence, evidence count (in time order)."""
    return pd.DataFrame(
        [
            {
                "group": x.group,
                "period": x.period,
                "flag": x.title,
                "why": x.sentence,
                "evidence": x.n_evidence,
            }
            for x in flags
        ],
        columns=["group", "period", "flag", "why", "evidence"],
    )


def evidence_frame(flag: RedFlag) -> pd.DataFrame:
    """A flag's evidence as a table: kind (pr/defect), id, title (untrusted text), note, link."""
    return pd.DataFrame(
        [
            {"kind": e.kind, "id": e.id, "title": e.title, "note": e.note, "link": e.url}
            for e in flag.evidence
        ],
        columns=["kind", "id", "title", "note", "link"],
    )


def coverage_frame(rows: pd.DataFrame) -> pd.DataFrame:
    """Per (group, period): what its figures rest on (PRs, defects, attribution share)."""
    out = rows[
        [
            "group",
            "period",
            "n_prs",
            "n_reviewed_prs",
            "n_defects",
            "defect_attribution_rate",
            "is_low_data",
            "ai_split_coverage",
        ]
    ].copy()
    out.columns = [
        "group",
        "period",
        "merged PRs",
        "reviewed PRs",
        "defects reported",
        "defects attributed to a PR",
        "too little data",
        "AI-assisted split",
    ]
    return out
