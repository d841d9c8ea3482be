"""People, teams, assessments and recognitions files as spreadsheets really write them.

The same real-world files the tracker imports survive (one reader, ingest.csv_files): a
UTF-8 BOM, CRLF, semicolons from a European Excel, empty cells, repeated columns, emoji,
a trailing delimiter; and a binary file, a workbook or a non-UTF-8 file is refused by the
CLI with exit 2 and one line, never a traceback.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

import teamlens
from ingest import people_import as pi
from store import read_connection

TODAY = date(2026, 11, 20)


def write(tmp_path: Path, name: str, text: str, *, bom: bool = False, crlf: bool = False) -> Path:
    body = text.strip() + "\n"
    if crlf:
        body = body.replace("\n", "\r\n")
    path = tmp_path / name
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + body.encode("utf-8"))
    return path


def rows(db: Path, sql: str) -> list[tuple]:
    with read_connection(db) as conn:
        return conn.execute(sql).fetchall()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "store.duckdb"
    # Excel in a semicolon locale, saved as "CSV UTF-8": a BOM, CRLF, ';', a header in
    # other case and spacing, an emoji in a team name, an empty optional cell.
    teams = write(
        tmp_path,
        "teams.csv",
        "Team ; AI_Adoption_Date;repos\nPayments 💳;2026-02-02;acme/pay acme/ledger\nGrowth;;\n",
        bom=True,
        crlf=True,
    )
    assert pi.import_teams(teams, path, today=TODAY).rows == 2
    return path


def test_bom_crlf_semicolons_and_emoji(db, tmp_path):
    people = write(
        tmp_path,
        "people.csv",
        'login;name;team;level;started_on\nalice;"Ng, Alice 🙂";Payments 💳;junior;2026-03-10\n'
        "bob;;Growth;Senior;\n",
        bom=True,
        crlf=True,
    )
    assert pi.import_people(people, db, today=TODAY).rows == 2
    assert rows(db, "select login, name, level from people order by login") == [
        ("alice", "Ng, Alice 🙂", "junior"),
        ("bob", None, "senior"),
    ]
    assert rows(db, "select team from teams order by team") == [("Growth",), ("Payments 💳",)]


def test_repeated_columns_are_read_in_every_place(db, tmp_path):
    # A sheet where someone copied the team column to the end: both copies are read, an
    # empty copy gives way to a filled one, and copies that disagree are a bad row.
    people = write(
        tmp_path,
        "people.csv",
        "login,team,level,team\nalice,,junior,Growth\nbob,Growth,mid,Growth\ncarol,Growth,mid,\n",
    )
    assert pi.import_people(people, db, today=TODAY).rows == 3
    assert rows(db, "select login, team from team_memberships order by login") == [
        ("alice", "Growth"),
        ("bob", "Growth"),
        ("carol", "Growth"),
    ]
    clash = write(tmp_path, "clash.csv", "login,team,level,team\ndan,Growth,mid,Payments 💳\n")
    with pytest.raises(pi.ImportRefusedError) as exc:
        pi.import_people(clash, db, today=TODAY)
    [problem] = exc.value.problems
    assert (problem.row, problem.field, problem.value) == (2, "team", "Growth | Payments 💳")
    assert "written 2 times" in problem.expected


def test_a_trailing_delimiter_is_ignored_while_its_column_is_empty(db, tmp_path):
    people = write(tmp_path, "people.csv", "login,level,\nalice,junior,\nbob,mid,\n")
    assert pi.import_people(people, db, today=TODAY).rows == 2
    filled = write(tmp_path, "filled.csv", "login,level,\nalice,junior,oops\n")
    with pytest.raises(pi.ImportRefusedError) as exc:
        pi.import_people(filled, db, today=TODAY)
    [problem] = exc.value.problems
    assert (problem.row, problem.field, problem.value) == (2, "(column 3)", "oops")


def test_empty_cells_in_required_columns_are_bad_rows_not_crashes(db, tmp_path):
    # row 2 is all empty (a blank line, skipped); row 3 has no team but a date
    teams = write(tmp_path, "t.csv", "team,ai_adoption_date,repos\n,,\n,2026-01-05,\nOps,,\n")
    with pytest.raises(pi.ImportRefusedError) as exc:
        pi.import_teams(teams, db, today=TODAY)
    assert [(p.row, p.field) for p in exc.value.problems] == [(3, "team")]


def test_assessments_and_recognitions_from_a_semicolon_export(db, tmp_path):
    people = write(tmp_path, "p.csv", "login,level,team\nalice,junior,Growth\n")
    pi.import_people(people, db, today=TODAY)
    assessments = write(
        tmp_path,
        "a.csv",
        "login;competency;level;assessed_on;assessor;evidence\n"
        'alice;debugging;2;2026-04-01;carol;"Fixed the 🔥 outage; see #12"\n',
        bom=True,
        crlf=True,
    )
    assert pi.import_assessments(assessments, db, today=TODAY).rows == 1
    assert rows(db, "select evidence from competency_assessments") == [
        ("Fixed the 🔥 outage; see #12",)
    ]
    recognitions = write(
        tmp_path,
        "r.csv",
        "login;behaviour;format;recognized_on;note;pr_url\n"
        "alice;quality_catch;team_channel_written;2026-05-01;Thanks 🙏;\n",
        bom=True,
        crlf=True,
    )
    assert pi.import_recognitions(recognitions, db, today=TODAY).rows == 1


BAD_FILES = {
    "png": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary file"),
    "xlsx": (b"PK\x03\x04\x14\x00\x06\x00\x08\x00", "zip file (an Excel workbook?)"),
    "latin1": ("login,name,level\nzoe,Zoë,junior\n".encode("latin-1"), "not UTF-8 text"),
    "empty": (b"", "is empty"),
}


@pytest.mark.parametrize("kind", ["people", "teams", "assessments", "recognitions"])
@pytest.mark.parametrize("bad", sorted(BAD_FILES))
def test_the_cli_refuses_what_is_not_csv_in_one_line(db, tmp_path, capsys, kind, bad):
    content, message = BAD_FILES[bad]
    path = tmp_path / f"{bad}.csv"
    path.write_bytes(content)
    assert teamlens.main(["import", kind, str(path), "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert message in err and str(path) in err and "Traceback" not in err


def test_the_cli_refuses_a_directory_in_one_line(db, tmp_path, capsys):
    assert teamlens.main(["import", "people", str(tmp_path), "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
