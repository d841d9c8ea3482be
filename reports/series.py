"""Reports layer: the series of the Team trends panels (:mod:`reports.facets`): a
:class:`metrics.trends.TeamTrends`' rows read once into arrays, split by group, and the
traces drawn from them as plain dicts (a trace's properties as plotly writes them).
Pure numbers and dicts; no data is read here and nothing is drawn.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from reports import format as fmt

Span = tuple[pd.Timestamp, pd.Timestamp]  # a period's (start, until)


class Columns:
    """The rows' columns as arrays, read from the frame once and sliced per group (a
    boolean mask and pandas conversions per panel and trace cost more than the figure)."""

    def __init__(self, rows: pd.DataFrame):
        self.rows = rows
        self.mid = mid(rows).to_numpy()
        spans = pd.to_datetime(rows["period_until"]) - pd.to_datetime(rows["period_start"])
        self.seconds = [s.total_seconds() for s in spans]
        self.starts = [pd.Timestamp(v) for v in rows["period_start"]]
        self.untils = [pd.Timestamp(v) for v in rows["period_until"]]
        self.at = rows.groupby("group", sort=False).indices if "group" in rows and len(rows) else {}
        self._cache: dict[tuple[str, bool], np.ndarray] = {}
        self._flags: dict[str, np.ndarray | None] = {}

    def panel(self, group: str | None) -> Panel:
        everything = np.arange(len(self.rows))
        return Panel(self, everything if group is None else self.at.get(group, everything[:0]))

    def values(self, column: str, attribution: bool) -> np.ndarray:
        key = (column, attribution)
        if key not in self._cache:
            self._cache[key] = shown(self.rows, column, attribution).to_numpy()
        return self._cache[key]

    def flags(self, column: str) -> np.ndarray | None:
        if column not in self._flags:
            rows = self.rows
            self._flags[column] = rows[column].astype(bool).to_numpy() if column in rows else None
        return self._flags[column]


class Panel:
    """One group's rows (its positions in the frame), as the arrays its traces draw."""

    def __init__(self, columns: Columns, at: np.ndarray):
        self._c = columns
        self.at = at

    def __len__(self) -> int:
        return len(self.at)

    @property
    def x(self) -> np.ndarray:
        """Each period's point (:func:`mid`)."""
        return self._c.mid[self.at]

    def values(self, column: str, attribution: bool = False) -> np.ndarray:
        """A column as floats; with ``attribution``, not-traceable periods blank (:func:`shown`)."""
        return self._c.values(column, attribution)[self.at]

    def any(self, column: str) -> bool:
        """Whether the column holds a figure in any of the group's periods."""
        return bool(np.any(~np.isnan(self.values(column))))

    def widths(self, share: float = 0.8) -> list[float]:
        """Bar widths (milliseconds): ``share`` of each period's span up to as-of."""
        seconds = self._c.seconds
        return [seconds[i] * 1000 * share for i in self.at]

    def _spans(self, column: str, keep: bool) -> list[Span]:
        flags = self._c.flags(column)
        if flags is None:
            return []
        c = self._c
        return [(c.starts[i], c.untils[i]) for i in self.at if flags[i] == keep]

    def partial(self) -> list[Span]:
        """The partial periods' spans (still running at as-of, or begun before the data)."""
        return self._spans("is_partial", True)

    def untraceable(self) -> list[Span]:
        """The spans of periods whose attribution coverage is too thin."""
        return self._spans("is_attribution_traceable", False)


def mid(g: pd.DataFrame) -> pd.Series:
    """Each period's point: the middle of its span up to as-of (so nothing sits after it)."""
    start = pd.to_datetime(g["period_start"])
    return start + (pd.to_datetime(g["period_until"]) - start) / 2


def shown(g: pd.DataFrame, column: str, attribution: bool) -> pd.Series:
    values = g[column].astype(float)
    if attribution and "is_attribution_traceable" in g:
        values = values.where(g["is_attribution_traceable"].astype(bool))
    return values


def line(p: Panel, column, name, unit, colour, *, dash=None, fill=False, attribution=False):
    """A line with markers through each period's point; a gap where there is no figure."""
    trace = {
        "type": "scatter",
        "x": p.x,
        "y": p.values(column, attribution),
        "name": name,
        "mode": "lines+markers",
        "line": {"color": colour, "width": 2},
        "marker": {"size": 5},
        "connectgaps": False,
        "hovertemplate": fmt.hover(name, unit),
    }
    if dash is not None:
        trace["line"]["dash"] = dash
    if fill:
        trace["fill"] = "tozeroy"
    return trace


def bar(p: Panel, column, name, unit, colour, *, share=0.8, offset=None):
    """A bar per period, ``share`` of its span wide."""
    trace = {
        "type": "bar",
        "x": p.x,
        "y": p.values(column),
        "width": p.widths(share),
        "name": name,
        "marker": {"color": colour},
        "hovertemplate": fmt.hover(name, unit),
    }
    if offset is not None:
        trace["offset"] = offset
    return trace


def top_of(frame: pd.DataFrame, columns: Sequence[str], pad: float = 1.12) -> float | None:
    values = frame[[c for c in columns if c in frame]].astype(float).to_numpy().ravel()
    values = values[~pd.isna(values)]
    return float(values.max()) * pad if len(values) and values.max() > 0 else None
