"""AppTest of the shell (app.py) and the Data sources page."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.metrics import test_inferred
from tests.metrics.traced_stores import traced_store

ROOT = Path(__file__).resolve().parents[2]


def run(script: str) -> AppTest:
    app = AppTest.from_file(str(ROOT / script), default_timeout=60)
    return app.run()


def test_data_sources_shows_counts_and_freshness(small_db: Path) -> None:
    app = run("pages/data_sources.py")
    assert not app.exception
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Pull requests"] == "4"
    assert metrics["Reviews"] == "3"
    assert metrics["Defects"] == "1"
    assert metrics["People"] == "3"
    text = " ".join(m.value for m in app.markdown)
    assert "**test**" in text
    assert any("teamlens ingest github" in c.value for c in app.code)


def test_shell_filters_are_drawn_by_a_page_run_on_its_own(small_db: Path) -> None:
    app = run("pages/data_sources.py")
    assert [w.label for w in app.sidebar.multiselect] == ["Teams"]
    assert app.sidebar.multiselect[0].options == ["Alpha", "Beta"]
    assert app.sidebar.selectbox[0].value == "month"
    assert [d.label for d in app.sidebar.date_input] == ["As of", "Show from"]
    # as-of defaults to the last day with activity in the store (PR 4 merged 2026-06-11)
    assert str(app.sidebar.date_input[0].value) == "2026-06-11"


def test_app_shell_runs_overview_with_filters(small_db: Path) -> None:
    app = run("app.py")
    assert not app.exception
    assert [w.label for w in app.sidebar.multiselect] == ["Teams"]
    assert app.title[0].value.endswith("Overview")


def test_demo_banner_only_for_demo_data(small_db: Path) -> None:
    app = run("pages/data_sources.py")
    assert not [w for w in app.warning if "Demo data" in w.value]


def test_missing_database_path_is_explained(tmp_path: Path, monkeypatch) -> None:
    folder = tmp_path / "a-folder.duckdb"
    folder.mkdir()
    monkeypatch.setenv("TEAMLENS_DB", str(folder))
    app = run("pages/data_sources.py")
    assert any("is a directory" in e.value for e in app.error)


def test_filters_are_read_from_and_written_to_the_url(small_db: Path) -> None:
    app = AppTest.from_file(str(ROOT / "pages/data_sources.py"), default_timeout=60)
    app.query_params["team"] = "Beta"
    app.query_params["as_of"] = "2026-06-01"
    app.query_params["period"] = "quarter"
    app.run()
    assert not app.exception
    assert app.sidebar.multiselect[0].value == ["Beta"]
    assert str(app.sidebar.date_input[0].value) == "2026-06-01"
    assert app.sidebar.selectbox[0].value == "quarter"
    # "Show from" defaults to a year before as-of, clipped to the first data (2026-05-04)
    assert str(app.sidebar.date_input[1].value) == "2026-05-04"


def test_unknown_url_values_fall_back_to_defaults(small_db: Path) -> None:
    app = AppTest.from_file(str(ROOT / "pages/data_sources.py"), default_timeout=60)
    app.query_params["team"] = "<script>"
    app.query_params["as_of"] = "yesterday"
    app.query_params["period"] = "decade"
    app.run()
    assert not app.exception
    assert app.sidebar.multiselect[0].value == []
    assert str(app.sidebar.date_input[0].value) == "2026-06-11"
    assert app.sidebar.selectbox[0].value == "month"


def test_the_page_list_is_the_pages_folder_both_ways() -> None:
    import ui

    listed = {entry.stem for entry in ui.PAGES}
    on_disk = {path.stem for path in ui.PAGES_DIR.glob("*.py")}
    assert listed == on_disk, f"listed only: {listed - on_disk}; files only: {on_disk - listed}"
    assert len(listed) == len(ui.PAGES), "a page is listed twice"


def test_a_listed_page_without_its_file_is_an_error(tmp_path: Path, monkeypatch) -> None:
    import ui

    for entry in ui.PAGES[1:]:
        (tmp_path / f"{entry.stem}.py").write_text("")
    monkeypatch.setattr(ui, "PAGES_DIR", tmp_path)
    with pytest.raises(ui.MissingPageError, match=f"{ui.PAGES[0].stem}.py"):
        ui.page_entries()


def test_the_overview_links_every_page(small_db: Path) -> None:
    import ui

    app = run("app.py")
    links = [link.proto.label for link in app.get("page_link")]
    assert links == [f"{e.title} — {e.blurb}" for e in ui.PAGES]


# --- uploading a file (ui_forms.upload_form: the importers of `teamlens import`) -------


def upload(app: AppTest, kind: str, name: str, content: bytes) -> AppTest:
    app.selectbox(key="ds_kind").set_value(kind)
    app.file_uploader(key="ds_file").set_value((name, content, "text/csv"))
    return app.button(key="FormSubmitter:upload_form-Import the file").click().run()


def count(db: Path, sql: str) -> int:
    from store import read_connection

    with read_connection(db) as conn:
        return conn.execute(sql).fetchone()[0]


def test_upload_people_then_an_assessment(small_db: Path) -> None:
    app = run("pages/data_sources.py")
    assert app.selectbox(key="ds_kind").options[:2] == [
        "People (login, name, team, level, started_on)",
        "Teams (team, ai_adoption_date, repos)",
    ]
    # Excel in a semicolon locale: a BOM, CRLF, ';'
    people = "\ufefflogin;name;team;level\r\ndee;Dee 🙂;Beta;mid\r\n".encode()
    app = upload(app, "people", "people.csv", people)
    assert not app.exception and not app.error
    assert [s.value for s in app.success] == ["Done: imported 1 person from people.csv."]
    assert count(small_db, "select count(*) from people where login = 'dee'") == 1
    assessments = (
        b"login,competency,level,assessed_on,assessor,evidence\ndee,debugging,2,2026-05-01,ana,\n"
    )
    app = upload(app, "assessments", "a.csv", assessments)
    assert [s.value for s in app.success] == ["Done: imported 1 assessment from a.csv."]


def test_upload_refuses_the_whole_file_listing_every_bad_row(small_db: Path) -> None:
    app = run("pages/data_sources.py")
    bad = b"login,level,team\nzoe,wizard,Beta\nyan,mid,Nowhere\nxi,mid,Beta\n"
    app = upload(app, "people", "team.csv", bad)
    assert not app.exception and not app.success
    said = [t.value for t in app.text]
    assert "team.csv was not imported: nothing was written. Bad rows: 2." in said
    errors = [e.value for e in app.error]
    assert len(errors) == 2
    assert errors[0].startswith("Row 2, column level: “wizard” — expected a level")
    assert errors[1].startswith("Row 3, column team: “Nowhere” — expected a known team")
    assert "/tmp" not in " ".join(errors)  # the file the user chose, not where it was kept
    assert count(small_db, "select count(*) from people where login in ('zoe', 'yan', 'xi')") == 0


def test_upload_of_a_binary_file_or_no_file_says_so_in_one_line(small_db: Path) -> None:
    app = run("pages/data_sources.py")
    app = upload(app, "teams", "logo.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert not app.exception
    [error] = [e.value for e in app.error]
    assert error == "logo.csv was not imported: logo.csv is a binary file, not CSV text"
    app.file_uploader(key="ds_file").set_value(None)
    app = app.button(key="FormSubmitter:upload_form-Import the file").click().run()
    assert [e.value for e in app.error] == ["Choose a file to import first."]


def test_upload_tracker_defects(small_db: Path) -> None:
    app = run("pages/data_sources.py")
    github = (
        b"number,title,state,labels,createdAt,closedAt,url\n"
        b"41,Crash on login,closed,bug,2026-05-20T10:00:00Z,2026-05-21T10:00:00Z,"
        b"https://github.com/o/r/issues/41\n"
        b"42,New logo,open,design,2026-05-22T10:00:00Z,,https://github.com/o/r/issues/42\n"
    )
    app = upload(app, "defects", "issues.csv", github)
    assert not app.exception and not app.error, [e.value for e in app.error]
    [done] = [s.value for s in app.success]
    assert "imported 1 defect from issues.csv" in done and "skipped 1" in done


def coverage_table(app: AppTest):
    return next(
        d.value for d in app.dataframe if "by inference" in list(d.value.columns)
    ).set_index("repository")


def test_attribution_coverage_per_repository_and_what_is_missing(tmp_path, monkeypatch):
    # tests/metrics/traced_stores.py: acme/app traces 1 of 4 defects (text), acme/edge 2 of
    # 3; no fix was found for the others, and no git history is ingested for either
    monkeypatch.setenv("TEAMLENS_DB", str(traced_store(tmp_path / "teamlens.duckdb")))
    app = run("pages/data_sources.py")
    assert not app.exception
    table = coverage_table(app)
    app_row = table.loc["acme/app"]
    assert (app_row["defects"], app_row["by text"], app_row["untraced"]) == (4, 1, 3)
    assert (app_row["by inference"], app_row["git history"]) == (0, "not ingested")
    missing = next(m.value for m in app.markdown if m.value.startswith("- **acme/app**"))
    assert "no git history ingested for acme/app" in missing
    assert "3 defects: no fix found" in missing
    assert table.loc["acme/edge", "untraced"] == 1
    assert any("teamlens ingest git --path CLONE" in c.value for c in app.caption)


def test_a_repository_with_its_git_history_counts_what_was_inferred(tmp_path, monkeypatch):
    monkeypatch.setenv("TEAMLENS_DB", str(test_inferred.build(tmp_path)))
    app = run("pages/data_sources.py")
    table = coverage_table(app)
    row = table.loc["acme/app"]
    # the git story's 8 defects: 1 by text, 4 inferred, 3 untraced (no_pr, adds_only,
    # pr_not_fetched)
    assert (row["defects"], row["by text"], row["by inference"], row["untraced"]) == (8, 1, 4, 3)
    assert row["git history"] == "ingested"
    missing = next(m.value for m in app.markdown if m.value.startswith("- **acme/app**"))
    assert "no git history" not in missing
    assert "the fix only adds lines" in missing


def test_past_ten_repositories_what_is_missing_is_one_table(tmp_path, monkeypatch):
    from tests.metrics.builders import StoreBuilder, t

    s = StoreBuilder(tmp_path / "teamlens.duckdb")
    s.person("alice")
    s.pr(1, created=t(2, 9), merged=t(2, 10))
    for n in range(1, 13):  # 12 repositories, a defect each, none fixed, no git history
        s.defect(n, reported=t(10, 9), repo=f"acme/r{n:02d}")
    monkeypatch.setenv("TEAMLENS_DB", str(s.write()))
    app = run("pages/data_sources.py")
    assert not app.exception
    assert not [m for m in app.markdown if m.value.startswith("- **acme/")]
    missing = next(
        d.value for d in app.dataframe if list(d.value.columns) == ["repository", "missing"]
    )
    assert missing["repository"].tolist() == [f"acme/r{n:02d}" for n in range(1, 13)]
    assert all("no git history ingested" in words for words in missing["missing"])
