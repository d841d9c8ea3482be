"""Reports layer: the evaluation dimensions of a review packet, as blocks.

Which evidence informs which dimension is the framework file's, and only the file's: a
dimension lists its metrics, its kinds of PR and defect evidence and its red-flag rules;
a competency and a recognition behaviour name their dimension. So an organization's own
framework (its dimensions renamed, merged or added) fills its own sections. The numbers
come from :func:`metrics.person_review.person_quarter`. Part of :mod:`reports.review`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import metrics
from framework import Dimension, Framework, FrameworkError
from metrics.calendar import Quarter
from metrics.person_review import (
    EVIDENCE_KINDS,
    FLAG_CRITERIA,
    TEAM_ONLY_FLAGS,
    EvidenceItem,
    EvidenceList,
    PersonFlag,
    PersonQuarter,
)
from reports import charts
from reports import traceability as trace
from reports.document import Block, Bullets, Chart, Heading, Paragraph, Span, Table, Text
from reports.format import count_text, day_text

# The kinds of evidence a dimension may list, in words.
EVIDENCE_TITLES: dict[str, str] = {
    "failed": "Changes that later failed (a defect attributed, or reverted)",
    "defects": "Defects reported this quarter that name their change",
    "unreviewed": "Merged without a review by someone else",
    "dismissed_change_request": "Merged after a request for changes was dismissed",
    "failing_check": "Merged over failing checks",
    "security_bypass": "Merged over failing security checks",
}
# The packet's small multiples: quality first, speed beside it, then review health.
CHART_METRICS = ("qact_p50_h", "cycle_time_p50_h", "change_failure_rate", "unreviewed_merge_rate")
SPEED = ("cycle_time_p50_h", "cycle_time_p90_h")  # shown only beside QACT
QUALITY_OF_SPEED = ("qact_p50_h", "qact_p90_h")
HISTORY_QUARTERS = 4  # the person's own history: this quarter and the three before
MAX_EVIDENCE = 8  # PR links listed per kind of evidence (the rest are counted)
UNMAPPED = "unmapped"  # the part listing assessments and recognitions of no dimension
# period label -> the coverage columns of the person's team in it (metrics.compute): a
# figure resting on attribution is "not traceable" where the team's defects mostly are not
Traced = Mapping[str, Mapping[str, Any]]


def check(fw: Framework) -> None:
    """Refuse a framework whose dimensions name what teamlens cannot read.

    Raises:
        FrameworkError: an unknown metric, kind of evidence or flag rule (naming the field),
            or cycle time listed without QACT beside it.
    """
    problems = []
    kinds = {kind for kind, _ in EVIDENCE_KINDS}
    rules = set(FLAG_CRITERIA) | set(TEAM_ONLY_FLAGS)
    for i, d in enumerate(fw.dimensions):
        for metric_id in d.metrics:
            if metric_id not in metrics.METRICS:
                problems.append((f"dimensions[{i}].metrics", f"unknown metric {metric_id!r}"))
        if any(m in SPEED for m in d.metrics) and not any(m in QUALITY_OF_SPEED for m in d.metrics):
            problems.append(
                (f"dimensions[{i}].metrics", "cycle time is shown only beside QACT: add qact_p50_h")
            )
        for kind in d.evidence:
            if kind not in kinds:
                known = ", ".join(sorted(kinds))
                problems.append(
                    (f"dimensions[{i}].evidence", f"unknown kind {kind!r} (known: {known})")
                )
        for rule in d.flags:
            if rule not in rules:
                known = ", ".join(sorted(rules))
                problems.append((f"dimensions[{i}].flags", f"unknown rule {rule!r} ({known})"))
    if problems:
        raise FrameworkError(fw.path, problems)


def metric_ids(fw: Framework) -> tuple[str, ...]:
    """Every metric the packet shows: the dimensions', then the history chart's."""
    listed = (m for d in fw.dimensions for m in d.metrics)
    return tuple(dict.fromkeys([*listed, *CHART_METRICS]))


def people_text(count: int) -> str:
    return count_text(count, "person", "people")


def _link(item: EvidenceItem) -> Text:
    return (Span(f"{item.id} {item.title or '(untitled)'}".strip(), url=item.url),)


def _links(found: EvidenceList) -> tuple[Text, ...]:
    more = (f"… and {found.evidence_more} more",) if found.evidence_more else ()
    return tuple(_link(item) for item in found.items) + more


def history_chart(facts: PersonQuarter, quarter: Quarter, traced: Traced | None = None) -> Chart:
    shown = {q.period_label: q.label for q in quarter.back(HISTORY_QUARTERS)}
    traced, now = traced or {}, quarter.period_label
    panels = [
        charts.HistoryPanel(
            metrics.METRICS[m].title,
            metrics.METRICS[m].unit,
            tuple(
                (shown[p], trace.period_value(traced, p, m, value))
                for p, value in facts.metrics[m].history
            ),
            trace.period_value(traced, now, m, facts.metrics[m].team_median),
        )
        for m in CHART_METRICS
    ]
    return Chart(
        charts.person_history(panels, quarter.label),
        "The person's QACT, cycle time, change failure rate and unreviewed merge rate over "
        f"the last {HISTORY_QUARTERS} quarters, with this quarter's team median.",
        900,
        520,
        name="chart history",
    )


def _metric_table(
    facts: PersonQuarter, dimension: Dimension, quarter: Quarter, traced: Traced
) -> Table:
    shown = {q.period_label: q.label for q in quarter.back(HISTORY_QUARTERS)}
    now = quarter.period_label
    rows = []
    for metric_id in dimension.metrics:
        line, unit = facts.metrics[metric_id], metrics.METRICS[metric_id].unit
        earlier = ", ".join(
            f"{shown[p]}: {trace.period_text(traced, p, metric_id, v, unit)}"
            for p, v in line.history[:-1]
        )
        median = trace.period_text(traced, now, metric_id, line.team_median, unit)
        if line.team_people and median != trace.NOT_TRACEABLE:
            median += f" ({people_text(line.team_people)})"
        value = trace.period_text(traced, now, metric_id, line.value, unit)
        rows.append((metrics.METRICS[metric_id].title, value, median, earlier or "—"))
    return Table(
        ("Metric", "This quarter", "Team median", "Earlier quarters (own)"),
        tuple(rows),
        ("label", "figure", "figure", "text"),
        name=f"metrics {dimension.id}",
    )


def _sources(dimension: Dimension) -> str:
    if not dimension.metrics:
        return f"Assessments and recognitions: metrics cannot read {dimension.name.lower()}."
    text = "Metrics of the person's merged PRs this quarter, beside the team median"
    if any(m in SPEED for m in dimension.metrics):
        text += "; cycle time beside quality-adjusted cycle time, so speed never stands alone"
    return text + "."


def flag_dimension(flag: PersonFlag, fw: Framework) -> str:
    """The framework dimension a flag belongs to: the one listing its rule, else the one
    named like the flag's own dimension; '' when none."""
    for dimension in fw.dimensions:
        if flag.kind in dimension.flags:
            return dimension.id
    text = str(flag.dimension or "").strip().lower().replace(" ", "_")
    for dimension in fw.dimensions:
        if text in (dimension.id, dimension.name.lower().replace(" ", "_")):
            return dimension.id
    return ""


def _flag_blocks(flag: PersonFlag, dimension: str, team: str | None) -> list[Block]:
    out: list[Block] = [Paragraph(f"Red flag: {flag.title}", "flag", name=f"flag {dimension}")]
    if flag.is_team_only:
        out.append(
            Paragraph(
                f"Team flag for {team}: {flag.sentence} It is a check of the team's "
                "AI-assisted code: this packet shows no figure about the person's own "
                "AI-assisted changes.",
                "small",
                name=f"flag detail {dimension}",
            )
        )
        return out
    more = (f"… and {flag.links_more} more",) if flag.links_more else ()
    return [
        *out,
        Paragraph(
            f"Team flag for {team}: {flag.sentence} Their changes that meet it:",
            "small",
            name=f"flag detail {dimension}",
        ),
        Bullets(
            tuple(_link(e) for e in flag.links) + more, "small", name=f"flag links {dimension}"
        ),
    ]


def _judged(facts: PersonQuarter, dimension: str, fw: Framework, judged: bool) -> list[Block]:
    """The assessments and recognitions of the quarter that are evidence of ``dimension``
    (or, for :data:`UNMAPPED`, of no dimension)."""
    names = {c.id: c.name for c in fw.competencies}
    of_competency = {c.id: c.dimension or UNMAPPED for c in fw.competencies}
    of_behaviour = {b.id: b.dimension or UNMAPPED for b in fw.behaviours}
    assessed = [
        a for a in facts.assessments if of_competency.get(a.competency, UNMAPPED) == dimension
    ]
    recognised = [
        r for r in facts.recognitions if of_behaviour.get(r.behaviour, UNMAPPED) == dimension
    ]
    out: list[Block] = []
    if assessed:
        out += [
            Paragraph("Assessments this quarter", style="strong"),
            Table(
                ("Date", "Competency", "Level", "By", "Evidence"),
                tuple(
                    (
                        day_text(a.assessed_on),
                        names.get(a.competency, a.competency),
                        str(a.level),
                        f"{a.assessor} ({a.assessor_role})".strip(),
                        a.evidence or "—",
                    )
                    for a in assessed
                ),
                ("date", "label", "figure", "label", "text"),
                name=f"assessments {dimension}",
            ),
        ]
    elif judged:
        out.append(Paragraph("No assessment recorded for this dimension this quarter.", "small"))
    if recognised:
        items: list[Text] = []
        for r in recognised:
            text = f"{day_text(r.recognized_on)} — {r.behaviour_name} ({r.format_name}): "
            line = [Span(text + (r.note or "—"))]
            if r.pr_url:
                line += [Span(" ("), Span("PR", url=r.pr_url), Span(")")]
            items.append(tuple(line))
        out += [
            Paragraph("Recognitions this quarter", style="strong"),
            Bullets(tuple(items), name=f"recognitions {dimension}"),
        ]
    elif judged:
        out.append(Paragraph("No recognition recorded for this dimension this quarter.", "small"))
    return out


def _order(fw: Framework, weighted: bool) -> list[tuple[Dimension, bool]]:
    """The dimensions in the file's order, the learning-weighted ones first while that
    window covers most of the quarter: (dimension, weighted higher)."""
    first = set(fw.review.learning_weighted_dimensions) if weighted else set()
    ahead = [d for d in fw.dimensions if d.id in first]
    return [(d, True) for d in ahead] + [(d, False) for d in fw.dimensions if d.id not in first]


def dimension_blocks(
    facts: PersonQuarter, quarter: Quarter, fw: Framework, traced: Traced | None = None
) -> list[Block]:
    """The packet's dimensions; ``traced`` (period label -> the team's coverage columns)
    turns the figures resting on too thin an attribution into "not traceable"."""
    check(fw)
    team, traced = facts.person.team, traced or {}
    out: list[Block] = [Heading("Evaluation dimensions"), history_chart(facts, quarter, traced)]
    for dimension, first in _order(fw, facts.windows.is_learning_weighted):
        out += [
            Heading(
                dimension.name + (" — weighted higher this cycle" if first else ""),
                level=3,
                name=f"dimension {dimension.id}",
            ),
            Paragraph(
                (Span("What good looks like: ", emphasis=True), Span(dimension.good)), "small"
            ),
            Paragraph(
                (
                    Span("Red flags to look for: ", emphasis=True),
                    Span("; ".join(dimension.red_flags)),
                ),
                "muted",
            ),
            Paragraph("Evidence: " + _sources(dimension), "muted"),
        ]
        if dimension.metrics:
            out.append(_metric_table(facts, dimension, quarter, traced))
        flags = [f for f in facts.flags if flag_dimension(f, fw) == dimension.id]
        for flag in flags:
            out += _flag_blocks(flag, dimension.id, team)
        if (dimension.metrics or dimension.flags) and not flags:
            out.append(Paragraph("No red flag raised for this dimension this quarter.", "small"))
        for kind in dimension.evidence:
            if kind in facts.evidence:
                out += [
                    Paragraph(EVIDENCE_TITLES[kind], "strong"),
                    Bullets(_links(facts.evidence[kind]), "small", name=f"evidence {kind}"),
                ]
        out += _judged(facts, dimension.id, fw, judged=not dimension.metrics)
    unmapped = _judged(facts, UNMAPPED, fw, judged=False)
    if unmapped:
        out += [
            Heading("Evidence mapped to no dimension", level=3, name=f"dimension {UNMAPPED}"),
            Paragraph(
                "These competencies or behaviours name no dimension in the framework file "
                "(the dimension field of each): read them where they belong.",
                "muted",
            ),
            *unmapped,
        ]
    return out


def unmapped_flags(facts: PersonQuarter, fw: Framework) -> Iterable[PersonFlag]:
    """The flags no dimension of the framework takes (shown among the packet's notes)."""
    return (f for f in facts.flags if not flag_dimension(f, fw))
