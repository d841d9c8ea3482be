"""Reports layer: figures that rest on attribution, said honestly — "not traceable", never 0.

When a (group, period)'s defects are mostly untraced (``is_attribution_traceable`` false,
:mod:`metrics.attribution`), every figure that rests on attribution (defect rate, change
failure rate, quality tax, QACT, the AI-assisted split: :data:`ATTRIBUTION_FIGURES`) is
shown as :data:`NOT_TRACEABLE` with the reason and how to fix it, beside the coverage by
method (text, import, inferred, untraced). Inferred culprits are "suspected", their
evidence (file, line, commit, confidence) kept beside them. Formatting only: every number
comes from ``metrics``; untrusted text stays plain (renderers and pages make it inert).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

import pandas as pd
import plotly.graph_objects as go

import metrics
from metrics import competency
from metrics.attribution import (
    ATTRIBUTION_FIGURES,
    AttributionCoverage,
    blank_untraceable,
    is_traceable,
    method_counts,
    rests_on_attribution,
    traceability_note,
)
from reports.document import Block, Heading, Paragraph, Table
from reports.format import count_text, value_text
from reports.format import period_text as period_label
from reports.markdown import page_text
from settings import Settings, settings

__all__ = [
    "ATTRIBUTION_FIGURES",
    "NOT_TRACEABLE",
    "SUSPECTED",
    "chart_caption",
    "coverage_chart",
    "coverage_words",
    "evidence_table",
    "figure_text",
    "is_shown",
    "method_words",
    "missing_lines",
    "missing_words",
    "notice",
    "notices",
    "period_text",
    "period_value",
    "person_trend",
    "repository_table",
    "shown_rows",
    "suspected_blocks",
    "team_coverage",
    "tile_note",
]

NOT_TRACEABLE = "not traceable"
SUSPECTED = "suspected"
METHOD_LABELS = {
    "text": "named in the report",
    "import": "named in the import",
    "inferred": "inferred from git (suspected)",
    "untraced": "untraced",
}
METHOD_COLOURS = {
    "text": "#2171b5",
    "import": "#6baed6",
    "inferred": "#fd8d3c",
    "untraced": "#bdbdbd",
}


def is_shown(row: Mapping[str, Any], figure_id: str) -> bool:
    """Whether a row's figure may be shown as a number (False: "not traceable")."""
    return not rests_on_attribution(figure_id) or is_traceable(row)


def figure_text(row: Mapping[str, Any], figure_id: str, unit: str) -> str:
    """A row's figure with its unit, or :data:`NOT_TRACEABLE` where it rests on an
    attribution too thin to read."""
    if not is_shown(row, figure_id):
        return NOT_TRACEABLE
    return value_text(row.get(figure_id), unit)


def period_text(
    traced: Mapping[str, Mapping[str, Any]],
    period: str,
    figure_id: str,
    value: float | None,
    unit: str,
) -> str:
    """:func:`figure_text` of ``value`` read against ``traced[period]``, the coverage of
    the team (or organization) the value belongs to (none known: a number)."""
    return figure_text({**traced.get(period, {}), figure_id: value}, figure_id, unit)


def period_value(
    traced: Mapping[str, Mapping[str, Any]], period: str, figure_id: str, value: float | None
) -> float | None:
    """``value`` for a chart, None (a gap) where :func:`period_text` is not traceable."""
    return value if is_shown(traced.get(period, {}), figure_id) else None


def method_words(row: Mapping[str, Any]) -> str:
    """'2 by text, 1 by import, 3 by inference, 4 untraced' ('' without a defect)."""
    c = AttributionCoverage.of(row)
    if not c.n_defects:
        return ""
    return (
        f"{c.n_attributed_text or 0} by text, {c.n_attributed_import or 0} by import, "
        f"{c.n_attributed_inferred or 0} by inference, {c.n_untraced_defects or 0} untraced"
    )


def coverage_words(row: Mapping[str, Any]) -> str:
    """'Defects traced: 2 by text, … 4 untraced (of 10).' ('' without a defect)."""
    c = AttributionCoverage.of(row)
    if not c.n_defects:
        return ""
    return f"Defects traced: {method_words(row)} (of {count_text(c.n_defects, 'defect')})."


def notice(row: Mapping[str, Any], where: str = "") -> str:
    """The reason a row's attribution-based figures are not traceable, how to fix it, and
    its coverage by method; '' when they are traceable. ``where`` names the row."""
    note = traceability_note(row)
    if not note:
        return ""
    head = f"{where}: " if where else ""
    return (
        f"{head}defect rate, change failure rate, quality tax, QACT and the AI-assisted "
        f"split are not traceable. {note} {coverage_words(row)}"
    )


def chart_caption(config: Settings | None = None) -> str:
    """How to read :func:`coverage_chart`, quoting the traceability threshold in force."""
    least = value_text((config or settings()).min_attribution_rate, "share")
    return (
        "Each defect counts once, by its strongest link: named in its report (text), named "
        "in its tracker import (import), or inferred from git by tracing the lines its fix "
        "changed back to the change that last touched them (suspected; evidence below). "
        "Untraced defects are in no defect-based figure; where fewer than "
        f"{least} of a period's defects are traced, those figures are not traceable and "
        "shown as gaps. To trace more: `teamlens ingest git --path CLONE`, and tracker keys "
        "(PAY-142) in PR titles, branch names or commit messages."
    )


def tile_note(row: Mapping[str, Any]) -> str:
    """A short note for a figure shown as not traceable ('' when traceable); the whole
    reason is said once, beside the figures."""
    if is_traceable(row):
        return ""
    c = AttributionCoverage.of(row)
    return (
        f"Not traceable: only {c.n_attributed_defects or 0} of "
        f"{count_text(c.n_defects or 0, 'defect')} traced to their change (see the note)."
    )


def summary_notice(rows: pd.DataFrame, config: Settings | None = None) -> str:
    """One notice for every (group, period) row that is not traceable — a page over many
    periods shows one warning, not a wall of them: which rows (each with how many of its
    defects were traced), the figures that are gaps there, and the fix; '' when every row
    is traceable. :func:`notices` has each row's own words."""
    bad = [row for row in rows.to_dict("records") if not is_traceable(row)]
    if not bad:
        return ""
    least = value_text((config or settings()).min_attribution_rate, "share")
    which = []
    for row in bad:
        c = AttributionCoverage.of(row)
        which.append(
            f"{row['group']} {period_label(row['period'])} "
            f"({c.n_attributed_defects or 0} of {c.n_defects or 0} traced)"
        )
    return (
        f"Not traceable in {count_text(len(bad), 'team-period')}: fewer than {least} of "
        "their defects were traced to the change that caused them, so their defect rate, "
        "change failure rate, quality tax, QACT and AI-assisted split are gaps, not 0 — "
        f"{', '.join(which)}. To trace more: connect the git clone (teamlens ingest git) "
        "or link tracker keys."
    )


def notices(rows: pd.DataFrame) -> list[str]:
    """:func:`notice` of each (group, period) row that is not traceable, in the rows' order."""
    return [
        notice(row, f"{row['group']} {row['period']}")
        for row in rows.to_dict("records")
        if not is_traceable(row)
    ]


def shown_rows(rows: pd.DataFrame) -> pd.DataFrame:
    """The rows with every figure resting on too thin an attribution blanked: a chart shows
    a gap, never a 0 (:func:`metrics.attribution.blank_untraceable`)."""
    return blank_untraceable(rows)


def shown_trends(data: Any) -> Any:
    """A :class:`metrics.trends.TeamTrends` whose rows are :func:`shown_rows` (for the
    charts; the coverage chart reads the rows as they are)."""
    return dataclasses.replace(data, rows=shown_rows(data.rows))


def coverage_chart(rows: pd.DataFrame) -> go.Figure:
    """Each period's defects by how they were traced, stacked (text, import, inferred,
    untraced); with several teams, one bar per team within each period. The counts come
    from :func:`metrics.attribution.method_counts`."""
    counts = method_counts(rows)
    several = counts["group"].nunique() > 1
    fig = go.Figure()
    for method, label in METHOD_LABELS.items():
        part = counts[counts["method"] == method]
        x = [part["period"].tolist(), part["group"].tolist()] if several else part["period"]
        fig.add_trace(
            go.Bar(
                x=x,
                y=part["defects"],
                name=label,
                marker_color=METHOD_COLOURS[method],
                hovertemplate=f"{label}: %{{y}} defects<extra></extra>",
            )
        )
    fig.update_layout(
        barmode="relative",
        title={"text": "How each period's defects were traced", "y": 0.98, "yanchor": "top"},
        xaxis_title="Period" + (", team" if several else ""),
        yaxis_title="Defects reported (count)",
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        # room for the title and the legend's one line, no more (no empty band above)
        margin={"l": 60, "r": 60, "t": 85, "b": 80},
        height=400,
    )
    return fig


def _text(value: Any) -> str:
    """A text cell ('' for None or NaN)."""
    return "" if value is None or (isinstance(value, float) and value != value) else str(value)


def _attributing(evidence: Mapping[str, Any]) -> str:
    return "attributes the defect" if evidence.get("is_attributing") else "—"


def evidence_table(evidence: pd.DataFrame) -> pd.DataFrame:
    """:func:`metrics.attribution.attribution_evidence` rows for a reader: which PR each
    defect is attributed to and how; an inferred one is "suspected", with the file, line
    and commit the fix changed and its confidence. Text cells stay plain text."""
    columns = ["defect", "pull request", "how", "confidence", "file", "line", "commit", "note"]
    if evidence.empty:
        return pd.DataFrame(columns=columns)
    rows = []
    for e in evidence.to_dict("records"):
        inferred = e.get("method") == "inferred"
        number = e.get("pr_number")
        pr = f"#{int(number)}" if pd.notna(number) else "no pull request"
        if inferred:
            pr = f"{SUSPECTED}: {pr}"
            if not e.get("is_pr_stored", True):
                who = _text(e.get("suspected_author")) or "unknown author"
                pr += f" (not fetched yet; commit by {who})"
        line = e.get("line")
        rows.append(
            {
                "defect": str(e.get("defect_id") or ""),
                "pull request": pr,
                "how": METHOD_LABELS.get(str(e.get("method")), str(e.get("method"))),
                "confidence": value_text(e.get("confidence"), "share"),
                "file": _text(e.get("file")) or "—",
                "line": str(int(line)) if pd.notna(line) else "—",
                "commit": (_text(e.get("commit")) or "—")[:12],
                "note": _text(e.get("note")) or _attributing(e),
            }
        )
    return pd.DataFrame(rows, columns=columns)


def missing_words(repo: Mapping[str, Any]) -> str:
    """What keeps a repository's defects from being traced, in words ('' when nothing
    does): a missing git history first, then each reason with its count."""
    name = repo.get("repo") or "defects of no repository"
    parts = []
    if not repo.get("is_git_ingested") and repo.get("repo"):
        parts.append(
            f"no git history ingested for {name} (teamlens ingest git --path CLONE --repo {name})"
        )
    if repo.get("why"):
        parts.append(str(repo["why"]))
    return "; ".join(parts)


def missing_lines(coverage: pd.DataFrame) -> list[tuple[str, str]]:
    """(repository, :func:`missing_words`) of each repository with something missing."""
    out = []
    for r in coverage.to_dict("records"):
        if words := missing_words(r):
            out.append((str(r["repo"] or "(no repository)"), words))
    return out


MAX_MISSING_LINES = 10  # repositories listed a line each; past that, one table


def missing_view(coverage: pd.DataFrame) -> str | pd.DataFrame:
    """:func:`missing_lines` for a page: Markdown bullets (untrusted names escaped) for up
    to :data:`MAX_MISSING_LINES` repositories, else one table (hundreds of lines would be
    hundreds of page elements)."""
    lines = missing_lines(coverage)
    if len(lines) > MAX_MISSING_LINES:
        return pd.DataFrame(lines, columns=["repository", "missing"])
    return "\n".join(f"- **{page_text(repo)}** — {page_text(words)}" for repo, words in lines)


def repository_table(coverage: pd.DataFrame) -> pd.DataFrame:
    """:func:`metrics.attribution.coverage_by_repository` for a reader: per repository its
    defects, those with a fix found, traced by method, untraced, and whether its git
    history is ingested (what is missing: :func:`missing_lines`)."""
    columns = [
        "repository",
        "defects",
        "with a fix",
        "by text",
        "by import",
        "by inference",
        "untraced",
        "git history",
    ]
    rows = [
        {
            "repository": str(r["repo"] or "(no repository)"),
            "defects": int(r["n_defects"]),
            "with a fix": int(r["n_with_fix"]),
            "by text": int(r["n_attributed_text"]),
            "by import": int(r["n_attributed_import"]),
            "by inference": int(r["n_attributed_inferred"]),
            "untraced": int(r["n_untraced_defects"]),
            "git history": "ingested" if r["is_git_ingested"] else "not ingested",
        }
        for r in coverage.to_dict("records")
    ]
    return pd.DataFrame(rows, columns=columns)


def team_coverage(
    db: Any, login: str, as_of: Any, period: str, config: Settings | None = None
) -> pd.DataFrame:
    """The :func:`metrics.compute` coverage rows, per ``period``, of the team ``login``
    belongs to on ``as_of`` (the organization's for a person with no team): what the
    person's defect-based figures rest on (their defects are their team's)."""
    team = competency.person(db, login, as_of).team
    rows = metrics.compute(
        db,
        as_of=as_of,
        period=period,
        by="team" if team else "org",
        teams=[team] if team else None,
        metric_ids=["defects_reported"],
        config=config,
    )
    return rows[rows["group"] == (team or metrics.ORG_GROUP)].reset_index(drop=True)


def person_trend(
    trends: pd.DataFrame, coverage: pd.DataFrame, metric_id: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A person's trend of ``metric_id`` (its :func:`metrics.competency.person_trends`
    rows) with the value and the team median blanked in each period where the team's
    coverage (:func:`team_coverage`) is not traceable, and those periods' coverage rows
    (for :func:`summary_notice` and :func:`notices`): a gap with the reason, never 0."""
    trend = trends[trends["metric"] == metric_id]
    if not rests_on_attribution(metric_id) or coverage.empty:
        return trend, coverage.iloc[0:0]
    untraceable = coverage[coverage["is_attribution_traceable"].eq(False)]
    periods = set(untraceable["period"])
    out = trend.copy()
    hidden = out["period"].isin(periods)
    for column in ("value", "team_median"):
        out[column] = out[column].astype("float64").mask(hidden)
    return out, untraceable[untraceable["period"].isin(set(trend["period"]))]


def suspected_blocks(evidence: pd.DataFrame, limit: int = 12) -> list[Block]:
    """A review packet's suspected causes: the person's PRs that defects were traced to by
    inference (:func:`metrics.attribution.inferred_evidence` with ``authors``), each line
    the fix changed as evidence, at most ``limit`` lines (the rest counted); [] when none."""
    if evidence.empty:
        return []
    table = evidence_table(evidence)
    shown = table.head(limit)
    out: list[Block] = [
        Heading("Suspected causes, inferred from git", level=3, name="suspected"),
        Paragraph(
            "These defects name no change. teamlens traced the lines their fixes changed "
            "back to the commits that last touched them, and so to this person's PRs. Each "
            "link is suspected, not established: check its evidence (file, line, commit, "
            "confidence) before discussing it.",
            "muted",
        ),
        Table(
            ("Defect", "Pull request", "Confidence", "File", "Line", "Commit"),
            tuple(
                (r["defect"], r["pull request"], r["confidence"], r["file"], r["line"], r["commit"])
                for r in shown.to_dict("records")
            ),
            ("label", "label", "figure", "text", "figure", "label"),
            name="suspected evidence",
        ),
    ]
    if len(table) > limit:
        out.append(Paragraph(f"… and {count_text(len(table) - limit, 'more line')}.", "small"))
    return out
