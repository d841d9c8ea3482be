"""Ingest layer: reading and checking the rows of people, teams, assessments and recognitions.

Shared by the file importers and the app's forms: the CSV reader (header checked, blank
lines skipped, every bad row collected), the per-row checks, the refusal error and the
provenance of what is written. Row numbers are a spreadsheet's: the header is row 1, the
first data row is row 2. Computes no metric and writes nothing.
"""

from __future__ import annotations

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
from ingest.csv_files import cells, normalized, open_csv

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
    """(row number, {column: stripped value}) for each data row; refuses a bad header.

    Read through :mod:`ingest.csv_files`, like the tracker imports, so these files meet
    real spreadsheets the same way: a BOM, CRLF, a sniffed delimiter (``;`` from a
    European Excel), UTF-16, quoted multi-line cells; a binary or non-UTF-8 file is refused
    in one line (:class:`~ingest.csv_files.CsvFileError`). Column names match whatever
    their case and spacing. A column written more than once is read in every place: the
    copies must agree (or be empty). Columns without a name (a trailing delimiter) are
    ignored while they are empty. A row shorter than the header is a bad row; cells past
    the header's width must be empty.
    """
    file = Path(path)
    with open_csv(file) as table:
        names = table.header.names
        problems = _header_problems(names, spec)
        positions = {column: table.header.positions(column) for column in spec.columns}
        unnamed = [i for i, name in enumerate(names) if not name]
        rows: list[tuple[int, dict[str, str]]] = []
        for number, record in table.records():
            bad = _record_problem(number, record, names, unnamed)
            if bad is not None:
                problems.append(bad)
                continue
            values: dict[str, str] = {}
            for column in spec.columns:
                found = [v for v in dict.fromkeys(cells(record, positions[column])) if v]
                if len(found) > 1:
                    problems.append(
                        BadRow(
                            number,
                            column,
                            " | ".join(found),
                            f"one value (the column {column} is written "
                            f"{len(positions[column])} times and its copies differ)",
                        )
                    )
                values[column] = found[0] if found else ""
            rows.append((number, values))
    if problems:
        raise ImportRefusedError(str(file), problems)
    if not rows:
        raise ImportRefusedError(str(file), [BadRow(2, "(row)", "", "at least one data row")])
    return rows


def _header_problems(names: tuple[str, ...], spec: Spec) -> list[BadRow]:
    """A required column missing, or a named column the file kind does not have."""
    present = {normalized(name) for name in names if name}
    problems = [
        BadRow(1, column, "", f"a column named {column}")
        for column in spec.required
        if column not in present
    ]
    problems += [
        BadRow(1, name, name, f"only the columns {', '.join(spec.columns)}")
        for name in dict.fromkeys(names)
        if name and normalized(name) not in spec.columns
    ]
    return problems


def _record_problem(
    number: int, record: list[str], names: tuple[str, ...], unnamed: list[int]
) -> BadRow | None:
    """A record that does not fit the header: too short, or text where no column is."""
    shown = ",".join(record)
    if len(record) < len(names):
        return BadRow(number, "(row)", shown, f"{len(names)} fields like the header")
    extra = [i for i in [*unnamed, *range(len(names), len(record))] if record[i].strip()]
    if extra:
        return BadRow(
            number,
            f"(column {extra[0] + 1})",
            record[extra[0]].strip(),
            "nothing in a column the header does not name",
        )
    return None


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
