"""Metrics layer: assessments and the competency levels in force on a day. Read-only.

The latest assessment counts; on the same date a manager's wins over a self-assessment.
An assessment dated D counts as of any instant whose UTC date is D or later. Tables come
ordered by login and the framework's competency order, never by a level.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import pandas as pd

from framework import Framework
from framework import framework as load_framework
from metrics import sqlfiles
from metrics.calendar import AsOf, as_of_day, quarter_before
from metrics.competency.phases import team_phases
from store import DbPath, ReadSession, read_connection, read_session

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


_LEVEL_COLUMNS = ["login", "name", "team", "competency", "level", "assessed_on", "assessor_role"]


@dataclass(frozen=True)
class _Scope:
    """Who is in scope on a day and their levels then and a quarter earlier (one query)."""

    logins: list[str]  # everyone in scope, alphabetical (also people not assessed yet)
    levels: pd.DataFrame  # _LEVEL_COLUMNS + level_then; alphabetical, framework order


def _scope(db: DbPath, day: date, teams: Iterable[str], fw: Framework) -> _Scope:
    """The people in scope and their levels on ``day`` and :func:`quarter_before` it.

    On a :class:`store.ReadSession` the result is kept in the session's memo per
    (day, teams, competencies): a report's or a page's many level reads cost one query.
    """
    chosen = tuple(sorted(set(teams or ())))
    key = ("competency.levels", day, chosen, tuple(fw.competency_ids))
    if isinstance(db, ReadSession) and key in db.memo:
        return db.memo[key]  # type: ignore[return-value]
    params = {
        "day": day,
        "then_day": quarter_before(day),
        "teams": list(chosen),
        "competencies": list(fw.competency_ids),
    }
    with read_connection(db) as conn:
        rows = sqlfiles.frame(conn, "competency_levels", params)
    logins = rows["login"].drop_duplicates().tolist()
    assessed = rows[rows["competency"].notna()]
    if assessed.empty:
        levels = pd.DataFrame(columns=[*_LEVEL_COLUMNS, "level_then"])
    else:
        levels = assessed.assign(level=assessed["level"].astype("int32")).reset_index(drop=True)
    found = _Scope(logins, levels)
    if isinstance(db, ReadSession):
        db.memo[key] = found
    return found


def current_levels(
    db: DbPath, as_of: AsOf = None, teams: Iterable[str] = (), fw: Framework | None = None
) -> pd.DataFrame:
    """The level in force per person and competency on the as-of date.

    The latest assessment counts; on the same date a manager's assessment wins over a
    self-assessment. Returns columns login, name, team, competency, level, assessed_on,
    assessor_role — people alphabetical, competencies in the framework's order.
    """
    fw = fw or load_framework()
    levels = _scope(db, as_of_day(as_of), teams, fw).levels
    if levels.empty:
        return pd.DataFrame(columns=_LEVEL_COLUMNS)
    return levels[_LEVEL_COLUMNS].copy()


def _people_by_competency(
    logins: list[str], frame: pd.DataFrame, values: str, fw: Framework
) -> pd.DataFrame:
    """One pivot: ``logins`` (in that order) x the framework's competencies of ``values``."""
    columns = list(fw.competency_ids)
    if frame.empty:
        matrix = pd.DataFrame(index=logins, columns=columns, dtype="float64")
    else:
        matrix = frame.pivot(index="login", columns="competency", values=values)
        matrix = matrix.reindex(index=logins, columns=columns).astype("float64")
    matrix.index.name = "login"
    matrix.columns.name = None
    return matrix


def level_matrix(
    db: DbPath, as_of: AsOf = None, teams: Iterable[str] = (), fw: Framework | None = None
) -> pd.DataFrame:
    """People x competencies of current levels, for a heatmap.

    Index: every login in scope, alphabetical (also people not assessed yet); columns:
    competency ids in the framework's order; values: the level, or NaN when unassessed.
    """
    fw = fw or load_framework()
    scope = _scope(db, as_of_day(as_of), teams, fw)
    return _people_by_competency(scope.logins, scope.levels, "level", fw)


def level_distribution(
    db: DbPath, as_of: AsOf = None, teams: Iterable[str] = (), fw: Framework | None = None
) -> pd.DataFrame:
    """How many people stand at each level of each competency (zeros included).

    Columns: competency, level, level_name, people; framework order, then level.
    """
    fw = fw or load_framework()
    levels = _scope(db, as_of_day(as_of), teams, fw).levels
    counts = levels.groupby(["competency", "level"]).size() if len(levels) else pd.Series()
    cells = pd.MultiIndex.from_product(
        [list(fw.competency_ids), list(fw.level_numbers)], names=["competency", "level"]
    )
    frame = counts.reindex(cells, fill_value=0).astype("int64").rename("people").reset_index()
    frame.insert(2, "level_name", frame["level"].map(fw.level_name))
    return frame[["competency", "level", "level_name", "people"]]


def level_changes(
    db: DbPath, as_of: AsOf = None, teams: Iterable[str] = (), fw: Framework | None = None
) -> pd.DataFrame:
    """Each person's level per competency now and one quarter earlier (:func:`quarter_before`).

    Columns: login, competency, level_then (NaN: not assessed then), level_now, change
    (now - then; NaN when there is no earlier level). Alphabetical, framework order.
    """
    fw = fw or load_framework()
    levels = _scope(db, as_of_day(as_of), teams, fw).levels
    changes = pd.DataFrame(
        {
            "login": levels["login"],
            "competency": levels["competency"],
            "level_then": levels["level_then"].astype("float64"),
            "level_now": levels["level"].astype("float64"),
        }
    )
    changes["change"] = changes["level_now"] - changes["level_then"]
    return changes.reset_index(drop=True)


def change_matrix(
    db: DbPath, as_of: AsOf = None, teams: Iterable[str] = (), fw: Framework | None = None
) -> pd.DataFrame:
    """People x competencies of the change over the last quarter (like
    :func:`level_matrix`: everyone alphabetical; NaN where there is no earlier level)."""
    fw = fw or load_framework()
    day = as_of_day(as_of)
    logins = _scope(db, day, teams, fw).logins
    return _people_by_competency(logins, level_changes(db, day, teams, fw), "change", fw)


def change_summary(
    db: DbPath, as_of: AsOf = None, teams: Iterable[str] = (), fw: Framework | None = None
) -> pd.DataFrame:
    """Per competency, how the team's levels moved over the last quarter.

    Columns: competency, name, assessed (people with a level now), moved_up, moved_down,
    unchanged, new (no level last quarter), mean_then, mean_now. Framework order.
    """
    fw = fw or load_framework()
    changes = level_changes(db, as_of, teams, fw)
    known = changes["level_then"].notna()
    flags = pd.DataFrame(
        {
            "competency": changes["competency"],
            "assessed": 1,
            "moved_up": known & (changes["change"] > 0),
            "moved_down": known & (changes["change"] < 0),
            "unchanged": known & (changes["change"] == 0),
            "new": ~known,
            "mean_then": changes["level_then"],  # NaN (skipped by mean) where not known
            "mean_now": changes["level_now"],
        }
    )
    counts = ["assessed", "moved_up", "moved_down", "unchanged", "new"]
    grouped = flags.groupby("competency")
    summary = grouped[counts].sum().join(grouped[["mean_then", "mean_now"]].mean())
    summary = summary.reindex(list(fw.competency_ids))
    summary[counts] = summary[counts].fillna(0).astype("int64")
    summary[["mean_then", "mean_now"]] = summary[["mean_then", "mean_now"]].astype("float64")
    summary.insert(0, "name", [c.name for c in fw.competencies])
    return summary.rename_axis("competency").reset_index()


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


@dataclass(frozen=True)
class CompetencyPage:
    """What the Competencies page shows for a selection, from one read of the store."""

    matrix: pd.DataFrame  # :func:`level_matrix`: everyone in scope, alphabetical
    change_matrix: pd.DataFrame  # :func:`change_matrix`
    distribution: pd.DataFrame  # :func:`level_distribution` of the whole selection
    changes: pd.DataFrame  # :func:`change_summary` of the whole selection
    phases: pd.DataFrame  # :func:`metrics.competency.team_phases`


def competency_page(
    db: DbPath, as_of: AsOf = None, teams: Iterable[str] = (), fw: Framework | None = None
) -> CompetencyPage:
    """The level and change matrices, the distribution, the change summary and the teams'
    phases on the as-of date, on one connection and from one level query."""
    fw = fw or load_framework()
    day = as_of_day(as_of)
    with read_session(db) as session:
        return CompetencyPage(
            matrix=level_matrix(session, day, teams, fw),
            change_matrix=change_matrix(session, day, teams, fw),
            distribution=level_distribution(session, day, teams, fw),
            changes=change_summary(session, day, teams, fw),
            phases=team_phases(session, teams, fw, as_of=day),
        )
