"""Reports layer: plotly figures of the Person and Competencies pages (Team trends has its
own, :mod:`reports.team_figures`).

Pure functions: a frame from ``metrics`` in, a ``plotly.graph_objects.Figure`` out.
No figure ranks people.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from framework import Framework
from metrics import METRICS
from metrics.competency import Phases
from reports import format as fmt
from reports.format import plotly_text

PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b")


# --- a person's page ------------------------------------------------------------------


def person_trend(
    trend: pd.DataFrame,
    levels: pd.DataFrame,
    *,
    login: str,
    metric_id: str,
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
        metric_id: the metric drawn on top: its title heads the panel, and the axis names
            its unit and formats its ticks in it (hours, % of merged PRs, defects per PR).
        competencies: (id, name) of the competencies to draw, in order.
    """
    metric = METRICS[metric_id]
    unit = fmt.unit(metric.unit)
    fig = make_subplots(
        rows=2,
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.08,
        row_heights=[0.55, 0.45],
        subplot_titles=(metric.title, "Levels"),
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
            hovertemplate=f"%{{y:{unit.hover}}}{unit.suffix} (%{{customdata}} PRs)<extra></extra>",
        )
        fig.add_scatter(
            x=x,
            y=trend["team_median"],
            name="team median",
            mode="lines",
            line={"dash": "dash", "color": "grey"},
            hovertemplate=fmt.hover("team median", metric.unit),
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
    fig.update_yaxes(fmt.axis("", metric.unit), row=1, col=1)
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


def _matrix(trace: go.Heatmap, matrix: pd.DataFrame, fw: Framework, title: str) -> go.Figure:
    names = {c.id: c.name for c in fw.competencies}
    trace.update(
        x=[names[c] for c in matrix.columns],
        y=[plotly_text(login) for login in matrix.index],  # logins are untrusted text
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
        title={"text": plotly_text(title), "y": 0.995, "yanchor": "top"},
        yaxis={"autorange": "reversed", "title": "Person (alphabetical)", "type": "category"},
        xaxis={"side": "top", "tickangle": -30, "title": "Competency", "type": "category"},
        margin={"t": 150, "l": 10, "r": 10, "b": 10},
    )
    return heat


def level_matrix(matrix: pd.DataFrame, fw: Framework, title: str = "Current level") -> go.Figure:
    """People x competencies of current levels (:func:`metrics.competency.level_matrix`), one
    flat colour per level; a dark line between the core and the AI-augmented competencies.

    Draw a page of people (:func:`reports.competency_view.people_pages`), not thousands:
    a heatmap's size in the browser grows with its cells."""
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
    return _matrix(trace, matrix, fw, title)


def change_matrix(
    change: pd.DataFrame, fw: Framework, title: str = "Change since last quarter"
) -> go.Figure:
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
    return _matrix(trace, change, fw, title)


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
