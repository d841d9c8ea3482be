"""Reports layer: the review packet and the board summary as Markdown (no HTML, ever).

Untrusted text (names, PR titles, notes) goes through :func:`reports.format.md`, so it
shows as text in any Markdown viewer. Tables are GitHub-flavoured Markdown.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from reports.board import group_cells
from reports.format import ARROWS, change_text, day_text, md, safe_url, value_text
from reports.review import Link, MetricLine, ReviewPacket

if TYPE_CHECKING:
    from reports.board import BoardSummary


def _table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell or " " for cell in row) + " |" for row in rows]
    return [*lines, ""]


def _link(link: Link) -> str:
    url = safe_url(link.url)
    return f"[{md(link.label)}]({url})" if url else md(link.label)


def people_text(count: int) -> str:
    return f"{count} person" if count == 1 else f"{count} people"


def level_text(level: int | None) -> str:
    return "—" if level is None else str(level)


def metric_rows(lines: Iterable[MetricLine]) -> list[list[str]]:
    rows = []
    for line in lines:
        history = ", ".join(
            f"{label}: {value_text(value, line.unit)}" for label, value in line.history[:-1]
        )
        rows.append(
            [
                md(line.title),
                value_text(line.value, line.unit),
                value_text(line.team_median, line.unit)
                + (f" ({people_text(line.team_people)})" if line.team_people else ""),
                history or "—",
            ]
        )
    return rows


def review_markdown(packet: ReviewPacket, *, title: bool = True) -> str:
    """The whole packet, every section always present (an empty one says so).

    Args:
        title: start with the packet's ``#`` title (a page that has its own leaves it out).
    """
    out: list[str] = [
        f"# Quarterly review {packet.quarter.label}: {md(packet.name)}" if title else "",
        "",
        f"**{md(packet.login)}** · team {md(packet.team or 'none')} · level "
        f"{md(packet.developer_level or 'not set')} · as of {packet.as_of:%Y-%m-%d %H:%M} UTC "
        f"· {packet.merged_prs} merged PR(s) this quarter",
        "",
        "> Read each figure against the person's own history and the team median (the "
        "person included). This "
        "packet never ranks people.",
        "",
    ]
    for note in packet.notes_on_data:
        out += [f"> {md(note)}", ""]

    out += ["## Competency levels", ""]
    out += _table(
        ["Competency", "Group", "Last quarter", "Now", "Goal", "What the level looks like"],
        (
            [
                md(c.name) + ("" if c.in_review else " (not yet in review)"),
                "AI-augmented" if c.group == "ai" else "core",
                level_text(c.level_last_quarter),
                level_text(c.level_now),
                c.goal or "—",
                md(c.indicator) or "not assessed",
            ]
            for c in packet.competencies
        ),
    )
    out += [f"**Growth goal.** {md(packet.goal.summary)}", ""]

    out += ["## Evaluation dimensions", ""]
    for section in packet.dimensions:
        weight = " — weighted higher this cycle" if section.weighted else ""
        out += [
            f"### {md(section.name)}{weight}",
            "",
            f"*What good looks like:* {md(section.good)}",
        ]
        out += [f"*Red flags to look for:* {md('; '.join(section.red_flag_signs))}", ""]
        out += [f"Evidence: {md(section.source)}", ""]
        if section.metrics:
            out += _table(
                ["Metric", "This quarter", "Team median", "Earlier quarters (own)"],
                metric_rows(section.metrics),
            )
        if section.flags:
            out += ["**Red flags raised**", ""]
            for flag in section.flags:
                links = ", ".join(_link(link) for link in flag.links)
                out.append(f"- **{md(flag.title)}** — {md(flag.detail)} {links}".rstrip())
            out.append("")
        elif section.metrics:
            out += ["No red flag raised for this dimension this quarter.", ""]
        for evidence in section.evidence:
            out += [f"**{md(evidence.title)}**", ""]
            out += [f"- {_link(link)}" for link in evidence.links]
            if evidence.more:
                out.append(f"- … and {evidence.more} more")
            out.append("")
        if section.id in ("judgment", "collaboration", "growth") or section.assessments:
            if section.assessments:
                out += ["**Assessments this quarter**", ""]
                out += _table(
                    ["Date", "Competency", "Level", "By", "Evidence"],
                    (
                        [
                            day_text(a.assessed_on),
                            md(a.competency),
                            str(a.level),
                            md(f"{a.assessor} ({a.assessor_role})".strip()),
                            md(a.evidence) or "—",
                        ]
                        for a in section.assessments
                    ),
                )
            else:
                out += ["No assessment recorded for this dimension this quarter.", ""]
        if section.id in ("judgment", "collaboration", "growth") or section.recognitions:
            if section.recognitions:
                out += ["**Recognitions this quarter**", ""]
                for r in section.recognitions:
                    pr = f" ([PR]({safe_url(r.pr_url)}))" if safe_url(r.pr_url) else ""
                    out.append(
                        f"- {day_text(r.recognized_on)} — {md(r.behaviour)} ({md(r.format)}): "
                        f"{md(r.note) or '—'}{pr}"
                    )
                out.append("")
            else:
                out += ["No recognition recorded for this dimension this quarter.", ""]

    cycle = packet.cycle
    out += ["## Review cycle", ""]
    out += [
        f"- Phase as of {packet.as_of:%d %b %Y}: **{md(cycle.phase)}**",
        f"- Check-in cadence: **{md(cycle.cadence)}**",
        f"- AI adoption start: {day_text(cycle.adoption_on)}",
        "- AI-augmented competencies in this review: "
        + ("yes" if cycle.ai_competencies_included else "not yet"),
    ]
    out += [f"- {md(note)}" for note in cycle.notes]
    out.append("")
    if cycle.checkins:
        out += _table(
            ["Check-in due", "Cadence", "Status", "Held on"],
            (
                [day_text(c.due_on), md(c.cadence), md(c.status), day_text(c.held_on)]
                for c in cycle.checkins
            ),
        )
    else:
        out += ["No check-in fell due this quarter.", ""]

    out += ["## Conversation guide", ""]
    talk = packet.conversation
    if talk is None:
        out += ["No developer level on record: set one to get the level's guide.", ""]
    else:
        out += [
            f"**{md(talk.name)}** ({md(talk.experience)}) — career focus: {md(talk.career_focus)}",
            "",
        ]
        out += [f"- {md(prompt)}" for prompt in talk.prompts]
        if talk.goal_actions:
            out += ["", "Growth actions for this level: " + md("; ".join(talk.goal_actions))]
        out.append("")

    out += ["## What is not evaluated, and why", ""]
    out += [
        "This section is part of every packet. None of these is computed, stored or shown "
        "by teamlens:",
        "",
    ]
    out += [f"- **{md(item.title)}** — {md(item.reason)}" for item in packet.not_evaluated]
    out.append("")
    return "\n".join(out)


def board_markdown(board: BoardSummary) -> str:
    """The executive summary as Markdown: figures, skill growth, groups, narrative."""
    out: list[str] = [
        f"# Executive summary {board.quarter.label}",
        "",
        f"{md(board.organization)} · as of {board.as_of:%Y-%m-%d} · compared with "
        f"{board.previous.label} · groups only, no individual is shown",
        "",
        "## Summary",
        "",
    ]
    out += [f"- {md(sentence)}" for sentence in board.narrative]
    out += ["", "## Figures", ""]
    out += _table(
        ["Figure", board.quarter.label, board.previous.label, "Change", "Direction", "Coverage"],
        (
            [
                md(fig.title),
                fig.value_text,
                fig.previous_text,
                change_text(fig.value, fig.previous, fig.unit),
                ARROWS.get(fig.direction, fig.direction),
                md(fig.coverage),
            ]
            for fig in board.figures
        ),
    )
    out += ["## Skill growth (AI-augmented competencies)", ""]
    out += _table(
        [
            "Competency",
            "Level 2+ now",
            "Level 3+ now",
            f"Level 2+ {board.previous.label}",
            "Assessed",
        ],
        (
            [
                md(s.name),
                value_text(s.share_2, "share"),
                value_text(s.share_3, "share"),
                value_text(s.share_2_before, "share"),
                f"{s.assessed} of {s.people}",
            ]
            for s in board.skills
        ),
    )
    out += ["## By group", ""]
    out += [md(board.group_note), ""]
    out += _table(
        ["Group", "People", "QACT median", "Change failure rate", "Defect rate", "Unreviewed"],
        ([md(group), *rest] for group, *rest in group_cells(board.groups)),
    )
    out += ["## How to read this", ""]
    out += [f"- {md(note)}" for note in board.method_notes]
    out.append("")
    return "\n".join(out)
