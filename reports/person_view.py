"""Reports layer: the Person page's sentences, from a person's records. Pure text; no data.

A person is described against their own history and their team's median, never against
colleagues. Names and notes are untrusted text: the page shows these sentences as
Markdown it builds itself, with the person's own strings only as plain words.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import pandas as pd

from framework import DeveloperLevel, Framework
from metrics import METRICS
from metrics.competency import (
    CALENDAR_MONTHS_BACK,
    GRACE_DAYS,
    CheckIn,
    GoalProgress,
    Person,
    Phases,
    steady_label,
)
from reports.format import count_text
from reports.markdown import page_text
from reports.tables import GOAL_SCOPE, goal_target
from settings import Settings, settings

# The page's delivery figures, quality first (the metric picker's choices, in order).
# No volume: a person's merged PRs beside the team's would read as output, which the
# framework forbids (how many PRs a point rests on is in its hover).
TREND_METRICS = (
    "qact_p50_h",
    "cycle_time_p50_h",
    "defect_rate",
    "change_failure_rate",
    "unreviewed_merge_rate",
)
TRANSPARENCY = (
    "This page is the same for the person and for their manager: everything a manager "
    "sees about someone here, that person can see too.\n\n"
    "**Shows:** the pull requests this person authored and merged (cycle time, "
    "quality-adjusted cycle time, defects and failed changes traced to them, whether "
    "they were reviewed); the median of the same figures over their team's members; "
    "their competency assessments (self and manager: level, date, assessor, evidence); "
    "their recognitions; their team, level, start date and the team's AI adoption date.\n\n"
    "**Never uses:** lines of code; how often AI tools are used; how many AI "
    "suggestions are accepted; how fast AI-assisted tasks are done; comparisons with "
    "people who do not use AI; any position among colleagues. teamlens neither stores "
    "nor computes these, and no page ranks people."
)


def headline(who: Person, level: DeveloperLevel | None) -> str:
    """Name (bold) · team · level · start date."""
    facts = [
        f"**{page_text(who.name or who.login)}**",
        f"team {page_text(who.team)}" if who.team else "no team",
        level.name if level else "level not set",
        f"started {who.started_on:%d %b %Y}" if who.started_on else "start date not recorded",
    ]
    return " · ".join(facts)


def phase_caption(who: Person, windows: Phases, day: date) -> str:
    """When the first-year rules started for the person, and the phase on ``day``."""
    if not who.adoption_on:
        return "The team has not adopted AI tools: no first-year phase applies."
    return (
        f"AI adoption start: {who.adoption_on:%d %b %Y} (the later of the team's adoption, "
        f"{who.team_adoption:%d %b %Y}, and the start date). Phase on {day:%d %b %Y}: "
        f"**{windows.phase_on(day)}**."
    )


def metric_title(metric_id: str) -> str:
    """A metric's title from the registry (its id when it is not a metric)."""
    metric = METRICS.get(metric_id)
    return metric.title if metric else metric_id


def one_metric(trends: pd.DataFrame, metric_id: str) -> pd.DataFrame:
    """One metric's rows of :func:`metrics.competency.person_trends`."""
    return trends[trends["metric"] == metric_id]


def learning_note(windows: Phases, day: date) -> str | None:
    """The learning-weighted phase, while it lasts."""
    if not windows.is_learning_weighted(day):
        return None
    return (
        f"Learning-weighted phase until {windows.learning_end:%d %b %Y}: in reviews, growth "
        "and learning count for more than delivery figures."
    )


def chart_competencies(
    levels: pd.DataFrame, level: DeveloperLevel | None, fw: Framework, most: int = 6
) -> tuple[list[str], list[str]]:
    """The competencies the person was assessed in (framework order), and those drawn by
    default: their growth goal's, else the first ones (at most ``most``)."""
    assessed = [c for c in fw.competency_ids if c in set(levels["competency"])]
    goal_scope = fw.goal_competencies(level.growth_goal) if level else ()
    return assessed, [c for c in assessed if c in goal_scope][:most] or assessed[:most]


def trend_notes(windows: Phases, fw: Framework, config: Settings | None = None) -> str:
    """How to read the trend figure (what a point rests on, what the shading means)."""
    c = config or settings()
    notes = [
        "The person's value per period beside the median of their team's members (the person "
        f"included); hover for how many PRs a point rests on — fewer than {c.min_prs} is thin "
        "evidence."
    ]
    if windows.adoption_on:
        notes.append(
            f"Shaded: the transition dip ({fw.review.dip_weeks_min} to "
            f"{fw.review.dip_weeks_max} weeks after adoption, never a red flag) and the "
            "learning-weighted months."
        )
    return " ".join(notes)


def goal_sentence(goal: GoalProgress, level: DeveloperLevel, fw: Framework) -> str:
    """The level's goal in one sentence, with the career focus."""
    scope = GOAL_SCOPE[level.growth_goal.competencies]
    return (
        f"**{page_text(level.name)}** ({page_text(level.experience)}): reach "
        f"**{page_text(goal_target(goal, fw))}** on the {scope} competencies. "
        f"Career focus: {page_text(level.career_focus)}."
    )


def goal_actions(goal: GoalProgress) -> str:
    """'Also part of the goal: …' (the framework's words, as text)."""
    return "Also part of the goal: " + "; ".join(page_text(a) for a in goal.actions) + "."


def conversation_guide(level: DeveloperLevel) -> str:
    """The level's career focus and conversation points, as text."""
    points = "\n".join(f"- {page_text(point)}" for point in level.conversation)
    return f"**Career focus:** {page_text(level.career_focus)}\n\n{points}"


def goal_progress_text(goal: GoalProgress, fw: Framework) -> str:
    """'2 of 4 at 3 Advanced or above'."""
    return (
        f"{len(goal.reached)} of {len(goal.competencies)} at "
        f"{fw.level_name(goal.target_min)} or above"
    )


def checkin_intro(windows: Phases, day: date, fw: Framework) -> str:
    """The cadence in force on ``day``."""
    if windows.monthly_end and day < windows.monthly_end:
        return (
            f"Monthly check-ins until **{windows.monthly_end:%d %b %Y}**, then "
            f"{steady_label(fw.review)}."
        )
    return f"Check-ins are {steady_label(fw.review)}."


def checkin_warnings(schedule: Sequence[CheckIn]) -> list[str]:
    """A check-in due now, and the missed ones of the calendar's months."""
    out = []
    due = [c for c in schedule if c.status == "due"]
    overdue = [c for c in schedule if c.status == "overdue"]
    if due:
        out.append(f"A check-in is due now (by {due[0].due_on:%d %b %Y}).")
    if overdue:
        verb = "has" if len(overdue) == 1 else "have"
        out.append(
            f"{count_text(len(overdue), 'check-in')} in the last {CALENDAR_MONTHS_BACK} months "
            f"{verb} no conversation recorded."
        )
    return out


CHECKIN_RULE = (
    "A check-in counts as held by the manager's assessment recorded nearest to its due date, "
    f"early or late; one with none more than {GRACE_DAYS} days after its due date is overdue."
)


def days_left_text(goal: GoalProgress) -> str:
    """The goal's days left: none once it is met, none without a deadline."""
    if goal.status == "met":
        return "— (met)"
    return str(goal.days_left) if goal.days_left is not None else "—"
