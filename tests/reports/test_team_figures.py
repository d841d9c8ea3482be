"""The Team trends figures: one panel per team, phases stacked, axes that stop at as-of and
name their unit, the quality tax visible, not-traceable periods marked, names inert."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pandas as pd
import pytest

from metrics import trends
from reports import facets, team_figures
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
    assert defects.get_subplot(1, 1).yaxis.tickformat == ".0%"  # change failure rate: a share
    assert "%" not in defects.get_subplot(2, 1).yaxis.tickformat  # defects per PR: not one


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
