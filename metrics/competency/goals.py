"""Metrics layer: a person's growth goal (their level's target) and their progress. Read-only."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from framework import Framework, GrowthGoal
from framework import framework as load_framework
from metrics.calendar import AsOf, add_months, as_of_day
from metrics.competency.levels import current_levels
from metrics.competency.people import person
from store import DbPath


@dataclass(frozen=True)
class GoalProgress:
    """Where a person stands against their level's growth goal."""

    developer_level: str
    target_min: int
    target_max: int
    competencies: tuple[str, ...]  # the competencies the target applies to
    reached: tuple[str, ...]  # those at target_min or above
    levels: tuple[tuple[str, int | None], ...]  # (competency, current level or None)
    actions: tuple[str, ...]
    starts_on: date | None  # when the clock started (the adoption start)
    deadline: date | None  # None: the framework sets no deadline (or it has not started)
    days_left: int | None  # negative: past the deadline; None: no deadline, or goal met
    status: str  # met | in progress | past deadline | not started

    @property
    def progress(self) -> float:
        """Share of the goal's competencies at the target level or above (0..1)."""
        return len(self.reached) / len(self.competencies) if self.competencies else 0.0


def goal_deadline(starts_on: date | None, goal: GrowthGoal) -> date | None:
    """The goal's deadline: ``within_months`` after the start; None without either."""
    if starts_on is None or goal.within_months is None:
        return None
    return add_months(starts_on, goal.within_months)


def goal_progress(
    developer_level: str,
    levels: Mapping[str, int],
    starts_on: date | None,
    as_of: AsOf,
    fw: Framework,
) -> GoalProgress:
    """Pure: progress on a level's growth goal given current levels by competency id."""
    day = as_of_day(as_of)
    goal = fw.developer_level(developer_level).growth_goal
    scope = fw.goal_competencies(goal)
    reached = tuple(c for c in scope if levels.get(c, 0) >= goal.target_min)
    deadline = goal_deadline(starts_on, goal)
    if scope and len(reached) == len(scope):
        status = "met"
    elif starts_on is None and goal.within_months is not None:
        status = "not started"
    elif deadline is not None and day > deadline:
        status = "past deadline"
    else:
        status = "in progress"
    return GoalProgress(
        developer_level=developer_level,
        target_min=goal.target_min,
        target_max=goal.target_max,
        competencies=scope,
        reached=reached,
        levels=tuple((c, levels.get(c)) for c in scope),
        actions=goal.actions,
        starts_on=starts_on,
        deadline=deadline,
        # a met goal has no days left to count (a met goal past its date is not late)
        days_left=(deadline - day).days if deadline and status != "met" else None,
        status=status,
    )


def growth_goal(
    db: DbPath, login: str, as_of: AsOf = None, fw: Framework | None = None
) -> GoalProgress | None:
    """The person's growth goal and progress, or None (unknown person or no level)."""
    fw = fw or load_framework()
    day = as_of_day(as_of)
    who = person(db, login, day)
    if who is None or who.level is None:
        return None
    # the person's own levels: read among their team's members, not the organization's
    levels = current_levels(db, day, (who.team,) if who.team else (), fw)
    mine = levels[levels["login"] == who.login]
    by_competency = {row.competency: int(row.level) for row in mine.itertuples(index=False)}
    return goal_progress(who.level, by_competency, who.adoption_on, day, fw)
