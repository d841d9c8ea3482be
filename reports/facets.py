"""Reports layer: small multiples of the Team trends data — one panel per team, one row per
measure — and the series drawn in them. Pure plotly; no data is read here.

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
from plotly.subplots import make_subplots

from metrics.trends import Adoption, TeamTrends
from reports import format as fmt

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


class Grid:
    """Panels: one column per group (wrapping after :data:`MAX_COLUMNS`), one row per
    :class:`Row`; shared x (first period's start to as-of) and one y range per row."""

    def __init__(self, data: TeamTrends, title: str, rows: Sequence[Row], row_px: int = 0):
        self.data = data
        self.rows = list(rows)
        self.groups = data.groups or ["organization"]
        n = len(self.groups)
        wraps = math.ceil(n / MAX_COLUMNS)
        self.cols = math.ceil(n / wraps)
        self.n_rows = wraps * len(self.rows)
        titles = []
        for wrap in range(wraps):
            for r in range(len(self.rows)):
                for c in range(self.cols):
                    i = wrap * self.cols + c
                    titles.append(fmt.plotly_text(self.groups[i]) if r == 0 and i < n else "")
        row_px = row_px or (210 if n == 1 else 170)
        self.height = 58 + 26 * (wraps - 1) + row_px * self.n_rows + 40
        self.fig = make_subplots(
            rows=self.n_rows,
            cols=self.cols,
            shared_xaxes="all",
            horizontal_spacing=0.04 if self.cols > 1 else 0.0,
            vertical_spacing=min(0.06, 0.25 / self.n_rows) if self.n_rows > 1 else 0.0,
            subplot_titles=titles if n > 1 else None,
        )
        self.fig.update_annotations(font_size=13)  # the subplot (team) titles
        self.x0 = pd.Timestamp(data.start) if data.start else None
        self.x1 = _naive(data.as_of) if data.as_of else None
        self._legend: set[str] = set()
        self._title = title
        # bands, lines and their labels, set on the figure once in done(): plotly copies
        # every shape already there on each add_vrect, so adding them one by one costs
        # the square of their number (seconds for a few teams over two years of weeks)
        self.shapes: list[dict] = []
        self.notes: list[dict] = []

    def cell(self, group: int, row: int) -> tuple[int, int]:
        wrap, col = divmod(group, self.cols)
        return wrap * len(self.rows) + row + 1, col + 1

    def frame(self, group: str) -> pd.DataFrame:
        rows = self.data.rows
        return rows[rows["group"] == group] if self.data.groups else rows

    def add(self, trace, group: int, row: int) -> None:
        """Add a trace to a panel; its legend entry once for the whole figure."""
        name = trace.name
        trace.update(legendgroup=name, showlegend=name not in self._legend)
        self._legend.add(name)
        r, c = self.cell(group, row)
        self.fig.add_trace(trace, row=r, col=c)

    def done(self, y_max: Sequence[float | None] = ()) -> go.Figure:
        """Axes, bands, legend and layout; ``y_max``: each row's top (None: from the data)."""
        fig = self.fig
        for gi, group in enumerate(self.groups):
            g = self.frame(group)
            for ri, spec in enumerate(self.rows):
                r, c = self.cell(gi, ri)
                top = y_max[ri] if ri < len(y_max) else None
                yaxis = fmt.axis(spec.subject, spec.unit, spec.axis_text)
                if c != 1:  # one y axis per row of panels: theirs is the same range
                    yaxis["title"] = {"text": ""}
                    yaxis["showticklabels"] = False
                if top is not None and top > 0:
                    yaxis["range"] = [0, top]
                    yaxis.pop("rangemode")
                # the panel's own axis object: update_yaxes(row=, col=) looks through every
                # axis of the figure for each panel
                fig.get_subplot(r, c).yaxis.update(**yaxis)
                self._bands(g, group, r, c, ri == 0, spec.attribution)
        last_rows = {self.cell(gi, len(self.rows) - 1) for gi in range(len(self.groups))}
        fig.update_xaxes(showticklabels=False)
        for r, c in last_rows:
            fig.get_subplot(r, c).xaxis.update(showticklabels=True)
        if self.x0 is not None and self.x1 is not None:
            values, texts = date_ticks(self.x0, self.x1, 6 if self.cols <= 2 else 3)
            fig.update_xaxes(range=[self.x0, self.x1], type="date", tickvals=values, ticktext=texts)
        if self.shapes:
            fig.layout.shapes = (*fig.layout.shapes, *self.shapes)
        if self.notes:
            fig.layout.annotations = (*fig.layout.annotations, *self.notes)
        return finish(fig, self._title, self.height, len(self.groups) > 1)

    def _bands(self, g: pd.DataFrame, group: str, r: int, c: int, top: bool, attrib: bool):
        x0, x1 = self.x0, self.x1
        if x0 is None or x1 is None:
            return
        for a in self.data.adoptions:
            if a.team == group:
                _adoption(self, a, x0, x1, r, c, label=top)
        partial = g[g["is_partial"]] if "is_partial" in g else g.iloc[0:0]
        for start, until in zip(partial["period_start"], partial["period_until"], strict=True):
            b0, b1 = max(pd.Timestamp(start), x0), min(pd.Timestamp(until), x1)
            self._band(b0, b1, PARTIAL, 0.3, "partial" if top else "", r, c)
        if attrib and "is_attribution_traceable" in g:
            for b0, b1 in _runs(g[~g["is_attribution_traceable"].astype(bool)]):
                self._band(b0, b1, UNTRACEABLE, 0.22, "not traceable", r, c)

    def _band(self, x0, x1, colour: str, opacity: float, text: str, r: int, c: int) -> None:
        """A shaded span of a panel, its label written upwards along its top."""
        suffix = _axis_suffix(self.fig, r, c)
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


def _runs(rows: pd.DataFrame) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    """Consecutive periods merged into spans (start, until)."""
    spans: list[tuple[pd.Timestamp, pd.Timestamp]] = []
    for start, until in zip(rows["period_start"], rows["period_until"], strict=True):
        s, u = pd.Timestamp(start), pd.Timestamp(until)
        if spans and spans[-1][1] >= s:
            spans[-1] = (spans[-1][0], max(u, spans[-1][1]))
        else:
            spans.append((s, u))
    return spans


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


def _adoption(grid: Grid, a: Adoption, x0, x1, r: int, c: int, *, label: bool) -> None:
    """A team's adoption date (dashed line) and transition window (band), inside the axis
    range [x0, x1] only: a window running past as-of stops there."""
    start = pd.Timestamp(datetime.combine(a.adopted_on, time.min))
    end = min(pd.Timestamp(datetime.combine(a.window_end, time.min)), x1)
    suffix = _axis_suffix(grid.fig, r, c)
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


def _axis_suffix(fig: go.Figure, r: int, c: int) -> str:
    ref = fig.get_subplot(r, c).xaxis.plotly_name  # 'xaxis', 'xaxis2', …
    return ref.removeprefix("xaxis")


LEGEND_WIDTH = 900  # px a legend row is assumed to have (a page's main column at 1400 px)


def legend_rows(fig: go.Figure) -> int:
    """How many rows the horizontal legend takes, from its entries' lengths (about 7 px a
    character, 50 px for the symbol and gaps)."""
    names = [t.name or "" for t in fig.data if t.showlegend is not False and t.name]
    widths = [50 + 7 * len(name) for name in names]
    rows, used = 1, 0.0
    for w in widths:
        if used and used + w > LEGEND_WIDTH:
            rows, used = rows + 1, 0.0
        used += w
    return rows if names else 0


def finish(fig: go.Figure, title: str, height: int, subplot_titles: bool = True) -> go.Figure:
    """Title, legend under it and the plot right under both: no empty band above the plots
    (the height grows by what the legend takes)."""
    n_rows = legend_rows(fig)
    top = 36 + 24 * n_rows + (24 if subplot_titles else 8)
    height += 24 * n_rows
    fig.update_layout(
        title={
            "text": title,
            "x": 0,
            "xanchor": "left",
            "xref": "container",
            "yref": "container",
            "y": 1 - 8 / height,
            "yanchor": "top",
            "font": {"size": 16},
        },
        legend={
            "orientation": "h",
            "yref": "container",
            "y": 1 - 36 / height,
            "yanchor": "top",
            "x": 0,
            "xanchor": "left",
            "font": {"size": 12},
        },
        margin={"l": 76, "r": 16, "t": top, "b": 36, "autoexpand": False},
        height=height,
        hovermode="x unified",
        bargap=0.15,
    )
    return fig


# --- the series ----------------------------------------------------------------------------


def mid(g: pd.DataFrame) -> pd.Series:
    """Each period's point: the middle of its span up to as-of (so nothing sits after it)."""
    start = pd.to_datetime(g["period_start"])
    return start + (pd.to_datetime(g["period_until"]) - start) / 2


def widths(g: pd.DataFrame, share: float = 0.8) -> list[float]:
    """Bar widths (milliseconds): ``share`` of each period's span up to as-of."""
    spans = pd.to_datetime(g["period_until"]) - pd.to_datetime(g["period_start"])
    return [s.total_seconds() * 1000 * share for s in spans]


def shown(g: pd.DataFrame, column: str, attribution: bool) -> pd.Series:
    values = g[column].astype(float)
    if attribution and "is_attribution_traceable" in g:
        values = values.where(g["is_attribution_traceable"].astype(bool))
    return values


def line(g, column, name, unit, colour, *, dash=None, fill=False, attribution=False):
    return go.Scatter(
        x=mid(g),
        y=shown(g, column, attribution),
        name=name,
        mode="lines+markers",
        line={"color": colour, "dash": dash, "width": 2},
        marker={"size": 5},
        fill="tozeroy" if fill else None,
        connectgaps=False,
        hovertemplate=fmt.hover(name, unit),
    )


def bar(g, column, name, unit, colour, *, share=0.8, offset=None):
    return go.Bar(
        x=mid(g),
        y=g[column].astype(float),
        width=widths(g, share),
        offset=offset,
        name=name,
        marker_color=colour,
        hovertemplate=fmt.hover(name, unit),
    )


def top_of(frame: pd.DataFrame, columns: Sequence[str], pad: float = 1.12) -> float | None:
    values = frame[[c for c in columns if c in frame]].astype(float).to_numpy().ravel()
    values = values[~pd.isna(values)]
    return float(values.max()) * pad if len(values) and values.max() > 0 else None
