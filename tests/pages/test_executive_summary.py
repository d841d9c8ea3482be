"""AppTest of the Executive summary page: figures, charts, groups only, downloads."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.reports.conftest import PEOPLE, PERSON_NAMES, build_org

ROOT = Path(__file__).resolve().parents[2]
PAGE = str(ROOT / "pages" / "executive_summary.py")


@pytest.fixture(scope="module")
def org(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_org(tmp_path_factory.mktemp("board_page") / "teamlens.duckdb")


@pytest.fixture
def app(org: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("TEAMLENS_DB", str(org))
    return AppTest.from_file(PAGE, default_timeout=60)


def page_text(app: AppTest) -> str:
    parts = [m.value for m in app.markdown] + [c.value for c in app.caption]
    parts += [f"{m.label} {m.value}" for m in app.metric]
    for frame in app.dataframe:
        parts.append(frame.value.to_string())
    return "\n".join(parts)


def test_figures_charts_and_downloads(app: AppTest) -> None:
    app.run()
    assert not app.exception
    assert app.selectbox[0].value == "2026Q3"
    assert len(app.metric) == 7
    assert app.metric[0].label.startswith("Time to deliver a change correctly")
    assert len(app.get("plotly_chart")) == 2
    labels = [b.proto.label for b in app.get("download_button")]
    assert labels == ["⬇️ One-pager (PDF)", "⬇️ Slides (PPTX)", "⬇️ Markdown"]


def test_groups_only_small_teams_merged_no_names(app: AppTest) -> None:
    app.run()
    groups = app.dataframe[0].value
    assert list(groups["Group"]) == ["Alpha", "Other"]
    assert list(groups["People"]) == [6, 5]
    text = page_text(app)
    for name in PERSON_NAMES:
        assert name.split()[-1] not in text
    for login, *_ in PEOPLE:
        assert f" {login} " not in f" {text} "
    assert "Beta" not in text and "Gamma" not in text


def test_an_earlier_quarter_from_the_url(app: AppTest) -> None:
    app.query_params["quarter"] = "2026Q2"
    app.run()
    assert not app.exception
    assert app.selectbox[0].value == "2026Q2"
    assert any("compared with 2026Q1" in c.value for c in app.caption)
