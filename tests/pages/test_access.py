"""AppTest of sign-in and roles: with an [auth] section, each role's sidebar, pickers and
form choices carry only what it may see; links naming someone else show a plain notice;
the audit is written. Without [auth]: local mode, an admin, and a banner saying so.

``st.user`` is AppTest's own simulated user (the app reads the real ``st.user``); the
real OpenID Connect round trip is tests/e2e/test_sign_in.py's."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import ui_access
from ingest import people_import as pi
from metrics import access
from store import read_connection

ROOT = Path(__file__).resolve().parents[2]
AUTH = {
    "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
    "cookie_secret": "a-test-secret-of-enough-length-1234567890",
    "client_id": "teamlens",
    "client_secret": "secret",
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
}
ACCESS = """
email,role,login,teams
ana@example.com,engineer,ana,
lead@example.com,manager,,Beta
exec@example.com,executive,,
root@example.com,admin,,
"""


@pytest.fixture
def db(small_db: Path, tmp_path: Path) -> Path:
    """The small store (ana and ben on Alpha, cy on Beta) and its access list."""
    path = tmp_path / "access.csv"
    path.write_text(textwrap.dedent(ACCESS).lstrip())
    pi.import_access(path, small_db)
    return small_db


def run(page: str, email: str | None, *, verified: bool = True, **params: str) -> AppTest:
    app = AppTest.from_file(str(ROOT / "pages" / f"{page}.py"), default_timeout=60)
    app.secrets["auth"] = AUTH
    if email is None:
        app.user = {"is_logged_in": False}
    else:
        app.user = {"is_logged_in": True, "email": email, "email_verified": verified}
    for key, value in params.items():
        app.query_params[key] = value
    return app.run()


def sidebar_teams(app: AppTest) -> list[str]:
    return list(app.sidebar.multiselect(key="tl_teams").options)


def shown(app: AppTest) -> str:
    notices = [w.value for w in app.warning] + [i.value for i in app.info]
    return " ".join(notices + [m.value for m in app.markdown])


def test_signed_out_sees_only_the_sign_in_button(db):
    app = run("person", None)
    assert not app.exception
    assert [b.label for b in app.button] == ["Sign in"]
    assert len(app.sidebar.multiselect) == 0 and len(app.selectbox) == 0
    assert "ana" not in shown(app)


def test_an_account_in_no_access_row_sees_only_ask_your_admin(db):
    app = run("team_trends", "stranger@example.com")
    assert not app.exception
    assert "Ask your admin" in app.info[0].value
    assert [b.label for b in app.button] == ["Sign out"]
    assert len(app.sidebar.multiselect) == 0 and len(app.selectbox) == 0
    assert not app.get("plotly_chart")


def test_an_unverified_email_is_not_trusted(db):
    app = run("person", "ana@example.com", verified=False)
    assert "verified e-mail" in app.warning[0].value
    assert len(app.selectbox) == 0 and len(app.sidebar.multiselect) == 0


def test_engineer_sees_only_themselves_and_their_team(db):
    app = run("person", "ANA@example.com")  # e-mail matched whatever its case
    assert not app.exception
    assert sidebar_teams(app) == ["Alpha"]
    assert list(app.selectbox(key="person_login").options) == ["ana"]
    caption = app.sidebar.caption[0].value.replace("\u2060", "")  # ui.safe's word joiner
    assert "Signed in as ana@example.com (engineer)" in caption
    # a link naming a teammate: a plain notice that names nobody, and no data
    other = run("person", "ana@example.com", person="ben")
    assert other.warning[0].value == ui_access.REFUSED_PERSON
    assert len(other.main.selectbox) == 0 and not other.get("plotly_chart")
    assert "ben" not in shown(other).lower().replace("benefit", "")
    packet = run("quarterly_review", "ana@example.com", person="cy", quarter="2026Q2")
    assert packet.warning[0].value == ui_access.REFUSED_PERSON
    assert not packet.get("download_button")
    # a team in the link that is not theirs: ignored, and not repeated
    team = run("team_trends", "ana@example.com", team="Beta")
    assert "Beta" not in " ".join(w.value for w in team.warning)
    assert sidebar_teams(team) == ["Alpha"]


def test_engineer_records_only_a_self_assessment_and_sees_no_matrix(db):
    app = run("competencies", "ana@example.com")
    assert not app.exception
    assert "for their managers" in app.info[0].value
    assert not app.get("plotly_chart")  # no matrix, no people-at-levels chart
    assert list(app.selectbox(key="as_person").options) == ["ana"]
    assert list(app.radio(key="as_role").options) == ["self"]
    assert len(app.text_input) == 1  # evidence only: no assessor login to type
    assert [t.label for t in app.tabs] == ["A self-assessment"]


@pytest.mark.parametrize("page", ["executive_summary", "data_sources"])
def test_engineer_and_manager_get_no_summary_and_no_data_sources(db, page):
    for email in ("ana@example.com", "lead@example.com"):
        app = run(page, email)
        assert app.warning[0].value == ui_access.REFUSED_PAGE
        assert not app.get("download_button") and len(app.dataframe) == 0


def test_manager_sees_the_teams_they_lead_and_their_people(db):
    app = run("person", "lead@example.com")
    assert sidebar_teams(app) == ["Beta"]
    assert list(app.selectbox(key="person_login").options) == ["cy"]
    other = run("quarterly_review", "lead@example.com", person="ana")
    assert other.warning[0].value == ui_access.REFUSED_PERSON
    forms = run("competencies", "lead@example.com")
    assert not forms.exception
    assert list(forms.selectbox(key="as_person").options) == ["cy"]
    assert list(forms.radio(key="as_role").options) == ["manager"]
    assert list(forms.selectbox(key="rc_person").options) == ["cy"]
    assert [t.label for t in forms.tabs] == ["An assessment", "A recognition"]


@pytest.mark.parametrize("page", ["team_trends", "competencies", "person", "quarterly_review"])
def test_executive_gets_no_team_or_person_page(db, page):
    app = run(page, "exec@example.com", person="ana")
    assert app.warning[0].value == ui_access.REFUSED_PAGE
    assert len(app.main.selectbox) == 0 and not app.get("plotly_chart")


def test_executive_reads_the_summary(db):
    app = run("executive_summary", "exec@example.com")
    assert not app.exception
    assert len(app.sidebar.multiselect) == 0  # no team to pick: organization figures only
    assert app.get("download_button")


def test_admin_sees_everything_and_the_audit(db):
    app = run("person", "root@example.com", person="cy")
    assert sidebar_teams(app) == ["Alpha", "Beta"]
    assert list(app.selectbox(key="person_login").options) == ["ana", "ben", "cy"]
    run("person", "ana@example.com")  # the engineer opens their own page
    sources = run("data_sources", "root@example.com")
    assert not sources.exception
    accounts, log = sources.dataframe[-2].value, sources.dataframe[-1].value
    assert accounts["email"].tolist() == [
        "ana@example.com",
        "exec@example.com",
        "lead@example.com",
        "root@example.com",
    ]
    opened = log[log["action"] == "person page opened"][["email", "subject"]]
    assert sorted(map(tuple, opened.values.tolist())) == [
        ("ana@example.com", "ana"),
        ("root@example.com", "cy"),
    ]


def test_local_mode_is_an_admin_with_a_banner(db):
    app = AppTest.from_file(str(ROOT / "pages" / "person.py"), default_timeout=60).run()
    assert not app.exception
    assert ui_access.LOCAL_BANNER in [i.value for i in app.info]
    assert list(app.selectbox(key="person_login").options) == ["ana", "ben", "cy"]
    assert access.audit_log(db)["email"].tolist() == ["local"]


def test_the_forms_check_again_at_the_write(db, tmp_path):
    # a manager whose account is also a person of their team: both roles are offered,
    # but only "self" for themselves and "manager" for the others may be written
    path = tmp_path / "more.csv"
    path.write_text(textwrap.dedent(ACCESS).lstrip() + "ben@example.com,manager,ben,Alpha\n")
    pi.import_access(path, db)
    app = run("competencies", "ben@example.com")
    assert list(app.selectbox(key="as_person").options) == ["ana", "ben"]
    assert list(app.radio(key="as_role").options) == ["manager", "self"]
    assert list(app.selectbox(key="rc_person").options) == ["ana"]  # never themselves
    app.selectbox(key="as_person").set_value("ben")
    app.radio(key="as_role").set_value("manager")  # a manager's assessment of themselves
    app.button[0].click().run()
    assert [e.value for e in app.error] == [
        "Not saved: your account may not record this for that person."
    ]
    assert not [a for a in access.audit_log(db)["action"] if a == "assessment saved"]
    assert assessments_of(db, "ben") == []  # nothing written
    app.radio(key="as_role").set_value("self")
    app.button[0].click().run()
    assert not app.error
    saved = access.audit_log(db)
    assert saved[saved["action"] == "assessment saved"]["email"].tolist() == ["ben@example.com"]
    assert assessments_of(db, "ben") == [("self", "ben")]


def assessments_of(db: Path, login: str) -> list[tuple]:
    with read_connection(db) as conn:
        return conn.execute(
            "select assessor_role, assessor from competency_assessments where login = ?", [login]
        ).fetchall()
