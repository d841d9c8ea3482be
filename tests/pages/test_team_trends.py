"""AppTest of the Team trends page: the demo organization's stories, one team, empty and
thin data, and the page's hygiene (no SQL, no HTML, no refused metric)."""

from __future__ import annotations

import ast
import base64
import json
import math
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from ingest import demo
from metrics import trends
from metrics.registry import REFUSED_BY_ID
from reports import team_figures
from tests.metrics import test_inferred
from tests.metrics.builders import StoreBuilder, t
from tests.metrics.traced_stores import traced_store

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


def open_tab(at: AppTest, title: str) -> AppTest:
    """A reader opens a chart tab: the page reruns and draws that tab's figure alone."""
    at.session_state["trend chart"] = title
    at.run()
    assert not at.exception, at.exception
    return at


def every_chart(at: AppTest) -> list:
    """The page's charts, each tab opened in turn (it draws only the open one), and the
    first tab opened again."""
    titles = [tab.label for tab in at.tabs]
    charts = [c for title in titles for c in open_tab(at, title).get("plotly_chart")]
    open_tab(at, titles[0])
    return charts


def texts(at: AppTest) -> str:
    """Every text of the page as a reader sees it (the escapes of untrusted text dropped)."""
    parts = [
        e.value
        for kind in ("markdown", "caption", "info", "warning", "text")
        for e in getattr(at, kind)
    ]
    return "\n".join(str(p) for p in parts).replace("\\", "")


def test_demo_organization_shows_its_stories(monkeypatch, demo_db):
    at = run_page(monkeypatch, demo_db)
    assert len(at.get("plotly_chart")) == 1  # the first tab's figure alone
    assert [tab.label for tab in at.tabs] == list(team_figures.TAB_TITLES.values())
    assert len(every_chart(at)) == 7  # six figures and how the defects were traced
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
    assert "Expected transition dips, not red flags" in body
    assert "competency assessments" in body
    labels = [e.label.replace("\\", "") for e in at.expander]
    assert any("Large changes approved without a word" in label for label in labels)  # Platform
    assert any("More volume, paid for with quality" in label for label in labels)  # Mobile
    assert "one panel per team" in body


def test_a_repeated_flag_is_one_item_with_its_count(monkeypatch, demo_db):
    at = run_page(monkeypatch, demo_db)
    flags = [e.label.replace("\\", "") for e in at.expander if e.label.startswith("🚩")]
    keys = [label.split(" · ")[:2] for label in flags]
    assert len(keys) == len({tuple(k) for k in keys}), "a (team, rule) appears once"
    stamps = [x for x in flags if "Platform · Large changes approved without a word" in x]
    assert len(stamps) == 1
    # Platform's rubber-stamping repeats every month of the demo: one item, counted, dated
    assert "13 months: 2026-11, 2026-10" in stamps[0] and "… and 7 earlier" in stamps[0]
    # the newest first: the first flag of each dimension is of the latest month
    assert flags[0].split(": ")[1].startswith("2026-11")


def test_an_as_of_in_2025_draws_no_2026_adoption(monkeypatch, demo_db):
    monkeypatch.setenv("TEAMLENS_DB", str(demo_db))
    at = AppTest.from_file(PAGE, default_timeout=120)
    at.query_params["as_of"] = "2025-12-31"
    at.run()
    assert not at.exception, at.exception
    body = texts(at)
    assert "No AI adoption date on or before the as-of date" in body
    assert "Expected transition dip" not in body  # every adoption of the demo is in 2026
    assert "2026" not in " ".join(e.label for e in at.expander)


def test_one_team_with_adoption_window_and_evidence(monkeypatch, demo_db):
    at = run_page(monkeypatch, demo_db, ["Mobile"])
    assert len(every_chart(at)) == 7  # six figures and how the defects were traced
    body = texts(at)
    assert "Mobile by month" in body
    assert "Mobile adopted AI tools on 2026-04-06" in body
    flags = [e for e in at.expander if e.label.startswith("🚩")]
    assert flags and all("Mobile" in e.label for e in flags)
    # each flag explains itself in a sentence and lists its evidence, linked
    assert any("more than before AI adoption" in t.value for t in at.text)
    assert len(at.dataframe) >= len(flags)


def test_untrusted_team_names_are_text(monkeypatch, tmp_path):
    hostile = "**Pay** ![x](http://127.0.0.1:9/p.png) $x^2$ <b>"
    store = StoreBuilder(tmp_path / "teamlens.duckdb")
    store.person("alice", hostile)
    for n in range(1, 7):  # 6 unreviewed merges: a Responsibility flag naming the team
        store.pr(n, created=t(2, 9), merged=t(3, 9))
    at = run_page(monkeypatch, store.write(), [hostile])
    shown = [c.value for c in at.caption] + [e.label for e in at.expander]
    named = [x for x in shown if "Pay" in x]
    assert named, "the team is named in the caption and the flag"
    # ui.safe's form: marks escaped, and a word joiner after the scheme keeps GFM from
    # linking the bare URL
    escaped = "\\*\\*Pay\\*\\* !\\[x\\](http\u2060://127.0.0.1:9/p.png) \\$x^2\\$ \\<b\\>"
    for text in named:  # only ever the escaped form: shown literally, never as markup
        assert hostile not in text and escaped in text, text
    assert any(hostile in t.value for t in at.text)  # the flag's sentence, as plain text


def test_empty_state_is_explained(monkeypatch, tmp_path):
    store = StoreBuilder(tmp_path / "teamlens.duckdb")
    store.person("alice", "Payments").person("bob", "Platform")
    store.pr(1, created=t(2, 9), merged=t(2, 10))
    at = run_page(monkeypatch, store.write(), ["Platform"])
    assert any("No merged pull requests or defects for Platform" in i.value for i in at.info)
    assert len(at.get("plotly_chart")) == 0 and not at.tabs


def test_too_little_data_says_so(monkeypatch, tmp_path):
    store = StoreBuilder(tmp_path / "teamlens.duckdb")
    store.person("alice", "Payments")
    store.pr(1, created=t(2, 9), merged=t(2, 10))
    store.pr(2, created=t(3, 9), merged=t(3, 12))
    at = run_page(monkeypatch, store.write())
    assert any("Too little data" in w.value and "2026-03" in w.value for w in at.warning)
    assert len(every_chart(at)) >= 4


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


def ys(trace: dict) -> list:
    """A trace's y values from the page's chart spec (plotly writes arrays as base64)."""
    y = trace["y"]
    if isinstance(y, dict):
        return np.frombuffer(base64.b64decode(y["bdata"]), dtype=y["dtype"]).tolist()
    return list(y)


def test_figures_under_one_half_traced_are_not_traceable_never_zero(monkeypatch, tmp_path):
    # tests/metrics/traced_stores.py: Core traces 1 of 4 defects, Edge 2 of 3
    db = traced_store(tmp_path / "teamlens.duckdb")
    at = run_page(monkeypatch, db, ["Core", "Edge"])
    warnings = [w.value for w in at.warning if "not traceable" in w.value.lower()]
    # one warning for every period, not a wall: Core's March alone is under one half
    assert len(warnings) == 1
    assert "Not traceable in 1 team-period: fewer than 50% of their defects" in warnings[0]
    assert "Core 2026-03 (1 of 4 traced)" in warnings[0]
    assert "defect rate, change failure rate, quality tax, QACT" in warnings[0]
    assert "teamlens ingest git" in warnings[0] and "Edge" not in warnings[0]
    why = next(e for e in at.expander if e.label.startswith("Why each is not traceable (1)"))
    [line] = [c.value for c in why.caption]
    assert "Only 1 of 4 defects could be traced" in line and "Core 2026" in line
    charts = every_chart(at)
    assert len(charts) == 6  # no assessments: no levels chart; how the defects were traced
    figures = [json.loads(c.proto.spec) for c in charts]
    defects = next(f for f in figures if f["layout"]["title"]["text"].startswith("Defects:"))
    # one panel per team, in the teams' order
    core_rate, edge_rate = (d for d in defects["data"] if d["name"] == "defects per PR")
    assert core_rate["yaxis"] != edge_rate["yaxis"]  # in separate panels
    # Core's 1 traced defect / 5 PRs = 0.2 is a gap, not a point; Edge's 2 / 5 = 0.4 stays
    assert math.isnan(ys(core_rate)[0]) and len(ys(core_rate)) == 1
    assert ys(edge_rate) == [0.4]
    traced = next(f for f in figures if "were traced" in f["layout"]["title"]["text"])
    bars = {d["name"]: ys(d) for d in traced["data"]}
    assert bars["named in the report"] == [1, 2] and bars["untraced"] == [3, 1]
    traced_tab = texts(open_tab(at, team_figures.TAB_TITLES["traced"]))
    assert "fewer than 50% of a period's defects are traced" in traced_tab


def test_every_period_traced_shows_no_notice(monkeypatch, tmp_path):
    db = traced_store(tmp_path / "teamlens.duckdb", core_traced=4)
    at = run_page(monkeypatch, db)
    assert not [w for w in at.warning if "not traceable" in w.value.lower()]
    open_tab(at, team_figures.TAB_TITLES["traced"])
    assert "No defect in this range was traced by inference." in texts(at)


def test_suspected_culprits_with_their_evidence_one_click_away(monkeypatch, tmp_path):
    story = test_inferred.build(tmp_path)
    sha = test_inferred.build.sha  # type: ignore[attr-defined]
    at = open_tab(run_page(monkeypatch, story), team_figures.TAB_TITLES["traced"])
    expander = next(e for e in at.expander if e.label.startswith("Suspected culprits"))
    table = expander.dataframe[0].value
    six = table[table["defect"] == "acme/app#6"].iloc[0]
    assert six["pull request"] == "suspected: #5" and six["file"] == "calc.py"
    assert six["line"] == "2" and six["confidence"] == "50%"
    assert six["commit"] == sha["#5"][:12]
    assert "suspected: #30 (not fetched yet; commit by Ana)" in set(table["pull request"])


def test_many_teams_are_drawn_a_set_at_a_time_with_their_own_flags(monkeypatch, demo_db):
    # 5 teams and Unassigned, 2 panels at a time: [Data, Growth], [Mobile, Payments],
    # [Platform, Unassigned] (alphabetically, never ranked)
    monkeypatch.setattr(trends, "MAX_PANELS", 2)
    at = run_page(monkeypatch, demo_db)
    picker = at.main.selectbox[0]
    assert "6 teams, 2 at a time" in picker.label
    assert picker.options == [
        "Data … Growth (2 teams)",
        "Mobile … Payments (2 teams)",
        "Platform … Unassigned (2 teams)",
    ]
    flagged = {e.label.removeprefix("🚩 ").split(" · ")[0] for e in at.expander if "🚩" in e.label}
    assert flagged <= {"Data", "Growth"}
    assert "the organization's teams data to growth" in texts(at).lower()
    picker.set_value(1).run()
    assert not at.exception
    flagged = {e.label.removeprefix("🚩 ").split(" · ")[0] for e in at.expander if "🚩" in e.label}
    assert flagged and flagged <= {"Mobile", "Payments"}
    assert "Mobile" in flagged  # the demo's Mobile story raises flags


def test_a_few_teams_are_all_drawn_at_once(monkeypatch, demo_db):
    at = run_page(monkeypatch, demo_db)
    assert not at.main.selectbox  # 6 groups fit in one set of 12
    assert "the whole organization" in texts(at).lower()


def test_past_the_first_flags_a_flag_is_drawn_when_opened(monkeypatch, demo_db):
    eager = run_page(monkeypatch, demo_db, ["Mobile"])
    n_tables = len(eager.dataframe)
    flags = [e for e in eager.expander if e.label.startswith("🚩")]
    assert len(flags) >= 2
    monkeypatch.setattr(trends, "EAGER_FLAGS", 1)  # only the first flag sent whole
    at = run_page(monkeypatch, demo_db, ["Mobile"])
    lazy = [e for e in at.expander if e.label.startswith("🚩")]
    assert [e.label for e in lazy] == [e.label for e in flags]  # every flag is listed
    assert len(lazy[0].dataframe) >= 1 and all(not e.dataframe for e in lazy[1:])
    assert len(at.dataframe) < n_tables
    keys = [k for k in at.session_state if k.startswith("flag ")]
    assert len(keys) == len(flags) - 1  # the closed ones: widgets holding their state
    for key in keys:  # a reader opens each: the page reruns and draws it whole
        at.session_state[key] = True
    at.run()
    opened = [e for e in at.expander if e.label.startswith("🚩")]
    assert all(e.dataframe for e in opened)
    assert len(at.dataframe) == n_tables
