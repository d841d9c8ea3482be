"""AppTest of the Quarterly review page against the reports tests' small organization."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.metrics import test_inferred
from tests.metrics.traced_stores import traced_store
from tests.reports.conftest import build_org

ROOT = Path(__file__).resolve().parents[2]
PAGE = str(ROOT / "pages" / "quarterly_review.py")


@pytest.fixture(scope="module")
def org(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_org(tmp_path_factory.mktemp("review_page") / "teamlens.duckdb")


@pytest.fixture
def app(org: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("TEAMLENS_DB", str(org))
    return AppTest.from_file(PAGE, default_timeout=60)


def test_packet_of_the_person_in_the_url(app: AppTest) -> None:
    app.query_params["person"] = "ana"
    app.run()
    assert not app.exception
    person, quarter = app.selectbox[0], app.selectbox[1]
    assert (person.label, person.value) == ("Person", "ana")
    assert person.options[:3] == [
        "Ana Ångström (ana)",
        "Bo Quintaverde (bo)",
        "Cai Zephyrine (cai)",
    ]
    # 'As of' is the last day with activity, 21 Sep 2026: Q3 is still running, so the
    # last complete quarter, Q2, is the default; Q3 is offered, labelled partial
    assert (quarter.label, quarter.value) == ("Quarter", "2026Q2")
    assert quarter.options[:2] == ["2026Q3 (partial)", "2026Q2"]
    app.selectbox[1].set_value("2026Q3").run()
    assert len(app.get("plotly_chart")) == 2
    labels = [b.proto.label for b in app.get("download_button")]
    assert labels == ["⬇️ Review packet (PDF)", "⬇️ Review packet (Markdown)"]
    body = "\n".join(m.value for m in app.markdown)
    assert "## What is not evaluated, and why" in body
    assert "Code merged without review" in body
    assert "2026Q3 is still running: these figures cover 1 Jul to 21 Sep 2026 only." in "\n".join(
        i.value for i in app.info
    )
    assert app.query_params["person"] == "ana"
    assert app.query_params["quarter"] == "2026Q3"


def test_after_the_quarter_its_packet_is_the_default(app: AppTest) -> None:
    app.query_params["as_of"] = "2026-10-05"
    app.run()
    assert not app.exception
    assert app.selectbox[1].value == "2026Q3" and app.selectbox[1].options[0] == "2026Q4 (partial)"
    assert not any("still running" in i.value for i in app.info)


def test_picking_another_person_and_quarter(app: AppTest) -> None:
    app.run()
    assert app.selectbox[0].value == "ana"  # first alphabetically, not by any metric
    app.selectbox[0].set_value("kim").run()
    app.selectbox[1].set_value("2026Q2").run()
    assert not app.exception
    body = "\n".join(m.value for m in app.markdown)
    assert "**kim** · team Gamma" in body
    assert "Phase as of 30 Jun 2026: **not adopted**" in body


def test_unknown_person_in_the_url_is_explained(app: AppTest) -> None:
    app.query_params["person"] = "nobody"
    app.run()
    assert not app.exception
    assert any("nobody" in w.value for w in app.warning)


def test_a_login_in_the_url_is_shown_as_text(app: AppTest) -> None:
    app.query_params["person"] = "![x](http://example.invalid/p.png) **bold**"
    app.run()
    assert not app.exception
    [warning] = [w.value for w in app.warning if "Ignored from the link" in w.value]
    # escaped: Markdown shows the characters, never an image, a link or bold text
    assert "\\[x\\]" in warning and "\\*\\*bold\\*\\*" in warning
    assert "http\u2060://example.invalid" in warning
    assert app.selectbox[0].value == "ana"


def test_suspected_causes_and_not_traceable_figures_on_the_page(tmp_path, monkeypatch) -> None:
    # the git story of tests/metrics/test_inferred.py: defect #6 traced to ana's #5 by
    # inference; its quarter, 2026Q1, traces 5 of 8 defects (>= one half: numbers)
    monkeypatch.setenv("TEAMLENS_DB", str(test_inferred.build(tmp_path / "story")))
    app = AppTest.from_file(PAGE, default_timeout=60)
    app.query_params["person"] = "ana"
    app.query_params["quarter"] = "2026Q1"
    app.run()
    assert not app.exception
    page = " ".join(m.value for m in app.markdown)
    assert "Suspected causes, inferred from git" in page
    table = next(t.value for t in app.table if "Pull request" in t.value.columns)
    assert "suspected: #5" in set(table["Pull request"])
    assert "not traceable" not in page
    # the thin store: Core traces 1 of 4 defects in 2026Q1
    monkeypatch.setenv("TEAMLENS_DB", str(traced_store(tmp_path / "thin.duckdb")))
    app = AppTest.from_file(PAGE, default_timeout=60)
    app.query_params["person"] = "core1"
    app.query_params["quarter"] = "2026Q1"
    app.run()
    assert not app.exception
    notes = " ".join(i.value for i in app.info)
    assert "Team Core, 2026Q1" in notes and "Only 1 of 4 defects" in notes
    quality = next(t.value for t in app.table if "Team median" in t.value.columns)
    assert "not traceable" in set(quality["This quarter"])
