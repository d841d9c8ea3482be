"""Metrics layer: competency levels, growth goals and the review calendar. Read-only.

Reads people, teams, memberships, assessments and recognitions and applies the
framework's rules (``framework``): current levels, the team's distribution by level,
change since last quarter, growth-goal progress and deadline, the check-in calendar, and
the first-year phases after AI adoption (the transition dip, the learning-weighted
months, the monthly check-ins). Never ranks people: every table comes ordered by login,
team or competency, never by a level or a metric.

Dates: an assessment or recognition dated D counts as of any instant whose UTC date is
D or later (a manager who records one today expects to see it today).

One module per responsibility; this package re-exports their public names, so
``from metrics.competency import X`` and ``metrics.competency.X`` keep working:

* :mod:`~metrics.competency.phases` — the first-year phases after adoption;
* :mod:`~metrics.competency.people` — who is in scope on a day;
* :mod:`~metrics.competency.levels` — assessments and the levels in force;
* :mod:`~metrics.competency.goals` — growth goals and progress;
* :mod:`~metrics.competency.checkins` — the check-in calendar;
* :mod:`~metrics.competency.recognitions` — recognitions;
* :mod:`~metrics.competency.delivery` — a person's trends beside the team median.

Calendar helpers (``add_months``, ``quarter_before`` …) live in :mod:`metrics.calendar`
and are re-exported here for older callers.
"""

from metrics.calendar import (
    AsOf,
    add_months,
    as_of_day,
    previous_quarter_end,
    quarter_before,
    quarter_start,
)
from metrics.competency.checkins import (
    CALENDAR_MONTHS_BACK,
    GRACE_DAYS,
    CheckIn,
    checkin_dates,
    checkin_schedule,
    checkins,
    steady_label,
)
from metrics.competency.delivery import person_trends
from metrics.competency.goals import GoalProgress, goal_deadline, goal_progress, growth_goal
from metrics.competency.levels import (
    CompetencyPage,
    assessments,
    change_matrix,
    change_summary,
    competency_page,
    current_levels,
    level_changes,
    level_distribution,
    level_matrix,
    person_levels_over_time,
)
from metrics.competency.people import Person, people, person
from metrics.competency.phases import (
    Phases,
    adoption_start,
    ai_competencies_reviewed,
    phases,
    team_phases,
    transition_end,
)
from metrics.competency.recognitions import recognitions

__all__ = [
    "CALENDAR_MONTHS_BACK",
    "GRACE_DAYS",
    "AsOf",
    "CheckIn",
    "CompetencyPage",
    "GoalProgress",
    "Person",
    "Phases",
    "add_months",
    "adoption_start",
    "ai_competencies_reviewed",
    "as_of_day",
    "assessments",
    "change_matrix",
    "change_summary",
    "checkin_dates",
    "checkin_schedule",
    "checkins",
    "competency_page",
    "current_levels",
    "goal_deadline",
    "goal_progress",
    "growth_goal",
    "level_changes",
    "level_distribution",
    "level_matrix",
    "people",
    "person",
    "person_levels_over_time",
    "person_trends",
    "phases",
    "previous_quarter_end",
    "quarter_before",
    "quarter_start",
    "recognitions",
    "steady_label",
    "team_phases",
    "transition_end",
]
