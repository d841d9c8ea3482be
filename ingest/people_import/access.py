"""Ingest layer: who may see what (the access file) and the audit trail the app appends to.

``teamlens import access FILE.csv`` reads ``email,role,login,teams``: an account's e-mail
(folded to lower case, as the identity provider's verified e-mail is matched), its role
(engineer, manager, executive or admin), the person it is (a known login; required for
an engineer) and the teams a manager leads (known teams; required for a manager). The
file is the whole access list: it replaces the table, so an account left out of it loses
access. All or nothing, like every import: any bad row refuses the file, every bad row
listed, nothing written.

:func:`record_audit` appends one row to ``audit`` (a person page or packet opened, a
packet exported, an assessment or recognition saved); nothing here updates or deletes one.
"""

from __future__ import annotations

import os
import re
from datetime import date
from typing import Any

from ingest import writer
from ingest.bad_rows import BadRow
from ingest.people_import.rows import (
    Check,
    ImportRefusedError,
    ImportResult,
    Spec,
    check_duplicate,
    file_url,
    logins,
    provenance_of,
    read_csv,
    team_names,
)
from store import DbPath, write_transaction

ACCESS = Spec("access", ("email", "role"), ("login", "teams"))
ROLES = ("engineer", "manager", "executive", "admin")
EMAIL = re.compile(r"^[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+$")
AUDIT_ACTIONS = (
    "person page opened",
    "packet opened",
    "packet exported",
    "summary exported",
    "assessment saved",
    "recognition saved",
)


def split_teams(value: str, known: tuple[str, ...]) -> list[str]:
    """The teams of a ``teams`` cell: the whole cell when it is one known team (a name
    with spaces), else names separated by ``;`` when there is one, else by spaces."""
    value = value.strip()
    if not value:
        return []
    if value in known:
        return [value]
    parts = value.split(";") if ";" in value else value.split()
    return list(dict.fromkeys(p.strip() for p in parts if p.strip()))


def import_access(
    path: str | os.PathLike[str], db: DbPath = None, *, today: date | None = None
) -> ImportResult:
    """Import ``email,role,login,teams``, replacing the whole access list.

    Raises:
        ImportRefusedError: bad rows (a malformed or duplicate e-mail, an unknown role, an
            unknown login or team, an engineer without a login, a manager without teams),
            each listed; nothing is written.
    """
    del today  # the access file has no dates; accepted like every importer's keyword
    rows = read_csv(path, ACCESS)
    with write_transaction(db, facts=False) as conn:  # no fact step reads `access`
        people = logins(conn)
        known_teams = team_names(conn)
        problems: list[BadRow] = []
        clean: list[dict[str, Any]] = []
        seen: dict[tuple[Any, ...], int] = {}
        for number, raw in rows:
            check = Check(number)
            email = raw["email"].lower()
            if check.present("email", email) and not EMAIL.match(email):
                check.bad("email", raw["email"], "an e-mail address like ana@example.com")
            check_duplicate(check, seen, (email or None,), "email", raw["email"])
            role = check.choice("role", raw["role"].lower(), ROLES, "a role")
            login = _login(check, raw["login"], role, people)
            teams = split_teams(raw["teams"], known_teams)
            for team in teams:
                if team not in known_teams:
                    known = ", ".join(known_teams) if known_teams else "none yet: import teams"
                    check.bad("teams", team, f"a known team ({known})")
            if role == "manager" and not teams:
                check.bad("teams", "", "the teams this manager leads (a manager needs one)")
            problems += check.problems
            if not check.problems:
                clean.append({"email": email, "role": role, "login": login, "teams": teams})
        if problems:
            raise ImportRefusedError(str(path), problems)
        conn.execute("delete from access")
        writer.upsert(conn, "access", clean, provenance_of("import", file_url(path)))
        writer.set_sync_state(
            conn,
            source="import:access",
            scope=str(path),
            stream="rows",
            status="complete",
            detail=f"{len(clean)} accounts",
        )
    counts = {role: sum(1 for row in clean if row["role"] == role) for role in ROLES}
    return ImportResult("access", str(path), len(clean), {"accounts": len(clean), **counts})


def _login(check: Check, value: str, role: str | None, people: dict[str, str]) -> str | None:
    """The stored spelling of a known login; required for an engineer."""
    if not value:
        if role == "engineer":
            check.bad("login", value, "the engineer's login (a person already in people)")
        return None
    login = people.get(value.lower())
    if login is None:
        check.bad("login", value, "a login already in people (import people first)")
    return login


def record_audit(db: DbPath, *, email: str, action: str, subject: str = "") -> None:
    """Append one row to the audit trail, at once (its own short locked transaction).

    Raises:
        ValueError: an action that is not one of :data:`AUDIT_ACTIONS` (a caller's bug).
    """
    if action not in AUDIT_ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    # no figure reads the audit: its appends keep the data token (a page view would
    # otherwise rebuild every cache of figures)
    with write_transaction(db, is_data=False) as conn:
        conn.execute(
            'insert into audit ("at", email, action, subject) values (?, ?, ?, ?)',
            [writer.utc_now(), email, action, subject or None],
        )
