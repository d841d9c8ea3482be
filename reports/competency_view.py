"""Reports layer: the Competencies page's sentences, from the metrics' frames. Pure text.

People are listed alphabetically and never ranked. Logins only become links when they
are plain (letters, digits, ``-`` and ``_``), and team names go through
:func:`reports.markdown.page_text`, so no text from the store becomes markup.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
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


PEOPLE_PER_PAGE = 40  # a heatmap of more people is paged: a browser tab stays small
TEAMS_NAMED = 12  # a sentence names this many teams, then says how many more


def team_names(teams: Sequence[str], limit: int = TEAMS_NAMED) -> str:
    """Teams for a sentence (Markdown-safe): all of a few, else the first ``limit`` and how
    many more, so a selection of hundreds of teams stays one readable line."""
    named = ", ".join(page_text(t) for t in teams[:limit])
    rest = len(teams) - limit
    return f"{named} and {rest:,} more {'team' if rest == 1 else 'teams'}" if rest > 0 else named


@dataclass(frozen=True)
class PeoplePage:
    """One page of the heatmap's people: rows ``start`` to ``stop`` (exclusive) of
    ``total``, alphabetical as the matrix is, from login ``first`` to ``last``."""

    number: int
    start: int
    stop: int
    total: int
    first: str
    last: str

    @property
    def label(self) -> str:
        """For the page picker (plain text): 'People 1 to 40 of 6,712 (aaron … bella)'."""
        span = f"{self.first} … {self.last}" if self.stop - self.start > 1 else self.first
        words = " ".join(span.split())
        return f"People {self.start + 1:,} to {self.stop:,} of {self.total:,} ({words})"

    def rows(self, matrix: pd.DataFrame) -> pd.DataFrame:
        """This page's people of a people x competencies matrix."""
        return matrix.iloc[self.start : self.stop]


def people_pages(logins: Sequence[str], size: int = PEOPLE_PER_PAGE) -> list[PeoplePage]:
    """The heatmap's pages of ``size`` people, in the matrix's (alphabetical) order: never
    ranked, so page 1 is the start of the alphabet, not the highest levels."""
    names = [str(x) for x in logins]
    return [
        PeoplePage(
            number=start // size + 1,
            start=start,
            stop=min(start + size, len(names)),
            total=len(names),
            first=names[start],
            last=names[min(start + size, len(names)) - 1],
        )
        for start in range(0, len(names), size)
    ]


def page_caption(page: PeoplePage, pages: int) -> str | None:
    """What part of the selection the heatmap shows (None when it shows everyone)."""
    if pages <= 1:
        return None
    return (
        f"The heatmap shows people {page.start + 1:,} to {page.stop:,} of {page.total:,}, "
        f"alphabetically ({page_text(page.first)} … {page_text(page.last)}; page "
        f"{page.number} of {pages}: pick another above). The levels, the distribution and the "
        f"change since last quarter below count all {page.total:,} people."
    )


def scope_caption(teams: Sequence[str], day: date) -> str:
    """What the matrix shows, for whom, on which day."""
    scope = team_names(list(teams)) if teams else "the whole organization"
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
            named = team_names(teams_now)
            out.append(f"On {day:%d %b %Y}, {named}: {text}.")
    return out


def waiting_note(phases: pd.DataFrame, fw: Framework) -> str | None:
    """The teams without AI adoption, when the AI competencies wait for it."""
    waiting = phases.loc[phases["ai_adoption_date"].isna(), "team"].tolist()
    if not waiting or not fw.review.ai_competencies_from_first_cycle:
        return None
    return (
        f"Not adopted AI tools yet: {team_names(waiting)}. "
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
