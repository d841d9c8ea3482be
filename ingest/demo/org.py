"""Ingest layer (demo): the demo organization's calendar, teams, repositories and people.

Pure data and small pandas frames; no store access, no metric. The vocabulary (teams,
levels, calendar) is fixed here so every layer and test can rely on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import numpy as np
import pandas as pd

# The demo's fixed calendar: 12 months of activity, and the moment it was "fetched".
START = datetime(2025, 11, 21, tzinfo=UTC)
END = datetime(2026, 11, 20, 23, 59, 59, tzinfo=UTC)
FETCHED_AT = END
N_DAYS = (END.date() - START.date()).days + 1  # 365
START_S = int(START.timestamp())
END_S = int(END.timestamp())
DAY_S = 86_400
HOUR_S = 3_600

ORG = "acme"
LEVELS = ("junior", "mid", "senior", "staff")


@dataclass(frozen=True)
class Team:
    """A demo team: its AI adoption date, its repositories (with PR shares) and its manager."""

    name: str
    adoption: date
    repos: tuple[tuple[str, float], ...]
    manager: str


# Adoption dates are staggered Mondays; Growth (the team of 4) adopts last.
TEAMS: tuple[Team, ...] = (
    Team(
        "Payments",
        date(2026, 2, 2),
        (("payments-api", 0.65), ("payments-ledger", 0.35)),
        "carla-reyes",
    ),
    Team("Platform", date(2026, 3, 2), (("platform-infra", 1.0),), "jonas-weber"),
    Team("Mobile", date(2026, 4, 6), (("mobile-app", 1.0),), "nadia-karim"),
    Team("Data", date(2026, 6, 1), (("data-pipeline", 1.0),), "peter-olsen"),
    Team("Growth", date(2026, 7, 6), (("growth-web", 1.0),), "maya-cohen"),
)
TEAM_INDEX = {team.name: i for i, team in enumerate(TEAMS)}

# Repositories existed before the demo year: their issue/PR numbers start above these.
REPO_NUMBER_OFFSET = {
    "payments-api": 1400,
    "payments-ledger": 310,
    "platform-infra": 2200,
    "mobile-app": 3100,
    "data-pipeline": 870,
    "growth-web": 520,
}
REPOS: tuple[str, ...] = tuple(f"{ORG}/{name}" for name in REPO_NUMBER_OFFSET)
REPO_INDEX = {repo: i for i, repo in enumerate(REPOS)}

# (login, name, level, team, started_on). Edge cases on purpose: a person who moves team
# mid-year, a hire who starts in May, a leaver, non-ASCII names, a mixed-case login.
PEOPLE: tuple[tuple[str, str, str, str, date], ...] = (
    ("priya-raman", "Priya Raman", "staff", "Payments", date(2016, 4, 11)),
    ("tkowalski", "Tomasz Kowalski", "senior", "Payments", date(2019, 9, 2)),
    ("amara-okafor", "Amara Okafor", "senior", "Payments", date(2020, 1, 13)),
    ("jchen", "Jia Chen", "mid", "Payments", date(2022, 3, 7)),
    ("lucia-fernandez", "Lucía Fernández", "mid", "Payments", date(2022, 8, 15)),
    ("dan-oconnor", "Dan O'Connor", "mid", "Payments", date(2021, 11, 1)),
    ("erikl", "Erik Lund", "mid", "Payments", date(2023, 2, 20)),
    ("sam-patel", "Sam Patel", "junior", "Payments", date(2025, 6, 2)),
    ("noor-haddad", "Noor Haddad", "junior", "Payments", date(2025, 9, 8)),
    ("hlindqvist", "Hanna Lindqvist", "staff", "Platform", date(2015, 5, 4)),
    ("marcus-bell", "Marcus Bell", "senior", "Platform", date(2018, 10, 1)),
    ("yuki-tanaka", "Yuki Tanaka", "senior", "Platform", date(2019, 6, 17)),
    ("ojones", "Owain Jones", "senior", "Platform", date(2020, 7, 6)),
    ("rafael-souza", "Rafael Souza", "mid", "Platform", date(2022, 1, 10)),
    ("kim-nguyen", "Kim Nguyen", "mid", "Platform", date(2022, 9, 5)),
    ("bstone", "Bea Stone", "mid", "Platform", date(2023, 4, 3)),
    ("ada-mensah", "Ada Mensah", "junior", "Platform", date(2025, 5, 12)),
    ("leo-fischer", "Leo Fischer", "junior", "Platform", date(2025, 8, 25)),
    ("zoe-angstrom", "Zoë Ångström", "senior", "Mobile", date(2018, 3, 19)),
    ("diego-morales", "Diego Morales", "senior", "Mobile", date(2019, 11, 4)),
    ("fatima-zahra", "Fatima Zahra", "mid", "Mobile", date(2021, 6, 14)),
    ("ivan-petrov", "Ivan Petrov", "mid", "Mobile", date(2022, 2, 28)),
    ("grace-kim", "Grace Kim", "mid", "Mobile", date(2022, 10, 17)),
    ("tomasr", "Tomás Ruiz", "mid", "Mobile", date(2021, 4, 5)),
    ("mia-rossi", "Mia Rossi", "junior", "Mobile", date(2025, 4, 7)),
    ("owen-clarke", "Owen Clarke", "junior", "Mobile", date(2025, 7, 14)),
    ("ines-silva", "Inês Silva", "junior", "Mobile", date(2025, 9, 29)),
    ("wei-zhang", "Wei Zhang", "staff", "Data", date(2014, 8, 18)),
    ("kofi-asante", "Kofi Asante", "senior", "Data", date(2018, 1, 8)),
    ("elena-popescu", "Elena Popescu", "senior", "Data", date(2019, 4, 22)),
    ("arjun-mehta", "Arjun Mehta", "mid", "Data", date(2021, 9, 13)),
    ("sofia-garcia", "Sofía García", "mid", "Data", date(2022, 5, 30)),
    ("nils-berg", "Nils Berg", "mid", "Data", date(2021, 1, 18)),
    ("chloe-martin", "Chloé Martin", "junior", "Data", date(2025, 3, 3)),
    ("ravi-iyer", "Ravi Iyer", "junior", "Data", date(2025, 8, 4)),
    ("jose-nunez", "José Núñez", "junior", "Data", date(2026, 5, 4)),
    ("lena-vogel", "Lena Vogel", "senior", "Growth", date(2019, 2, 11)),
    ("kwame-boateng", "Kwame Boateng", "mid", "Growth", date(2022, 6, 20)),
    ("RosaDelgado", "Rosa Delgado", "mid", "Growth", date(2023, 1, 9)),
    ("tariq-aziz", "Tariq Aziz", "junior", "Growth", date(2025, 10, 6)),
)

MOVER = ("dan-oconnor", "Data", date(2026, 6, 15))  # leaves Payments for Data on this day
LEAVER = ("nils-berg", date(2026, 9, 1))  # last day 2026-08-31 (valid_to is exclusive)
STAGNANT = frozenset({"tomasr", "chloe-martin"})  # no growth toward their goals this year

BOTS: tuple[tuple[str, str], ...] = (
    ("dependabot[bot]", "Dependabot"),
    ("github-actions[bot]", "GitHub Actions"),
)
DEPENDABOT = "dependabot[bot]"
ACTIONS_BOT = "github-actions[bot]"
GHOST = "ghost"

# PRs per weekday by level before any multiplier (relative; calibrated to the PR target).
LEVEL_RATE = {"junior": 0.50, "mid": 0.62, "senior": 0.60, "staff": 0.42}
# How much more often a level is asked to review.
LEVEL_REVIEW_WEIGHT = {"junior": 0.5, "mid": 1.0, "senior": 1.6, "staff": 1.3}


def day_number(d: date) -> int:
    """Days from START to ``d`` (0 on the first day of the demo year)."""
    return (d - START.date()).days


def day_of(month: int, day: int) -> int:
    """The day number of the first ``month``/``day`` within the demo year."""
    first = date(START.year, month, day)
    if first < START.date():
        first = date(START.year + 1, month, day)
    return day_number(first)


@dataclass(frozen=True)
class Roster:
    """The people of the (possibly scaled) organization as arrays, index-aligned.

    ``first_day``/``last_day`` bound when a person is active (day numbers from START,
    inclusive/exclusive); ``team_before``/``team_after`` with ``switch_day`` give the
    team on any day (only the mover has ``team_before != team_after``).
    """

    login: np.ndarray
    name: np.ndarray
    level: np.ndarray  # index into LEVELS
    started_on: np.ndarray  # datetime64[D]
    first_day: np.ndarray
    last_day: np.ndarray
    team_before: np.ndarray
    team_after: np.ndarray
    switch_day: np.ndarray
    stagnant: np.ndarray  # bool

    @property
    def size(self) -> int:
        return len(self.login)

    def team_on(self, person: np.ndarray, day: np.ndarray) -> np.ndarray:
        """The team index of each ``person`` on each ``day``."""
        return np.where(
            day >= self.switch_day[person], self.team_after[person], self.team_before[person]
        )


@dataclass(frozen=True)
class Copy:
    """One copy of the organization (``teamlens demo --prs N`` builds several) and its names.

    Copy 1 is the demo itself, its names as above. Copy ``k`` (k >= 2) has the same five
    teams, repositories and people with ``k`` in their names, zero-padded to the width of
    the largest copy number so that sorted lists keep the copies in order: at 167 copies,
    team ``Payments 002``, repository ``acme/payments-api-002``, login ``priya-raman-002``,
    name ``Priya Raman 002``; at 2 to 9 copies plain ``Payments 2``.
    """

    number: int = 1  # 1-based
    of: int = 1  # how many copies the organization has

    @property
    def suffix(self) -> str:
        """The copy number as written in its names ('' for copy 1)."""
        return "" if self.number == 1 else f"{self.number:0{len(str(self.of))}d}"

    def team(self, team: str) -> str:
        return f"{team} {self.suffix}" if self.suffix else team

    def login(self, login: str) -> str:
        return f"{login}-{self.suffix}" if self.suffix else login

    def person(self, name: str) -> str:
        return f"{name} {self.suffix}" if self.suffix else name

    def repo(self, repo: str) -> str:
        return f"{repo}-{self.suffix}" if self.suffix else repo

    @property
    def repos(self) -> tuple[str, ...]:
        """The copy's repositories, in the order of :data:`REPOS`."""
        return tuple(self.repo(r) for r in REPOS)

    @property
    def teams(self) -> tuple[str, ...]:
        """The copy's team names, in the order of :data:`TEAMS`."""
        return tuple(self.team(t.name) for t in TEAMS)


FIRST = Copy()


def roster(copy: Copy = FIRST) -> Roster:
    """The people of one copy of the organization (named as the copy names them)."""
    logins, names, levels, started, first, last, t_before, t_after, switch, stag = (
        [] for _ in range(10)
    )
    for login, name, level, team, started_on in PEOPLE:
        logins.append(copy.login(login))
        names.append(copy.person(name))
        levels.append(LEVELS.index(level))
        started.append(np.datetime64(started_on, "D"))
        first.append(max(0, day_number(started_on)))
        last.append(day_number(LEAVER[1]) if login == LEAVER[0] else N_DAYS)
        t_before.append(TEAM_INDEX[team])
        if login == MOVER[0]:
            t_after.append(TEAM_INDEX[MOVER[1]])
            switch.append(day_number(MOVER[2]))
        else:
            t_after.append(TEAM_INDEX[team])
            switch.append(N_DAYS + 1)
        stag.append(login in STAGNANT)
    return Roster(
        login=np.array(logins, dtype=object),
        name=np.array(names, dtype=object),
        level=np.array(levels),
        started_on=np.array(started, dtype="datetime64[D]"),
        first_day=np.array(first),
        last_day=np.array(last),
        team_before=np.array(t_before),
        team_after=np.array(t_after),
        switch_day=np.array(switch),
        stagnant=np.array(stag),
    )


def org_frames(people: Roster, copy: Copy = FIRST) -> dict[str, pd.DataFrame]:
    """repositories, teams, team_repositories, people and team_memberships as frames (the
    bots are people of copy 1 only: every copy's bot PRs are theirs)."""
    repos = copy.repos
    repositories = pd.DataFrame(
        {
            "repo": list(repos),
            "owner": ORG,
            "name": [r.split("/", 1)[1] for r in repos],
            "url": [f"https://github.com/{r}" for r in repos],
        }
    )
    repositories["source_url"] = repositories["url"]
    teams = pd.DataFrame(
        {
            "team": list(copy.teams),
            "ai_adoption_date": np.array([t.adoption for t in TEAMS], dtype="datetime64[D]"),
        }
    )
    team_repos = pd.DataFrame(
        [
            {"team": copy.team(t.name), "repo": copy.repo(f"{ORG}/{name}")}
            for t in TEAMS
            for name, _ in t.repos
        ]
    )
    humans = pd.DataFrame(
        {
            "login": people.login,
            "name": people.name,
            "level": np.array(LEVELS, dtype=object)[people.level],
            "started_on": people.started_on,
            "is_bot": False,
        }
    )
    bots = pd.DataFrame(
        {
            "login": [b[0] for b in BOTS],
            "name": [b[1] for b in BOTS],
            "level": None,
            "started_on": np.array(["NaT"] * len(BOTS), dtype="datetime64[D]"),
            "is_bot": True,
        }
    )
    people_frame = pd.concat([humans, bots], ignore_index=True) if copy.number == 1 else humans
    team_names = np.array(copy.teams, dtype=object)
    start_day = np.datetime64(START.date(), "D")
    nat = np.datetime64("NaT", "D")
    moved = people.switch_day <= N_DAYS
    left = people.last_day < N_DAYS
    switch_dates = start_day + people.switch_day.astype("timedelta64[D]")
    leave_dates = start_day + people.last_day.astype("timedelta64[D]")
    first_rows = pd.DataFrame(
        {
            "login": people.login,
            "team": team_names[people.team_before],
            "valid_from": people.started_on,
            "valid_to": np.where(moved, switch_dates, np.where(left, leave_dates, nat)),
        }
    )
    second_rows = pd.DataFrame(
        {
            "login": people.login[moved],
            "team": team_names[people.team_after[moved]],
            "valid_from": switch_dates[moved],
            "valid_to": np.full(int(moved.sum()), nat),
        }
    )
    memberships = pd.concat([first_rows, second_rows], ignore_index=True)
    return {
        "repositories": repositories,
        "teams": teams,
        "team_repositories": team_repos,
        "people": people_frame,
        "team_memberships": memberships,
    }
