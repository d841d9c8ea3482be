"""Ingest layer: the people and teams files (and the team memberships they imply).

All or nothing: every row is checked inside one locked :func:`store.write_transaction`;
any bad row refuses the whole file with every bad row listed, and nothing is written.
"""

from __future__ import annotations

import os
from datetime import date
from typing import Any

import duckdb

from framework import DEVELOPER_LEVELS
from ingest import writer
from ingest.bad_rows import BadRow
from ingest.people_import.rows import (
    LOGIN,
    OPEN_START,
    PEOPLE,
    REPO,
    TEAMS,
    Check,
    ImportRefusedError,
    ImportResult,
    check_duplicate,
    file_url,
    provenance_of,
    read_csv,
    team_names,
    utc_today,
)
from store import DbPath, write_transaction


def import_people(
    path: str | os.PathLike[str], db: DbPath = None, *, today: date | None = None
) -> ImportResult:
    """Import ``login,name,team,level,started_on``; refuse the whole file on any bad row.

    Team memberships follow the file: a new person joins their team from ``started_on``
    (or from the beginning of time when it is empty); a person whose team changed leaves
    the old team today and joins the new one today; an empty team closes the membership.

    Raises:
        ImportRefusedError: bad rows (unknown team, unknown level, a future or malformed date,
            a duplicate login), each listed; nothing is written.
    """
    today = today or utc_today()
    rows = read_csv(path, PEOPLE)
    with write_transaction(db) as conn:
        teams = team_names(conn)
        problems: list[BadRow] = []
        clean: list[dict[str, Any]] = []
        seen: dict[tuple[Any, ...], int] = {}
        for number, raw in rows:
            check = Check(number)
            login = raw["login"]
            if check.present("login", login) and not LOGIN.match(login):
                check.bad("login", login, "a GitHub login (letters, digits, -, _ or .)")
                login = ""
            check_duplicate(check, seen, (login.lower() or None,), "login", login)
            level = check.choice("level", raw["level"].lower(), DEVELOPER_LEVELS, "a level")
            team = raw["team"] or None
            if team is not None and team not in teams:
                known = ", ".join(teams) if teams else "none yet: import teams first"
                check.bad("team", team, f"a known team ({known})")
            started = check.day("started_on", raw["started_on"], today, required=False)
            name = check.text("name", raw["name"])
            problems += check.problems
            if not check.problems:
                clean.append(
                    {"login": login, "name": name, "team": team, "level": level, "started": started}
                )
        if problems:
            raise ImportRefusedError(str(path), problems)
        provenance = provenance_of("import", file_url(path))
        details = _write_people(conn, clean, today, provenance)
        writer.set_sync_state(
            conn,
            source="import:people",
            scope=str(path),
            stream="rows",
            status="complete",
            detail=f"{len(clean)} people",
        )
    return ImportResult("people", str(path), len(clean), details)


def _write_people(
    conn: duckdb.DuckDBPyConnection,
    people: list[dict[str, Any]],
    today: date,
    provenance: dict[str, Any],
) -> dict[str, int]:
    existing = conn.execute(
        "select login, team, valid_from, valid_to from team_memberships order by valid_from"
    ).fetchall()
    history: dict[str, list[tuple[str, date, date | None]]] = {}
    for login, team, valid_from, valid_to in existing:
        history.setdefault(login, []).append((team, valid_from, valid_to))
    writer.upsert(
        conn,
        "people",
        [
            {
                "login": p["login"],
                "name": p["name"],
                "level": p["level"],
                "started_on": p["started"],
                "is_bot": False,
            }
            for p in people
        ],
        provenance,
    )
    closes: list[dict[str, Any]] = []
    opens: list[dict[str, Any]] = []
    for p in people:
        past = history.get(p["login"], [])
        current = [(team, start) for team, start, end in past if end is None]
        if any(team == p["team"] for team, _ in current) and len(current) == 1:
            continue  # same team as before: nothing changes
        for team, start in current:
            closes.append({"login": p["login"], "team": team, "valid_from": start})
        if p["team"] is None:
            continue
        start = (p["started"] or OPEN_START) if not past else today
        opens.append({"login": p["login"], "team": p["team"], "valid_from": start})
    # Close first: an open membership that began today is replaced by the new one.
    writer.upsert(conn, "team_memberships", [dict(c, valid_to=today) for c in closes], provenance)
    writer.upsert(conn, "team_memberships", [dict(o, valid_to=None) for o in opens], provenance)
    return {
        "people": len(people),
        "memberships_closed": len(closes),
        "memberships_opened": len(opens),
    }


# --- teams ----------------------------------------------------------------------------


def import_teams(
    path: str | os.PathLike[str], db: DbPath = None, *, today: date | None = None
) -> ImportResult:
    """Import ``team,ai_adoption_date,repos``; the repos listed replace the team's repos.

    Raises:
        ImportRefusedError: bad rows (an empty or duplicate team, a malformed or future date,
            a repository not written ``owner/name``), each listed; nothing is written.
    """
    today = today or utc_today()
    rows = read_csv(path, TEAMS)
    problems: list[BadRow] = []
    clean: list[tuple[str, date | None, list[str]]] = []
    seen: dict[tuple[Any, ...], int] = {}
    for number, raw in rows:
        check = Check(number)
        team = raw["team"]
        if check.present("team", team) and len(team) > 100:
            check.bad("team", team[:40] + "…", "a team name of at most 100 characters")
        check_duplicate(check, seen, (team.lower() or None,), "team", team)
        adopted = check.day("ai_adoption_date", raw["ai_adoption_date"], today, required=False)
        repos = list(dict.fromkeys(raw["repos"].split()))
        for repo in repos:
            if not REPO.match(repo):
                check.bad("repos", repo, "repositories written owner/name, separated by spaces")
        problems += check.problems
        if not check.problems:
            clean.append((team, adopted, repos))
    if problems:
        raise ImportRefusedError(str(path), problems)
    provenance = provenance_of("import", file_url(path))
    with write_transaction(db) as conn:
        writer.upsert(
            conn, "teams", [{"team": t, "ai_adoption_date": a} for t, a, _ in clean], provenance
        )
        writer.delete_where_in(conn, "team_repositories", "team", [t for t, _, _ in clean])
        links = [{"team": t, "repo": r} for t, _, repos in clean for r in repos]
        writer.upsert(conn, "team_repositories", links, provenance)
        writer.set_sync_state(
            conn,
            source="import:teams",
            scope=str(path),
            stream="rows",
            status="complete",
            detail=f"{len(clean)} teams",
        )
    return ImportResult("teams", str(path), len(clean), {"teams": len(clean), "repos": len(links)})
