"""Metrics layer: the check-in calendar (monthly after adoption, then steady). Read-only."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from framework import Framework, ReviewRules
from framework import framework as load_framework
from metrics.calendar import AsOf, add_months, as_of_day
from metrics.competency.levels import assessments
from metrics.competency.people import person
from store import DbPath

# A check-in not held this many days after its due date is overdue, and one coming up
# within this many days is "due".
GRACE_DAYS = 7
# The check-in calendar shows this many months back from the as-of date.
CALENDAR_MONTHS_BACK = 12


@dataclass(frozen=True)
class CheckIn:
    due_on: date
    cadence: str  # monthly | quarterly (or "every N months": the steady cadence)
    window_start: date  # a conversation on or after this day …
    window_end: date  # … and before this one counts for this due date (the nearest)
    status: str  # held | overdue | due | upcoming
    held_on: date | None


def steady_label(rules: ReviewRules) -> str:
    """The steady cadence in words: quarterly, or every N months."""
    months = rules.steady_checkin_months
    return {1: "monthly", 3: "quarterly", 12: "yearly"}.get(months, f"every {months} months")


def checkin_dates(
    adoption_on: date | None,
    rules: ReviewRules,
    until: date,
    started_on: date | None = None,
) -> list[tuple[date, str]]:
    """(due date, cadence) of every check-in up to ``until`` (inclusive).

    After adoption: monthly for ``monthly_checkins_months`` months, then every
    ``steady_checkin_months`` months, counted from the adoption start. Without adoption:
    the steady cadence on calendar boundaries (1 Jan, 1 Apr, … for quarterly), from the
    day the person started.
    """
    out: list[tuple[date, str]] = []
    steady = steady_label(rules)
    if adoption_on is not None:
        for k in range(1, rules.monthly_checkins_months + 1):
            due = add_months(adoption_on, k)
            if due > until:
                return out
            out.append((due, "monthly"))
        k = 1
        while True:
            months = rules.monthly_checkins_months + k * rules.steady_checkin_months
            due = add_months(adoption_on, months)
            if due > until:
                return out
            out.append((due, steady))
            k += 1
    step = rules.steady_checkin_months
    begin = started_on or add_months(until, -CALENDAR_MONTHS_BACK - step)
    due = date(begin.year, 1, 1)
    while due <= begin:
        due = add_months(due, step)
    while due <= until:
        out.append((due, steady))
        due = add_months(due, step)
    return out


def checkin_schedule(
    adoption_on: date | None,
    as_of: AsOf,
    rules: ReviewRules,
    held: Iterable[date] = (),
    started_on: date | None = None,
) -> list[CheckIn]:
    """The check-in calendar around ``as_of``: the last 12 months and the next one due.

    A conversation (here: a manager's assessment) counts for the due date nearest to it —
    held late or early — so each window runs from halfway after the previous due date to
    halfway before the next (a tie goes to the earlier). Unheld and more than
    ``GRACE_DAYS`` past due: overdue (a late conversation can still hold it); within
    ``GRACE_DAYS`` either side of today: due; later: upcoming. A check-in is never held by
    a conversation after the as-of day, and never counted twice.
    """
    day = as_of_day(as_of)
    step = rules.steady_checkin_months
    horizon = add_months(day, max(step, 1))
    dates = checkin_dates(adoption_on, rules, horizon, started_on)
    held_days = sorted(h for h in set(held) if h <= day)
    grace = timedelta(days=GRACE_DAYS)
    anchor = adoption_on or (add_months(dates[0][0], -step) if dates else day)
    dues = [due for due, _ in dates]
    out: list[CheckIn] = []
    shown_upcoming = False
    earliest = add_months(day, -CALENDAR_MONTHS_BACK)
    for i, (due, cadence) in enumerate(dates):
        before = dues[i - 1] if i else anchor
        start = _halfway(before, due) if i else anchor
        end = _halfway(due, dues[i + 1]) if i + 1 < len(dues) else date.max
        inside = [h for h in held_days if start <= h < end]
        if inside:
            status, held_on = "held", inside[0]
        elif day > due + grace:
            status, held_on = "overdue", None
        elif day >= due - grace:
            status, held_on = "due", None
        else:
            status, held_on = "upcoming", None
        if due < earliest:
            continue
        if status == "upcoming":
            if shown_upcoming:
                break
            shown_upcoming = True
        out.append(CheckIn(due, cadence, start, end, status, held_on))
    return out


def _halfway(first: date, second: date) -> date:
    """The first day closer to ``second`` than to ``first`` (a tie stays with ``first``)."""
    return first + timedelta(days=(second - first).days // 2 + 1)


def checkins(
    db: DbPath, login: str, as_of: AsOf = None, fw: Framework | None = None
) -> list[CheckIn]:
    """A person's check-in calendar; a manager's assessment marks a check-in as held."""
    fw = fw or load_framework()
    day = as_of_day(as_of)
    who = person(db, login, day)
    if who is None:
        return []
    history = assessments(db, day, [who.login])
    managed = history[history["assessor_role"] == "manager"]["assessed_on"]
    held = [pd.Timestamp(v).date() for v in managed]
    return checkin_schedule(who.adoption_on, day, fw.review, held, who.started_on)
