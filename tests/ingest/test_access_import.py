"""The access file (`teamlens import access`) and the audit trail: all or nothing, every bad
row listed by row and field, e-mails folded to lower case, the file replaces the list."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

import teamlens
from ingest import people_import as pi
from store import read_connection


def csv_file(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).lstrip())
    return path


def rows(db: Path, sql: str) -> list[tuple]:
    with read_connection(db) as conn:
        return conn.execute(sql).fetchall()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """Three teams (one with a space in its name) and three people."""
    path = tmp_path / "store.duckdb"
    teams = csv_file(
        tmp_path,
        "teams.csv",
        """
        team,ai_adoption_date,repos
        Payments,,acme/pay
        Growth,,acme/web
        Data Platform,,acme/etl
        """,
    )
    pi.import_teams(teams, path)
    people = csv_file(
        tmp_path,
        "people.csv",
        """
        login,name,team,level,started_on
        Alice,Alice Ng,Payments,junior,2026-03-10
        bob,Bob Ray,Growth,senior,
        carol,Carol Ma,Payments,mid,2024-05-01
        """,
    )
    pi.import_people(people, path)
    return path


GOOD = """
email,role,login,teams
Alice@Example.COM,engineer,alice,
carol@example.com,manager,carol,Payments Growth
dora@example.com,manager,,Data Platform
eve@example.com,manager,,Payments;Data Platform
exec@example.com,Executive,,
root@example.com,admin,,
"""


def test_a_good_file_is_written_folded_and_spelled_as_stored(db, tmp_path):
    result = pi.import_access(csv_file(tmp_path, "access.csv", GOOD), db)
    assert (result.rows, result.details["manager"], result.details["engineer"]) == (6, 3, 1)
    assert rows(db, "select email, role, login, teams from access order by email") == [
        # the e-mail folded to lower case; the login as people spells it ("Alice")
        ("alice@example.com", "engineer", "Alice", []),
        ("carol@example.com", "manager", "carol", ["Payments", "Growth"]),
        # one known team whose name has a space: the whole cell
        ("dora@example.com", "manager", None, ["Data Platform"]),
        # ";" separates names with spaces
        ("eve@example.com", "manager", None, ["Payments", "Data Platform"]),
        ("exec@example.com", "executive", None, []),
        ("root@example.com", "admin", None, []),
    ]
    assert rows(db, "select distinct source from access") == [("import",)]


def test_the_file_replaces_the_whole_list(db, tmp_path):
    pi.import_access(csv_file(tmp_path, "access.csv", GOOD), db)
    smaller = "email,role,login,teams\nroot@example.com,admin,,\n"
    pi.import_access(csv_file(tmp_path, "smaller.csv", smaller), db)
    assert rows(db, "select email from access") == [("root@example.com",)]


@pytest.mark.parametrize(
    ("line", "field", "value", "expected"),
    [
        ("not-an-email,admin,,", "email", "not-an-email", "an e-mail address"),
        (",admin,,", "email", "", "a value"),
        ("x@example.com,boss,,", "role", "boss", "a role: one of engineer, manager"),
        ("x@example.com,engineer,,", "login", "", "the engineer's login"),
        ("x@example.com,engineer,zed,", "login", "zed", "a login already in people"),
        ("x@example.com,manager,,", "teams", "", "the teams this manager leads"),
        ("x@example.com,manager,,Payments Nowhere", "teams", "Nowhere", "a known team"),
        ("ROOT@example.com,admin,,", "email", "ROOT@example.com", "same as row 2"),
    ],
)
def test_each_bad_field_refuses_the_whole_file(db, tmp_path, line, field, value, expected):
    pi.import_access(csv_file(tmp_path, "before.csv", GOOD), db)
    text = f"email,role,login,teams\nroot@example.com,admin,,\n{line}\n"
    with pytest.raises(pi.ImportRefusedError) as caught:
        pi.import_access(csv_file(tmp_path, "bad.csv", text), db)
    [problem] = caught.value.problems
    assert (problem.row, problem.field, problem.value) == (3, field, value)
    assert expected in problem.expected
    # nothing written: the list before the refused file is intact
    assert rows(db, "select count(*) from access") == [(6,)]


def test_a_bad_header_is_refused(db, tmp_path):
    with pytest.raises(pi.ImportRefusedError) as caught:
        pi.import_access(csv_file(tmp_path, "bad.csv", "mail,role\na@b.co,admin\n"), db)
    assert [(p.row, p.field) for p in caught.value.problems] == [(1, "email"), (1, "mail")]


def test_cli_exit_2_names_row_and_field_and_exit_0_prints_json(db, tmp_path, capsys):
    bad = csv_file(tmp_path, "bad.csv", "email,role,login,teams\nx@example.com,engineer,zed,\n")
    assert teamlens.main(["import", "access", str(bad), "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert "row 2, login = 'zed': expected a login already in people" in err
    assert "Traceback" not in err
    good = csv_file(tmp_path, "access.csv", GOOD)
    assert teamlens.main(["import", "access", str(good), "--db", str(db)]) == 0
    captured = capsys.readouterr()
    assert '"kind": "access"' in captured.out and '"rows": 6' in captured.out
    assert "imported 6 access" in captured.err


def test_an_upload_goes_through_the_same_importer(db):
    done = pi.import_upload("access", "team access.csv", GOOD.lstrip().encode(), db)
    assert (done.rows, done.summary) == (6, "imported 6 accounts from team access.csv")
    with pytest.raises(pi.RowsRefusedError):
        pi.import_upload("access", "x.csv", b"email,role\nx@example.com,nobody\n", db)
    assert rows(db, "select count(*) from access") == [(6,)]


def test_the_audit_is_appended_to_and_refuses_an_unknown_action(db):
    pi.record_audit(db, email="carol@example.com", action="person page opened", subject="Alice")
    pi.record_audit(db, email="carol@example.com", action="packet exported", subject="Alice")
    got = rows(db, 'select email, action, subject from audit order by "at"')
    assert got == [
        ("carol@example.com", "person page opened", "Alice"),
        ("carol@example.com", "packet exported", "Alice"),
    ]
    with pytest.raises(ValueError, match="unknown audit action"):
        pi.record_audit(db, email="x@example.com", action="deleted everything")
    assert rows(db, "select count(*) from audit") == [(2,)]
