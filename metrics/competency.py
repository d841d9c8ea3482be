"""Metrics layer: competency levels, growth goals and the review calendar. Read-only.

Reads people, teams, memberships, assessments and recognitions and applies the
framework's rules (``framework.py``): current levels, the team's distribution by level,
change since last quarter, growth-goal progress and deadline, the check-in calendar, and
the first-year phases after AI adoption (the transition dip, the learning-weighted
months, the monthly check-ins). Never ranks people: every table comes ordered by login,
team or competency, never by a level or a metric.

Dates: an assessment or recognition dated D counts as of any instant whose UTC date is
D or later (a manager who records one today expects to see it today).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import pandas as pd

from framework import Framework, GrowthGoal, ReviewRules
from framework import framework as load_framework
from metrics.calendar import (  # noqa: F401 - re-exported for callers of metrics.competency
    add_months,
    as_of_day,
    previous_quarter_end,
    quarter_before,
    quarter_start,
)
from store import DbPath, read_connection

# A check-in held up to this many days after its due date still counts for it, and one
# coming up within this many days is "due".
GRACE_DAYS = 7
# The check-in calendar shows this many months back from the as-of date.
CALENDAR_MONTHS_BACK = 12

AsOf = datetime | date | str | None


# --- the first-year phases after adoption ---------------------------------------------


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
        transition_end=adoption_on + timedelta(weeks=rules.dip_weeks_max),
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


# --- people ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    login: str
    name: str | None
    level: str | None  # junior | mid | senior | staff
    started_on: date | None
    team: str | None  # the team on the as-of date
    team_adoption: date | None
    adoption_on: date | None  # when the first-year rules start for this person


_PEOPLE_SQL = """
    with membership as (
        select login, team
        from team_memberships
        where valid_from <= $day and (valid_to is null or valid_to > $day)
        qualify row_number() over (partition by login order by valid_from desc) = 1
    )
    select p.login, p.name, p.level, p.started_on, m.team, t.ai_adoption_date
    from people p
    left join membership m using (login)
    left join teams t on t.team = m.team
    where not p.is_bot
    order by lower(p.login)
"""


def people(db: DbPath, as_of: AsOf = None, teams: Iterable[str] = ()) -> list[Person]:
    """Everyone (not bots), alphabetical by login, with their team on the as-of date.

    Args:
        teams: only members of these teams on that date (default: everyone).
    """
    day = as_of_day(as_of)
    chosen = set(teams)
    with read_connection(db) as conn:
        rows = conn.execute(_PEOPLE_SQL, {"day": day}).fetchall()
    out = []
    for login, name, level, started_on, team, adopted in rows:
        if chosen and team not in chosen:
            continue
        out.append(
            Person(
                login, name, level, started_on, team, adopted, adoption_start(adopted, started_on)
            )
        )
    return out


def person(db: DbPath, login: str, as_of: AsOf = None) -> Person | None:
    """One person by login (case-insensitive), or None."""
    for candidate in people(db, as_of):
        if candidate.login.lower() == login.lower():
            return candidate
    return None


# --- assessments and levels -----------------------------------------------------------


_ASSESSMENT_COLUMNS = [
    "login",
    "competency",
    "level",
    "assessed_on",
    "assessor",
    "assessor_role",
    "evidence",
    "source",
]


def assessments(db: DbPath, as_of: AsOf = None, logins: Iterable[str] = ()) -> pd.DataFrame:
    """The assessment history up to the as-of date, ordered by login, date, competency.

    Columns: login, competency, level, assessed_on, assessor, assessor_role, evidence,
    source (github/demo/import/app).
    """
    day = as_of_day(as_of)
    wanted = [login.lower() for login in logins]
    with read_connection(db) as conn:
        frame = conn.execute(
            """
            select login, competency, level, assessed_on, assessor, assessor_role, evidence,
                   source
            from competency_assessments
            where assessed_on <= $day
              and (len($logins) = 0 or list_contains($logins, lower(login)))
            order by lower(login), assessed_on, competency, assessor_role
            """,
            {"day": day, "logins": wanted},
        ).df()
    return frame[_ASSESSMENT_COLUMNS]


def _latest(history: pd.DataFrame, day: date) -> pd.DataFrame:
    """The level in force on ``day`` per (login, competency): the latest assessment, a
    manager's winning over a self-assessment of the same date."""
    upto = history[pd.to_datetime(history["assessed_on"]).dt.date <= day]
    if upto.empty:
        return upto.assign(role_rank=pd.Series(dtype="int64")).drop(columns="role_rank")
    ranked = upto.assign(role_rank=(upto["assessor_role"] == "manager").astype(int))
    ranked = ranked.sort_values(["login", "competency", "assessed_on", "role_rank"])
    latest = ranked.groupby(["login", "competency"], as_index=False).tail(1)
    return latest.drop(columns="role_rank").sort_values(["login", "competency"])


def current_levels(
    db: DbPath, as_of: AsOf = None, teams: Iterable[str] = (), fw: Framework | None = None
) -> pd.DataFrame:
    """The level in force per person and competency on the as-of date.

    The latest assessment counts; on the same date a manager's assessment wins over a
    self-assessment. Returns columns login, name, team, competency, level, assessed_on,
    assessor_role — people alphabetical, competencies in the framework's order.
    """
    fw = fw or load_framework()
    day = as_of_day(as_of)
    members = people(db, day, teams)
    history = assessments(db, day, [p.login for p in members]) if members else None
    columns = ["login", "name", "team", "competency", "level", "assessed_on", "assessor_role"]
    if history is None or history.empty:
        return pd.DataFrame(columns=columns)
    latest = _latest(history, day)
    info = pd.DataFrame([{"login": p.login, "name": p.name, "team": p.team} for p in members])
    merged = latest.merge(info, on="login", how="inner")
    order = {cid: i for i, cid in enumerate(fw.competency_ids)}
    merged = merged[merged["competency"].isin(order)]
    merged = merged.assign(
        _login=merged["login"].str.lower(), _order=merged["competency"].map(order)
    ).sort_values(["_login", "_order"])
    return merged[columns].reset_index(drop=True)


def level_matrix(
    db: DbPath, as_of: AsOf = None, teams: Iterable[str] = (), fw: Framework | None = None
) -> pd.DataFrame:
    """People x competencies of current levels, for a heatmap.

    Index: every login in scope, alphabetical (also people not assessed yet); columns:
    competency ids in the framework's order; values: the level, or NaN when unassessed.
    """
    fw = fw or load_framework()
    day = as_of_day(as_of)
    logins = [p.login for p in people(db, day, teams)]
    levels = current_levels(db, day, teams, fw)
    matrix = pd.DataFrame(index=pd.Index(logins, name="login"), columns=list(fw.competency_ids))
    for row in levels.itertuples(index=False):
        matrix.loc[row.login, row.competency] = row.level
    return matrix.astype("float64")


def level_distribution(
    db: DbPath, as_of: AsOf = None, teams: Iterable[str] = (), fw: Framework | None = None
) -> pd.DataFrame:
    """How many people stand at each level of each competency (zeros included).

    Columns: competency, level, level_name, people; framework order, then level.
    """
    fw = fw or load_framework()
    levels = current_levels(db, as_of, teams, fw)
    counts = levels.groupby(["competency", "level"]).size().to_dict() if len(levels) else {}
    rows = [
        {
            "competency": cid,
            "level": number,
            "level_name": fw.level_name(number),
            "people": int(counts.get((cid, number), 0)),
        }
        for cid in fw.competency_ids
        for number in fw.level_numbers
    ]
    return pd.DataFrame(rows, columns=["competency", "level", "level_name", "people"])


def level_changes(
    db: DbPath, as_of: AsOf = None, teams: Iterable[str] = (), fw: Framework | None = None
) -> pd.DataFrame:
    """Each person's level per competency now and one quarter earlier (:func:`quarter_before`).

    Columns: login, competency, level_then (NaN: not assessed then), level_now, change
    (now - then; NaN when there is no earlier level). Alphabetical, framework order.
    """
    fw = fw or load_framework()
    day = as_of_day(as_of)
    then_day = quarter_before(day)
    now = current_levels(db, day, teams, fw)[["login", "competency", "level"]]
    logins = now["login"].unique().tolist()
    history = assessments(db, day, logins) if logins else pd.DataFrame(columns=_ASSESSMENT_COLUMNS)
    then = _latest(history, then_day)[["login", "competency", "level"]] if len(history) else None
    if then is None or then.empty:
        then = pd.DataFrame(columns=["login", "competency", "level"])
    merged = now.rename(columns={"level": "level_now"}).merge(
        then.rename(columns={"level": "level_then"}), on=["login", "competency"], how="left"
    )
    merged["level_now"] = merged["level_now"].astype("float64")
    merged["level_then"] = merged["level_then"].astype("float64")
    merged["change"] = merged["level_now"] - merged["level_then"]
    return merged[["login", "competency", "level_then", "level_now", "change"]]


def change_matrix(
    db: DbPath, as_of: AsOf = None, teams: Iterable[str] = (), fw: Framework | None = None
) -> pd.DataFrame:
    """People x competencies of the change over the last quarter (like
    :func:`level_matrix`: everyone alphabetical; NaN where there is no earlier level)."""
    fw = fw or load_framework()
    day = as_of_day(as_of)
    logins = [p.login for p in people(db, day, teams)]
    matrix = pd.DataFrame(index=pd.Index(logins, name="login"), columns=list(fw.competency_ids))
    for row in level_changes(db, day, teams, fw).itertuples(index=False):
        matrix.loc[row.login, row.competency] = row.change
    return matrix.astype("float64")


def change_summary(
    db: DbPath, as_of: AsOf = None, teams: Iterable[str] = (), fw: Framework | None = None
) -> pd.DataFrame:
    """Per competency, how the team's levels moved over the last quarter.

    Columns: competency, name, assessed (people with a level now), moved_up, moved_down,
    unchanged, new (no level last quarter), mean_then, mean_now. Framework order.
    """
    fw = fw or load_framework()
    changes = level_changes(db, as_of, teams, fw)
    rows = []
    for competency in fw.competencies:
        part = changes[changes["competency"] == competency.id]
        known = part.dropna(subset=["level_then"])
        rows.append(
            {
                "competency": competency.id,
                "name": competency.name,
                "assessed": len(part),
                "moved_up": int((known["change"] > 0).sum()),
                "moved_down": int((known["change"] < 0).sum()),
                "unchanged": int((known["change"] == 0).sum()),
                "new": len(part) - len(known),
                "mean_then": float(known["level_then"].mean()) if len(known) else float("nan"),
                "mean_now": float(part["level_now"].mean()) if len(part) else float("nan"),
            }
        )
    return pd.DataFrame(rows)


def person_levels_over_time(
    db: DbPath, login: str, as_of: AsOf = None, fw: Framework | None = None
) -> pd.DataFrame:
    """A person's level per competency at each date it was assessed (the level in force
    from that date), for a step chart. Columns: competency, name, assessed_on, level,
    assessor_role. Self-assessments are included and marked by their role."""
    fw = fw or load_framework()
    history = assessments(db, as_of, [login])
    names = {c.id: c.name for c in fw.competencies}
    history = history[history["competency"].isin(names)]
    history = history.assign(name=history["competency"].map(names))
    return history[["competency", "name", "assessed_on", "level", "assessor_role"]].reset_index(
        drop=True
    )


# --- growth goals ---------------------------------------------------------------------


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
    days_left: int | None  # negative: past the deadline
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
        days_left=(deadline - day).days if deadline else None,
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
    levels = current_levels(db, day, (), fw)
    mine = levels[levels["login"] == who.login]
    by_competency = {row.competency: int(row.level) for row in mine.itertuples(index=False)}
    return goal_progress(who.level, by_competency, who.adoption_on, day, fw)


# --- the check-in calendar ------------------------------------------------------------


@dataclass(frozen=True)
class CheckIn:
    due_on: date
    cadence: str  # monthly | quarterly (or "every N months": the steady cadence)
    window_start: date  # a check-in held after this date …
    window_end: date  # … and on or before this one counts for this due date
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

    A check-in counts as held when a conversation (here: a manager's assessment) falls
    after the previous due date + ``GRACE_DAYS`` and on or before this due date +
    ``GRACE_DAYS``. Unheld and more than ``GRACE_DAYS`` past due: overdue; within
    ``GRACE_DAYS`` either side of today: due; later: upcoming.
    """
    day = as_of_day(as_of)
    step = rules.steady_checkin_months
    horizon = add_months(day, max(step, 1))
    dates = checkin_dates(adoption_on, rules, horizon, started_on)
    held_days = sorted(set(held))
    grace = timedelta(days=GRACE_DAYS)
    anchor = adoption_on or (add_months(dates[0][0], -step) if dates else day)
    out: list[CheckIn] = []
    previous = anchor
    shown_upcoming = False
    earliest = add_months(day, -CALENDAR_MONTHS_BACK)
    for due, cadence in dates:
        start, end = previous + grace, due + grace
        previous = due
        inside = [h for h in held_days if start < h <= end and h <= day]
        if inside:
            status, held_on = "held", inside[-1]
        elif day > end:
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


# --- recognitions ---------------------------------------------------------------------


def recognitions(
    db: DbPath, as_of: AsOf = None, logins: Iterable[str] = (), fw: Framework | None = None
) -> pd.DataFrame:
    """Recognitions up to the as-of date, newest first, with the framework's names.

    Columns: login, recognized_on, behaviour, behaviour_name, format, format_name, note,
    pr_url.
    """
    fw = fw or load_framework()
    day = as_of_day(as_of)
    wanted = [login.lower() for login in logins]
    with read_connection(db) as conn:
        frame = conn.execute(
            """
            select login, recognized_on, behaviour, format, note, pr_url
            from recognitions
            where recognized_on <= $day
              and (len($logins) = 0 or list_contains($logins, lower(login)))
            order by recognized_on desc, lower(login), behaviour
            """,
            {"day": day, "logins": wanted},
        ).df()
    behaviours = {b.id: b.name for b in fw.behaviours}
    formats = {f.id: f.name for f in fw.formats}
    frame["behaviour_name"] = frame["behaviour"].map(behaviours).fillna(frame["behaviour"])
    frame["format_name"] = frame["format"].map(formats).fillna(frame["format"])
    return frame[
        [
            "login",
            "recognized_on",
            "behaviour",
            "behaviour_name",
            "format",
            "format_name",
            "note",
            "pr_url",
        ]
    ]


# --- a person's delivery trends beside their team -------------------------------------


def person_trends(
    db: DbPath,
    login: str,
    *,
    as_of: AsOf = None,
    period: str = "month",
    metric_ids: Iterable[str] = ("qact_p50_h", "cycle_time_p50_h", "defect_rate", "merged_prs"),
    compute_kwargs: Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """A person's metrics per period beside the median of their team's members.

    Calls :func:`metrics.compute` (``by='person'``) once and takes, per period, the
    median over the people who are members of the person's team on the as-of date.
    Never a ranking: only the person's own value and the team median are returned.

    Returns:
        Columns period, period_start, metric, value (the person's; NaN when they had no
        data), team_median (the person included), team_people (how many members had
        data), n_prs (the person's merged PRs in the period). Ordered by metric, then
        period.
    """
    from metrics.aggregates import compute

    ids = list(metric_ids)
    columns = ["period", "period_start", "metric", "value", "team_median", "team_people", "n_prs"]
    day = as_of_day(as_of)
    who = person(db, login, day)
    if who is None:
        return pd.DataFrame(columns=columns)
    team = [p.login for p in people(db, day, [who.team])] if who.team else [who.login]
    frame = compute(
        db, as_of=as_of, period=period, by="person", metric_ids=ids, **(compute_kwargs or {})
    )
    frame = frame[frame["group"].isin(team)]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    long = frame.melt(
        id_vars=["group", "period", "period_start"], value_vars=ids, var_name="metric"
    )
    long["value"] = pd.to_numeric(long["value"], errors="coerce")
    stats = long.groupby(["metric", "period", "period_start"], as_index=False)["value"].agg(
        team_median="median", team_people="count"
    )
    mine = long[long["group"] == who.login][["metric", "period", "value"]]
    out = stats.merge(mine, on=["metric", "period"], how="left")
    own = frame[frame["group"] == who.login].set_index("period")["n_prs"]
    out["n_prs"] = out["period"].map(own).fillna(0).astype("int64")
    order = {m: i for i, m in enumerate(ids)}
    out = out.assign(_order=out["metric"].map(order)).sort_values(["_order", "period_start"])
    return out[columns].reset_index(drop=True)
