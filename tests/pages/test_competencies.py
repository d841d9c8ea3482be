"""AppTest of the Competencies page: matrix, distribution, change, and the two forms
(success and error paths); a saved assessment survives a concurrent import and an ingest."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import store
from ingest import people_import as pi
from ingest import writer
from store import read_connection

ROOT = Path(__file__).resolve().parents[2]
PAGE = str(ROOT / "pages" / "competencies.py")
TODAY = date(2026, 11, 20)


def assessed_store(db: Path, tmp_path: Path) -> Path:
    """The small store (ana, ben on Alpha; cy on Beta) plus a few assessments."""
    path = tmp_path / "assessments.csv"
    path.write_text(
        textwrap.dedent(
            """\
            login,competency,level,assessed_on,assessor,evidence
            ana,prompt_effectiveness,2,2026-03-05,lead,
            ana,prompt_effectiveness,3,2026-05-20,lead,
            ben,prompt_effectiveness,4,2026-05-20,lead,
            cy,debugging,1,2026-05-01,cy,
            """
        )
    )
    pi.import_assessments(path, db, today=TODAY)
    return db


@pytest.fixture
def db(small_db: Path, tmp_path: Path) -> Path:
    return assessed_store(small_db, tmp_path)


def run() -> AppTest:
    return AppTest.from_file(PAGE, default_timeout=60).run()


def count(db: Path, sql: str) -> int:
    with read_connection(db) as conn:
        return conn.execute(sql).fetchall()[0][0]


def test_matrix_distribution_and_change(db):
    app = run()
    assert not app.exception
    assert app.title[0].value.endswith("Competencies")
    # the heatmap and the distribution bars
    assert len(app.get("plotly_chart")) == 2
    # people alphabetically, whatever their levels (ben holds the highest level)
    assert app.selectbox(key="as_person").options == ["ana", "ben", "cy"]
    frame = app.dataframe[0].value
    row = frame[frame["Competency"] == "Prompt Effectiveness"].iloc[0]
    # as of 2026-06-11, a quarter before is 2026-03-11: ana 2 (5 Mar) -> 3, ben new
    assert (row["Moved up"], row["First assessed"], row["People assessed"]) == (1, 1, 2)
    assert any("Beta" in i.value and "first review cycle" in i.value for i in app.info)
    links = [m.value for m in app.markdown if m.value.startswith("Open a person")]
    # each link keeps the page's filters (a new session reads them from the URL)
    keep = "as_of=2026-06-11&from=2026-05-04&period=month"
    assert links == [
        f"Open a person: [ana](person?{keep}&person=ana) · [ben](person?{keep}&person=ben) · "
        f"[cy](person?{keep}&person=cy)"
    ]


def test_matrix_shows_change_since_last_quarter(db):
    app = run()
    app.radio(key="cm_view").set_value("Change since 11 Mar 2026").run()
    assert not app.exception
    spec = app.get("plotly_chart")[0].proto.spec
    # ana's prompt effectiveness went from 2 (15 Mar) to 3 (20 May)
    assert '"+1"' in spec
    assert "Levels moved" in spec


def test_indicators_sit_beside_each_level(db):
    app = run()
    app.selectbox(key="cm_competency").set_value("prompt_effectiveness").run()
    text = " ".join(m.value for m in app.markdown)
    assert "**1 Beginner** · 0 people" in text
    assert "Simple prompts, high iteration count" in text
    assert "**3 Advanced** · 1 person" in text
    assert "Template-quality prompts, first-attempt success" in text
    # the framework's dimensions, behaviours and formats are one click away
    assert "**Responsibility**" in text
    assert "**Quality catches**" in text
    assert "**Performance review documentation** — Quarterly" in text


def test_assessment_form_saves_at_once(db):
    app = run()
    app.selectbox(key="as_person").set_value("cy")
    app.selectbox(key="as_competency").set_value("security_vigilance")
    app.selectbox(key="as_level").set_value(2)
    app.date_input(key="as_on").set_value(date(2026, 6, 1))
    app.text_input(key="as_assessor").set_value("lead")
    app.text_input(key="as_evidence").set_value("https://github.com/o/r/pull/3")
    app.button[0].click().run()
    assert not app.exception
    assert any("Saved: cy, Security Vigilance, 2 Proficient" in s.value for s in app.success)
    assert not app.error
    assert count(db, "select count(*) from competency_assessments where source = 'app'") == 1
    # the page reran on fresh data: the level is counted beside its indicator
    app.selectbox(key="cm_competency").set_value("security_vigilance").run()
    assert "**2 Proficient** · 1 person" in " ".join(m.value for m in app.markdown)


def test_assessment_form_shows_each_problem_inline(db):
    app = run()
    # no person chosen, a manager's assessment without an assessor
    app.selectbox(key="as_competency").set_value("debugging")
    app.button[0].click().run()
    assert not app.exception
    errors = [e.value for e in app.error]
    # in the form's words: its labels, not the CSV columns (login, assessor)
    assert errors == [
        "Person: required — fill it in or choose one.",
        "Assessor login: required — fill it in or choose one.",
    ]
    assert not any("column" in e or "login —" in e for e in errors)
    assert not app.success
    assert count(db, "select count(*) from competency_assessments where source = 'app'") == 0


def test_recognition_form_success_and_error(db):
    app = run()
    app.selectbox(key="rc_person").set_value("ana")
    app.selectbox(key="rc_behaviour").set_value("quality_catch")
    app.selectbox(key="rc_format").set_value("team_channel_written")
    app.date_input(key="rc_on").set_value(date(2026, 6, 2))
    app.text_input(key="rc_pr_url").set_value("not a link")
    app.button[1].click().run()
    assert [e.value for e in app.error] == [
        "Pull request link: “not a link” is not accepted; expected an http(s) link, like "
        "https\u2060://github.com/owner/repo/pull/12."
    ]
    assert count(db, "select count(*) from recognitions") == 0
    app.text_input(key="rc_pr_url").set_value("https://github.com/o/r/pull/1")
    app.button[1].click().run()
    assert not app.exception
    assert any("Saved: Quality catches for ana" in s.value for s in app.success)
    assert count(db, "select count(*) from recognitions where login = 'ana'") == 1


def test_a_saved_assessment_survives_a_concurrent_import_and_an_ingest(db, tmp_path):
    lines = ["login,competency,level,assessed_on,assessor,evidence"]
    lines += [f"ben,debugging,3,2026-05-{d:02d},lead," for d in range(1, 29)]
    big = tmp_path / "big.csv"
    big.write_text("\n".join(lines) + "\n")
    script = (
        "import sys; from ingest import people_import as pi\n"
        "for _ in range(20): pi.import_assessments(sys.argv[1], sys.argv[2])\n"
    )
    importer = subprocess.Popen([sys.executable, "-c", script, str(big), str(db)], cwd=ROOT)
    try:
        app = run()
        app.selectbox(key="as_person").set_value("ana")
        app.selectbox(key="as_competency").set_value("knowledge_sharing")
        app.date_input(key="as_on").set_value(date(2026, 6, 3))
        app.radio(key="as_role").set_value("self")
        app.button[0].click().run()
        assert not app.exception
        assert app.success
    finally:
        assert importer.wait(timeout=180) == 0
    # an ingest after the save: a new PR page written through the same locked path
    with store.write_transaction(db) as conn:
        writer.replace_pull_requests(
            conn,
            [
                {
                    "pr_id": "o/r#5",
                    "repo": "o/r",
                    "number": 5,
                    "author_login": "ana",
                    "state": "MERGED",
                    "created_at": datetime(2026, 6, 4, 9, tzinfo=UTC),
                    "merged_at": datetime(2026, 6, 4, 15, tzinfo=UTC),
                }
            ],
            provenance={"source": "github", "fetched_at": datetime.now(UTC)},
        )
    assert count(db, "select count(*) from competency_assessments where source = 'app'") == 1
    assert count(db, "select count(*) from competency_assessments where login = 'ben'") == 29
    again = run()
    again.selectbox(key="cm_competency").set_value("knowledge_sharing").run()
    assert "**1 Beginner** · 1 person" in " ".join(m.value for m in again.markdown)


def test_review_phase_of_each_team_is_marked(db):
    app = run()
    # as of 2026-06-11, Alpha (adopted 2026-03-01) is past its learning-weighted months
    # (to 2026-06-01) and in its monthly check-ins (to 2026-09-01)
    assert any("Alpha: monthly check-ins" in c.value for c in app.caption)


def test_an_invalid_framework_file_is_explained(db, tmp_path, monkeypatch):
    bad = tmp_path / "ladder.toml"
    bad.write_text("levels = 3\n")
    monkeypatch.setenv("TEAMLENS_FRAMEWORK", str(bad))
    app = run()
    assert not app.exception
    assert any("ladder.toml refused" in e.value for e in app.error)


def test_saving_an_assessment_dated_after_as_of_says_where_to_find_it(db):
    app = run()  # as of 2026-06-11, the small store's last activity
    app.selectbox(key="as_person").set_value("ben")
    app.date_input(key="as_on").set_value(date(2026, 7, 1))
    app.text_input(key="as_assessor").set_value("lead")
    app.button[0].click().run()
    assert any("move 'As of' to 01 Jul 2026 or later" in s.value for s in app.success)


def test_the_default_dates_are_never_after_as_of(db):
    # as of 2026-06-11 (the small store's last activity, long before today): a form
    # defaulting to today would save an assessment the page, as of 2026-06-11, never shows
    app = run()
    assert app.date_input(key="as_on").value == date(2026, 6, 11)
    assert app.date_input(key="rc_on").value == date(2026, 6, 11)
    app.selectbox(key="as_person").set_value("cy")
    app.selectbox(key="as_competency").set_value("security_vigilance")
    app.text_input(key="as_assessor").set_value("lead")
    app.button[0].click().run()
    assert not app.exception
    [saved] = [s.value for s in app.success]
    assert "11 Jun 2026" in saved and "As of" not in saved  # shown where it was saved
    dated = "select count(*) from competency_assessments where assessed_on = '2026-06-11'"
    assert count(db, dated) == 1
