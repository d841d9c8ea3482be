"""Ingest layer: the app's forms — one assessment or recognition, checked and written at once.

Written in one locked transaction straight into the live store, through the same checks
as the file importers, so a concurrent ingest or import can neither lose it nor be lost
by it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from framework import Framework
from framework import framework as load_framework
from ingest import writer
from ingest.people_import.history import assessment_row, recognition_row
from ingest.people_import.rows import Check, ImportRefusedError, logins, provenance_of, utc_today
from store import DbPath, write_transaction


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
        lambda check, people, fw_, day: assessment_row(check, raw, people, fw_, day, assessor_role),
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
        lambda check, people, fw_, day: recognition_row(check, raw, people, fw_, day),
        "recognitions",
        "recognition_id",
        today,
        fw,
    )


def _record(
    db: DbPath,
    what: str,
    build: Callable[[Check, Mapping[str, str], Framework, date], dict[str, Any] | None],
    table: str,
    id_column: str,
    today: date | None,
    fw: Framework | None,
) -> str:
    today = today or utc_today()
    fw = fw or load_framework()
    # assessments and recognitions: tables no fact step reads (saved facts stay valid)
    with write_transaction(db, facts=False) as conn:
        check = Check(None)
        row = build(check, logins(conn), fw, today)
        if row is None:
            raise ImportRefusedError(f"this {what}", check.problems)
        writer.upsert(conn, table, [row], provenance_of("app", None))
    return str(row[id_column])
