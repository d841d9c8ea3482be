"""Metrics layer: the first-year phases after a team adopts AI tools. Read-only.

The framework's review rules (``framework.ReviewRules``) open windows at a person's or a
team's adoption start: the transition dip (never a red flag), the learning-weighted
months and the monthly check-ins. The transition window's length is the framework file's
``review.transition_dip_weeks`` (its longest value), and nothing else: red flags, the
Team trends bands and the review packet read it through :func:`transition_end`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from framework import Framework, ReviewRules
from framework import framework as load_framework
from metrics.calendar import AsOf, add_months, as_of_day
from store import DbPath, read_connection


def transition_end(adoption_on: date, rules: ReviewRules) -> date:
    """The end (exclusive) of the transition window that opens at ``adoption_on``."""
    return adoption_on + timedelta(weeks=rules.dip_weeks_max)


@dataclass(frozen=True)
class Phases:
    """The review rules' windows after one adoption start (all ends exclusive).

    ``adoption_on`` None means AI tools are not adopted (yet): no phase applies.
    """

    adoption_on: date | None
    transition_end: date | None  # the expected dip: never a red flag
    learning_end: date | None  # growth weighted over output until here
    monthly_end: date | None  # monthly check-ins until here, then the steady cadence

    def in_transition(self, day: date) -> bool:
        return bool(self.adoption_on and self.transition_end) and (
            self.adoption_on <= day < self.transition_end  # type: ignore[operator]
        )

    def is_learning_weighted(self, day: date) -> bool:
        return bool(self.adoption_on and self.learning_end) and (
            self.adoption_on <= day < self.learning_end  # type: ignore[operator]
        )

    def phase_on(self, day: date) -> str:
        """One of: not adopted, before adoption, transition, learning-weighted,
        monthly check-ins, steady."""
        if self.adoption_on is None:
            return "not adopted"
        if day < self.adoption_on:
            return "before adoption"
        if self.in_transition(day):
            return "transition"
        if self.is_learning_weighted(day):
            return "learning-weighted"
        if self.monthly_end and day < self.monthly_end:
            return "monthly check-ins"
        return "steady"


def phases(adoption_on: date | None, rules: ReviewRules) -> Phases:
    """The windows the review rules open at ``adoption_on``."""
    if adoption_on is None:
        return Phases(None, None, None, None)
    return Phases(
        adoption_on=adoption_on,
        transition_end=transition_end(adoption_on, rules),
        learning_end=add_months(adoption_on, rules.learning_weighted_months),
        monthly_end=add_months(adoption_on, rules.monthly_checkins_months),
    )


def adoption_start(team_adoption: date | None, started_on: date | None) -> date | None:
    """When the first-year rules start for a person: the later of their team's AI adoption
    and the day they started. None while the team has not adopted."""
    if team_adoption is None:
        return None
    if started_on is None:
        return team_adoption
    return max(team_adoption, started_on)


def ai_competencies_reviewed(adoption_on: date | None, review_on: date, rules: ReviewRules) -> bool:
    """Whether a review held on ``review_on`` includes the AI-augmented competencies:
    from the first review cycle after adoption (or always, if the rule is switched off)."""
    if not rules.ai_competencies_from_first_cycle:
        return True
    return adoption_on is not None and review_on > adoption_on


def team_phases(
    db: DbPath, teams: Iterable[str] = (), fw: Framework | None = None, as_of: AsOf = None
) -> pd.DataFrame:
    """One row per team (alphabetical): ``team``, ``ai_adoption_date``, ``transition_end``,
    ``learning_end``, ``monthly_end`` (exclusive ends; None when not adopted) and
    ``phase`` on the as-of date (see :meth:`Phases.phase_on`)."""
    fw = fw or load_framework()
    day = as_of_day(as_of)
    chosen = list(teams)
    with read_connection(db) as conn:
        rows = conn.execute("select team, ai_adoption_date from teams order by team").fetchall()
    out = []
    for team, adopted in rows:
        if chosen and team not in chosen:
            continue
        p = phases(adopted, fw.review)
        out.append(
            {
                "team": team,
                "ai_adoption_date": adopted,
                "transition_end": p.transition_end,
                "learning_end": p.learning_end,
                "monthly_end": p.monthly_end,
                "phase": p.phase_on(day),
            }
        )
    columns = [
        "team",
        "ai_adoption_date",
        "transition_end",
        "learning_end",
        "monthly_end",
        "phase",
    ]
    return pd.DataFrame(out, columns=columns)
