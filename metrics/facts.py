"""Metrics layer: as-of handling and the public per-PR / per-defect facts. Read-only.

``as_of`` is the instant every computation is taken at: anything later does not exist.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time

import duckdb
import pandas as pd

from metrics import sqlfiles
from settings import InputError, Settings, settings
from store import DbPath, ReadSession, read_connection, read_session


class BadAsOfError(InputError):
    """An as-of value that is not an ISO date or date-time."""


def parse_as_of(value: datetime | date | str | None) -> datetime:
    """The as-of instant as an aware UTC datetime.

    A date-time without zone is UTC; a date is the start of that day (UTC); None is now.

    Raises:
        BadAsOfError: a string that is not ISO 8601.
    """
    if value is None:
        return datetime.now(UTC)
    if isinstance(value, str):
        text = value.strip()
        try:
            # Python 3.11 reads dates, date-times, offsets and a trailing Z alike
            value = datetime.fromisoformat(text)
        except ValueError:
            raise BadAsOfError(
                f"--as-of {text!r}: expected an ISO date (2026-07-01) or date-time "
                "(2026-07-01T12:00:00Z)"
            ) from None
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return datetime.combine(value, time.min, tzinfo=UTC)


@contextmanager
def fact_connection(
    db: DbPath, as_of: datetime, config: Settings | None = None
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection holding the temporary fact tables as of ``as_of``.

    On a :class:`store.ReadSession` the tables are built once per (as-of, settings) and
    reused by every later call: a report's many reads cost one fact build.
    """
    config = config or settings()
    with read_connection(db) as conn:
        if not isinstance(db, ReadSession):
            sqlfiles.build_facts(conn, as_of, config)
        elif db.memo.get("facts") != (as_of, config):
            sqlfiles.build_facts(conn, as_of, config)
            db.memo["facts"] = (as_of, config)
        yield conn


@contextmanager
def snapshot(
    db: DbPath, as_of: datetime | date | str | None, config: Settings | None = None
) -> Iterator[ReadSession]:
    """One read session with the fact tables built as of ``as_of``, for a whole report.

    Pass the session as ``db`` to any public function of ``metrics``: they read through its
    one connection, and those taken at the same as-of reuse its one fact build.
    """
    with read_session(db) as session:
        with fact_connection(session, parse_as_of(as_of), config):
            pass
        yield session


def _filtered(frame: pd.DataFrame, teams: Iterable[str] | None) -> pd.DataFrame:
    chosen = tuple(teams or ())
    if not chosen:
        return frame.reset_index(drop=True)
    return frame[frame["team"].isin(chosen)].reset_index(drop=True)


def _scope(authors: Iterable[str] | None, days: tuple[date, date] | None) -> dict[str, object]:
    """The bound parameters of an author and UTC-day filter (None: no filter)."""
    first, last = days if days is not None else (None, None)
    return {
        "authors": [a.lower() for a in authors] if authors is not None else None,
        "first_day": first,
        "last_day": last,
    }


def pr_facts(
    db: DbPath,
    as_of: datetime | date | str | None = None,
    *,
    teams: Iterable[str] | None = None,
    authors: Iterable[str] | None = None,
    merged_on: tuple[date, date] | None = None,
    config: Settings | None = None,
) -> pd.DataFrame:
    """One row per PR merged by ``as_of`` (bots excluded), ordered by merge time then id.

    Args:
        teams: only PRs of these teams (default all).
        authors: only PRs by these logins, case-insensitive (default all); filtered in SQL.
        merged_on: only PRs merged on these UTC days, first and last included.

    Columns: pr_id, repo, number, author_login, team, is_ai_assisted,
    created_at, start_at, ready_at, first_review_at, merged_at, cycle_time_h,
    coding_time_h, pickup_time_h, review_time_h, is_reviewed, is_rubber_stamp,
    has_dismissed_change_request, is_failing_check, is_security_bypass, changed_lines
    (context for review depth only), n_defects, n_reverts, n_follow_ups, qact_h, is_failed,
    url, title.
    """
    moment = parse_as_of(as_of)
    with fact_connection(db, moment, config) as conn:
        frame = conn.execute(
            "select f.*, pr.url, pr.title from tl_pr_facts as f"
            " inner join pull_requests as pr on pr.pr_id = f.pr_id"
            " where ($authors is null or list_contains($authors, lower(f.author_login)))"
            " and ($first_day is null or f.merged_at::date >= $first_day)"
            " and ($last_day is null or f.merged_at::date <= $last_day)"
            " order by f.merged_at, f.pr_id",
            _scope(authors, merged_on),
        ).df()
    return _filtered(frame, teams)


def defect_facts(
    db: DbPath,
    as_of: datetime | date | str | None = None,
    *,
    teams: Iterable[str] | None = None,
    authors: Iterable[str] | None = None,
    reported_on: tuple[date, date] | None = None,
    config: Settings | None = None,
) -> pd.DataFrame:
    """One row per defect reported by ``as_of``, ordered by report time then id.

    Args:
        teams: only defects of these teams (default all).
        authors: only defects whose first attributed PR is by one of these logins.
        reported_on: only defects reported on these UTC days, first and last included.

    Columns: defect_id, key, repo, title, url, severity, reported_at, resolved_at,
    fix_pr_id, repair_time_h, n_attributed_prs, is_attributed, first_pr_id, team,
    author_login (of the first attributed PR).
    """
    moment = parse_as_of(as_of)
    with fact_connection(db, moment, config) as conn:
        frame = conn.execute(
            "select * from tl_defects"
            " where ($authors is null or list_contains($authors, lower(author_login)))"
            " and ($first_day is null or reported_at::date >= $first_day)"
            " and ($last_day is null or reported_at::date <= $last_day)"
            " order by reported_at, defect_id",
            _scope(authors, reported_on),
        ).df()
    return _filtered(frame, teams)
