"""Reports layer: a person's quarterly review packet, as a document of blocks (no rendering).

The builder reads one snapshot (:func:`metrics.snapshot`: one connection, one fact
build), takes every number from :func:`metrics.person_review.person_quarter`, and only
chooses, orders and phrases: the competency levels and growth goal, the six evaluation
dimensions with their evidence (:mod:`reports.dimensions`), the review cycle, the
conversation guide, and what is not evaluated. A person is shown against their own
history and beside their team's median, never ranked against anyone. Every format lays
out the same :class:`Document`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import metrics
from framework import Framework
from framework import framework as load_framework
from metrics import attribution, compare, competency, person_review
from metrics.calendar import Quarter
from metrics.person_review import PersonQuarter
from reports import charts
from reports import traceability as trace
from reports.dimensions import (
    HISTORY_QUARTERS,
    MAX_EVIDENCE,
    check,
    dimension_blocks,
    metric_ids,
    unmapped_flags,
)
from reports.document import (
    Block,
    Bullets,
    Callout,
    Chart,
    Document,
    Heading,
    Paragraph,
    Span,
    Table,
    Text,
)
from reports.format import count_text, day_text
from reports.quarters import QuarterShown, report_instant
from settings import InputError, settings
from store import DbPath

READING = (
    "Read each figure against the person's own history and the team median (the person "
    "included). This packet never ranks people."
)


class UnknownPersonError(InputError):
    """A login that is not in the store (or is a bot)."""


@dataclass(frozen=True)
class NotEvaluated:
    id: str
    title: str
    reason: str


# Always listed, after the refused metrics: what the packet deliberately does not do.
STANDING_NOT_EVALUATED: tuple[NotEvaluated, ...] = (
    NotEvaluated(
        "ranking",
        "Rank among colleagues",
        "A person is read against their own history and beside the team median, never "
        "ordered against colleagues: a ranking turns a conversation into a contest.",
    ),
    NotEvaluated(
        "pr_size",
        "Size of changes (changed lines)",
        "Used only as context for how deep a review was, never as output or productivity.",
    ),
    NotEvaluated(
        "ai_split_people",
        "Quality of a person's AI-assisted code on its own",
        "The AI-assisted split is a team-level check of code quality, shown only with enough "
        "data; it is never a figure about a person and never counts AI use.",
    ),
)


def not_evaluated() -> tuple[NotEvaluated, ...]:
    """The standing section: every refused metric with its reason, then the standing items."""
    refused = tuple(NotEvaluated(r.id, r.title, r.reason) for r in metrics.REFUSED)
    return refused + STANDING_NOT_EVALUATED


def people_choices(
    db: DbPath, as_of: datetime | None = None, teams: Iterable[str] = ()
) -> list[tuple[str, str]]:
    """(login, "Name (login)") of everyone (or the members of ``teams``), alphabetical by
    login — for a person picker; never ordered by anything else."""
    return [
        (p.login, f"{p.name or p.login} ({p.login})")
        for p in competency.people(db, as_of, tuple(teams))
    ]


# --- phrasing -------------------------------------------------------------------------


def level_text(level: int | None) -> str:
    return "—" if level is None else str(level)


def _target(goal: competency.GoalProgress) -> str:
    low, high = goal.target_min, goal.target_max
    return str(low) if low == high else f"{low}-{high}"


def _goal_text(facts: PersonQuarter, fw: Framework) -> str:
    goal = facts.goal
    if goal is None:
        return "No growth goal: the person has no developer level on record."
    level = fw.developer_level(goal.developer_level).name
    scope = "AI-augmented" if all(fw.competency(c).group == "ai" for c in goal.competencies) else ""
    when = f" by {goal.deadline:%d %b %Y}" if goal.deadline else ""
    total, reached = facts.goal_competencies, facts.goal_competencies_reached
    return (
        f"{level} goal: level {_target(goal)} in the {total} {scope} competencies{when}; "
        f"{reached} of {total} at level {goal.target_min} or above ({goal.status})."
    ).replace("  ", " ")


def _competencies(facts: PersonQuarter, quarter: Quarter, fw: Framework) -> list[Block]:
    goal = facts.goal
    scope = set(goal.competencies) if goal else set()
    in_review = facts.windows.ai_competencies_reviewed
    rows, bars = [], []
    for c in fw.competencies:
        level = facts.levels.get(c.id, person_review.LevelChange(None, None))
        rows.append(
            (
                c.name + ("" if in_review or c.group != "ai" else " (not yet in review)"),
                "AI-augmented" if c.group == "ai" else "core",
                level_text(level.level_last_quarter),
                level_text(level.level_now),
                _target(goal) if goal and c.id in scope else "—",
                c.indicator(level.level_now) if level.level_now is not None else "not assessed",
            )
        )
        bars.append(
            charts.LevelBar(
                c.name,
                level.level_last_quarter,
                level.level_now,
                goal.target_min if goal and c.id in scope else None,
            )
        )
    figure = charts.competency_levels(
        bars, f"End of {quarter.previous().label}", f"Now ({quarter.label})"
    )
    return [
        Heading("Competency levels"),
        Table(
            ("Competency", "Group", "Last quarter", "Now", "Goal", "What the level looks like"),
            tuple(rows),
            ("label", "figure", "figure", "figure", "figure", "text"),
            name="competencies",
        ),
        Paragraph((Span("Growth goal. ", strong=True), Span(_goal_text(facts, fw))), name="goal"),
        Chart(
            figure,
            f"Competency levels at the end of {quarter.previous().label} and now, the growth "
            "goal marked.",
            900,
            int(figure.layout.height),
            name="chart levels",
        ),
    ]


def _cycle(facts: PersonQuarter, moment: datetime, fw: Framework) -> list[Block]:
    rules, w = fw.review, facts.windows
    p = w.phases
    monthly = w.phase in ("transition", "learning-weighted", "monthly check-ins")
    notes = []
    if w.transition_in_quarter:
        notes.append(
            f"Transition: the expected productivity dip of the first {rules.dip_weeks_min}-"
            f"{rules.dip_weeks_max} weeks after adoption ({p.adoption_on:%d %b %Y} to "
            f"{p.transition_end:%d %b %Y}) falls in this quarter. It is not held against the "
            "person."
        )
    if w.learning_weighted_days:
        notes.append(
            f"Learning-weighted: until {p.learning_end:%d %b %Y}, growth and learning weigh "
            "more than output"
            + (
                " (Growth and Judgment come first in this packet)."
                if w.is_learning_weighted
                else f"; that is {w.learning_weighted_days} of this quarter's "
                f"{w.quarter_days} days."
            )
        )
    if w.monthly_in_quarter:
        notes.append(
            f"Monthly check-ins until {p.monthly_end:%d %b %Y}, then "
            f"{competency.steady_label(rules)}."
        )
    if p.adoption_on is None:
        notes.append("The team has not adopted AI tools: the steady review cadence applies.")
    if not w.ai_competencies_reviewed:
        notes.append(
            "The AI-augmented competencies join the review from the first cycle after "
            "adoption; they are shown for reference only."
        )
    items: list[Text] = [
        (Span(f"Phase as of {moment:%d %b %Y}: "), Span(w.phase, strong=True)),
        (
            Span("Check-in cadence: "),
            Span("monthly" if monthly else competency.steady_label(rules), strong=True),
        ),
        f"AI adoption start: {day_text(p.adoption_on)}",
        "AI-augmented competencies in this review: "
        + ("yes" if w.ai_competencies_reviewed else "not yet"),
        *notes,
    ]
    out: list[Block] = [Heading("Review cycle"), Bullets(tuple(items), name="cycle")]
    if w.checkins:
        out.append(
            Table(
                ("Check-in due", "Cadence", "Status", "Held on"),
                tuple(
                    (day_text(c.due_on), c.cadence, c.status, day_text(c.held_on))
                    for c in w.checkins
                ),
                ("date", "label", "label", "date"),
                name="checkins",
            )
        )
    else:
        out.append(Paragraph("No check-in fell due this quarter.", "small"))
    return out


def _conversation(facts: PersonQuarter, fw: Framework) -> list[Block]:
    out: list[Block] = [Heading("Conversation guide")]
    if not facts.person.level:
        return [
            *out,
            Paragraph("No developer level on record: set one to get the level's guide."),
        ]
    level = fw.developer_level(facts.person.level)
    out += [
        Paragraph(
            f"{level.name} ({level.experience}) — career focus: {level.career_focus}",
            "strong",
            name="conversation level",
        ),
        Bullets(tuple(level.conversation), name="conversation"),
    ]
    if level.growth_goal.actions:
        out.append(
            Paragraph("Growth actions for this level: " + "; ".join(level.growth_goal.actions))
        )
    return out


def _notes(facts: PersonQuarter, fw: Framework) -> list[str]:
    """Notes on the data: transition dips, flags elsewhere, flags of no dimension, little
    data."""
    team = facts.person.team
    notes = [f"Expected transition dip, not a red flag: {s}" for s in facts.transition_dips]
    if facts.team_flags_elsewhere:
        flags = count_text(facts.team_flags_elsewhere, "red flag")
        verb = "involves" if facts.team_flags_elsewhere == 1 else "involve"
        notes.append(
            f"{flags} of team {team} this quarter {verb} none of their changes of the "
            "quarter (all of them were read)."
        )
    for flag in unmapped_flags(facts, fw):
        notes.append(f"Red flag: {flag.title} Team flag for {team}: {flag.sentence}")
    if facts.is_low_data:
        notes.append(
            f"Fewer than {settings().min_prs} merged PRs this quarter: the person's metrics rest "
            "on little data; read them as context, not as a verdict."
        )
    return notes


def _traced(db: DbPath, moment: datetime, team: str | None, quarter: Quarter) -> dict:
    """Per quarter of the packet, the coverage columns of the person's team (the whole
    organization for a person with no team): what their defect-based figures rest on."""
    rows = metrics.compute(
        db,
        as_of=moment,
        period="quarter",
        by="team" if team else "org",
        teams=[team] if team else None,
        metric_ids=["defects_reported"],
    )
    group = team or metrics.ORG_GROUP
    return {
        q.period_label: compare.period_values(rows, group, q.period_label, metrics.COVERAGE_COLUMNS)
        for q in quarter.back(HISTORY_QUARTERS)
    }


def build_packet(
    db: DbPath,
    login: str,
    quarter: Quarter,
    *,
    as_of: datetime | None = None,
    fw: Framework | None = None,
) -> Document:
    """The review packet of ``login`` for ``quarter``, as a document.

    Args:
        as_of: cap the quarter's end (a running quarter is shown as of this instant).

    Raises:
        UnknownPersonError: no such person (bots are not people here).
    """
    fw = fw or load_framework()
    check(fw)
    moment = report_instant(quarter, as_of)
    shown = QuarterShown(quarter, moment)
    with metrics.snapshot(db, moment) as snap:
        facts = person_review.person_quarter(
            snap,
            login,
            first_day=quarter.start,
            last_day=quarter.end,
            periods=[q.period_label for q in quarter.back(HISTORY_QUARTERS)],
            as_of=moment,
            metric_ids=metric_ids(fw),
            fw=fw,
            evidence_limit=MAX_EVIDENCE,
        )
        traced = _traced(snap, moment, facts.person.team, quarter) if facts else {}
        suspected = attribution.inferred_evidence(
            snap, moment, reported_on=(quarter.start, quarter.end), authors=[login]
        )
    if facts is None:
        raise UnknownPersonError(f"person {login!r}: no such login in the store")
    who = facts.person
    blocks: list[Block] = [
        Heading(who.name or who.login, level=1, kicker=f"Quarterly review {shown.label}"),
        Paragraph(
            (
                Span(who.login, strong=True),
                Span(
                    f" · team {who.team or 'none'} · level {who.level or 'not set'} · "
                    f"{shown.span} · as of {moment:%Y-%m-%d %H:%M} UTC"
                ),
            ),
            name="meta",
        ),
    ]
    if shown.is_partial:
        blocks.append(Callout(shown.note(), name="partial"))
    blocks.append(Callout(READING, name="reading"))
    blocks += [Callout(note, name="note") for note in _notes(facts, fw)]
    where = f"Team {who.team}, {shown.label}" if who.team else f"The organization, {shown.label}"
    if untraceable := trace.notice(traced.get(quarter.period_label, {}), where):
        blocks.append(Callout(untraceable, name="not traceable"))
    blocks += _competencies(facts, quarter, fw)
    blocks += dimension_blocks(facts, quarter, fw, traced)
    blocks += trace.suspected_blocks(suspected)
    blocks += _cycle(facts, moment, fw)
    blocks += _conversation(facts, fw)
    blocks += [
        Heading("What is not evaluated, and why"),
        Paragraph(
            "This section is part of every packet. None of these is computed, stored or shown "
            "by teamlens:"
        ),
        Bullets(
            tuple(
                (Span(item.title, strong=True), Span(f" — {item.reason}"))
                for item in not_evaluated()
            ),
            name="not evaluated",
        ),
    ]
    return Document(
        kind="review",
        title=f"Quarterly review {shown.label}: {who.name or who.login}",
        blocks=tuple(blocks),
        footer=f"teamlens · review packet {shown.label} · confidential",
        file_stem=f"review-{who.login}-{quarter.label}",
    )
