"""The access policy (metrics/access.py): for each role, which pages, teams and people, and
what may be written — and the viewer read from a real store's access list."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from ingest import people_import as pi
from metrics import access

KNOWN_TEAMS = ("Growth", "Payments", "Platform")
# login -> team on the page's day
ROSTER = {"alice": "Payments", "bob": "Growth", "carol": "Payments", "dan": None}

ENGINEER = access.Viewer("alice@x.io", "engineer", "alice", ("Payments",))
MANAGER = access.Viewer("carol@x.io", "manager", "carol", ("Payments",))
EXECUTIVE = access.Viewer("exec@x.io", "executive")
ADMIN = access.Viewer("root@x.io", "admin")
UNKNOWN = access.no_access("stranger@x.io")


def test_pages_of_each_role():
    people_pages = {"overview", "team_trends", "competencies", "person", "quarterly_review"}
    assert access.pages(ENGINEER) == people_pages | {"how_we_measure"}
    assert access.pages(MANAGER) == people_pages | {"how_we_measure"}
    assert access.pages(EXECUTIVE) == {"overview", "executive_summary", "how_we_measure"}
    assert access.pages(ADMIN) == set(access.ALL_PAGES)
    assert access.pages(UNKNOWN) == {access.ASK_ADMIN}
    assert access.pages(access.LOCAL) == set(access.ALL_PAGES)  # local mode is an admin
    assert not access.may_open(ENGINEER, "executive_summary")
    assert not access.may_open(MANAGER, "data_sources")
    assert not access.may_open(UNKNOWN, "overview")


def test_teams_of_each_role():
    assert access.teams(ENGINEER, KNOWN_TEAMS) == ("Payments",)
    assert access.teams(MANAGER, KNOWN_TEAMS) == ("Payments",)
    assert access.teams(EXECUTIVE, KNOWN_TEAMS) == ()
    assert access.teams(ADMIN, KNOWN_TEAMS) == KNOWN_TEAMS
    assert access.teams(UNKNOWN, KNOWN_TEAMS) == ()
    # a team the viewer leads but that is not stored (any more) is not offered
    assert access.teams(access.Viewer("m@x.io", "manager", None, ("Gone",)), KNOWN_TEAMS) == ()
    assert [access.whole_organization(v) for v in (ENGINEER, MANAGER, EXECUTIVE, ADMIN)] == [
        False,
        False,
        False,
        True,
    ]


def test_people_of_each_role():
    assert access.people(ENGINEER, ROSTER) == ["alice"]
    assert access.people(MANAGER, ROSTER) == ["alice", "carol"]
    assert access.people(EXECUTIVE, ROSTER) == []
    assert access.people(ADMIN, ROSTER) == ["alice", "bob", "carol", "dan"]
    assert access.people(UNKNOWN, ROSTER) == []
    # a manager whose account names a login outside their teams still sees themselves
    lead = access.Viewer("bob@x.io", "manager", "bob", ("Payments",))
    assert access.people(lead, ROSTER) == ["alice", "bob", "carol"]


@pytest.mark.parametrize(
    ("viewer", "login", "allowed"),
    [
        (ENGINEER, "alice", True),
        (ENGINEER, "ALICE", True),  # logins are case-insensitive
        (ENGINEER, "carol", False),  # a teammate: nothing about another person
        (MANAGER, "alice", True),
        (MANAGER, "bob", False),  # another team
        (MANAGER, "dan", False),  # in no team
        (MANAGER, "nobody", False),  # not in the roster at all
        (EXECUTIVE, "alice", False),
        (ADMIN, "bob", True),
        (UNKNOWN, "alice", False),
    ],
)
def test_may_see_person(viewer, login, allowed):
    assert access.may_see_person(viewer, login, ROSTER) is allowed


def test_who_may_write_what():
    # an engineer writes a self-assessment for themselves only, and no recognition
    assert access.assessor_roles(ENGINEER, "alice", ROSTER) == ["self"]
    assert access.assessor_roles(ENGINEER, "carol", ROSTER) == []
    assert not access.may_write_assessment_for(ENGINEER, "alice", ROSTER, "manager")
    assert access.may_write_assessment_for(ENGINEER, "alice", ROSTER, "self")
    assert not access.may_write_recognition_for(ENGINEER, "alice", ROSTER)
    # a manager assesses and recognises their team's people, themselves only as self
    assert access.assessor_roles(MANAGER, "alice", ROSTER) == ["manager"]
    assert access.assessor_roles(MANAGER, "carol", ROSTER) == ["self"]
    assert access.assessor_roles(MANAGER, "bob", ROSTER) == []
    assert access.may_write_recognition_for(MANAGER, "alice", ROSTER)
    assert not access.may_write_recognition_for(MANAGER, "carol", ROSTER)
    assert not access.may_write_recognition_for(MANAGER, "bob", ROSTER)
    # an executive writes nothing; an admin anything
    assert access.assessor_roles(EXECUTIVE, "alice", ROSTER) == []
    assert not access.may_write_recognition_for(EXECUTIVE, "alice", ROSTER)
    assert access.assessor_roles(ADMIN, "bob", ROSTER) == ["manager", "self"]
    assert access.may_write_recognition_for(ADMIN, "bob", ROSTER)
    assert access.assessor_roles(UNKNOWN, "alice", ROSTER) == []


def test_summary_matrix_and_administration():
    viewers = (ENGINEER, MANAGER, EXECUTIVE, ADMIN, UNKNOWN)
    assert [access.may_see_executive_summary(v) for v in viewers] == [
        False,
        False,
        True,
        True,
        False,
    ]
    assert [access.may_see_team_matrix(v) for v in viewers] == [False, True, False, True, False]
    assert [access.may_administer(v) for v in viewers] == [False, False, False, True, False]


def test_the_viewer_is_read_from_the_access_list(tmp_path: Path):
    db = tmp_path / "store.duckdb"

    def write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text).lstrip())
        return path

    pi.import_teams(write("t.csv", "team\nPayments\nGrowth\n"), db)
    pi.import_people(
        write("p.csv", "login,team,level\nalice,Payments,mid\ncarol,Growth,senior\n"), db
    )
    pi.import_access(
        write(
            "a.csv",
            """
            email,role,login,teams
            alice@x.io,engineer,alice,Growth
            carol@x.io,manager,carol,Payments Growth
            exec@x.io,executive,,
            """,
        ),
        db,
    )
    # matched by e-mail whatever its case; an engineer's teams are their current team,
    # not what the file's teams column says
    assert access.viewer_for(db, "Alice@X.io") == access.Viewer(
        "alice@x.io", "engineer", "alice", ("Payments",)
    )
    assert access.viewer_for(db, "carol@x.io").teams == ("Payments", "Growth")
    assert access.viewer_for(db, "exec@x.io") == access.Viewer("exec@x.io", "executive")
    assert access.viewer_for(db, "stranger@x.io") == access.no_access("stranger@x.io")
    listed = access.access_list(db)
    assert listed["email"].tolist() == ["alice@x.io", "carol@x.io", "exec@x.io"]
    assert listed["teams"].tolist()[1] == "Payments; Growth"
    pi.record_audit(db, email="carol@x.io", action="packet opened", subject="alice 2026Q3")
    assert access.audit_log(db)[["email", "action", "subject"]].values.tolist() == [
        ["carol@x.io", "packet opened", "alice 2026Q3"]
    ]
