"""AppTest of How we measure: every metric's meaning, every refused metric with its reason,
and asking for a refused metric shows the reason instead of a number."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import metrics
import settings
from framework import load_framework
from metrics import flag_rules
from metrics.registry import documented_choices
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
    for title, choice in documented_choices():
        assert title in text and choice in text
    assert flag_rules.rules_markdown() in text
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


@pytest.fixture
def tuned(monkeypatch, tmp_path):
    """An organization's teamlens.toml with its own thresholds, in force for the test."""
    toml = tmp_path / "teamlens.toml"
    toml.write_text(
        "flag_rubber_stamp_min = 7\nflag_unreviewed_rate = 0.3\nmin_prs = 8\n"
        "rubber_stamp_min_lines = 350\n"
    )
    monkeypatch.setenv("TEAMLENS_SETTINGS", str(toml))
    settings.settings.cache_clear()
    yield settings.settings()
    settings.settings.cache_clear()


def test_the_page_quotes_the_settings_in_force(tuned, page):
    text = body(page)
    assert "at least 7 rubber-stamped PRs" in text and "at least 3 rubber-stamped" not in text
    assert "(at least 2 and 30% of merged PRs)" in text
    assert "both sides need 8 merged PRs" in text
    assert "Rows under 8 merged PRs carry is_low_data" in text
    assert "≥ 350 changed lines" in text and "≥ 200 changed lines" not in text


def test_docs_quote_the_default_settings():
    """docs/how-we-measure.md holds the rules text of the default settings and framework
    (regenerate the block with metrics.flag_rules.rules_markdown() when a default changes)."""
    doc = (ROOT / "docs" / "how-we-measure.md").read_text()
    defaults = settings.Settings()
    fw = load_framework(ROOT / "data" / "framework.toml")
    block = doc.split(flag_rules.DOCS_BEGIN + "\n")[1].split("\n" + flag_rules.DOCS_END)[0]
    assert block == flag_rules.rules_markdown(defaults, fw), flag_rules.rules_markdown(defaults, fw)
    for quoted in (
        f"≥ {defaults.rubber_stamp_min_lines} lines",
        f"within {defaults.rubber_stamp_window_min:g} minutes of ready",
        f"≥ {defaults.ai_split_min_authors} authors and ≥ {defaults.ai_split_min_prs} AI-assisted",
        f"fewer than {defaults.min_prs} merged PRs",
        f"under {defaults.min_defects} defects",
    ):
        assert quoted in doc, quoted
