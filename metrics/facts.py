"""Metrics layer: as-of handling and the public per-PR / per-defect facts. Read-only.

``as_of`` is the instant every computation is taken at: anything later does not exist.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time
from typing import TypeVar

import duckdb
import pandas as pd

from metrics import fact_cache, sqlfiles
from settings import InputError, Settings, settings
from store import DbPath, ReadSession, read_connection

T = TypeVar("T")


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
    reused by every later call: a report's many reads cost one fact build. Given a path,
    the process's shared build for the store's current data (:mod:`metrics.fact_cache`).
    """
    config = config or settings()
    if not isinstance(db, ReadSession):
        with fact_cache.session(db, as_of, config) as session:
            yield session.connection
        return
    with read_connection(db) as conn:
        if db.memo.get("facts") != (as_of, config):
            sqlfiles.build_facts(conn, as_of, config)
            db.memo["facts"] = (as_of, config)
        yield conn


@contextmanager
def snapshot(
    db: DbPath, as_of: datetime | date | str | None, config: Settings | None = None
) -> Iterator[ReadSession]:
    """One read session with the fact tables built as of ``as_of``, for a whole report.

    Pass the session as ``db`` to any public function of ``metrics``: they read through its
    one connection, and those taken at the same as-of reuse its one fact build. Given a
    path, the session is the process's shared build (:mod:`metrics.fact_cache`): built
    once per (data token, as-of, settings), reused by every later snapshot.
    """
    moment = parse_as_of(as_of)
    config = config or settings()
    if not isinstance(db, ReadSession):
        with fact_cache.session(db, moment, config) as session:
            yield session
        return
    with fact_connection(db, moment, config):
        pass
    yield db


MAX_RESULTS = 48  # results kept per session (small frames: aggregates, flags, levels)


def remembered(session: ReadSession, key: tuple, make: Callable[[], T]) -> T:
    """``make()``, computed once per session and fact build for ``key``, then reused: a
    filter change narrows a result built before instead of computing it again.

    On the process's shared sessions (:mod:`metrics.fact_cache`) a result lives as long
    as its fact build (the same store data, as-of and settings). Callers must not change
    what they get (copy a frame before changing it).
    """
    results: OrderedDict = session.memo.setdefault("results", OrderedDict())  # type: ignore[assignment]
    full = (session.memo.get("facts"), *key)
    if full in results:
        results.move_to_end(full)
        return results[full]
    value = make()
    results[full] = value
    while len(results) > MAX_RESULTS:
        results.popitem(last=False)
    return value


def _scope(
    authors: Iterable[str] | None,
    days: tuple[date, date] | None,
    teams: Iterable[str] | None = None,
) -> dict[str, object]:
    """The bound parameters of an author, UTC-day and team filter (None: no filter; no
    team or an empty list of teams: every team)."""
    first, last = days if days is not None else (None, None)
    return {
        "authors": [a.lower() for a in authors] if authors is not None else None,
        "first_day": first,
        "last_day": last,
        "teams": list(teams or ()),
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
        teams: only PRs of these teams (default all); filtered in SQL.
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
            " and (len($teams) = 0 or list_contains($teams, f.team))"
            " order by f.merged_at, f.pr_id",
            _scope(authors, merged_on, teams),
        ).df()
    return frame


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
        teams: only defects of these teams (default all); filtered in SQL.
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
            " and (len($teams) = 0 or list_contains($teams, team))"
            " order by reported_at, defect_id",
            _scope(authors, reported_on, teams),
        ).df()
    return frame
