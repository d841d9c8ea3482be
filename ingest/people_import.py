"""Ingest layer: people, teams, assessments and recognitions from CSV files and the app's forms.

Computes no metric. Every import is all-or-nothing: the file is read, every row is checked
against the framework (``framework.py``) and the store inside one locked
:func:`store.write_transaction`, and if any row is bad the whole file is refused
with every bad row listed (row number, field, value, what was expected) and nothing is
written. Assessments and recognitions are keyed by a hash of their natural key, so
re-importing a file is idempotent; the app's forms write through the same checks.

Row numbers are a spreadsheet's: the header is row 1, the first data row is row 2.
"""

from __future__ import annotations

import csv
import hashlib
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import duckdb

from framework import DEVELOPER_LEVELS, Framework
from framework import framework as load_framework
from ingest import writer
from ingest.bad_rows import BadRow, RowsRefusedError
from settings import InputError
from store import DbPath, write_transaction

_LOGIN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")
_REPO = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")
_URL = re.compile(r"^https?://[^\s/]+\S*$")
MAX_TEXT = 2000
OPEN_START = date(1, 1, 1)  # team_memberships.valid_from when nobody knows the start


class ImportRefusedError(RowsRefusedError):
    """A people, teams, assessments or recognitions file (or form entry) was refused."""


@dataclass(frozen=True)
class ImportResult:
    kind: str
    file: str
    rows: int
    details: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class _Spec:
    kind: str
    required: tuple[str, ...]
    optional: tuple[str, ...]

    @property
    def columns(self) -> tuple[str, ...]:
        return self.required + self.optional


PEOPLE = _Spec("people", ("login", "level"), ("name", "team", "started_on"))
TEAMS = _Spec("teams", ("team",), ("ai_adoption_date", "repos"))
ASSESSMENTS = _Spec(
    "assessments", ("login", "competency", "level", "assessed_on", "assessor"), ("evidence",)
)
RECOGNITIONS = _Spec(
    "recognitions", ("login", "behaviour", "format", "recognized_on"), ("note", "pr_url")
)


def utc_today() -> date:
    """Today's date in UTC (the day after which a date is 'in the future')."""
    return datetime.now(UTC).date()


def stable_id(prefix: str, *parts: object) -> str:
    """A deterministic id from a natural key, so re-importing replaces, never duplicates."""
    text = "\x1f".join("" if p is None else str(p) for p in parts)
    return prefix + hashlib.sha256(text.encode()).hexdigest()[:16]


# --- reading files --------------------------------------------------------------------


def _read_csv(path: str | os.PathLike[str], spec: _Spec) -> list[tuple[int, dict[str, str]]]:
    """(row number, {column: stripped value}) for each data row; refuses a bad header."""
    file = Path(path)
    if not file.is_file():
        raise InputError(f"{file}: no such file")
    try:
        with file.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle)
            records = list(reader)
    except UnicodeDecodeError:
        raise InputError(f"{file}: not UTF-8 text; save the CSV as UTF-8") from None
    except csv.Error as exc:
        raise InputError(f"{file}: not a readable CSV file ({exc})") from None
    if not records:
        raise ImportRefusedError(str(file), [BadRow(1, "header", "", ", ".join(spec.columns))])
    header = [h.strip().lower() for h in records[0]]
    problems = [
        BadRow(1, column, "", f"a column named {column}")
        for column in spec.required
        if column not in header
    ]
    problems += [
        BadRow(1, name or "(empty)", name, f"only the columns {', '.join(spec.columns)}")
        for name in header
        if name not in spec.columns
    ]
    seen = set()
    for name in header:
        if name in seen:
            problems.append(BadRow(1, name, name, "each column once"))
        seen.add(name)
    rows: list[tuple[int, dict[str, str]]] = []
    for number, record in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record):
            continue  # a blank line
        if len(record) != len(header):
            problems.append(
                BadRow(number, "(row)", ",".join(record), f"{len(header)} fields like the header")
            )
            continue
        values = {name: cell.strip() for name, cell in zip(header, record, strict=True)}
        rows.append((number, {c: values.get(c, "") for c in spec.columns}))
    if problems:
        raise ImportRefusedError(str(file), problems)
    if not rows:
        raise ImportRefusedError(str(file), [BadRow(2, "(row)", "", "at least one data row")])
    return rows


# --- checking values ------------------------------------------------------------------


class _Check:
    """Collects problems of one row (or one form entry)."""

    def __init__(self, row: int | None):
        self.row = row
        self.problems: list[BadRow] = []

    def bad(self, name: str, value: object, expected: str) -> None:
        self.problems.append(BadRow(self.row, name, "" if value is None else str(value), expected))

    def present(self, name: str, value: str) -> bool:
        if not value:
            self.bad(name, value, "a value (this column is required)")
            return False
        return True

    def day(self, name: str, value: str, today: date, *, required: bool = True) -> date | None:
        if not value:
            if required:
                self.bad(name, value, "a date like 2026-03-31")
            return None
        try:
            parsed = date.fromisoformat(value)
        except ValueError:
            self.bad(name, value, "a date like 2026-03-31 (YYYY-MM-DD)")
            return None
        if parsed > today:
            self.bad(name, value, f"a date on or before today ({today.isoformat()}, UTC)")
            return None
        return parsed

    def choice(self, name: str, value: str, allowed: tuple[str, ...], what: str) -> str | None:
        if not self.present(name, value):
            return None
        if value not in allowed:
            self.bad(name, value, f"{what}: one of {', '.join(allowed)}")
            return None
        return value

    def text(self, name: str, value: str) -> str | None:
        if len(value) > MAX_TEXT:
            self.bad(name, value[:40] + "…", f"at most {MAX_TEXT} characters")
            return None
        return value or None

    def url(self, name: str, value: str) -> str | None:
        if not value:
            return None
        if not _URL.match(value):
            self.bad(name, value, "an http(s) link, like https://github.com/owner/repo/pull/12")
            return None
        return value


def _person(check: _Check, value: str, people: Mapping[str, str]) -> str | None:
    """The stored spelling of a login (GitHub logins are case-insensitive)."""
    if not check.present("login", value):
        return None
    login = people.get(value.lower())
    if login is None:
        check.bad("login", value, "a login already in people (import people first)")
    return login


def _duplicate(
    check: _Check, seen: dict[tuple[Any, ...], int], key: tuple[Any, ...], name: str, value: str
) -> None:
    if None in key:
        return
    if key in seen:
        check.bad(name, value, f"a row not already given (same as row {seen[key]})")
    else:
        seen[key] = check.row or 0


def _people(conn: duckdb.DuckDBPyConnection) -> dict[str, str]:
    return {row[0].lower(): row[0] for row in conn.execute("select login from people").fetchall()}


def _teams(conn: duckdb.DuckDBPyConnection) -> tuple[str, ...]:
    return tuple(row[0] for row in conn.execute("select team from teams order by team").fetchall())


def _provenance(source: str, url: str | None) -> dict[str, Any]:
    return {"source": source, "source_url": url, "fetched_at": writer.utc_now()}


def _file_url(path: str | os.PathLike[str]) -> str:
    return Path(path).resolve().as_uri()


# --- people ---------------------------------------------------------------------------


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
    rows = _read_csv(path, PEOPLE)
    with write_transaction(db) as conn:
        teams = _teams(conn)
        problems: list[BadRow] = []
        clean: list[dict[str, Any]] = []
        seen: dict[tuple[Any, ...], int] = {}
        for number, raw in rows:
            check = _Check(number)
            login = raw["login"]
            if check.present("login", login) and not _LOGIN.match(login):
                check.bad("login", login, "a GitHub login (letters, digits, -, _ or .)")
                login = ""
            _duplicate(check, seen, (login.lower() or None,), "login", login)
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
        provenance = _provenance("import", _file_url(path))
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
    rows = _read_csv(path, TEAMS)
    problems: list[BadRow] = []
    clean: list[tuple[str, date | None, list[str]]] = []
    seen: dict[tuple[Any, ...], int] = {}
    for number, raw in rows:
        check = _Check(number)
        team = raw["team"]
        if check.present("team", team) and len(team) > 100:
            check.bad("team", team[:40] + "…", "a team name of at most 100 characters")
        _duplicate(check, seen, (team.lower() or None,), "team", team)
        adopted = check.day("ai_adoption_date", raw["ai_adoption_date"], today, required=False)
        repos = list(dict.fromkeys(raw["repos"].split()))
        for repo in repos:
            if not _REPO.match(repo):
                check.bad("repos", repo, "repositories written owner/name, separated by spaces")
        problems += check.problems
        if not check.problems:
            clean.append((team, adopted, repos))
    if problems:
        raise ImportRefusedError(str(path), problems)
    provenance = _provenance("import", _file_url(path))
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


# --- assessments ----------------------------------------------------------------------


def _assessment(
    check: _Check,
    raw: Mapping[str, str],
    people: Mapping[str, str],
    fw: Framework,
    today: date,
    role: str | None = None,
) -> dict[str, Any] | None:
    """A checked assessment row, or None (problems recorded on ``check``)."""
    login = _person(check, raw["login"], people)
    competency = check.choice("competency", raw["competency"], fw.competency_ids, "a competency")
    level: int | None = None
    numbers = fw.level_numbers
    if check.present("level", raw["level"]):
        value = raw["level"]
        if not value.isdigit() or int(value) not in numbers:
            check.bad("level", value, f"a level from {numbers[0]} to {numbers[-1]}")
        else:
            level = int(value)
    assessed_on = check.day("assessed_on", raw["assessed_on"], today)
    assessor = raw["assessor"]
    if role is None:  # a file says who assessed; the person themself means a self-assessment
        if check.present("assessor", assessor) and login:
            role = "self" if assessor.lower() in {login.lower(), "self"} else "manager"
    elif role not in ("self", "manager"):
        check.bad("assessor_role", role, "self or manager")
    elif role == "manager":
        check.present("assessor", assessor)
    if role == "self" and login:
        assessor = login
    evidence = check.text("evidence", raw.get("evidence", ""))
    if check.problems:
        return None
    return {
        "assessment_id": stable_id("a_", login, competency, assessed_on, assessor),
        "login": login,
        "competency": competency,
        "level": level,
        "assessed_on": assessed_on,
        "assessor": assessor,
        "assessor_role": role,
        "evidence": evidence,
    }


def import_assessments(
    path: str | os.PathLike[str],
    db: DbPath = None,
    *,
    today: date | None = None,
    fw: Framework | None = None,
) -> ImportResult:
    """Import ``login,competency,level,assessed_on,assessor,evidence``, keeping history.

    An assessor equal to the login (or the word ``self``) makes a self-assessment; any
    other assessor a manager's. The same (login, competency, date, assessor) imported
    again replaces the earlier row; the same key twice in one file is a bad row.

    Raises:
        ImportRefusedError: bad rows (unknown login or competency, level out of range, a future
            date, a duplicate), each listed; nothing is written.
    """
    return _import_history(path, db, ASSESSMENTS, _assessment_key, today, fw)


def _assessment_key(row: dict[str, Any]) -> tuple[Any, ...]:
    return (row["login"], row["competency"], row["assessed_on"], row["assessor"])


# --- recognitions ---------------------------------------------------------------------


def _recognition(
    check: _Check,
    raw: Mapping[str, str],
    people: Mapping[str, str],
    fw: Framework,
    today: date,
) -> dict[str, Any] | None:
    login = _person(check, raw["login"], people)
    behaviour = check.choice(
        "behaviour", raw["behaviour"], tuple(b.id for b in fw.behaviours), "a behaviour"
    )
    fmt = check.choice("format", raw["format"], tuple(f.id for f in fw.formats), "a format")
    recognized_on = check.day("recognized_on", raw["recognized_on"], today)
    note = check.text("note", raw.get("note", ""))
    pr_url = check.url("pr_url", raw.get("pr_url", ""))
    if check.problems:
        return None
    return {
        "recognition_id": stable_id("r_", login, behaviour, fmt, recognized_on, pr_url),
        "login": login,
        "behaviour": behaviour,
        "format": fmt,
        "recognized_on": recognized_on,
        "note": note,
        "pr_url": pr_url,
    }


def import_recognitions(
    path: str | os.PathLike[str],
    db: DbPath = None,
    *,
    today: date | None = None,
    fw: Framework | None = None,
) -> ImportResult:
    """Import ``login,behaviour,format,recognized_on,note,pr_url``, keeping history.

    Raises:
        ImportRefusedError: bad rows (unknown login, behaviour or format, a future date, a
            link that is not http(s), a duplicate), each listed; nothing is written.
    """
    return _import_history(path, db, RECOGNITIONS, _recognition_key, today, fw)


def _recognition_key(row: dict[str, Any]) -> tuple[Any, ...]:
    url = row["pr_url"] or ""
    return (row["login"], row["behaviour"], row["format"], row["recognized_on"], url)


_TABLES = {"assessments": "competency_assessments", "recognitions": "recognitions"}


def _import_history(
    path: str | os.PathLike[str],
    db: DbPath,
    spec: _Spec,
    key: Callable[[dict[str, Any]], tuple[Any, ...]],
    today: date | None,
    fw: Framework | None,
) -> ImportResult:
    today = today or utc_today()
    fw = fw or load_framework()
    rows = _read_csv(path, spec)
    build = _assessment if spec.kind == "assessments" else _recognition
    with write_transaction(db) as conn:
        people = _people(conn)
        problems: list[BadRow] = []
        clean: list[dict[str, Any]] = []
        seen: dict[tuple[Any, ...], int] = {}
        for number, raw in rows:
            check = _Check(number)
            row = build(check, raw, people, fw, today)
            if row is not None:
                _duplicate(check, seen, key(row), "(row)", ",".join(raw.values()))
            problems += check.problems
            if row is not None and not check.problems:
                clean.append(row)
        if problems:
            raise ImportRefusedError(str(path), problems)
        writer.upsert(conn, _TABLES[spec.kind], clean, _provenance("import", _file_url(path)))
        writer.set_sync_state(
            conn,
            source=f"import:{spec.kind}",
            scope=str(path),
            stream="rows",
            status="complete",
            detail=f"{len(clean)} {spec.kind}",
        )
    return ImportResult(spec.kind, str(path), len(clean), {spec.kind: len(clean)})


# --- the app's forms ------------------------------------------------------------------


def record_assessment(
    db: DbPath,
    *,
    login: str,
    competency: str,
    level: int | str,
    assessed_on: date | str,
    assessor_role: str,
    assessor: str = "",
    evidence: str = "",
    today: date | None = None,
    fw: Framework | None = None,
) -> str:
    """Validate and write one assessment from the app, at once. Returns its id.

    Written in one locked transaction straight into the live store, so a concurrent
    ingest or import can neither lose it nor be lost by it.

    Raises:
        ImportRefusedError: each bad field (row None), nothing written.
    """
    raw = {
        "login": login.strip(),
        "competency": competency.strip(),
        "level": str(level).strip(),
        "assessed_on": str(assessed_on).strip(),
        "assessor": assessor.strip(),
        "evidence": evidence.strip(),
    }
    return _record(
        db,
        "assessment",
        lambda check, people, fw_, day: _assessment(check, raw, people, fw_, day, assessor_role),
        "competency_assessments",
        "assessment_id",
        today,
        fw,
    )


def record_recognition(
    db: DbPath,
    *,
    login: str,
    behaviour: str,
    format: str,  # noqa: A002 - the contract's column name
    recognized_on: date | str,
    note: str = "",
    pr_url: str = "",
    today: date | None = None,
    fw: Framework | None = None,
) -> str:
    """Validate and write one recognition from the app, at once. Returns its id.

    Raises:
        ImportRefusedError: each bad field (row None), nothing written.
    """
    raw = {
        "login": login.strip(),
        "behaviour": behaviour.strip(),
        "format": format.strip(),
        "recognized_on": str(recognized_on).strip(),
        "note": note.strip(),
        "pr_url": pr_url.strip(),
    }
    return _record(
        db,
        "recognition",
        lambda check, people, fw_, day: _recognition(check, raw, people, fw_, day),
        "recognitions",
        "recognition_id",
        today,
        fw,
    )


def _record(
    db: DbPath,
    what: str,
    build: Callable[[_Check, Mapping[str, str], Framework, date], dict[str, Any] | None],
    table: str,
    id_column: str,
    today: date | None,
    fw: Framework | None,
) -> str:
    today = today or utc_today()
    fw = fw or load_framework()
    with write_transaction(db) as conn:
        check = _Check(None)
        row = build(check, _people(conn), fw, today)
        if row is None:
            raise ImportRefusedError(f"this {what}", check.problems)
        writer.upsert(conn, table, [row], _provenance("app", None))
    return str(row[id_column])


IMPORTERS: dict[str, Callable[..., ImportResult]] = {
    "people": import_people,
    "teams": import_teams,
    "assessments": import_assessments,
    "recognitions": import_recognitions,
}
