"""Ingest layer: the assessments and recognitions files, keeping history.

Rows are keyed by a hash of their natural key, so re-importing a file is idempotent; the
same key twice in one file is a bad row. Every row is checked against the framework
(``framework``) and the people in the store; any bad row refuses the whole file.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from framework import Framework
from framework import framework as load_framework
from ingest import writer
from ingest.bad_rows import BadRow
from ingest.people_import.rows import (
    ASSESSMENTS,
    RECOGNITIONS,
    Check,
    ImportRefusedError,
    ImportResult,
    Spec,
    check_duplicate,
    file_url,
    known_person,
    logins,
    provenance_of,
    read_csv,
    stable_id,
    utc_today,
)
from store import DbPath, write_transaction


def assessment_row(
    check: Check,
    raw: Mapping[str, str],
    people: Mapping[str, str],
    fw: Framework,
    today: date,
    role: str | None = None,
) -> dict[str, Any] | None:
    """A checked assessment row, or None (problems recorded on ``check``)."""
    login = known_person(check, raw["login"], people)
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


def recognition_row(
    check: Check,
    raw: Mapping[str, str],
    people: Mapping[str, str],
    fw: Framework,
    today: date,
) -> dict[str, Any] | None:
    login = known_person(check, raw["login"], people)
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
    spec: Spec,
    key: Callable[[dict[str, Any]], tuple[Any, ...]],
    today: date | None,
    fw: Framework | None,
) -> ImportResult:
    today = today or utc_today()
    fw = fw or load_framework()
    rows = read_csv(path, spec)
    build = assessment_row if spec.kind == "assessments" else recognition_row
    # tables no fact step reads: the saved facts stay valid (store.write_transaction)
    with write_transaction(db, facts=False) as conn:
        people = logins(conn)
        problems: list[BadRow] = []
        clean: list[dict[str, Any]] = []
        seen: dict[tuple[Any, ...], int] = {}
        for number, raw in rows:
            check = Check(number)
            row = build(check, raw, people, fw, today)
            if row is not None:
                check_duplicate(check, seen, key(row), "(row)", ",".join(raw.values()))
            problems += check.problems
            if row is not None and not check.problems:
                clean.append(row)
        if problems:
            raise ImportRefusedError(str(path), problems)
        writer.upsert(conn, _TABLES[spec.kind], clean, provenance_of("import", file_url(path)))
        writer.set_sync_state(
            conn,
            source=f"import:{spec.kind}",
            scope=str(path),
            stream="rows",
            status="complete",
            detail=f"{len(clean)} {spec.kind}",
        )
    return ImportResult(spec.kind, str(path), len(clean), {spec.kind: len(clean)})
