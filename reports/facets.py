"""Reports layer: small multiples of the Team trends data — one panel per team, one row per
measure — laid out as plotly's make_subplots would, its series from :mod:`reports.series`.
Pure plotly; no data is read here.

Each team gets its own panel (the whole organization is every team side by side, so no
team's story hides behind another's), with only its own AI adoption line and transition
band. Every axis names its unit (:mod:`reports.format`) and runs from the first period's
start to the as-of instant, never past it: a point sits in the middle of its period's
span up to as-of, a partial period (still running, or begun before the first data) is
shaded, and a period whose attribution coverage is too thin shows "not traceable" instead
of its attribution-based figures. Untrusted text (team names) reaches plotly as entities.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time

import pandas as pd
import plotly.graph_objects as go

from metrics.trends import Adoption, TeamTrends
from reports import format as fmt
from reports.series import Columns, Panel, Span

MAX_COLUMNS = 5  # panels side by side before the grid wraps
ADOPTION = "#7a6a00"
BAND = "#fdd835"
PARTIAL = "#b0bec5"
UNTRACEABLE = "#757575"
LEVEL_COLOURS = {1: "#c6dbef", 2: "#6baed6", 3: "#2171b5", 4: "#08306b"}
# Per-PR figures resting on attribution (a defect traced to the PR that caused it): where
# a row's coverage is too thin they show as not traceable (metrics.attribution).
ATTRIBUTION_COLUMNS = (
    "quality_tax",
    "qact_p50_h",
    "qact_p90_h",
    "defect_rate",
    "change_failure_rate",
    "ai_defect_rate",
    "ai_change_failure_rate",
)


@dataclass(frozen=True)
class Row:
    """One row of panels: what its y axis shows, in which unit, and whether its figures rest
    on attribution (then a not-traceable period is marked on it)."""

    subject: str
    unit: str
    axis_text: str | None = None  # instead of the unit's own axis wording
    attribution: bool = False


def _naive(moment: datetime) -> pd.Timestamp:
    stamp = pd.Timestamp(moment)
    return stamp.tz_convert("UTC").tz_localize(None) if stamp.tzinfo else stamp


def subplot_domains(rows: int, cols: int, h_space: float, v_space: float) -> list:
    """Each panel's (x domain, y domain), row by row from the top left: the arithmetic of
    plotly's ``make_subplots`` (``plotly/_subplots.py``) step for step, so the panels sit
    exactly where it would put them, without building its figure objects."""
    widths = [(1.0 - h_space * (cols - 1)) / cols] * cols
    heights = [(1.0 - v_space * (rows - 1)) / rows] * rows
    starts = [
        [(sum(widths[:c]) + c * h_space, sum(heights[:r]) + r * v_space) for c in range(cols)]
        for r in range(rows)[::-1]  # the first row is the top one
    ]
    domains = []
    for r in range(rows):
        for c in range(cols):
            x, y = starts[r][c]
            y_end = y + heights[-1 - r]
            # make_subplots rounds a domain end within 0.01 outside [0, 1] onto it
            y, y_end = (min(max(v, 0.0), 1.0) for v in (y, y_end))
            domains.append(([x, x + widths[c]], [y, y_end]))
    return domains


class Grid:
    """Panels: one column per group (wrapping after :data:`MAX_COLUMNS`), one row per
    :class:`Row`; shared x (first period's start to as-of) and one y range per row.

    The figure is written as plain dicts (traces, axes, shapes, labels) and made into a
    ``go.Figure`` once, unvalidated, in :meth:`done`: plotly validates every property on
    each ``make_subplots``/``add_trace``/``update`` call, which cost seconds for 12 teams
    (the tests validate the finished figures instead)."""

    def __init__(self, data: TeamTrends, title: str, rows: Sequence[Row], row_px: int = 0):
        self.data = data
        self.rows = list(rows)
        self.groups = data.groups or ["organization"]
        n = len(self.groups)
        wraps = math.ceil(n / MAX_COLUMNS)
        self.cols = math.ceil(n / wraps)
        self.n_rows = wraps * len(self.rows)
        row_px = row_px or (210 if n == 1 else 170)
        self.height = 58 + 26 * (wraps - 1) + row_px * self.n_rows + 40
        self.domains = subplot_domains(
            self.n_rows,
            self.cols,
            0.04 if self.cols > 1 else 0.0,
            min(0.06, 0.25 / self.n_rows) if self.n_rows > 1 else 0.0,
        )
        self.titles = []  # the subplot (team) titles, over each group's top panel
        if n > 1:
            for gi, group in enumerate(self.groups):
                (x_lo, x_hi), (_, y_hi) = self.domains[self._index(*self.cell(gi, 0))]
                self.titles.append(_title(fmt.plotly_text(group), (x_lo + x_hi) / 2.0, y_hi))
        self.x0 = pd.Timestamp(data.start) if data.start else None
        self.x1 = _naive(data.as_of) if data.as_of else None
        self.traces: list[dict] = []
        self.layout: dict = {}
        self._legend: set[str] = set()
        self._title = title
        self.shapes: list[dict] = []
        self.notes: list[dict] = []
        self._columns = Columns(data.rows)
        self.panels = [self._columns.panel(g if data.groups else None) for g in self.groups]

    def cell(self, group: int, row: int) -> tuple[int, int]:
        wrap, col = divmod(group, self.cols)
        return wrap * len(self.rows) + row + 1, col + 1

    def _index(self, r: int, c: int) -> int:
        return (r - 1) * self.cols + c - 1

    def suffix(self, r: int, c: int) -> str:
        """A panel's axis number as plotly writes it: '' for the first, then '2', '3'…"""
        k = self._index(r, c) + 1
        return "" if k == 1 else str(k)

    def add(self, trace: dict, group: int, row: int) -> None:
        """Add a trace to a panel; its legend entry once for the whole figure."""
        name = trace["name"]
        trace.update(legendgroup=name, showlegend=name not in self._legend)
        self._legend.add(name)
        self.place(trace, group, row)

    def place(self, trace: dict, group: int, row: int) -> None:
        """Add a trace to a panel as it is (no legend bookkeeping)."""
        suffix = self.suffix(*self.cell(group, row))
        trace.update(xaxis=f"x{suffix}", yaxis=f"y{suffix}")
        self.traces.append(trace)

    def done(
        self, y_max: Sequence[float | None] = (), y_extra: dict[int, dict] | None = None
    ) -> go.Figure:
        """Axes, bands, legend and layout; ``y_max``: each row's top (None: from the data);
        ``y_extra``: more y-axis settings for a row of panels (by row index)."""
        layout = self.layout
        first = self.suffix(self.n_rows, 1)  # make_subplots' shared x: the bottom left's
        ticks = None
        if self.x0 is not None and self.x1 is not None:
            ticks = date_ticks(self.x0, self.x1, 6 if self.cols <= 2 else 3)
        for k, (x_domain, y_domain) in enumerate(self.domains, start=1):
            s = "" if k == 1 else str(k)
            xaxis = {"anchor": f"y{s}", "domain": x_domain, "showticklabels": False}
            if s != first:
                xaxis["matches"] = f"x{first}"
            if ticks is not None:
                xaxis.update(range=[self.x0, self.x1], type="date", tickvals=list(ticks[0]),
                             ticktext=list(ticks[1]))  # fmt: skip
            layout[f"xaxis{s}"] = xaxis
            layout[f"yaxis{s}"] = {"anchor": f"x{s}", "domain": y_domain}
        for gi, group in enumerate(self.groups):
            panel = self.panels[gi]
            for ri, spec in enumerate(self.rows):
                r, c = self.cell(gi, ri)
                s = self.suffix(r, c)
                top = y_max[ri] if ri < len(y_max) else None
                yaxis = fmt.axis(spec.subject, spec.unit, spec.axis_text)
                if c != 1:  # one y axis per row of panels: theirs is the same range
                    yaxis["title"] = {"text": ""}
                    yaxis["showticklabels"] = False
                if top is not None and top > 0:
                    yaxis["range"] = [0, top]
                    yaxis.pop("rangemode")
                yaxis.update((y_extra or {}).get(ri, {}))
                layout[f"yaxis{s}"].update(yaxis)
                self._bands(panel, group, s, ri == 0, spec.attribution)
            lowest = self.suffix(*self.cell(gi, len(self.rows) - 1))
            layout[f"xaxis{lowest}"]["showticklabels"] = True  # dates under the team's panels
        if self.shapes:
            layout["shapes"] = self.shapes
        if self.titles or self.notes:
            layout["annotations"] = [*self.titles, *self.notes]
        layout.update(finish_layout(self._title, self.height, self.traces, len(self.groups) > 1))
        return go.Figure({"data": self.traces, "layout": layout}, _validate=False)

    def _bands(self, panel: Panel, group: str, suffix: str, top: bool, attrib: bool):
        x0, x1 = self.x0, self.x1
        if x0 is None or x1 is None:
            return
        for a in self.data.adoptions:
            if a.team == group:
                _adoption(self, a, x0, x1, suffix, label=top)
        for start, until in panel.partial():
            b0, b1 = max(start, x0), min(until, x1)
            self._band(b0, b1, PARTIAL, 0.3, "partial" if top else "", suffix)
        if attrib:
            for b0, b1 in _runs(panel.untraceable()):
                self._band(b0, b1, UNTRACEABLE, 0.22, "not traceable", suffix)

    def _band(self, x0, x1, colour: str, opacity: float, text: str, suffix: str) -> None:
        """A shaded span of a panel, its label written upwards along its top."""
        self.shapes.append(_vrect(x0, x1, colour, opacity, suffix))
        if text:
            self.notes.append(
                {
                    "x": x0 + (x1 - x0) / 2,
                    "y": 1.0,
                    "xref": f"x{suffix}",
                    "yref": f"y{suffix} domain",
                    "text": text,
                    "textangle": -90,
                    "showarrow": False,
                    "xanchor": "center",
                    "yanchor": "top",
                    "font": {"size": 10, "color": "#37474f"},
                    "name": "band-label",
                }
            )


def _title(text: str, x: float, y: float) -> dict:
    """A team's title over its panels (what make_subplots' ``subplot_titles`` writes)."""
    return {
        "y": y,
        "xref": "paper",
        "x": x,
        "yref": "paper",
        "text": text,
        "showarrow": False,
        "font": {"size": 13},
        "xanchor": "center",
        "yanchor": "bottom",
    }


def date_ticks(x0: pd.Timestamp, x1: pd.Timestamp, most: int) -> tuple[list, list[str]]:
    """Ticks inside [x0, x1] only (plotly's own may put 'Jan 2026' at an axis ending on
    31 Dec 2025): month starts, every 1, 2, 3, 6 or 12 months so at most ``most`` show;
    Mondays when the range holds fewer than two month starts."""
    months = pd.date_range(x0.normalize().replace(day=1), x1, freq="MS")
    months = months[(months >= x0) & (months <= x1)]
    if len(months) < 2:
        mondays = pd.date_range(x0.normalize(), x1, freq="W-MON")
        step = max(1, math.ceil(len(mondays) / most))
        picked = list(mondays[::step])
        return picked, [f"{d:%d %b}" for d in picked]
    step = next(s for s in (1, 2, 3, 6, 12, 24) if math.ceil(len(months) / s) <= most)
    picked = [d for d in months if (d.year * 12 + d.month - 1) % step == 0] or list(months[:1])
    return picked, [f"{d:%b %Y}" for d in picked]


def _runs(spans: list[Span]) -> list[Span]:
    """Consecutive periods (start, until) merged into spans."""
    merged: list[Span] = []
    for s, u in spans:
        if merged and merged[-1][1] >= s:
            merged[-1] = (merged[-1][0], max(u, merged[-1][1]))
        else:
            merged.append((s, u))
    return merged


def _vrect(x0, x1, colour: str, opacity: float, suffix: str) -> dict:
    """A shaded span over a panel's whole height (what ``add_vrect(row=, col=)`` adds)."""
    return {
        "type": "rect",
        "x0": x0,
        "x1": x1,
        "xref": f"x{suffix}",
        "y0": 0,
        "y1": 1,
        "yref": f"y{suffix} domain",
        "fillcolor": colour,
        "opacity": opacity,
        "line": {"width": 0},
        "layer": "below",
    }


def _adoption(grid: Grid, a: Adoption, x0, x1, suffix: str, *, label: bool) -> None:
    """A team's adoption date (dashed line) and transition window (band), inside the axis
    range [x0, x1] only: a window running past as-of stops there."""
    start = pd.Timestamp(datetime.combine(a.adopted_on, time.min))
    end = min(pd.Timestamp(datetime.combine(a.window_end, time.min)), x1)
    if end > max(start, x0):
        grid.shapes.append(_vrect(max(start, x0), end, BAND, 0.22, suffix))
    if x0 <= start <= x1:
        grid.shapes.append(
            {
                "type": "line",
                "x0": start,
                "x1": start,
                "xref": f"x{suffix}",
                "y0": 0,
                "y1": 1,
                "yref": f"y{suffix} domain",
                "line": {"color": ADOPTION, "dash": "dash", "width": 1},
            }
        )
        if label:
            grid.notes.append(
                {
                    "x": start,
                    "y": 1.0,
                    "xref": f"x{suffix}",
                    "yref": f"y{suffix} domain",
                    "text": "AI adoption",
                    "showarrow": False,
                    "xanchor": "left",
                    "yanchor": "top",
                    "font": {"size": 10, "color": ADOPTION},
                }
            )


LEGEND_WIDTH = 900  # px a legend row is assumed to have (a page's main column at 1400 px)


def legend_rows(names: Sequence[str]) -> int:
    """How many rows the horizontal legend takes for these entries, from their lengths
    (about 7 px a character, 50 px for the symbol and gaps)."""
    widths = [50 + 7 * len(name) for name in names]
    rows, used = 1, 0.0
    for w in widths:
        if used and used + w > LEGEND_WIDTH:
            rows, used = rows + 1, 0.0
        used += w
    return rows if names else 0


def finish_layout(title: str, height: int, traces: Sequence, subplot_titles: bool) -> dict:
    """Title, legend under it and the plot right under both: no empty band above the plots
    (the height grows by what the legend takes). ``traces``: dicts or plotly traces."""
    names = []
    for t in traces:
        name, legend = (t.get("name"), t.get("showlegend")) if isinstance(t, dict) else (
            t.name, t.showlegend)  # fmt: skip
        if legend is not False and name:
            names.append(name)
    n_rows = legend_rows(names)
    top = 36 + 24 * n_rows + (24 if subplot_titles else 8)
    height += 24 * n_rows
    return {
        "title": {
            "text": title,
            "x": 0,
            "xanchor": "left",
            "xref": "container",
            "yref": "container",
            "y": 1 - 8 / height,
            "yanchor": "top",
            "font": {"size": 16},
        },
        "legend": {
            "orientation": "h",
            "yref": "container",
            "y": 1 - 36 / height,
            "yanchor": "top",
            "x": 0,
            "xanchor": "left",
            "font": {"size": 12},
        },
        "margin": {"l": 76, "r": 16, "t": top, "b": 36, "autoexpand": False},
        "height": height,
        "hovermode": "x unified",
        "bargap": 0.15,
    }


def finish(fig: go.Figure, title: str, height: int, subplot_titles: bool = True) -> go.Figure:
    """:func:`finish_layout` on a figure built trace by trace."""
    fig.update_layout(finish_layout(title, height, fig.data, subplot_titles))
    return fig
