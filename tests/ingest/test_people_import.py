"""Imports of people, teams, assessments and recognitions: all-or-nothing, every bad row
listed (row number, field, value, expectation), idempotent; the app-form writes."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import pytest

import teamlens
from ingest import people_import as pi
from store import read_connection

TODAY = date(2026, 11, 20)  # "today" in these tests; anything later is in the future
ROOT = Path(__file__).resolve().parents[2]


def csv_file(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).lstrip())
    return path


def rows(db: Path, sql: str) -> list[tuple]:
    with read_connection(db) as conn:
        return conn.execute(sql).fetchall()


def problems(exc: pytest.ExceptionInfo) -> list[tuple]:
    return [(p.row, p.field, p.value) for p in exc.value.problems]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """Two teams and three people."""
    path = tmp_path / "store.duckdb"
    teams = csv_file(
        tmp_path,
        "teams.csv",
        """
        team,ai_adoption_date,repos
        Payments,2026-02-02,acme/pay acme/ledger
        Growth,,acme/web
        """,
    )
    pi.import_teams(teams, path, today=TODAY)
    people = csv_file(
        tmp_path,
        "people.csv",
        """
        login,name,team,level,started_on
        alice,Alice Ng,Payments,junior,2026-03-10
        bob,Bob Ray,Growth,senior,
        carol,Carol Ma,Payments,mid,2024-05-01
        """,
    )
    pi.import_people(people, path, today=TODAY)
    return path


# --- teams ----------------------------------------------------------------------------


def test_teams_and_their_repositories_are_written(db):
    assert rows(db, "select team, ai_adoption_date from teams order by team") == [
        ("Growth", None),
        ("Payments", date(2026, 2, 2)),
    ]
    assert rows(db, "select team, repo from team_repositories order by repo") == [
        ("Payments", "acme/ledger"),
        ("Payments", "acme/pay"),
        ("Growth", "acme/web"),
    ]
    assert rows(db, "select distinct source from teams") == [("import",)]


def test_reimported_team_replaces_its_repositories(db, tmp_path):
    again = csv_file(
        tmp_path, "t2.csv", "team,ai_adoption_date,repos\nPayments,2026-02-02,acme/pay\n"
    )
    pi.import_teams(again, db, today=TODAY)
    pi.import_teams(again, db, today=TODAY)  # idempotent
    assert rows(db, "select repo from team_repositories where team = 'Payments'") == [("acme/pay",)]


def test_bad_team_rows_are_all_listed_and_nothing_is_written(db, tmp_path):
    bad = csv_file(
        tmp_path,
        "bad_teams.csv",
        """
        team,ai_adoption_date,repos
        Mobile,2026-13-01,acme/app
        ,2026-01-01,
        Data,2027-01-01,acme/data
        mobile,,not-a-repo
        """,
    )
    with pytest.raises(pi.ImportRefusedError) as exc:
        pi.import_teams(bad, db, today=TODAY)
    assert problems(exc) == [
        (2, "ai_adoption_date", "2026-13-01"),
        (3, "team", ""),
        (4, "ai_adoption_date", "2027-01-01"),  # after today: in the future
        (5, "team", "mobile"),  # the same team as row 2, differently cased
        (5, "repos", "not-a-repo"),
    ]
    assert "4 bad rows, nothing written" in str(exc.value)
    assert rows(db, "select count(*) from teams") == [(2,)]


# --- people ---------------------------------------------------------------------------


def test_people_and_memberships(db):
    assert rows(db, "select login, name, level, started_on from people order by login") == [
        ("alice", "Alice Ng", "junior", date(2026, 3, 10)),
        ("bob", "Bob Ray", "senior", None),
        ("carol", "Carol Ma", "mid", date(2024, 5, 1)),
    ]
    # valid_from = started_on, or the beginning of time when nobody knows
    assert rows(
        db, "select login, team, valid_from, valid_to from team_memberships order by 1"
    ) == [
        ("alice", "Payments", date(2026, 3, 10), None),
        ("bob", "Growth", date(1, 1, 1), None),
        ("carol", "Payments", date(2024, 5, 1), None),
    ]


def test_changed_team_closes_the_old_membership_and_opens_one_from_today(db, tmp_path):
    moved = csv_file(
        tmp_path,
        "moved.csv",
        """
        login,name,team,level,started_on
        carol,Carol Ma,Growth,senior,2024-05-01
        alice,Alice Ng,Payments,junior,2026-03-10
        """,
    )
    result = pi.import_people(moved, db, today=TODAY)
    assert result.details == {"people": 2, "memberships_closed": 1, "memberships_opened": 1}
    assert rows(
        db,
        "select team, valid_from, valid_to from team_memberships where login = 'carol' order by 2",
    ) == [
        ("Payments", date(2024, 5, 1), TODAY),  # closed today (exclusive end)
        ("Growth", TODAY, None),  # open from today
    ]
    # re-importing the same file changes nothing
    pi.import_people(moved, db, today=TODAY)
    assert rows(db, "select count(*) from team_memberships where login = 'carol'") == [(2,)]
    assert rows(db, "select level from people where login = 'carol'") == [("senior",)]


def test_bad_people_rows_are_all_listed_and_nothing_is_written(db, tmp_path):
    bad = csv_file(
        tmp_path,
        "bad_people.csv",
        """
        login,name,team,level,started_on
        dave,Dave,Mobile,junior,2026-01-01
        erin,Erin,Growth,intern,2026-01-01
        frank,Frank,Growth,mid,2026-12-01
        dave,Dave again,Growth,mid,
        bad login!,X,Growth,mid,
        """,
    )
    with pytest.raises(pi.ImportRefusedError) as exc:
        pi.import_people(bad, db, today=TODAY)
    assert problems(exc) == [
        (2, "team", "Mobile"),
        (3, "level", "intern"),
        (4, "started_on", "2026-12-01"),
        (5, "login", "dave"),
        (6, "login", "bad login!"),
    ]
    expected = {p.field: p.expected for p in exc.value.problems}
    assert "Growth, Payments" in expected["team"]
    assert "junior, mid, senior, staff" in expected["level"]
    assert "2026-11-20" in expected["started_on"]
    assert "same as row 2" in exc.value.problems[3].expected
    assert rows(db, "select count(*) from people") == [(3,)]


def test_a_bad_header_is_refused(db, tmp_path):
    bad = csv_file(tmp_path, "h.csv", "login,nme,level\nzoe,Zoe,junior\n")
    with pytest.raises(pi.ImportRefusedError) as exc:
        pi.import_people(bad, db, today=TODAY)
    assert problems(exc) == [(1, "nme", "nme")]
    missing = csv_file(tmp_path, "m.csv", "login,name\nzoe,Zoe\n")
    with pytest.raises(pi.ImportRefusedError) as exc:
        pi.import_people(missing, db, today=TODAY)
    assert problems(exc) == [(1, "level", "")]


def test_a_row_with_the_wrong_number_of_fields_is_a_bad_row(db, tmp_path):
    bad = csv_file(tmp_path, "f.csv", "login,name,team,level,started_on\nzoe,Zoe,Growth\n")
    with pytest.raises(pi.ImportRefusedError) as exc:
        pi.import_people(bad, db, today=TODAY)
    assert problems(exc) == [(2, "(row)", "zoe,Zoe,Growth")]


# --- assessments ----------------------------------------------------------------------

ASSESSMENTS = """
    login,competency,level,assessed_on,assessor,evidence
    alice,prompt_effectiveness,1,2026-04-01,alice,
    alice,prompt_effectiveness,2,2026-04-01,carol,https://github.com/acme/pay/pull/4
    alice,prompt_effectiveness,2,2026-07-01,carol,
    Carol,testing_quality,3,2026-06-15,self,
"""


def test_assessments_keep_history_roles_and_are_idempotent(db, tmp_path):
    path = csv_file(tmp_path, "a.csv", ASSESSMENTS)
    assert pi.import_assessments(path, db, today=TODAY).rows == 4
    pi.import_assessments(path, db, today=TODAY)  # re-import: the same rows, no duplicates
    assert rows(
        db,
        "select login, competency, level, assessed_on, assessor, assessor_role, evidence "
        "from competency_assessments order by login, assessed_on, assessor_role",
    ) == [
        ("alice", "prompt_effectiveness", 2, date(2026, 4, 1), "carol", "manager",
         "https://github.com/acme/pay/pull/4"),
        ("alice", "prompt_effectiveness", 1, date(2026, 4, 1), "alice", "self", None),
        ("alice", "prompt_effectiveness", 2, date(2026, 7, 1), "carol", "manager", None),
        # the login is matched case-insensitively and stored as people spells it
        ("carol", "testing_quality", 3, date(2026, 6, 15), "carol", "self", None),
    ]  # fmt: skip


def test_a_corrected_level_replaces_the_same_assessment(db, tmp_path):
    pi.import_assessments(csv_file(tmp_path, "a.csv", ASSESSMENTS), db, today=TODAY)
    fixed = csv_file(
        tmp_path,
        "fix.csv",
        """
        login,competency,level,assessed_on,assessor,evidence
        alice,prompt_effectiveness,3,2026-07-01,carol,recalibrated
        """,
    )
    pi.import_assessments(fixed, db, today=TODAY)
    assert rows(
        db,
        "select level, evidence from competency_assessments "
        "where login = 'alice' and assessed_on = '2026-07-01'",
    ) == [(3, "recalibrated")]


def test_bad_assessment_rows_are_all_listed_and_nothing_is_written(db, tmp_path):
    bad = csv_file(
        tmp_path,
        "bad_a.csv",
        """
        login,competency,level,assessed_on,assessor,evidence
        zed,prompt_effectiveness,2,2026-04-01,carol,
        alice,prompt_skill,2,2026-04-01,carol,
        alice,debugging,5,2026-04-01,carol,
        alice,debugging,two,2026-04-01,carol,
        alice,debugging,2,2026-11-21,carol,
        alice,debugging,2,2026-04-01,,
        alice,testing_quality,2,2026-04-01,carol,
        alice,testing_quality,3,2026-04-01,carol,
        """,
    )
    with pytest.raises(pi.ImportRefusedError) as exc:
        pi.import_assessments(bad, db, today=TODAY)
    assert problems(exc) == [
        (2, "login", "zed"),  # not in people
        (3, "competency", "prompt_skill"),
        (4, "level", "5"),  # out of range 1..4
        (5, "level", "two"),
        (6, "assessed_on", "2026-11-21"),  # the day after "today"
        (7, "assessor", ""),
        (9, "(row)", "alice,testing_quality,3,2026-04-01,carol,"),  # same key as row 8
    ]
    by_field = {p.field: p.expected for p in exc.value.problems}
    assert "import people first" in by_field["login"]
    assert "a level from 1 to 4" in by_field["level"]
    assert rows(db, "select count(*) from competency_assessments") == [(0,)]


# --- recognitions ---------------------------------------------------------------------


def test_recognitions_are_written_with_history(db, tmp_path):
    path = csv_file(
        tmp_path,
        "r.csv",
        """
        login,behaviour,format,recognized_on,note,pr_url
        alice,quality_catch,standup_verbal,2026-05-04,Caught an injected SQL string,https://github.com/acme/pay/pull/9
        alice,quality_catch,team_channel_written,2026-05-08,Written up for the org,
        bob,process_improvement,performance_review,2026-09-30,,
        """,
    )
    assert pi.import_recognitions(path, db, today=TODAY).rows == 3
    pi.import_recognitions(path, db, today=TODAY)
    assert rows(
        db, "select login, behaviour, format, recognized_on, pr_url from recognitions order by 4"
    ) == [
        ("alice", "quality_catch", "standup_verbal", date(2026, 5, 4),
         "https://github.com/acme/pay/pull/9"),
        ("alice", "quality_catch", "team_channel_written", date(2026, 5, 8), None),
        ("bob", "process_improvement", "performance_review", date(2026, 9, 30), None),
    ]  # fmt: skip


def test_bad_recognition_rows_are_all_listed(db, tmp_path):
    bad = csv_file(
        tmp_path,
        "bad_r.csv",
        """
        login,behaviour,format,recognized_on,note,pr_url
        nobody,quality_catch,standup_verbal,2026-05-04,,
        alice,heroics,standup_verbal,2026-05-04,,
        alice,quality_catch,slack_emoji,2026-05-04,,
        alice,quality_catch,standup_verbal,2026-05-04,,javascript:alert(1)
        alice,quality_catch,standup_verbal,2027-05-04,,
        bob,effective_mentoring,standup_verbal,2026-05-04,,
        bob,effective_mentoring,standup_verbal,2026-05-04,again,
        """,
    )
    with pytest.raises(pi.ImportRefusedError) as exc:
        pi.import_recognitions(bad, db, today=TODAY)
    assert problems(exc) == [
        (2, "login", "nobody"),
        (3, "behaviour", "heroics"),
        (4, "format", "slack_emoji"),
        (5, "pr_url", "javascript:alert(1)"),
        (6, "recognized_on", "2027-05-04"),
        (8, "(row)", "bob,effective_mentoring,standup_verbal,2026-05-04,again,"),
    ]
    assert rows(db, "select count(*) from recognitions") == [(0,)]


# --- the app's forms ------------------------------------------------------------------


def test_record_assessment_from_the_app(db):
    first = pi.record_assessment(
        db,
        login="alice",
        competency="security_vigilance",
        level=2,
        assessed_on=date(2026, 11, 2),
        assessor_role="manager",
        assessor="carol",
        evidence="https://github.com/acme/pay/pull/30",
        today=TODAY,
    )
    again = pi.record_assessment(
        db,
        login="alice",
        competency="security_vigilance",
        level=3,
        assessed_on="2026-11-02",
        assessor_role="manager",
        assessor="carol",
        today=TODAY,
    )
    assert first == again  # the same natural key: a correction, not a second row
    assert rows(db, "select level, assessor_role, source from competency_assessments") == [
        (3, "manager", "app")
    ]
    pi.record_assessment(
        db,
        login="alice",
        competency="security_vigilance",
        level=2,
        assessed_on="2026-11-02",
        assessor_role="self",
        today=TODAY,
    )
    assert rows(db, "select assessor, assessor_role from competency_assessments order by 2") == [
        ("carol", "manager"),
        ("alice", "self"),
    ]


def test_record_assessment_refuses_each_bad_field(db):
    with pytest.raises(pi.ImportRefusedError) as exc:
        pi.record_assessment(
            db,
            login="nobody",
            competency="debugging",
            level=9,
            assessed_on="2026-12-24",
            assessor_role="manager",
            assessor="",
            today=TODAY,
        )
    assert problems(exc) == [
        (None, "login", "nobody"),
        (None, "level", "9"),
        (None, "assessed_on", "2026-12-24"),
        (None, "assessor", ""),
    ]
    assert str(exc.value.problems[0]).startswith("login = 'nobody': expected")
    assert rows(db, "select count(*) from competency_assessments") == [(0,)]


def test_record_recognition_from_the_app(db):
    pi.record_recognition(
        db,
        login="bob",
        behaviour="honest_limitation_discovery",
        format="team_channel_written",
        recognized_on=date(2026, 10, 1),
        note="Wrote up where the tool fails on our migrations",
        today=TODAY,
    )
    assert rows(db, "select login, behaviour, source from recognitions") == [
        ("bob", "honest_limitation_discovery", "app")
    ]
    with pytest.raises(pi.ImportRefusedError) as exc:
        pi.record_recognition(
            db,
            login="bob",
            behaviour="quality_catch",
            format="standup_verbal",
            recognized_on="yesterday",
            pr_url="ftp://x",
            today=TODAY,
        )
    assert [p.field for p in exc.value.problems] == ["recognized_on", "pr_url"]


# --- the command line -----------------------------------------------------------------


def test_cli_import_lists_every_bad_row_and_exits_2(db, tmp_path, capsys):
    bad = csv_file(
        tmp_path,
        "bad.csv",
        """
        login,competency,level,assessed_on,assessor,evidence
        zed,debugging,2,2026-04-01,carol,
        alice,debugging,0,2026-04-01,carol,
        """,
    )
    assert teamlens.main(["import", "assessments", str(bad), "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert "row 2, login = 'zed'" in err
    assert "row 3, level = '0': expected a level from 1 to 4" in err
    assert "2 bad rows, nothing written" in err

    good = csv_file(tmp_path, "good.csv", ASSESSMENTS)
    assert teamlens.main(["import", "assessments", str(good), "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert '"rows": 4' in out


def test_cli_import_of_a_missing_file_exits_2(db, tmp_path, capsys):
    assert teamlens.main(["import", "people", str(tmp_path / "nope.csv"), "--db", str(db)]) == 2
    assert "no such file" in capsys.readouterr().err


# --- concurrency ----------------------------------------------------------------------


def test_app_writes_survive_a_concurrent_import_in_another_process(db, tmp_path):
    lines = ["login,competency,level,assessed_on,assessor,evidence"]
    for month in range(1, 11):
        for competency in ("debugging", "testing_quality", "software_design"):
            lines.append(f"carol,{competency},2,2026-{month:02d}-01,carol,")
    big = tmp_path / "big.csv"
    big.write_text("\n".join(lines) + "\n")
    script = (
        "import sys; from ingest import people_import as pi\n"
        "for _ in range(15): pi.import_assessments(sys.argv[1], sys.argv[2])\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", script, str(big), str(db)], cwd=ROOT)
    try:
        for day in range(1, 11):
            pi.record_assessment(
                db,
                login="alice",
                competency="knowledge_sharing",
                level=2,
                assessed_on=date(2026, 10, day),
                assessor_role="manager",
                assessor="carol",
                today=TODAY,
            )
    finally:
        assert proc.wait(timeout=120) == 0
    assert rows(db, "select count(*) from competency_assessments where login = 'alice'") == [(10,)]
    assert rows(db, "select count(*) from competency_assessments where login = 'carol'") == [(30,)]
