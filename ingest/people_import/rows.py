"""Ingest layer: reading and checking the rows of people, teams, assessments and recognitions.

Shared by the file importers and the app's forms: the CSV reader (header checked, blank
lines skipped, every bad row collected), the per-row checks, the refusal error and the
provenance of what is written. Row numbers are a spreadsheet's: the header is row 1, the
first data row is row 2. Computes no metric and writes nothing.
"""

from __future__ import annotations

import csv
import hashlib
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import duckdb

from ingest import writer
from ingest.bad_rows import BadRow, RowsRefusedError
from settings import InputError

LOGIN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")
REPO = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")
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
class Spec:
    kind: str
    required: tuple[str, ...]
    optional: tuple[str, ...]

    @property
    def columns(self) -> tuple[str, ...]:
        return self.required + self.optional


PEOPLE = Spec("people", ("login", "level"), ("name", "team", "started_on"))
TEAMS = Spec("teams", ("team",), ("ai_adoption_date", "repos"))
ASSESSMENTS = Spec(
    "assessments", ("login", "competency", "level", "assessed_on", "assessor"), ("evidence",)
)
RECOGNITIONS = Spec(
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


def read_csv(path: str | os.PathLike[str], spec: Spec) -> list[tuple[int, dict[str, str]]]:
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


class Check:
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


def known_person(check: Check, value: str, people: Mapping[str, str]) -> str | None:
    """The stored spelling of a login (GitHub logins are case-insensitive)."""
    if not check.present("login", value):
        return None
    login = people.get(value.lower())
    if login is None:
        check.bad("login", value, "a login already in people (import people first)")
    return login


def check_duplicate(
    check: Check, seen: dict[tuple[Any, ...], int], key: tuple[Any, ...], name: str, value: str
) -> None:
    if None in key:
        return
    if key in seen:
        check.bad(name, value, f"a row not already given (same as row {seen[key]})")
    else:
        seen[key] = check.row or 0


def logins(conn: duckdb.DuckDBPyConnection) -> dict[str, str]:
    return {row[0].lower(): row[0] for row in conn.execute("select login from people").fetchall()}


def team_names(conn: duckdb.DuckDBPyConnection) -> tuple[str, ...]:
    return tuple(row[0] for row in conn.execute("select team from teams order by team").fetchall())


def provenance_of(source: str, url: str | None) -> dict[str, Any]:
    return {"source": source, "source_url": url, "fetched_at": writer.utc_now()}


def file_url(path: str | os.PathLike[str]) -> str:
    return Path(path).resolve().as_uri()
