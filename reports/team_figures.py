"""Reports layer: the Team trends page's figures, each a grid of small multiples
(:mod:`reports.facets`): a :class:`metrics.trends.TeamTrends` in, a plotly ``Figure`` out.

Volume beside the quality tax, QACT beside cycle time, the phases stacked, defects,
review health, competency levels. Every axis names its unit; nothing is drawn after
as-of; no figure ranks people and none shows a person.
"""

from __future__ import annotations

import math
from datetime import date, timedelta

import plotly.graph_objects as go

from metrics.calendar import quarter_start
from metrics.trends import TeamTrends
from reports import format as fmt
from reports.facets import LEVEL_COLOURS, Grid, Row, finish
from reports.series import bar, line, top_of

BLUE, ORANGE, RED, GREY = "#1f77b4", "#ff7f0e", "#d62728", "#90a4ae"
TAX_CAP = 1.0  # a quality tax above 100% (a few long-open defects) is drawn at the cap


def volume_and_tax(data: TeamTrends) -> go.Figure:
    """Each team's merged PRs (bars) over its quality tax (the share of time rework added
    to delivery): "volume up, quality down" is seen, not only read in a flag. A tax over
    :data:`TAX_CAP` is drawn at the cap, marked ▲ with its value."""
    grid = Grid(
        data,
        "Volume and the quality tax: how much rework added to delivery time",
        [
            Row("Merged PRs", "count"),
            Row("Quality tax", "ratio", "% added by rework", attribution=True),
        ],
    )
    tax_top = top_of(data.rows, ["quality_tax"]) or 0.1
    capped = tax_top > TAX_CAP * 1.12
    for gi, p in enumerate(grid.panels):
        grid.add(bar(p, "merged_prs", "merged PRs (team volume)", "count", GREY), gi, 0)
        tax = line(p, "quality_tax", "quality tax", "ratio", RED, fill=True, attribution=True)
        if capped:
            values = p.values("quality_tax", True)
            tax.update(y=values.clip(max=TAX_CAP), customdata=values)
            tax.update(hovertemplate=fmt.hover("quality tax", "ratio", "customdata"))
            over = values > TAX_CAP
            if over.any():
                marks = {
                    "type": "scatter",
                    "x": p.x[over],
                    "y": [TAX_CAP] * int(over.sum()),
                    "mode": "markers+text",
                    "marker": {"symbol": "triangle-up", "size": 10, "color": RED},
                    "text": [fmt.value_text(float(v), "ratio") for v in values[over]],
                    "textposition": "middle left",
                    "textfont": {"size": 10, "color": RED},
                    "showlegend": False,
                    "hoverinfo": "skip",
                }
                grid.place(marks, gi, 1)
        grid.add(tax, gi, 1)
    tops = [top_of(data.rows, ["merged_prs"]), TAX_CAP * 1.08 if capped else tax_top]
    return grid.done(tops)


def delivery_time(data: TeamTrends) -> go.Figure:
    """QACT beside cycle time, median and 90th percentile: rework shows where it lands,
    most often in the slow tail."""
    grid = Grid(
        data,
        "Time to deliver a change correctly: QACT (solid) beside cycle time (dotted)",
        [Row("Time", "hours", attribution=True)],
    )
    for gi, g in enumerate(grid.panels):
        grid.add(line(g, "qact_p90_h", "QACT, 90th percentile", "hours", ORANGE,
                      attribution=True), gi, 0)  # fmt: skip
        grid.add(line(g, "cycle_time_p90_h", "cycle time, 90th percentile", "hours", ORANGE,
                      dash="dot"), gi, 0)  # fmt: skip
        grid.add(line(g, "qact_p50_h", "QACT, median", "hours", BLUE, attribution=True), gi, 0)
        grid.add(line(g, "cycle_time_p50_h", "cycle time, median", "hours", BLUE,
                      dash="dot"), gi, 0)  # fmt: skip
    cols = ["qact_p90_h", "cycle_time_p90_h", "qact_p50_h", "cycle_time_p50_h"]
    return grid.done([top_of(data.rows, cols)])


PHASES = (
    ("coding_time_p50_h", "coding (start → ready)", "#1565c0"),
    ("pickup_time_p50_h", "pickup (ready → first review)", "#64b5f6"),
    ("review_time_p50_h", "review (first review → merge)", "#ef5350"),
)


def phases(data: TeamTrends) -> go.Figure:
    """The median of each cycle-time phase per period, stacked (each team in its panel)."""
    grid = Grid(data, "Where the time goes: median of each cycle-time phase",
                [Row("Median", "hours")])  # fmt: skip
    for gi, g in enumerate(grid.panels):
        for column, label, colour in PHASES:
            grid.add(bar(g, column, label, "hours", colour), gi, 0)
    sums = data.rows[[c for c, _, _ in PHASES]].astype(float).sum(axis=1, min_count=1)
    top = float(sums.max()) * 1.1 if sums.notna().any() else None
    grid.layout["barmode"] = "stack"
    return grid.done([top])


def defects(data: TeamTrends) -> go.Figure:
    """Change failure rate (a share of merged PRs) over defects per merged PR (not a
    share), each with the AI-assisted code's own figure where the split is shown."""
    grid = Grid(
        data,
        "Defects: how often a change failed, and defects per change",
        [
            Row("Change failure rate", "share", attribution=True),
            Row("Defect rate", "defects per PR", "per merged PR", attribution=True),
        ],
    )
    for gi, g in enumerate(grid.panels):
        grid.add(line(g, "change_failure_rate", "change failure rate", "share", BLUE,
                      attribution=True), gi, 0)  # fmt: skip
        grid.add(line(g, "defect_rate", "defects per PR", "defects per PR", RED,
                      attribution=True), gi, 1)  # fmt: skip
        if g.any("ai_defect_rate") or g.any("ai_change_failure_rate"):
            grid.add(line(g, "ai_change_failure_rate", "AI-assisted code: change failure rate",
                          "share", BLUE, dash="dash", attribution=True), gi, 0)  # fmt: skip
            grid.add(line(g, "ai_defect_rate", "AI-assisted code: defects per PR",
                          "defects per PR", RED, dash="dash", attribution=True), gi, 1)  # fmt: skip
    tops = [
        top_of(data.rows, ["change_failure_rate", "ai_change_failure_rate"]),
        top_of(data.rows, ["defect_rate", "ai_defect_rate"]),
    ]
    return grid.done(tops)


def review(data: TeamTrends) -> go.Figure:
    """Unreviewed and rubber-stamped shares over the risky merges (counts)."""
    grid = Grid(
        data,
        "Review health: merged without review, rubber-stamped, merged over objections",
        [Row("Share", "share", "% of PRs"), Row("Merges", "count")],
    )
    for gi, g in enumerate(grid.panels):
        grid.add(line(g, "unreviewed_merge_rate", "unreviewed (% of merged PRs)", "share",
                      BLUE), gi, 0)  # fmt: skip
        grid.add(line(g, "rubber_stamp_rate", "rubber-stamped (% of reviewed PRs)", "share",
                      ORANGE, dash="dot"), gi, 0)  # fmt: skip
        half = [w / 2 for w in g.widths()]
        left = [-w for w in half]
        grid.add(bar(g, "dismissed_review_merges", "merged after a dismissed change request",
                     "count", "#ffb74d", share=0.4, offset=left), gi, 1)  # fmt: skip
        grid.add(bar(g, "security_bypass_merges", "merged over a failing security check",
                     "count", "#b71c1c", share=0.4, offset=[0.0] * len(g)), gi, 1)  # fmt: skip
    counts = top_of(data.rows, ["dismissed_review_merges", "security_bypass_merges"])
    tops = [top_of(data.rows, ["unreviewed_merge_rate", "rubber_stamp_rate"]), max(counts or 0, 3)]
    return grid.done(tops, {1: {"dtick": max(1, math.ceil((tops[1] or 3) / 4))}})


def levels(data: TeamTrends) -> go.Figure:
    """Share of assessed competencies at each level, at each quarter's end (stacked); the
    quarter still running at as-of is read at as-of and says so."""
    frame = data.levels
    fig = go.Figure()
    for number in sorted(frame["level"].unique()):
        g = frame[frame["level"] == number]
        labels = [
            f"{fmt.period_text(q)} (to {d:%d %b})" if _running(d) else fmt.period_text(q)
            for q, d in zip(g["quarter"], g["day"], strict=True)
        ]
        fig.add_trace(
            go.Bar(
                x=labels,
                y=g["share"],
                name=fmt.plotly_text(g["level_name"].iloc[0]),
                marker_color=LEVEL_COLOURS.get(int(number)),
                customdata=g["assessments"],
                hovertemplate="%{y:.0%} (%{customdata:,d} assessments)<extra></extra>",
            )
        )
    fig.update_layout(barmode="stack")
    fig.update_xaxes(title={"text": "Quarter (levels on its last day)"})
    fig.update_yaxes(**fmt.axis("Assessed competencies", "share", "%"), range=[0, 1])
    fig = finish(fig, "Competency levels at each quarter's end", 380, subplot_titles=False)
    fig.update_layout(margin_b=56)
    return fig


def _running(day: date) -> bool:
    """Levels read before the quarter's last day: the quarter was still running at as-of."""
    following = day + timedelta(days=1)
    return quarter_start(following) != following


# The facet figures in the page's order: key (for captions, tabs and tests) -> builder.
FACETS = {
    "volume_and_tax": volume_and_tax,
    "delivery_time": delivery_time,
    "phases": phases,
    "defects": defects,
    "review": review,
}
# Team trends draws one figure at a time, in a tab named for the question it answers:
# the facets, the competency levels, and how the defects were traced.
TAB_TITLES = {
    "volume_and_tax": "Volume and quality tax",
    "delivery_time": "Time to deliver",
    "phases": "Where the time goes",
    "defects": "Defects",
    "review": "Review health",
    "levels": "Competency levels",
    "traced": "How defects were traced",
}
NO_ASSESSMENTS = (
    "No competency assessments for these quarters yet: record them on **Competencies** or "
    "import them with `teamlens import assessments FILE.csv`."
)


def charts(data: TeamTrends) -> list[tuple[str, go.Figure]]:
    """The facet figures in order, each with its key (for captions and tests)."""
    return [(key, build(data)) for key, build in FACETS.items()]


def caption(key: str, data: TeamTrends) -> str:
    """What a chart shows, in a sentence a manager reads under it (no untrusted text)."""
    c = data.config
    return {
        "volume_and_tax": (
            "Bars: PRs the team merged (its volume, never a person's). Red: the quality tax, "
            "the time that fixing and reverting a period's PRs added to their cycle time "
            "(0% = no rework). Volume going up while the tax rises is quality paid for speed."
        ),
        "delivery_time": (
            "QACT is how long a change took to deliver correctly: its cycle time plus the "
            "PRs that later fixed or reverted it and the repair time of its open defects. "
            "Where solid and dotted lines part, the team paid later; rework shows first in "
            "the slowest tenth (orange)."
        ),
        "phases": (
            "Each bar stacks the medians of the three phases of a PR's cycle time; a sum of "
            "medians, so it need not equal the median cycle time."
        ),
        "defects": (
            "Top: the share of merged PRs that later had a defect traced to them or were "
            "reverted. Bottom: defects traced to the period's PRs, per merged PR. Dashed: "
            f"AI-assisted code alone, only for a team with at least {c.ai_split_min_authors} "
            f"authors and {c.ai_split_min_prs} AI-assisted PRs in a period; how many PRs were "
            "AI-assisted is never shown."
        ),
        "review": (
            "Top: merged with no review by anyone but the author, and large changes approved "
            f"within {c.rubber_stamp_window_min:g} minutes without a word. Bottom: merges "
            "after a reviewer's change request was dismissed, and over a failing security "
            "check."
        ),
    }[key]
