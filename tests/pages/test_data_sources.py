"""AppTest of the shell (app.py) and the Data sources page."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

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
