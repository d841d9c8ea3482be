"""Metrics layer: assessments and the competency levels in force on a day. Read-only.

The latest assessment counts; on the same date a manager's wins over a self-assessment.
An assessment dated D counts as of any instant whose UTC date is D or later. Tables come
ordered by login and the framework's competency order, never by a level.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import pandas as pd

from framework import Framework
from framework import framework as load_framework
from metrics.calendar import AsOf, as_of_day, quarter_before
from metrics.competency.people import people
from store import DbPath, read_connection

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
