"""Reports layer: the Competencies page's sentences, from the metrics' frames. Pure text.

People are listed alphabetically and never ranked. Logins only become links when they
are plain (letters, digits, ``-`` and ``_``), and team names go through
:func:`reports.markdown.page_text`, so no text from the store becomes markup.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from urllib.parse import urlencode

import pandas as pd

from framework import Competency, Framework
from reports.markdown import page_text

_PHASE_NOTES = (
    ("transition", "in the transition dip after adopting AI tools (never a red flag)"),
    ("learning-weighted", "in the learning-weighted months: growth counts over output"),
    ("monthly check-ins", "monthly check-ins (the first {months} months after adoption)"),
)


def scope_caption(teams: Sequence[str], day: date) -> str:
    """What the matrix shows, for whom, on which day."""
    scope = ", ".join(page_text(t) for t in teams) if teams else "the whole organization"
    return (
        f"Current levels of {scope} on {day:%d %b %Y}: each person's latest assessment per "
        "competency (a manager's counts over a self-assessment of the same day). People are "
        "listed alphabetically: levels describe growth, they are never a ranking."
    )


def nobody_assessed(matrix: pd.DataFrame) -> bool:
    """True when the level matrix has people but not one level."""
    return not matrix.empty and not matrix.notna().to_numpy().any()


def nobody_compared(changes: pd.DataFrame) -> bool:
    """True when :func:`metrics.competency.change_summary` has no level to compare."""
    return not (changes["assessed"] > 0).any()


def matrix_caption(fw: Framework) -> str:
    """How to read the matrix."""
    return (
        "Left of the dark line: the core technical competencies; right: the AI-augmented "
        "ones. Blank cells: not assessed yet (or, for change, no level last quarter). Levels: "
        + ", ".join(fw.level_name(n) for n in fw.level_numbers)
        + "."
    )


def phase_notes(phases: pd.DataFrame, fw: Framework, day: date) -> list[str]:
    """One line per first-year phase some teams are in on ``day``
    (:func:`metrics.competency.team_phases`)."""
    out = []
    for phase, note in _PHASE_NOTES:
        teams_now = phases.loc[phases["phase"] == phase, "team"].tolist()
        if teams_now:
            text = note.format(months=fw.review.monthly_checkins_months)
            named = ", ".join(page_text(t) for t in teams_now)
            out.append(f"On {day:%d %b %Y}, {named}: {text}.")
    return out


def waiting_note(phases: pd.DataFrame, fw: Framework) -> str | None:
    """The teams without AI adoption, when the AI competencies wait for it."""
    waiting = phases.loc[phases["ai_adoption_date"].isna(), "team"].tolist()
    if not waiting or not fw.review.ai_competencies_from_first_cycle:
        return None
    return (
        f"Not adopted AI tools yet: {', '.join(page_text(t) for t in waiting)}. "
        "The AI-augmented competencies "
        "join their reviews from the first review cycle after adoption."
    )


def person_links(logins: Iterable[str], query: str = "") -> str:
    """'Open a person:' links to the Person page, for plain logins only.

    Args:
        query: the page's filters as a URL query (``as_of=…&team=…``), kept by each link.
    """
    safe = [x for x in logins if x.replace("-", "").replace("_", "").isalnum()]
    keep = f"{query}&" if query else ""
    links = (f"[{page_text(login)}](person?{keep}{urlencode({'person': login})})" for login in safe)
    return "Open a person: " + " · ".join(links)


def level_lines(competency: Competency, distribution: pd.DataFrame, fw: Framework) -> list[str]:
    """Each level of one competency: how many people stand there and what it looks like
    (``distribution``: :func:`metrics.competency.level_distribution` of that competency)."""
    people = dict(zip(distribution["level"], distribution["people"], strict=True))
    lines = []
    for number in fw.level_numbers:
        count = int(people.get(number, 0))
        lines.append(
            f"**{fw.level_name(number)}** · {count} {'person' if count == 1 else 'people'}  \n"
            f"{competency.indicator(number) or '—'}"
        )
    return lines


def later_than_as_of(on: date, day: date) -> str:
    """A note for a record dated after the page's as-of day (it will not show yet)."""
    if on <= day:
        return ""
    return (
        f" It is dated after this page's 'As of' day ({day:%d %b %Y}): move 'As of' to "
        f"{on:%d %b %Y} or later to see it here."
    )


def framework_lines(fw: Framework) -> list[str]:
    """The framework behind the page: its file, dimensions, behaviours and formats."""
    lines = [
        f"Framework file: `{fw.path}` — {fw.name}.",
        "**Evaluation dimensions** — what good looks like, and the red flags",
    ]
    lines += [
        f"**{d.name}** — {d.good}  \nRed flags: " + "; ".join(d.red_flags) for d in fw.dimensions
    ]
    lines.append("**Behaviours to recognize**")
    lines.append("\n".join(f"- **{b.name}** — {b.description}" for b in fw.behaviours))
    lines.append("**Recognition formats**")
    lines.append("\n".join(f"- **{x.name}** — {x.frequency}, for {x.audience}" for x in fw.formats))
    return lines
