"""AppTest of How we measure: every metric's meaning, every refused metric with its reason,
and asking for a refused metric shows the reason instead of a number."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import metrics
from metrics.registry import DOCUMENTED_CHOICES
from tests.metrics.builders import StoreBuilder, t

ROOT = Path(__file__).resolve().parents[2]
PAGE = str(ROOT / "pages" / "how_we_measure.py")


@pytest.fixture
def page(monkeypatch, tmp_path) -> AppTest:
    store = StoreBuilder(tmp_path / "teamlens.duckdb")
    store.person("alice")
    store.pr(1, created=t(2, 9), merged=t(2, 10))
    monkeypatch.setenv("TEAMLENS_DB", str(store.write()))
    at = AppTest.from_file(PAGE, default_timeout=60).run()
    assert not at.exception, at.exception
    return at


def body(at: AppTest) -> str:
    return "\n".join(str(m.value) for m in at.markdown)


def test_every_metric_and_refused_metric_is_explained(page):
    text = body(page)
    for m in metrics.REGISTRY:
        assert f"`{m.id}`" in text and m.meaning in text
    for r in metrics.REFUSED:
        assert f"`{r.id}`" in text and r.reason in text
    for summary in metrics.SUMMARIES:
        assert f"`{summary.id}`" in text and summary.meaning in text
    for title, _ in DOCUMENTED_CHOICES:
        assert title in text
    for dimension, _ in metrics.unreadable_dimensions():
        assert f"**{dimension}**" in text


def test_asking_for_a_refused_metric_shows_its_reason(page):
    page.selectbox[0].set_value("lines_of_code").run()
    assert len(page.error) == 1
    assert "Rewards volume over value" in page.error[0].value
    page.selectbox[0].set_value("qact_p50_h").run()
    assert not page.error and "deliver a change correctly" in page.success[0].value


def test_docs_name_every_metric():
    doc = (ROOT / "docs" / "how-we-measure.md").read_text()
    for m in metrics.REGISTRY:
        assert f"`{m.id}`" in doc
    for r in metrics.REFUSED:
        assert f"`{r.id}`" in doc


def test_page_is_thin():
    import ast

    source = Path(PAGE).read_text()
    strings = [
        n.value
        for n in ast.walk(ast.parse(source))
        if isinstance(n, ast.Constant) and isinstance(n.value, str)
    ]
    assert not any(s.lower().lstrip().startswith(("select ", "with ")) for s in strings)
    assert "unsafe_allow_html" not in source and "read_connection" not in source
