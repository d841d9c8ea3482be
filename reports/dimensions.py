"""Reports layer: the six evaluation dimensions of a review packet, as blocks.

Which evidence informs which dimension of the framework (metrics, red flags, PRs behind
them, assessments, recognitions), in the packet's order; the numbers come from
:func:`metrics.person_review.person_quarter`. Part of :mod:`reports.review`.
"""

from __future__ import annotations

import metrics
from framework import Framework
from metrics.calendar import Quarter
from metrics.person_review import EvidenceItem, EvidenceList, PersonQuarter
from reports import charts
from reports.document import Block, Bullets, Chart, Heading, Paragraph, Span, Table, Text
from reports.format import day_text, value_text

# Which metrics inform which evaluation dimension in the packet. Speed never stands
# alone: Productivity shows cycle time beside QACT (the same change, delivered correctly).
DIMENSION_METRICS: dict[str, tuple[str, ...]] = {
    "code_quality": ("qact_p50_h", "quality_tax", "defect_rate", "change_failure_rate"),
    "productivity": ("cycle_time_p50_h", "qact_p50_h"),
    "responsibility": (
        "unreviewed_merge_rate",
        "dismissed_review_merges",
        "failing_check_merges",
        "security_bypass_merges",
    ),
}
# Dimensions read from people's judgement (assessments, recognitions), not from metrics.
JUDGED_DIMENSIONS = ("judgment", "collaboration", "growth")
# Assessments of these competencies are the evidence of a dimension; the rest go to Growth.
DIMENSION_COMPETENCIES: dict[str, tuple[str, ...]] = {
    "judgment": (
        "workflow_integration",
        "ai_output_evaluation",
        "tool_adaptability",
        "prompt_effectiveness",
    ),
    "collaboration": ("knowledge_sharing",),
}
# Recognised behaviours as evidence of a dimension; unknown behaviours go to Growth.
DIMENSION_BEHAVIOURS: dict[str, tuple[str, ...]] = {
    "judgment": ("honest_limitation_discovery",),
    "collaboration": ("knowledge_multiplication", "effective_mentoring"),
    "growth": ("process_improvement",),
    "responsibility": ("quality_catch",),
}
# The kinds of evidence (metrics.person_review.EVIDENCE_KINDS) each dimension lists.
DIMENSION_EVIDENCE: dict[str, tuple[tuple[str, str], ...]] = {
    "code_quality": (
        ("failed", "Changes that later failed (a defect attributed, or reverted)"),
        ("defects", "Defects reported this quarter that name their change"),
    ),
    "responsibility": (
        ("unreviewed", "Merged without a review by someone else"),
        ("dismissed_change_request", "Merged after a request for changes was dismissed"),
        ("failing_check", "Merged over failing checks"),
        ("security_bypass", "Merged over failing security checks"),
    ),
}
# The packet's small multiples: quality first, speed beside it, then review health.
CHART_METRICS = ("qact_p50_h", "cycle_time_p50_h", "change_failure_rate", "unreviewed_merge_rate")
HISTORY_QUARTERS = 4  # the person's own history: this quarter and the three before
MAX_EVIDENCE = 8  # PR links listed per kind of evidence (the rest are counted)
ALL_METRIC_IDS: tuple[str, ...] = tuple(
    dict.fromkeys(m for ids in DIMENSION_METRICS.values() for m in ids)
)
_SOURCES = {
    "code_quality": "Metrics of the person's merged PRs this quarter, beside the team median.",
    "productivity": "Cycle time beside quality-adjusted cycle time: speed never stands alone.",
    "responsibility": "How the person's changes were reviewed and checked before merging.",
    "judgment": "Assessments and recognitions: metrics cannot read judgment.",
    "collaboration": "Assessments and recognitions: metrics cannot read collaboration.",
    "growth": "Competency levels against last quarter and the growth goal; assessments and "
    "recognitions.",
}


def people_text(count: int) -> str:
    return f"{count} person" if count == 1 else f"{count} people"


def _link(item: EvidenceItem) -> Text:
    return (Span(f"{item.id} {item.title or '(untitled)'}".strip(), url=item.url),)


def _links(found: EvidenceList) -> tuple[Text, ...]:
    more = (f"… and {found.evidence_more} more",) if found.evidence_more else ()
    return tuple(_link(item) for item in found.items) + more


def history_chart(facts: PersonQuarter, quarter: Quarter) -> Chart:
    shown = {q.period_label: q.label for q in quarter.back(HISTORY_QUARTERS)}
    panels = [
        charts.HistoryPanel(
            metrics.METRICS[m].title,
            metrics.METRICS[m].unit,
            tuple((shown[p], value) for p, value in facts.metrics[m].history),
            facts.metrics[m].team_median,
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


def _metric_table(facts: PersonQuarter, dimension: str, quarter: Quarter) -> Table:
    shown = {q.period_label: q.label for q in quarter.back(HISTORY_QUARTERS)}
    rows = []
    for metric_id in DIMENSION_METRICS[dimension]:
        line, unit = facts.metrics[metric_id], metrics.METRICS[metric_id].unit
        earlier = ", ".join(f"{shown[p]}: {value_text(v, unit)}" for p, v in line.history[:-1])
        median = value_text(line.team_median, unit)
        if line.team_people:
            median += f" ({people_text(line.team_people)})"
        rows.append(
            (metrics.METRICS[metric_id].title, value_text(line.value, unit), median, earlier or "—")
        )
    return Table(
        ("Metric", "This quarter", "Team median", "Earlier quarters (own)"),
        tuple(rows),
        ("label", "figure", "figure", "text"),
        name=f"metrics {dimension}",
    )


def dimension_key(value: str, fw: Framework) -> str:
    text = str(value or "").strip().lower().replace(" ", "_")
    for dimension in fw.dimensions:
        if text in (dimension.id, dimension.name.lower().replace(" ", "_")):
            return dimension.id
    return text


def _judged(facts: PersonQuarter, dimension: str, fw: Framework) -> list[Block]:
    names = {c.id: c.name for c in fw.competencies}
    assessed = [
        a
        for a in facts.assessments
        if next((d for d, ids in DIMENSION_COMPETENCIES.items() if a.competency in ids), "growth")
        == dimension
    ]
    recognised = [
        r
        for r in facts.recognitions
        if next((d for d, ids in DIMENSION_BEHAVIOURS.items() if r.behaviour in ids), "growth")
        == dimension
    ]
    judged = dimension in JUDGED_DIMENSIONS
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


def dimension_blocks(facts: PersonQuarter, quarter: Quarter, fw: Framework) -> list[Block]:
    team = facts.person.team
    weighted = facts.windows.is_learning_weighted
    order = sorted(fw.dimensions, key=lambda d: weighted and d.id not in ("growth", "judgment"))
    out: list[Block] = [Heading("Evaluation dimensions"), history_chart(facts, quarter)]
    for dimension in order:
        first = weighted and dimension.id in ("growth", "judgment")
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
            Paragraph(
                "Evidence: " + _SOURCES.get(dimension.id, "Assessments and recognitions."),
                "muted",
            ),
        ]
        if dimension.id in DIMENSION_METRICS:
            out.append(_metric_table(facts, dimension.id, quarter))
        flags = [f for f in facts.flags if dimension_key(f.dimension, fw) == dimension.id]
        for flag in flags:
            out += [
                Paragraph(f"Red flag: {flag.title}", "flag", name=f"flag {dimension.id}"),
                Paragraph(
                    f"Team flag for {team}: {flag.sentence} Their changes among the evidence:",
                    "small",
                    name=f"flag detail {dimension.id}",
                ),
                Bullets(
                    tuple(_link(e) for e in flag.links), "small", name=f"flag links {dimension.id}"
                ),
            ]
        if dimension.id in DIMENSION_METRICS and not flags:
            out.append(Paragraph("No red flag raised for this dimension this quarter.", "small"))
        for kind, title in DIMENSION_EVIDENCE.get(dimension.id, ()):
            if kind in facts.evidence:
                out += [
                    Paragraph(title, "strong"),
                    Bullets(_links(facts.evidence[kind]), "small", name=f"evidence {kind}"),
                ]
        out += _judged(facts, dimension.id, fw)
    return out
