"""Reports layer: plotly figures of the review packet and the executive summary.

Pure functions: numbers from ``metrics`` in, a ``plotly.graph_objects.Figure`` out. The
builders put them in the documents' chart blocks, so the pages draw these figures and
the PDF / PPTX exports render the very same ones to PNG (:mod:`reports.images`). A person
is drawn against their own history and the team median only; the board draws
organization figures only. No figure ranks anyone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import plotly.graph_objects as go
from plotly.subplots import make_subplots

# Same colours as reports/figures.py (PALETTE) so pages and exports look alike.
BLUE, RED, GREEN, PURPLE, ORANGE, GREY = (
    "#1f77b4",
    "#d62728",
    "#2ca02c",
    "#9467bd",
    "#ff7f0e",
    "#7f7f7f",
)
FONT = {"family": "DejaVu Sans, Arial, sans-serif", "size": 12}


@dataclass(frozen=True)
class LevelBar:
    name: str
    last: int | None
    now: int | None
    goal: int | None  # the growth goal's (lower) target, when the goal covers it


@dataclass(frozen=True)
class HistoryPanel:
    title: str
    unit: str
    history: tuple[tuple[str, float | None], ...]  # (label, own value), oldest first
    team_median: float | None  # this period's


def _base(fig: go.Figure, title: str, height: int) -> go.Figure:
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left", "font": {"size": 15}},
        font=FONT,
        height=height,
        margin={"l": 60, "r": 20, "t": 50, "b": 60},
        plot_bgcolor="white",
        paper_bgcolor="white",
        legend={"orientation": "h", "yanchor": "top", "y": -0.14, "x": 0, "xanchor": "left"},
    )
    fig.update_xaxes(showline=True, linecolor="#bbb")
    fig.update_yaxes(gridcolor="#eee", zeroline=True, zerolinecolor="#bbb", rangemode="tozero")
    return fig


def competency_levels(bars: Sequence[LevelBar], last_label: str, now_label: str) -> go.Figure:
    """Each competency's level last quarter and now (horizontal bars), the goal marked."""
    lines = list(reversed(bars))  # framework order, top to bottom
    names = [c.name for c in lines]
    fig = go.Figure()
    fig.add_bar(
        y=names,
        x=[c.last or 0 for c in lines],
        orientation="h",
        name=last_label,
        marker_color="#c6dbef",
    )
    fig.add_bar(
        y=names,
        x=[c.now or 0 for c in lines],
        orientation="h",
        name=now_label,
        marker_color=BLUE,
    )
    goals = [(c.name, c.goal) for c in lines if c.goal is not None]
    if goals:
        fig.add_scatter(
            y=[name for name, _ in goals],
            x=[level for _, level in goals],
            mode="markers",
            name="Growth goal",
            marker={"symbol": "line-ns", "size": 18, "line": {"width": 3, "color": ORANGE}},
        )
    _base(fig, "Competency levels (1 Beginner … 4 Expert)", 160 + 28 * len(lines))
    fig.update_layout(
        barmode="group", bargap=0.25, margin={"l": 280, "b": 100}, legend={"y": -0.25}
    )
    fig.update_xaxes(range=[0, 4.3], dtick=1, title="Level (0 = not assessed)", gridcolor="#eee")
    return fig


def person_history(panels: Sequence[HistoryPanel], now_label: str) -> go.Figure:
    """The person's own figures over the last quarters, the team median of this quarter
    beside each (small multiples; quality and speed side by side)."""
    fig = make_subplots(
        rows=2,
        cols=2,
        subplot_titles=[panel.title for panel in panels],
        vertical_spacing=0.2,
        horizontal_spacing=0.1,
    )
    for i, line in enumerate(panels[:4]):
        row, col = i // 2 + 1, i % 2 + 1
        percent = line.unit in ("share", "ratio")
        labels = [label for label, _ in line.history]
        fig.add_scatter(
            x=labels,
            y=[value for _, value in line.history],
            mode="lines+markers",
            name="Own history",
            line={"color": BLUE, "width": 3},
            marker={"size": 8},
            showlegend=i == 0,
            connectgaps=False,
            row=row,
            col=col,
        )
        if line.team_median is not None:
            fig.add_scatter(
                x=[now_label],
                y=[line.team_median],
                mode="markers",
                name=f"Team median, {now_label}",
                marker={"symbol": "diamond-open", "size": 13, "color": GREY, "line": {"width": 2}},
                showlegend=i == 0,
                row=row,
                col=col,
            )
        fig.update_yaxes(tickformat=".0%" if percent else None, row=row, col=col)
        fig.update_xaxes(
            type="category", categoryorder="array", categoryarray=labels, row=row, col=col
        )
    _base(fig, "Own history beside the team median", 520)
    fig.update_annotations(font_size=12)
    fig.update_layout(
        margin={"t": 80, "b": 70},
        legend={"orientation": "h", "yanchor": "top", "y": -0.12, "x": 0, "xanchor": "left"},
    )
    return fig


def board_delivery(
    labels: Sequence[str],
    change_failure_rate: Sequence[float | None],
    qact_p50_h: Sequence[float | None],
    cycle_time_p50_h: Sequence[float | None],
) -> go.Figure:
    """QACT and cycle time medians per quarter (hours, right axis) drawn over the change
    failure rate (bars, left axis): speed is never drawn without quality."""
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    fig.add_bar(
        x=list(labels),
        y=list(change_failure_rate),
        name="Change failure rate",
        marker_color="#f4b6b6",
        secondary_y=False,
    )
    fig.add_scatter(
        x=list(labels),
        y=list(qact_p50_h),
        mode="lines+markers",
        name="QACT median",
        line={"color": BLUE, "width": 3},
        marker={"size": 9},
        secondary_y=True,
    )
    fig.add_scatter(
        x=list(labels),
        y=list(cycle_time_p50_h),
        mode="lines+markers",
        name="Cycle time median",
        line={"color": BLUE, "dash": "dot"},
        secondary_y=True,
    )
    _base(fig, "Delivery with quality, per quarter", 340)
    # '~' trims insignificant zeros: 2.5% and 40% alike, whatever the range
    fig.update_yaxes(title="Change failure rate", tickformat=".1~%", secondary_y=False)
    fig.update_yaxes(
        title="Hours (medians)",
        secondary_y=True,
        showgrid=False,
        rangemode="tozero",
        tickmode="auto",
    )
    fig.update_xaxes(type="category")
    return fig


def board_skills(
    names: Sequence[str],
    level_3_share: Sequence[float | None],
    level_2_share: Sequence[float | None],
    level_2_share_before: Sequence[float | None],
    previous_label: str,
) -> go.Figure:
    """Per AI competency, the share of assessed engineers at level 2+ (bars) with the part
    at level 3+ drawn inside it, and last quarter's 2+ share marked."""
    order = slice(None, None, -1)  # framework order, top to bottom
    fig = go.Figure()
    fig.add_bar(
        y=list(names)[order],
        x=list(level_2_share)[order],
        orientation="h",
        name="Level 2+",
        marker_color="#9ecae1",
    )
    fig.add_bar(
        y=list(names)[order],
        x=list(level_3_share)[order],
        orientation="h",
        name="Level 3+",
        marker_color="#08519c",
        width=0.4,
    )
    fig.add_scatter(
        y=list(names)[order],
        x=list(level_2_share_before)[order],
        mode="markers",
        name=f"2+ in {previous_label}",
        marker={"symbol": "line-ns", "size": 22, "line": {"width": 3, "color": ORANGE}},
    )
    _base(fig, "AI-augmented competencies: share of assessed engineers", 340)
    fig.update_layout(
        barmode="overlay",
        bargap=0.35,
        margin={"l": 170, "t": 50, "b": 80},
        legend={"orientation": "h", "yanchor": "top", "y": -0.1, "x": 0, "traceorder": "normal"},
    )
    fig.update_xaxes(tickformat=".0%", range=[0, 1.02], gridcolor="#eee")
    return fig


def board_quality_tax(
    groups: Sequence[str],
    follow_up: Sequence[float | None],
    open_defects: Sequence[float | None],
) -> go.Figure:
    """Each group's quality tax as two stacked parts (horizontal bars): the follow-up PRs
    that fixed or reverted a change, and the defects still without a fix."""
    order = slice(None, None, -1)  # the table's order, top to bottom
    fig = go.Figure()
    fig.add_bar(
        y=list(groups)[order],
        x=list(follow_up)[order],
        orientation="h",
        name="Follow-up PRs (fixes, reverts)",
        marker_color=BLUE,
    )
    fig.add_bar(
        y=list(groups)[order],
        x=list(open_defects)[order],
        orientation="h",
        name="Defects without a fix (time waiting)",
        marker_color="#f4a3a3",
    )
    _base(fig, "Where the rework time went", 340)
    fig.update_layout(
        barmode="stack",
        bargap=0.3,
        margin={"l": 120, "t": 90, "b": 60},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0, "traceorder": "normal"},
    )
    fig.update_xaxes(title="Delivery time added by rework", tickformat=".0%", gridcolor="#eee")
    return fig
