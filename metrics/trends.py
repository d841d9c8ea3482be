"""Metrics layer: the data of the Team trends page in one call (figures-ready). Read-only.

Gathers, for the chosen teams (every team when none is chosen: the whole organization is
read team by team) and time range: the aggregates per (team, period), each period's span
cut at as-of, every figure resting on too little data blanked (and said so); the teams'
AI adoption dates up to as-of and their transition windows; the red flags with their
evidence, grouped by rule and team for the page; and the competency level distribution
at the end of each quarter in range (the running quarter read at as-of).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import pandas as pd

from framework import Framework
from framework import framework as load_framework
from metrics import sqlfiles
from metrics.aggregates import PERIODS, aggregates_on, check_choice
from metrics.calendar import next_period_start, period_start, quarter_ends
from metrics.competency.phases import transition_end
from metrics.facts import parse_as_of, remembered, snapshot
from metrics.flags import DIMENSIONS as DIMENSIONS  # the pages read it here
from metrics.flags import FlagGroup, RedFlag, flags_on, group_flags, unreadable_dimensions
from settings import Settings, settings
from store import DbPath, ReadSession, read_connection

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
    """Everything the Team trends page draws, one group per team (all teams when none is
    chosen: the whole organization as small multiples, never one line hiding every story)."""

    rows: pd.DataFrame  # compute() rows in range, low-data figures blanked, period bounds
    low_data: pd.DataFrame  # group, period, merged_prs, defects_reported of blanked rows
    adoptions: list[Adoption]  # only those on or before as-of
    flags: list[RedFlag]
    levels: pd.DataFrame  # quarter, day, level, level_name, share, assessments
    unreadable: list[tuple[str, str]] = field(default_factory=list)
    config: Settings = field(default_factory=Settings)  # the thresholds the data was read with
    as_of: datetime | None = None  # the instant everything is read at (no axis goes later)
    start: date | None = None  # the first period's first day (where every axis starts)
    period: str = "month"

    @property
    def groups(self) -> list[str]:
        """The groups drawn, by name (never by a figure)."""
        return sorted(self.rows["group"].unique()) if len(self.rows) else []


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
    db: DbPath,
    teams: Iterable[str] | None = None,
    fw: Framework | None = None,
    as_of: datetime | date | str | None = None,
) -> list[Adoption]:
    """The AI adoption dates of the chosen teams (all when none), by team name, each with
    the end of its transition window (the framework file's). With ``as_of``, an adoption
    after it does not exist yet (the page never draws the future)."""
    rules = (fw or load_framework()).review
    chosen = list(teams or ())
    last = parse_as_of(as_of).date() if as_of is not None else date.max
    with read_connection(db) as conn:
        found = conn.execute(
            "select team, ai_adoption_date from teams where ai_adoption_date is not null "
            "and ai_adoption_date <= $last "
            "and (len($teams) = 0 or list_contains($teams, team)) order by team",
            {"teams": chosen, "last": last},
        ).fetchall()
    return [Adoption(team, day, transition_end(day, rules)) for team, day in found]


def period_bounds(
    rows: pd.DataFrame, period: str, as_of: datetime, begin: date | None = None
) -> pd.DataFrame:
    """``rows`` with ``period_until``: the end of each row's period (exclusive), cut at
    ``as_of``, and ``is_partial``: the period runs past ``as_of`` or starts before ``begin``
    (the store's first merge: a first month holding ten days of data is no volume drop).

    ``as_of`` to the second ends its period: the page's as-of is a day's last second
    (23:59:59), and a month read then is complete, not partial.
    """
    out = rows.copy()
    moment = pd.Timestamp(as_of.astimezone(UTC).replace(tzinfo=None))
    ends = [
        pd.Timestamp(next_period_start(pd.Timestamp(x).date(), period)) for x in out["period_start"]
    ]
    ends_series = pd.Series(ends, index=out.index, dtype="datetime64[us]")
    out["period_until"] = ends_series.clip(upper=moment)
    out["is_partial"] = ends_series > moment + pd.Timedelta(seconds=1)
    if begin is not None:
        starts = pd.to_datetime(out["period_start"])
        out["is_partial"] |= starts < pd.Timestamp(begin)
    return out


def first_merge(db: DbPath) -> date | None:
    """The day of the store's first merged PR (None: no PR yet)."""
    with read_connection(db) as conn:
        (day,) = conn.execute("select min(merged_at)::date from pull_requests").fetchone()
    return day


def levels_by_quarter(
    db: DbPath, start: date, end: date, teams: Iterable[str] | None = None
) -> pd.DataFrame:
    """Share of (person, competency) levels at each level, at each quarter's end in range.

    Columns: quarter, day (the quarter's last day, or ``end`` for the quarter running
    then), level, level_name, assessments (count), share. People are never
    listed; the counts are of assessed (person, competency) pairs in force that day (the
    rule of :func:`metrics.competency.level_distribution`, in one query).
    """
    fw = load_framework()
    quarters = quarter_ends(start, end)
    counts = _level_counts(db, [day for _, day in quarters], tuple(teams or ()), fw)
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
                    "day": day,
                    "level": number,
                    "level_name": fw.level_name(number),
                    "assessments": n,
                    "share": n / whole if whole else float("nan"),
                }
            )
    columns = ["quarter", "day", "level", "level_name", "assessments", "share"]
    return pd.DataFrame(rows, columns=columns)


def _level_counts(
    db: DbPath, days: list[date], teams: tuple[str, ...], fw: Framework
) -> pd.DataFrame:
    """Assessed (person, competency) pairs per (day, level) among ``teams`` (empty: all).

    On a session the counts of every team on those days are read once and remembered
    (:func:`metrics.facts.remembered`); a team filter sums its teams' rows (a person is
    in one team on a day, so the sum is the count of the union)."""

    def per_team(conn) -> pd.DataFrame:
        return sqlfiles.frame(
            conn,
            "levels_by_quarter",
            {"days": days, "teams": [], "competencies": list(fw.competency_ids)},
        )

    if isinstance(db, ReadSession):
        key = ("levels_by_quarter", tuple(days), tuple(fw.competency_ids))
        with read_connection(db) as conn:
            counts = remembered(db, key, lambda: per_team(conn))
    else:
        with read_connection(db) as conn:
            counts = per_team(conn)
    if teams:
        counts = counts[counts["team"].isin(teams)]
    return counts.groupby(["day", "level"], as_index=False)["assessments"].sum()


# The whole organization is drawn as small multiples, a panel per team; above this many
# teams they are drawn this many at a time (alphabetically, never ranked), each set with
# its own red flags: 800 panels would be unreadable, and their flags cost minutes.
MAX_PANELS = 12
# Red flags whose reasons and evidence tables are sent with the page; past them a flag's
# contents are drawn when it is opened (a dozen teams can raise 50 flags, each a table).
EAGER_FLAGS = 12


def panel_pages(teams: Iterable[str], size: int | None = None) -> list[tuple[str, ...]]:
    """The teams, and 'Unassigned' (PRs by people in no team), in sets of at most ``size``
    (default :data:`MAX_PANELS`), alphabetically (one set when few)."""
    size = size or MAX_PANELS
    names = sorted({*teams, "Unassigned"}, key=str.lower)
    return [tuple(names[at : at + size]) for at in range(0, len(names), size)]


def team_trends(
    db: DbPath,
    *,
    as_of: datetime | date | str | None,
    period: str,
    teams: Iterable[str] | None,
    start: date,
) -> TeamTrends:
    """The Team trends page's data: one row per (team, period) from ``start`` to ``as_of``
    (every team when ``teams`` is empty), adoption windows, red flags, competency levels."""
    moment = parse_as_of(as_of)
    check_choice(period, PERIODS, "period")
    chosen = tuple(teams or ())
    config = settings()
    fw = load_framework()
    first = period_start(start, period)
    # one fact build (the process's shared one) serves the aggregates, the red flags and
    # the levels; a team filter selects rows of results built for every team
    with snapshot(db, moment, config) as session:
        every = aggregates_on(session, period=period, by="team", teams=chosen, config=config)
        flags = flags_on(session, period, chosen, since=start, config=config, fw=fw, rows=every)
        begin = first_merge(session)
        found = adoptions(session, chosen, fw, moment)
        levels = levels_by_quarter(session, start, moment.date(), chosen)
    rows = every[pd.to_datetime(every["period_start"]).dt.date >= first]
    rows = period_bounds(rows.reset_index(drop=True), period, moment, begin)
    low = rows.loc[rows["is_low_data"], ["group", "period", "merged_prs", "defects_reported"]]
    return TeamTrends(
        rows=blank_low_data(rows, config),
        low_data=low.reset_index(drop=True),
        adoptions=found,
        flags=flags,
        levels=levels,
        unreadable=unreadable_dimensions(),
        config=config,
        as_of=moment,
        start=first,
        period=period,
    )


def flag_groups(
    flags: Iterable[RedFlag], dimension: str
) -> tuple[list[FlagGroup], list[FlagGroup]]:
    """A dimension's transition dips and its red flags, grouped by rule and team (one item
    however many periods repeat it), newest first (:func:`metrics.flags.group_flags`)."""
    mine = group_flags(x for x in flags if x.dimension == dimension)
    return [g for g in mine if g.is_transition_dip], [g for g in mine if not g.is_transition_dip]


def more_evidence(flag: RedFlag) -> int:
    """How many PRs behind a flag its evidence list leaves out."""
    return max(0, flag.n_evidence - sum(e.kind == "pr" for e in flag.evidence))


def _web_link(url: str | None) -> str | None:
    """An evidence link a page may make clickable: http(s) only (a stored URL is data)."""
    return url if url and re.match(r"^https?://", url, re.IGNORECASE) else None


def occurrences_frame(group: FlagGroup) -> pd.DataFrame:
    """Each period a grouped flag was raised in, newest first: period, why, PRs behind it."""
    return pd.DataFrame(
        [{"period": x.period, "why": x.sentence, "PRs": x.n_evidence} for x in group.flags],
        columns=["period", "why", "PRs"],
    )


def evidence_frame(group: FlagGroup | RedFlag) -> pd.DataFrame:
    """The evidence of a flag (or of each period of a grouped flag, newest first): period,
    kind (pr/defect), id, title (untrusted text), note, link; then a last row per period
    counting the PRs its list leaves out."""
    flags = group.flags if isinstance(group, FlagGroup) else (group,)
    rows = []
    for flag in flags:
        for e in flag.evidence:
            rows.append(
                {
                    "period": flag.period,
                    "kind": e.kind,
                    "id": e.id,
                    "title": e.title,
                    "note": e.note,
                    "link": _web_link(e.url),
                }
            )
        if more_evidence(flag):
            rows.append(
                {
                    "period": flag.period,
                    "kind": "pr",
                    "id": "…",
                    "title": f"and {more_evidence(flag)} more PRs not listed",
                    "note": "",
                    "link": None,
                }
            )
    return pd.DataFrame(rows, columns=["period", "kind", "id", "title", "note", "link"])


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
