"""Reports layer: plotly figures of the metrics pages (Team trends, Person, Competencies).

Pure functions: a frame from ``metrics`` in, a ``plotly.graph_objects.Figure`` out. Every
axis is titled with its unit; a team's AI adoption date is a vertical line and its
transition window a shaded band; a gap in a line is a period resting on too little data.
No figure ranks people.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from framework import Framework
from metrics.competency import Phases
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


# --- a person's page ------------------------------------------------------------------


def person_trend(
    trend: pd.DataFrame,
    levels: pd.DataFrame,
    *,
    login: str,
    metric_title: str,
    competencies: Sequence[tuple[str, str]],
    windows: Phases,
    fw: Framework,
    start: date,
    day: date,
) -> go.Figure:
    """A person's figure per period beside their team's median (top), and their levels per
    competency as steps (bottom; self-assessments as open markers), the transition dip and
    the learning-weighted months shaded.

    Args:
        trend: one metric of :func:`metrics.competency.person_trends`.
        levels: :func:`metrics.competency.person_levels_over_time`.
        competencies: (id, name) of the competencies to draw, in order.
    """
    fig = make_subplots(
        rows=2,
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.08,
        row_heights=[0.55, 0.45],
        subplot_titles=(metric_title, "Levels"),
    )
    if len(trend):
        x = pd.to_datetime(trend["period_start"])
        fig.add_scatter(
            x=x,
            y=trend["value"],
            name=login,
            mode="lines+markers",
            row=1,
            col=1,
            customdata=trend["n_prs"],
            hovertemplate="%{y:.3~f} (%{customdata} PRs)<extra></extra>",
        )
        fig.add_scatter(
            x=x,
            y=trend["team_median"],
            name="team median",
            mode="lines",
            line={"dash": "dash", "color": "grey"},
            row=1,
            col=1,
        )
    palette = px.colors.qualitative.Safe
    for index, (competency_id, name) in enumerate(competencies):
        # a small offset per competency keeps lines at the same level apart
        nudge = (index - (len(competencies) - 1) / 2) * 0.05
        colour = palette[index % len(palette)]
        steps = levels[levels["competency"] == competency_id]
        managed = steps[steps["assessor_role"] == "manager"]
        own = steps[steps["assessor_role"] == "self"]
        if len(managed):
            xs = [*pd.to_datetime(managed["assessed_on"]), pd.Timestamp(day)]
            ys = [v + nudge for v in [*managed["level"], managed["level"].iloc[-1]]]
            fig.add_scatter(
                x=xs,
                y=ys,
                name=name,
                mode="lines+markers",
                line={"shape": "hv", "color": colour},
                legendgroup=competency_id,
                row=2,
                col=1,
            )
        if len(own):
            fig.add_scatter(
                x=pd.to_datetime(own["assessed_on"]),
                y=own["level"] + nudge,
                mode="markers",
                name=f"{name} (self)",
                legendgroup=competency_id,
                marker={"symbol": "circle-open", "size": 9, "color": colour},
                row=2,
                col=1,
            )
    w = windows
    if w.adoption_on:
        for x0, x1, colour, opacity, text, where in (
            (w.adoption_on, w.transition_end, "orange", 0.15, "transition dip", "left"),
            (w.transition_end, w.learning_end, "green", 0.08, "learning-weighted", "right"),
        ):
            fig.add_vrect(
                x0=x0,
                x1=x1,
                fillcolor=colour,
                opacity=opacity,
                line_width=0,
                row="all",
                col=1,
                annotation_text=text,
                annotation_position=f"top {where}",
            )
    fig.update_xaxes(range=[start, day])
    fig.update_yaxes(
        row=2,
        col=1,
        range=[0.5, fw.level_numbers[-1] + 0.5],
        tickvals=list(fw.level_numbers),
        ticktext=[fw.level_name(n) for n in fw.level_numbers],
    )
    fig.update_layout(height=620, margin={"t": 40, "l": 10, "r": 10, "b": 10})
    return fig


# --- the Competencies page ------------------------------------------------------------

MATRIX_COLOURS = ("#c6dbef", "#6baed6", "#2171b5", "#08306b", "#041f45", "#020f24")


def _matrix(trace: go.Heatmap, matrix: pd.DataFrame, fw: Framework) -> go.Figure:
    names = {c.id: c.name for c in fw.competencies}
    trace.update(
        x=[names[c] for c in matrix.columns],
        y=list(matrix.index),
        texttemplate="%{text}",
        xgap=2,
        ygap=2,
    )
    trace.colorbar.update(len=240, lenmode="pixels", y=1, yanchor="top")
    heat = go.Figure(trace)
    core = sum(1 for c in fw.competencies if c.group == "core")
    heat.add_vline(x=core - 0.5, line_width=3, line_color="#333333")
    heat.update_layout(
        height=max(260, 28 * len(matrix) + 160),
        yaxis={"autorange": "reversed", "title": None},
        xaxis={"side": "top", "tickangle": -30},
        margin={"t": 120, "l": 10, "r": 10, "b": 10},
    )
    return heat


def level_matrix(matrix: pd.DataFrame, fw: Framework) -> go.Figure:
    """People x competencies of current levels (:func:`metrics.competency.level_matrix`), one
    flat colour per level; a dark line between the core and the AI-augmented competencies."""
    top = fw.level_numbers[-1]
    colours = [MATRIX_COLOURS[min(i, len(MATRIX_COLOURS) - 1)] for i in range(top)]
    scale = [pair for i, c in enumerate(colours) for pair in ((i / top, c), ((i + 1) / top, c))]
    trace = go.Heatmap(
        z=matrix.values,
        text=matrix.map(lambda v: "" if pd.isna(v) else str(int(v))).values,
        zmin=0.5,
        zmax=top + 0.5,
        colorscale=scale,
        colorbar={
            "title": "Level",
            "tickvals": list(fw.level_numbers),
            "ticktext": [fw.level_name(n) for n in fw.level_numbers],
        },
        hovertemplate="%{y} · %{x}: level %{z}<extra></extra>",
    )
    return _matrix(trace, matrix, fw)


def change_matrix(change: pd.DataFrame, fw: Framework) -> go.Figure:
    """People x competencies of the levels moved since last quarter
    (:func:`metrics.competency.change_matrix`), blue up, red down."""
    trace = go.Heatmap(
        z=change.values,
        text=change.map(lambda v: "" if pd.isna(v) else f"{int(v):+d}" if v else "0").values,
        zmin=-2,
        zmax=2,
        colorscale="RdBu",
        colorbar={"title": "Levels moved", "tickvals": [-2, -1, 0, 1, 2]},
        hovertemplate="%{y} · %{x}: %{text} since last quarter<extra></extra>",
    )
    return _matrix(trace, change, fw)


def people_at_levels(distribution: pd.DataFrame) -> go.Figure:
    """How many people stand at each level of one competency (horizontal bars)."""
    bars = go.Figure(
        go.Bar(
            x=distribution["people"],
            y=distribution["level_name"],
            orientation="h",
            marker_color=[MATRIX_COLOURS[min(i, 5)] for i in range(len(distribution))],
            hovertemplate="%{y}: %{x} people<extra></extra>",
        )
    )
    bars.update_layout(
        height=260,
        title="People at each level",
        xaxis={"title": "people", "tickformat": "d", "rangemode": "tozero"},
        yaxis={"autorange": "reversed", "title": None},
        margin={"t": 40, "l": 10, "r": 10, "b": 10},
    )
    return bars
