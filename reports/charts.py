"""Reports layer: plotly figures of the review packet and the executive summary.

Pure functions: a packet or board summary in, a ``plotly.graph_objects.Figure`` out. The
pages draw these figures and the PDF / PPTX exports render the very same ones to PNG
(:mod:`reports.images`). A person is drawn against their own history and the team
median only; the board draws organization figures only. No figure ranks anyone.
"""

from __future__ import annotations

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from reports.board import BoardSummary
from reports.review import ReviewPacket

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
# The packet's small multiples: quality first, speed beside it, then review health.
PACKET_METRICS = ("qact_p50_h", "cycle_time_p50_h", "change_failure_rate", "unreviewed_merge_rate")


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


def competency_levels(packet: ReviewPacket) -> go.Figure:
    """Each competency's level last quarter and now (horizontal bars), the goal marked."""
    lines = list(reversed(packet.competencies))  # framework order, top to bottom
    names = [c.name for c in lines]
    fig = go.Figure()
    fig.add_bar(
        y=names,
        x=[c.level_last_quarter or 0 for c in lines],
        orientation="h",
        name=f"End of {packet.quarter.previous().label}",
        marker_color="#c6dbef",
    )
    fig.add_bar(
        y=names,
        x=[c.level_now or 0 for c in lines],
        orientation="h",
        name=f"Now ({packet.quarter.label})",
        marker_color=BLUE,
    )
    goals = [(c.name, int(c.goal.split("-")[0])) for c in lines if c.goal]
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


def person_history(packet: ReviewPacket) -> go.Figure:
    """The person's own figures over the last quarters, the team median of this quarter
    beside each (small multiples; quality and speed side by side)."""
    lines = {line.id: line for section in packet.dimensions for line in section.metrics}
    chosen = [lines[m] for m in PACKET_METRICS if m in lines]
    fig = make_subplots(
        rows=2,
        cols=2,
        subplot_titles=[line.title for line in chosen],
        vertical_spacing=0.2,
        horizontal_spacing=0.1,
    )
    for i, line in enumerate(chosen):
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
                x=[packet.quarter.label],
                y=[line.team_median],
                mode="markers",
                name=f"Team median, {packet.quarter.label}",
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


def board_delivery(board: BoardSummary) -> go.Figure:
    """QACT and cycle time medians per quarter (hours, right axis) drawn over the change
    failure rate (bars, left axis): speed is never drawn without quality."""
    labels = [p.quarter for p in board.trend]
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    fig.add_bar(
        x=labels,
        y=[p.change_failure_rate for p in board.trend],
        name="Change failure rate",
        marker_color="#f4b6b6",
        secondary_y=False,
    )
    fig.add_scatter(
        x=labels,
        y=[p.qact_p50_h for p in board.trend],
        mode="lines+markers",
        name="QACT median",
        line={"color": BLUE, "width": 3},
        marker={"size": 9},
        secondary_y=True,
    )
    fig.add_scatter(
        x=labels,
        y=[p.cycle_time_p50_h for p in board.trend],
        mode="lines+markers",
        name="Cycle time median",
        line={"color": BLUE, "dash": "dot"},
        secondary_y=True,
    )
    _base(fig, "Delivery with quality, per quarter", 340)
    worst = max((p.change_failure_rate or 0 for p in board.trend), default=0)
    fig.update_yaxes(
        title="Change failure rate",
        tickformat=".1%" if worst < 0.1 else ".0%",
        secondary_y=False,
    )
    fig.update_yaxes(
        title="Hours (medians)",
        secondary_y=True,
        showgrid=False,
        rangemode="tozero",
        tickmode="auto",
    )
    fig.update_xaxes(type="category")
    return fig


def board_skills(board: BoardSummary) -> go.Figure:
    """Share of assessed engineers at level 2+ and 3+ per AI competency (horizontal bars),
    with last quarter's 2+ share marked."""
    skills = list(reversed(board.skills))  # framework order, top to bottom
    names = [s.name for s in skills]
    fig = go.Figure()
    fig.add_bar(
        y=names,
        x=[s.share_3 for s in skills],
        orientation="h",
        name="Level 3+",
        marker_color="#08306b",
    )
    fig.add_bar(
        y=names,
        x=[s.share_2 for s in skills],
        orientation="h",
        name="Level 2+",
        marker_color=BLUE,
    )
    fig.add_scatter(
        y=names,
        x=[s.share_2_before for s in skills],
        mode="markers",
        name=f"Level 2+ in {board.previous.label}",
        marker={"symbol": "line-ns", "size": 16, "line": {"width": 3, "color": ORANGE}},
    )
    _base(fig, "AI competencies: share of engineers at each level", 340)
    fig.update_layout(barmode="group", bargap=0.25, margin={"l": 170})
    fig.update_xaxes(tickformat=".0%", range=[0, 1.02], gridcolor="#eee")
    return fig
