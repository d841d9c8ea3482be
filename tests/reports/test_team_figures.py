"""The Team trends figures: one panel per team, phases stacked, axes that stop at as-of and
name their unit, the quality tax visible, not-traceable periods marked, names inert."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pytest
from plotly.subplots import make_subplots

from metrics import trends
from reports import facets, series, team_figures
from tests.metrics.builders import StoreBuilder, t

AS_OF = t(20, 12, month=5)  # 2026-05-20 12:00 UTC: May is still running


@pytest.fixture
def data(tmp_path) -> trends.TeamTrends:
    store = StoreBuilder(tmp_path / "teamlens.duckdb")
    store.person("alice", "Payments").person("bob", "Platform")
    store.teams[0]["ai_adoption_date"] = date(2026, 4, 6)  # window to 2026-05-04
    store.teams[1]["ai_adoption_date"] = date(2026, 5, 18)  # window runs past as-of
    n = 0
    for month in (3, 4, 5):
        for author in ("alice", "bob"):
            for _ in range(5):
                n += 1
                store.pr(n, created=t(2, 9, month), merged=t(3, 9 + n % 4, month), author=author)
    store.defect(900, reported=t(10, 0, month=4), body="caused by #1")
    return trends.team_trends(
        store.write(), as_of=AS_OF, period="month", teams=(), start=date(2026, 3, 1)
    )


def _ref(axis_name: str) -> str:
    return axis_name.replace("axis", "")  # 'xaxis2' -> 'x2'


def test_phases_stack_and_each_team_has_its_own_panel(data):
    fig = team_figures.phases(data)
    assert fig.layout.barmode == "stack"
    axes = {(trace.name, trace.xaxis) for trace in fig.data}
    # three phases per team, each team on its own x axis (never overlapping bars)
    assert {x for _, x in axes} == {"x", "x2"}
    assert len(fig.data) == 6
    titles = [a.text for a in fig.layout.annotations if a.text in ("Payments", "Platform")]
    assert titles == ["Payments", "Platform"]


def test_no_axis_runs_past_as_of_and_no_band_after_it(data):
    end = pd.Timestamp("2026-05-20 12:00")
    for key, fig in team_figures.charts(data):
        for name in fig.layout:
            if name.startswith("xaxis"):
                lo, hi = fig.layout[name].range
                assert pd.Timestamp(lo) == pd.Timestamp("2026-03-01"), key
                assert pd.Timestamp(hi) == end, key
        for shape in fig.layout.shapes:
            assert pd.Timestamp(shape.x1 if shape.x1 is not None else shape.x0) <= end, key
        for trace in fig.data:  # every point sits inside its period's span up to as-of
            assert all(pd.Timestamp(x) <= end for x in trace.x), key
    # Platform's window (2026-05-18 + 4 weeks) is cut at as-of
    tax = team_figures.volume_and_tax(data)
    bands = [s for s in tax.layout.shapes if s.fillcolor == "#fdd835"]
    assert sorted(pd.Timestamp(s.x1) for s in bands)[-1] == end


def test_an_adoption_after_as_of_is_not_drawn(data):
    early = replace(data, adoptions=[a for a in data.adoptions if a.team == "Payments"])
    fig = team_figures.delivery_time(early)
    lines = [s for s in fig.layout.shapes if s.type == "line"]
    assert [pd.Timestamp(s.x0) for s in lines] == [pd.Timestamp("2026-04-06")]


def test_the_partial_period_is_shaded_and_said(data):
    fig = team_figures.volume_and_tax(data)
    partial = {
        (pd.Timestamp(s.x0), pd.Timestamp(s.x1))
        for s in fig.layout.shapes
        if s.fillcolor == "#b0bec5"
    }
    # May runs past as-of; March holds data only from its 3rd (the store's first merge):
    # each band covers its own period, not the rest of the axis
    assert partial == {
        (pd.Timestamp("2026-03-01"), pd.Timestamp("2026-04-01")),
        (pd.Timestamp("2026-05-01"), AS_OF.replace(tzinfo=None)),
    }
    assert any(a.text == "partial" for a in fig.layout.annotations)


def test_every_y_axis_names_its_unit(data):
    for key, fig in [*team_figures.charts(data), ("levels", team_figures.levels(data))]:
        titled = [fig.layout[n].title.text for n in fig.layout if n.startswith("yaxis")]
        titled = [x for x in titled if x]
        assert titled, key
        for text in titled:
            assert "(" in text and text.endswith(")"), (key, text)
    defects = team_figures.defects(data)
    # two teams: panels are numbered row by row, so row 2's first panel is the third
    assert defects.layout.yaxis.tickformat == ".0%"  # change failure rate: a share
    assert "%" not in defects.layout.yaxis3.tickformat  # defects per PR: not one


def test_a_tax_over_the_cap_is_drawn_at_it_with_its_value(data):
    rows = data.rows.copy()
    rows.loc[(rows["group"] == "Payments") & (rows["period"] == "2026-04"), "quality_tax"] = 2.85
    fig = team_figures.volume_and_tax(replace(data, rows=rows))
    tax = next(tr for tr in fig.data if tr.name == "quality tax" and tr.xaxis == "x3")
    assert max(tax.y) == team_figures.TAX_CAP
    assert 2.85 in list(tax.customdata)  # the hover says the real figure
    marks = [tr for tr in fig.data if tr.type == "scatter" and tr.mode == "markers+text"]
    # Payments' March is over the cap too (its PR #1 has a defect open since April)
    over = rows[(rows["group"] == "Payments") & (rows["quality_tax"] > 1)]["quality_tax"]
    assert [list(tr.text) for tr in marks] == [[f"{v:.0%}" for v in over]]
    assert "285%" in marks[0].text


def test_not_traceable_periods_show_no_attribution_figure(data):
    rows = data.rows.copy()
    untraced = (rows["group"] == "Platform") & (rows["period"] == "2026-04")
    rows["is_attribution_traceable"] = ~untraced
    fig = team_figures.defects(replace(data, rows=rows))
    cfr = next(tr for tr in fig.data if tr.name == "change failure rate" and tr.xaxis == "x2")
    platform = rows[rows["group"] == "Platform"].reset_index(drop=True)
    april = platform.index[platform["period"] == "2026-04"][0]
    assert pd.isna(cfr.y[april])  # a gap, never 0
    assert not pd.isna(cfr.y[april - 1])
    labels = [a for a in fig.layout.annotations if a.text == "not traceable"]
    assert len(labels) == 2  # both rows of Platform's panel (rates and defects per PR)
    # figures that do not rest on attribution keep their number
    phases = team_figures.phases(replace(data, rows=rows))
    assert not any(a.text == "not traceable" for a in phases.layout.annotations)


def test_team_names_reach_plotly_as_text(data):
    hostile = '<a href="http://evil.example">Pay</a> $x$'
    rows = data.rows.replace({"group": {"Payments": hostile}})
    fig = team_figures.review(replace(data, rows=rows))
    texts = [a.text for a in fig.layout.annotations]
    assert '&lt;a href="http://evil.example"&gt;Pay&lt;/a&gt; &#36;x&#36;' in texts
    assert not any("<a" in (x or "") for x in texts)


def test_date_ticks_stay_inside_the_axis():
    # an axis ending on 31 Dec 2025 at as-of never labels 'Jan 2026'
    end = pd.Timestamp("2025-12-31 23:59:59")
    _, texts = facets.date_ticks(pd.Timestamp("2025-11-01"), end, 3)
    assert texts == ["Nov 2025", "Dec 2025"]
    # a year: every 6 months for a narrow panel, quarters for a wide one
    year = (pd.Timestamp("2025-11-01"), pd.Timestamp("2026-11-20 23:59:59"))
    assert facets.date_ticks(*year, 3)[1] == ["Jan 2026", "Jul 2026"]
    assert facets.date_ticks(*year, 6)[1] == ["Jan 2026", "Apr 2026", "Jul 2026", "Oct 2026"]
    # under two month starts: Mondays
    assert facets.date_ticks(pd.Timestamp("2025-11-03"), pd.Timestamp("2025-11-30"), 3)[1] == [
        "03 Nov",
        "17 Nov",
    ]


# --- the figures are built as plain dicts, unvalidated: plotly must agree with them ---------


def _teams(data: trends.TeamTrends, n: int) -> trends.TeamTrends:
    """``n`` teams made of Payments' rows, each with its own volume, the rows interleaved
    (period by period, as the metrics write them), Team 3 adopting AI like Payments."""
    payments = data.rows[data.rows["group"] == "Payments"]
    frames = [
        payments.assign(group=f"Team {i:02d}", merged_prs=payments["merged_prs"] + 10 * i)
        for i in range(1, n + 1)
    ]
    rows = pd.concat(frames).sort_values(["period", "group"], kind="stable")
    adopted = [replace(a, team="Team 03") for a in data.adoptions if a.team == "Payments"]
    return replace(data, rows=rows.reset_index(drop=True), adoptions=adopted)


def _hostile(data: trends.TeamTrends) -> trends.TeamTrends:
    """Names plotly would read as markup, a tax over the cap, a period not traceable."""
    rows = data.rows.copy()
    rows.loc[(rows["group"] == "Payments") & (rows["period"] == "2026-04"), "quality_tax"] = 2.85
    rows["is_attribution_traceable"] = ~(
        (rows["group"] == "Platform") & (rows["period"] == "2026-04")
    )
    rows = rows.replace({"group": {"Platform": "<b>Plat</b> & $x$"}})
    adoptions = [replace(a, team='<b>Plat</b> & $x$') if a.team == "Platform" else a
                 for a in data.adoptions]  # fmt: skip
    return replace(data, rows=rows, adoptions=adoptions)


@pytest.mark.parametrize("teams", [0, 1, 7, 12])
def test_every_figure_is_what_plotly_validating_it_writes(data, teams):
    # charts() skips plotly's validation for speed: a misspelt property or a value plotly
    # would coerce differently fails here (validation raises, or its JSON differs)
    shown = _hostile(data) if teams == 0 else _teams(data, teams)
    for key, fig in team_figures.charts(shown):
        validated = go.Figure(fig.to_dict())
        # the same JSON, property for property (their order aside: it draws nothing)
        assert json.loads(pio.to_json(validated)) == json.loads(pio.to_json(fig)), key


@pytest.mark.parametrize("teams", [1, 2, 3, 5, 7, 12])
def test_panels_sit_where_make_subplots_puts_them(data, teams):
    # the grid plotly's make_subplots builds for the same panels is the reference: the
    # axes' domains, anchors and shared x, and each team's title over its panels
    shown = _teams(data, teams)
    for key, fig in team_figures.charts(shown):
        n_rows = facets.math.ceil(teams / facets.MAX_COLUMNS) * (1 if key in (
            "delivery_time", "phases") else 2)  # fmt: skip
        cols = facets.math.ceil(teams / facets.math.ceil(teams / facets.MAX_COLUMNS))
        per_team = n_rows // facets.math.ceil(teams / facets.MAX_COLUMNS)
        titles = [
            f"Team {w * cols + c + 1:02d}" if r == 0 and w * cols + c < teams else ""
            for w in range(n_rows // per_team)
            for r in range(per_team)
            for c in range(cols)
        ]
        reference = make_subplots(
            rows=n_rows,
            cols=cols,
            shared_xaxes="all",
            horizontal_spacing=0.04 if cols > 1 else 0.0,
            vertical_spacing=min(0.06, 0.25 / n_rows) if n_rows > 1 else 0.0,
            subplot_titles=titles if teams > 1 else None,
        ).layout
        axes = [n for n in reference if n.startswith(("xaxis", "yaxis"))]
        assert sorted(axes) == sorted(n for n in fig.layout if n.startswith(("xaxis", "yaxis")))
        for name in axes:
            for prop in ("domain", "anchor", "matches"):
                assert fig.layout[name][prop] == reference[name][prop], (key, name, prop)
        drawn = [(a.text, a.x, a.y) for a in fig.layout.annotations if a.yref == "paper"]
        assert drawn == [(a.text, a.x, a.y) for a in reference.annotations], key


def test_seven_teams_wrap_into_two_rows_of_four_panels_each_with_its_own_series(data):
    shown = _teams(data, 7)
    fig = team_figures.volume_and_tax(shown)
    # 7 teams: 2 rows of 4 columns (one empty), 2 rows of panels per team -> 16 panels
    names = sorted(n for n in fig.layout if n.startswith("xaxis"))
    assert len(names) == 16
    # a bar and a tax line in each team's panels, on that team's axes, its own values
    bars = [t for t in fig.data if t.type == "bar"]
    taxes = [t for t in fig.data if t.name == "quality tax"]
    assert len(bars) == len(taxes) == 7
    # team i (0-based) sits in column i % 4 of row block i // 4: its volume panel is
    # number (i // 4) * 8 + i % 4 + 1, its tax panel the one under it (+ 4)
    for i, (b, tax) in enumerate(zip(bars, taxes, strict=True)):
        k = (i // 4) * 8 + i % 4 + 1
        assert (b.xaxis, b.yaxis) == (f"x{k if k > 1 else ''}", f"y{k if k > 1 else ''}")
        assert (tax.xaxis, tax.yaxis) == (f"x{k + 4}", f"y{k + 4}")
        team = shown.rows[shown.rows["group"] == f"Team {i + 1:02d}"]
        assert list(b.y) == list(team["merged_prs"].astype(float))
        assert [pd.Timestamp(x) for x in b.x] == list(series.mid(team))
    # x tick labels only under each team's lowest panel; y titles only in the first column
    labelled = {n for n in names if fig.layout[n].showticklabels}
    assert labelled == {f"xaxis{k}" for k in (5, 6, 7, 8, 13, 14, 15)}
    titled = {n for n in fig.layout if n.startswith("yaxis") and fig.layout[n].title.text}
    assert titled == {"yaxis", "yaxis5", "yaxis9", "yaxis13"}
    # every team's rows share a y range (one axis per row of panels)
    tops = {fig.layout[f"yaxis{k}"].range[1] for k in (5, 6, 7, 8, 13, 14, 15)}
    assert len(tops) == 1
    # March and May are partial for every team, in both its panels: 7 * 2 * 2 grey bands,
    # "partial" written in the top panel only; Team 03 alone has the adoption line
    grey = [s for s in fig.layout.shapes if s.fillcolor == facets.PARTIAL]
    assert len(grey) == 28
    assert sum(a.text == "partial" for a in fig.layout.annotations) == 14
    lines = [s for s in fig.layout.shapes if s.type == "line"]
    assert [(s.xref, s.yref) for s in lines] == [("x3", "y3 domain"), ("x7", "y7 domain")]
