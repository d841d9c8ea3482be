"""Ingest layer: where a GitHub stream stands (its saved ``sync_state`` cursor). No metric.

A cursor is JSON: ``after`` (the next page's cursor), ``since``/``floor``/``high`` (the
run's time bounds). One that cannot be read stops the run and asks for ``--full``: a silent
full re-sync could cost hours of rate limit.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from ingest.github import mapping
from settings import InputError
from store import read_connection


def iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


class CorruptSyncStateError(InputError):
    """A saved sync cursor that cannot be read: only a full re-sync can go on, so ask."""


def cursor_problem(cursor: str | None) -> str | None:
    """What is wrong with a saved cursor, or None when it can be resumed from."""
    if not cursor:
        return None
    try:
        state = json.loads(cursor)
    except ValueError:
        return "not JSON"
    if not isinstance(state, dict):
        return "not a JSON object"
    for key in ("since", "floor", "high"):
        try:
            mapping.parse_dt(state.get(key), key)
        except mapping.PayloadError as exc:
            return str(exc)
    if not isinstance(state.get("after"), str | None):
        return "after should be a page cursor"
    return None


def read_state(
    db: Path, repo: str, stream: str, *, full: bool = False
) -> tuple[str | None, dict[str, Any]]:
    """The saved (status, cursor) of a stream; nothing when ``full`` (a full re-sync).

    Raises:
        CorruptSyncStateError: the saved cursor cannot be read (and ``full`` was not
            asked for): a silent full re-sync could take hours of rate limit.
    """
    if full:
        return None, {}
    with read_connection(db) as conn:
        found = conn.execute(
            "select status, cursor from sync_state where source = ? and scope = ? and stream = ?",
            ["github", repo, stream],
        ).fetchall()
    if not found:
        return None, {}
    status, cursor = found[0]
    problem = cursor_problem(cursor)
    if problem is not None:
        raise CorruptSyncStateError(
            f"the saved sync state of {repo} ({stream}) is unreadable ({problem}): run again "
            "with --full to fetch it from the start (or from --since)"
        )
    return status, json.loads(cursor) if cursor else {}


def drop_unchanged(
    db: Path, table: str, repository: dict[str, Any], kept: list[dict[str, Any]], floor: datetime
) -> list[dict[str, Any]]:
    """Leave out items updated exactly at the high-water mark and stored as they are.

    The floor is inclusive (a PR updated in the same second as the last sync, after it,
    must not be missed), so the item that set the mark comes back on every re-sync; when
    the store has it with the same ``updatedAt`` there is nothing to write, nor any
    follow-up request to make for its long nested lists.
    """
    at_floor = {
        f"{repository.get('nameWithOwner')}#{n.get('number')}": n
        for n in kept
        if mapping.parse_dt(n.get("updatedAt"), "updatedAt") == floor
    }
    if not at_floor:
        return kept
    with read_connection(db) as conn:
        stored = conn.execute(
            f"select pr_id, updated_at from {table} "  # noqa: S608  (a trusted name)
            "where pr_id in (select unnest(?::varchar[]))",
            [sorted(at_floor)],
        ).fetchall()
    same = {pr_id for pr_id, updated in stored if updated == floor}
    return [n for n in kept if f"{repository.get('nameWithOwner')}#{n.get('number')}" not in same]
