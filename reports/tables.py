"""Reports layer: the display tables of the Person and Competencies pages. No arithmetic.

Pure functions: frames and records from ``metrics.competency`` in, a DataFrame with
readable column names and the framework's names out. Untrusted text (notes, evidence)
stays text; the pages show these with ``st.dataframe``. No table ranks people.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import pandas as pd

from framework import Framework
from metrics.competency import CheckIn, GoalProgress

CHECKIN_STATUS = {
    "held": "✅ held",
    "overdue": "⚠️ overdue",
    "due": "🔔 due now",
    "upcoming": "🗓️ next",
}
GOAL_SCOPE = {"ai": "AI-augmented", "core": "core", "all": "all"}


def _text(values: pd.Series) -> pd.Series:
    """Text cells with '—' where nothing was recorded (never a raw None)."""
    return values.astype(object).where(values.notna() & (values.astype(str).str.strip() != ""), "—")


def goal_target(goal: GoalProgress, fw: Framework) -> str:
    """The goal's target level in words ('3 Advanced', or '2 Proficient to 3 Advanced')."""
    if goal.target_min == goal.target_max:
        return fw.level_name(goal.target_min)
    return f"{fw.level_name(goal.target_min)} to {fw.level_name(goal.target_max)}"


def goal_table(goal: GoalProgress, fw: Framework) -> pd.DataFrame:
    """Each competency of the goal: its current level and whether the target is reached."""
    names = {c.id: c.name for c in fw.competencies}
    return pd.DataFrame(
        [
            {
                "Competency": names[c],
                "Current level": fw.level_name(v) if v else "not assessed",
                "Reached": "✅" if c in goal.reached else "",
            }
            for c, v in goal.levels
        ]
    )


def checkin_table(schedule: Sequence[CheckIn]) -> pd.DataFrame:
    """The check-in calendar: due date, cadence, status, the day it was held."""
    return pd.DataFrame(
        [
            {
                "Due": c.due_on,
                "Cadence": c.cadence,
                "Status": CHECKIN_STATUS[c.status],
                "Held on": c.held_on.isoformat() if c.held_on else "—",
            }
            for c in schedule
        ]
    )


def recognition_table(recognitions: pd.DataFrame) -> pd.DataFrame:
    """Recognitions (newest first, as :func:`metrics.competency.recognitions` orders them)."""
    shown = recognitions.assign(
        recognized_on=pd.to_datetime(recognitions["recognized_on"]).dt.date,
        note=_text(recognitions["note"]),
        pr_url=recognitions["pr_url"].fillna(""),  # a link column shows nothing, not "None"
    )
    return shown[["recognized_on", "behaviour_name", "format_name", "note", "pr_url"]].rename(
        columns={
            "recognized_on": "Date",
            "behaviour_name": "Behaviour",
            "format_name": "Format",
            "note": "Note",
            "pr_url": "Pull request",
        }
    )


def assessment_table(history: pd.DataFrame, fw: Framework) -> pd.DataFrame:
    """A person's assessment history, newest first, with competency and level names."""
    names = {c.id: c.name for c in fw.competencies}
    shown = history.assign(
        assessed_on=pd.to_datetime(history["assessed_on"]).dt.date,
        competency=history["competency"].map(names).fillna(history["competency"]),
        level=history["level"].map(fw.level_name),
        assessor=_text(history["assessor"]),
        evidence=_text(history["evidence"]),
    )
    columns = ["assessed_on", "competency", "level", "assessor_role", "assessor", "evidence"]
    return (
        shown[columns]
        .sort_values("assessed_on", ascending=False)
        .rename(
            columns={
                "assessed_on": "Date",
                "competency": "Competency",
                "level": "Level",
                "assessor_role": "By",
                "assessor": "Assessor",
                "evidence": "Evidence",
            }
        )
    )


def change_table(changes: pd.DataFrame, since: date) -> pd.DataFrame:
    """:func:`metrics.competency.change_summary` with readable columns, means rounded."""
    table = changes.assign(
        mean_then=changes["mean_then"].round(2), mean_now=changes["mean_now"].round(2)
    ).rename(
        columns={
            "name": "Competency",
            "assessed": "People assessed",
            "moved_up": "Moved up",
            "moved_down": "Moved down",
            "unchanged": "Unchanged",
            "new": "First assessed",
            "mean_then": f"Mean level {since:%d %b %Y}",
            "mean_now": "Mean level now",
        }
    )
    return table.drop(columns="competency")
