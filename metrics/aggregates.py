"""Metrics layer: the aggregates of METRICS.md per (group, period), with coverage. Read-only.

No function here sorts by a metric: rows come ordered by group, then period.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

import duckdb
import pandas as pd

from metrics import sqlfiles
from metrics.facts import parse_as_of, remembered, snapshot
from metrics.registry import resolve_ids
from settings import InputError, Settings, settings
from store import DbPath, ReadSession, read_connection

PERIODS = ("week", "month", "quarter")
GROUPINGS = ("team", "org", "person")
ORG_GROUP = "organization"

# Columns that say how much a row's figures rest on (beside every figure).
COVERAGE_COLUMNS: tuple[str, ...] = (
    "n_prs",
    "n_reviewed_prs",
    "n_defects",
    "n_attributed_defects",
    "defect_attribution_rate",
    "n_attributed_text",
    "n_attributed_import",
    "n_attributed_inferred",
    "n_untraced_defects",
    "is_attribution_traceable",
    "is_low_data",
    "ai_split_coverage",
)


class BadGroupingError(InputError):
    """An unknown period or grouping."""


def check_choice(value: str, allowed: tuple[str, ...], what: str) -> str:
    """``value`` if allowed, else a one-line error naming the choices."""
    if value not in allowed:
        raise BadGroupingError(f"unknown {what} {value!r}: expected one of {', '.join(allowed)}")
    return value


def aggregate_frame(
    conn: duckdb.DuckDBPyConnection,
    *,
    period: str,
    by: str,
    teams: Iterable[str] | None,
    config: Settings,
    people: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Every aggregate (all metric ids + coverage) from the fact tables already on ``conn``;
    by person, only ``people``'s rows when given (see :func:`compute`)."""
    frame = sqlfiles.frame(
        conn,
        "aggregates",
        {
            "period": period,
            "by": by,
            "teams": list(teams or ()),
            "people": list(people or ()),
            "ai_min_authors": config.ai_split_min_authors,
            "ai_min_prs": config.ai_split_min_prs,
        },
    )
    frame["n_prs"] = frame["merged_prs"]
    frame["n_defects"] = frame["defects_reported"]
    # under config.min_prs merged PRs the pages show "too little data" (the number stays)
    frame["is_low_data"] = frame["merged_prs"] < config.min_prs
    # under config.min_attribution_rate of its defects attributed, a row's figures that rest
    # on attribution are "not traceable" on the pages and in exports (the numbers stay)
    rate = frame["defect_attribution_rate"]
    frame["is_attribution_traceable"] = rate.isna() | (rate >= config.min_attribution_rate)
    frame["ai_split_coverage"] = frame["is_ai_split_shown"].map(
        {True: "enough data", False: "too little data"}
    )
    return frame.drop(columns=["is_ai_split_shown"])


def aggregates_on(
    session: ReadSession,
    *,
    period: str,
    by: str,
    teams: Iterable[str] | None,
    config: Settings,
    people: Iterable[str] | None = None,
) -> pd.DataFrame:
    """:func:`aggregate_frame` on a session whose facts are built, remembered per session
    (:func:`metrics.facts.remembered`). By team, the frame of every team is built once and
    a team filter selects its rows: a team's figures are the same whichever other teams
    are chosen beside it. Returns a copy the caller may change."""
    chosen = tuple(teams or ())
    who = tuple(sorted(set(people or ())))
    if people is not None and not who:  # no one chosen: no rows (not everyone's)
        frame = aggregates_on(session, period=period, by=by, teams=teams, config=config)
        return frame.iloc[0:0]
    if by == "team":
        frame = remembered(
            session,
            ("aggregates", period, by, (), config),
            lambda: _aggregates(session, period, by, (), config),
        )
        if chosen:
            frame = frame[frame["group"].isin(chosen)]
        return frame.reset_index(drop=True)
    frame = remembered(
        session,
        ("aggregates", period, by, chosen, who, config),
        lambda: _aggregates(session, period, by, chosen, config, who),
    )
    return frame.copy()


def _aggregates(
    session: ReadSession,
    period: str,
    by: str,
    teams: tuple[str, ...],
    config: Settings,
    people: tuple[str, ...] = (),
) -> pd.DataFrame:
    with read_connection(session) as conn:
        return aggregate_frame(
            conn, period=period, by=by, teams=teams, config=config, people=people
        )


def compute(
    db: DbPath,
    *,
    as_of: datetime | date | str | None = None,
    period: str = "month",
    by: str = "team",
    metric_ids: Iterable[str] | None = None,
    teams: Iterable[str] | None = None,
    config: Settings | None = None,
    people: Iterable[str] | None = None,
) -> pd.DataFrame:
    """The aggregates of METRICS.md, one row per (group, period), as of ``as_of``.

    Args:
        db: the store (path, or None for the default).
        as_of: the instant of the computation (default now); later events do not exist.
        period: 'week' (ISO), 'month' or 'quarter'.
        by: 'team', 'org' (one group named 'organization') or 'person' (the PR author).
        metric_ids: the metric ids to include (default all); a refused id raises.
        teams: only PRs and defects of these teams (default all).
        people: with ``by='person'``, only these people's rows (default all): the same
            rows as without it, computed in SQL from their PRs and defects alone (a
            person's row rests on nothing else), so a page about one team's people does
            not aggregate the whole organization.

    Returns:
        Columns ``group``, ``period`` (label), ``period_start`` (date), the metric ids,
        then the coverage columns; sorted by group, then period. Never ranked.

    Raises:
        RefusedMetricError: a refused metric was asked for (quoting its reason).
        UnknownMetricError, BadGroupingError: an unknown id, period or grouping, or
            ``people`` with another grouping than ``person``.
    """
    ids = resolve_ids(metric_ids)
    check_choice(period, PERIODS, "period")
    check_choice(by, GROUPINGS, "grouping")
    if people is not None and by != "person":
        raise BadGroupingError(f"people chooses rows by person only, not by {by}")
    config = config or settings()
    moment = parse_as_of(as_of)
    with snapshot(db, moment, config) as session:
        frame = aggregates_on(
            session, period=period, by=by, teams=teams, config=config, people=people
        )
    return frame[["group", "period", "period_start", *ids, *COVERAGE_COLUMNS]]


def _json_value(value: Any) -> Any:
    """A JSON-safe scalar: None for null/NaN, plain Python numbers and booleans."""
    if value is None or pd.isna(value):
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and value != value:
        return None
    return value


def to_records(frame: pd.DataFrame, metric_ids: Iterable[str]) -> list[dict[str, Any]]:
    """Rows for the JSON contract: group, period, the metric ids, and a coverage object."""
    ids = list(metric_ids)
    rows = []
    for record in frame.to_dict("records"):
        row: dict[str, Any] = {"group": record["group"], "period": record["period"]}
        for metric_id in ids:
            row[metric_id] = _json_value(record[metric_id])
        row["coverage"] = {c: _json_value(record[c]) for c in COVERAGE_COLUMNS}
        rows.append(row)
    return rows
