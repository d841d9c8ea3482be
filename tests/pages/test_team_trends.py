"""AppTest of the Team trends page: the demo organization's stories, one team, empty and
thin data, and the page's hygiene (no SQL, no HTML, no refused metric)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ingest import demo
from metrics.registry import REFUSED_BY_ID
from tests.metrics.builders import StoreBuilder, t

ROOT = Path(__file__).resolve().parents[2]
PAGE = str(ROOT / "pages" / "team_trends.py")


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "teamlens.duckdb"
    demo.build_demo(path)
    return path


def run_page(monkeypatch, db: Path, teams: list[str] | None = None) -> AppTest:
    monkeypatch.setenv("TEAMLENS_DB", str(db))
    at = AppTest.from_file(PAGE, default_timeout=120).run()
    if teams is not None:
        at.sidebar.multiselect[0].set_value(teams).run()
    assert not at.exception, at.exception
    return at


def texts(at: AppTest) -> str:
    parts = [
        e.value
        for kind in ("markdown", "caption", "info", "warning", "text")
        for e in getattr(at, kind)
    ]
    return "\n".join(str(p) for p in parts)


def test_demo_organization_shows_its_stories(monkeypatch, demo_db):
    at = run_page(monkeypatch, demo_db)
    assert len(at.get("plotly_chart")) == 5
    body = texts(at)
    for dimension in (
        "Code Quality",
        "Productivity",
        "Responsibility",
        "Judgment",
        "Collaboration",
        "Growth",
    ):
        assert f"**{dimension}**" in body
    assert "Expected transition dip, not a red flag" in body
    assert "competency assessments" in body
    labels = [e.label for e in at.expander]
    assert any("Large changes approved without a word" in label for label in labels)  # Platform
    assert any("More volume, paid for with quality" in label for label in labels)  # Mobile


def test_one_team_with_adoption_window_and_evidence(monkeypatch, demo_db):
    at = run_page(monkeypatch, demo_db, ["Mobile"])
    assert len(at.get("plotly_chart")) == 5
    body = texts(at)
    assert "Mobile by month" in body
    assert "Mobile adopted AI tools on 2026-04-06" in body
    flags = [e for e in at.expander if e.label.startswith("🚩")]
    assert flags and all("Mobile" in e.label for e in flags)
    # each flag explains itself in a sentence and lists its evidence, linked
    assert any("more than before AI adoption" in t.value for t in at.text)
    assert len(at.dataframe) >= len(flags)


def test_empty_state_is_explained(monkeypatch, tmp_path):
    store = StoreBuilder(tmp_path / "teamlens.duckdb")
    store.person("alice", "Payments").person("bob", "Platform")
    store.pr(1, created=t(2, 9), merged=t(2, 10))
    at = run_page(monkeypatch, store.write(), ["Platform"])
    assert any("No merged pull requests or defects for Platform" in i.value for i in at.info)
    assert len(at.get("plotly_chart")) == 0


def test_too_little_data_says_so(monkeypatch, tmp_path):
    store = StoreBuilder(tmp_path / "teamlens.duckdb")
    store.person("alice", "Payments")
    store.pr(1, created=t(2, 9), merged=t(2, 10))
    store.pr(2, created=t(3, 9), merged=t(3, 12))
    at = run_page(monkeypatch, store.write())
    assert any("Too little data" in w.value and "2026-03" in w.value for w in at.warning)
    assert len(at.get("plotly_chart")) >= 4


def test_page_is_thin_and_never_names_a_refused_metric():
    source = Path(PAGE).read_text()
    tree = ast.parse(source)
    strings = [
        n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
    ]
    assert not any(s.lower().lstrip().startswith(("select ", "with ")) for s in strings)
    assert "unsafe_allow_html" not in source and "groupby" not in source
    assert "sort_values" not in source
    assert not [rid for rid in REFUSED_BY_ID if rid in source]
