"""Metrics layer: the people in scope on a day, with their team and adoption start. Read-only.

Never ranks people: they come alphabetical by login.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from metrics.calendar import AsOf, as_of_day
from metrics.competency.phases import adoption_start
from store import DbPath, read_connection


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
