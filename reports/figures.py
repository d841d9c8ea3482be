"""Reports layer: plotly figures of the metrics, shared by the pages and the exports.

Pure functions: a frame from ``metrics`` in, a ``plotly.graph_objects.Figure`` out. Every
axis is titled with its unit; a team's AI adoption date is a vertical line and its
transition window a shaded band; a gap in a line is a period resting on too little data.
No figure ranks people.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time

import pandas as pd
import plotly.graph_objects as go

from metrics.trends import Adoption

PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b")
LEVEL_COLOURS = {1: "#c6dbef", 2: "#6baed6", 3: "#2171b5", 4: "#08306b"}
PHASES = (
    ("coding_time_p50_h", "Coding (start → ready)"),
    ("pickup_time_p50_h", "Pickup (ready → first review)"),
    ("review_time_p50_h", "Review (first review → merge)"),
)


def _x(rows: pd.DataFrame) -> pd.Series:
    return pd.to_datetime(rows["period_start"])


def _layout(fig: go.Figure, title: str, y_title: str, *, percent: bool = False) -> go.Figure:
    fig.update_layout(
        title={"text": title, "y": 0.98, "yanchor": "top"},
        xaxis_title="Period start (UTC)",
        yaxis_title=y_title,
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        margin={"l": 60, "r": 60, "t": 170, "b": 60},
        height=500,
        hovermode="x unified",
    )
    fig.update_layout(yaxis={"rangemode": "tozero", "tickformat": ".0%" if percent else None})
    return fig


def add_adoption(fig: go.Figure, adoptions: Sequence[Adoption]) -> go.Figure:
    """Each team's adoption date as a dashed line, its transition window shaded."""
    for i, a in enumerate(adoptions):
        start = datetime.combine(a.adopted_on, time.min)
        end = datetime.combine(a.window_end, time.min)
        fig.add_vrect(
            x0=start,
            x1=end,
            fillcolor="#fdd835",
            opacity=0.18,
            line_width=0,
            layer="below",
        )
        fig.add_vline(x=start, line_dash="dash", line_color="#7a6a00", line_width=1)
        fig.add_annotation(
            x=start,
            y=1.0 - 0.07 * i,  # staggered, so several teams' labels stay readable
            yref="paper",
            text=f"{a.team}: AI adoption",
            showarrow=False,
            xanchor="left",
            yanchor="top",
            font={"size": 10, "color": "#7a6a00"},
        )
    return fig


def _groups(rows: pd.DataFrame) -> list[str]:
    return sorted(rows["group"].unique())  # by name, never by a figure


def _line(fig, rows, column, name, colour, *, dash=None, percent=False) -> None:
    fmt = "%{y:.0%}" if percent else "%{y:.1f} h"
    fig.add_trace(
        go.Scatter(
            x=_x(rows),
            y=rows[column],
            name=name,
            mode="lines+markers",
            line={"color": colour, "dash": dash},
            connectgaps=False,
            hovertemplate=f"{name}: {fmt}<extra></extra>",
        )
    )


def qact_vs_cycle(rows: pd.DataFrame, adoptions: Sequence[Adoption] = ()) -> go.Figure:
    """Median QACT beside median cycle time per period: the gap is the quality tax."""
    fig = go.Figure()
    for i, group in enumerate(_groups(rows)):
        g = rows[rows["group"] == group]
        colour = PALETTE[i % len(PALETTE)]
        prefix = f"{group}: " if rows["group"].nunique() > 1 else ""
        _line(fig, g, "cycle_time_p50_h", f"{prefix}cycle time (median)", colour, dash="dot")
        _line(fig, g, "qact_p50_h", f"{prefix}QACT (median)", colour)
    add_adoption(fig, adoptions)
    return _layout(fig, "Quality-adjusted cycle time beside cycle time", "Hours (median)")


def phases(rows: pd.DataFrame, adoptions: Sequence[Adoption] = ()) -> go.Figure:
    """Median coding, pickup and review time per period, stacked (one group)."""
    fig = go.Figure()
    groups = _groups(rows)
    for column, label in PHASES:
        for i, group in enumerate(groups):
            g = rows[rows["group"] == group]
            name = f"{group}: {label}" if len(groups) > 1 else label
            fig.add_trace(
                go.Bar(
                    x=_x(g),
                    y=g[column],
                    name=name,
                    offsetgroup=str(i),
                    hovertemplate=f"{name}: %{{y:.1f}} h<extra></extra>",
                )
            )
    fig.update_layout(barmode="relative" if len(groups) == 1 else "group")
    add_adoption(fig, adoptions)
    return _layout(fig, "Where the time goes: cycle-time phases", "Hours (median of each phase)")


def defect_rates(rows: pd.DataFrame, adoptions: Sequence[Adoption] = ()) -> go.Figure:
    """Defect rate (per PR) and change failure rate (share), with the AI split if shown."""
    fig = go.Figure()
    for i, group in enumerate(_groups(rows)):
        g = rows[rows["group"] == group]
        colour = PALETTE[i % len(PALETTE)]
        prefix = f"{group}: " if rows["group"].nunique() > 1 else ""
        _line(fig, g, "change_failure_rate", f"{prefix}change failure rate", colour, percent=True)
        _line(fig, g, "defect_rate", f"{prefix}defects per PR", colour, dash="dot", percent=True)
        if g["ai_defect_rate"].notna().any():
            _line(
                fig,
                g,
                "ai_defect_rate",
                f"{prefix}AI-assisted code: defects per PR",
                colour,
                dash="dash",
                percent=True,
            )
    add_adoption(fig, adoptions)
    return _layout(
        fig,
        "Defect rate and change failure rate",
        "Share of merged PRs / defects per PR",
        percent=True,
    )


def review_health(rows: pd.DataFrame, adoptions: Sequence[Adoption] = ()) -> go.Figure:
    """Unreviewed and rubber-stamped shares (lines) and risky merges (bars, right axis)."""
    fig = go.Figure()
    single = rows["group"].nunique() == 1
    counts = rows[["dismissed_review_merges", "security_bypass_merges"]].max()
    max_count = float(counts.max()) if counts.notna().any() else 1.0
    for i, group in enumerate(_groups(rows)):
        g = rows[rows["group"] == group]
        colour = PALETTE[i % len(PALETTE)]
        prefix = "" if single else f"{group}: "
        _line(fig, g, "unreviewed_merge_rate", f"{prefix}unreviewed merges", colour, percent=True)
        _line(
            fig, g, "rubber_stamp_rate", f"{prefix}rubber stamps", colour, dash="dot", percent=True
        )
        if single:
            for column, label, bar in (
                ("dismissed_review_merges", "after a dismissed change request", "#ff7f0e"),
                ("security_bypass_merges", "over a failing security check", "#b71c1c"),
            ):
                fig.add_trace(
                    go.Bar(
                        x=_x(g),
                        y=g[column],
                        name=label,
                        marker_color=bar,
                        opacity=0.55,
                        yaxis="y2",
                        hovertemplate=f"{label}: %{{y}}<extra></extra>",
                    )
                )
    fig.update_layout(
        yaxis2={
            "title": "Merges (count)",
            "overlaying": "y",
            "side": "right",
            "rangemode": "tozero",
            "showgrid": False,
            "tick0": 0,
            "dtick": max(1, -(-int(max_count) // 5)),
        },
        barmode="group",
    )
    add_adoption(fig, adoptions)
    return _layout(fig, "Review health", "Share of merged PRs", percent=True)


def level_distribution(levels: pd.DataFrame) -> go.Figure:
    """Share of assessed competencies at each level, at each quarter's end (stacked)."""
    fig = go.Figure()
    for level, g in levels.groupby("level", sort=True):
        fig.add_trace(
            go.Bar(
                x=g["quarter"],
                y=g["share"],
                name=str(g["level_name"].iloc[0]),
                marker_color=LEVEL_COLOURS.get(int(level)),
                customdata=g["assessments"],
                hovertemplate="%{y:.0%} (%{customdata} assessments)<extra></extra>",
            )
        )
    fig.update_layout(
        barmode="stack",
        title={"text": "Competency levels at each quarter's end", "y": 0.98, "yanchor": "top"},
        xaxis_title="Quarter",
        yaxis_title="Share of assessed competencies",
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        margin={"l": 60, "r": 20, "t": 170, "b": 60},
        height=500,
    )
    fig.update_layout(yaxis={"tickformat": ".0%", "range": [0, 1]})
    return fig
