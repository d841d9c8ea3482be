"""Metrics layer: who may see what — the access policy, pure, and the two reads it rests on.

The viewer is an account of the ``access`` table (``teamlens import access``): its role,
the person it is (``login``) and the teams it may see. The policy answers from that alone
(and from the roster of the page's as-of day, login -> team): which pages, which teams,
which people, whether a person page or packet may be shown, whether an assessment or a
recognition may be written for someone, whether the executive summary may be read.

* **engineer**: their own Person page and review packet, their own team's team pages,
  a self-assessment; nothing about another person (no Competencies matrix either: it
  lists people).
* **manager**: the teams they lead and the people in them (Person, Quarterly review,
  the assessment and recognition forms), team pages for those teams; themselves too
  when the account names their login.
* **executive**: the Executive summary (organization figures, groups of 5 or more) and
  How we measure; no person, no team page, no packet.
* **admin**: everything, plus Data sources (the access list and the audit).
* an account in no access row: :data:`NO_ACCESS` — only the "ask your admin" page.

Without sign-in configured the app runs in local mode: :data:`LOCAL`, an admin.
Read-only: never imports ingest or streamlit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

from store import DbPath, read_connection

ROLES = ("engineer", "manager", "executive", "admin")
ALL_PAGES = (
    "overview",
    "team_trends",
    "competencies",
    "person",
    "quarterly_review",
    "executive_summary",
    "how_we_measure",
    "data_sources",
)
_PEOPLE_PAGES = ("overview", "team_trends", "competencies", "person", "quarterly_review")
PAGES_BY_ROLE: dict[str, frozenset[str]] = {
    "engineer": frozenset((*_PEOPLE_PAGES, "how_we_measure")),
    "manager": frozenset((*_PEOPLE_PAGES, "how_we_measure")),
    "executive": frozenset(("overview", "executive_summary", "how_we_measure")),
    "admin": frozenset(ALL_PAGES),
}
ASK_ADMIN = "ask_admin"  # the one page of an account in no access row


@dataclass(frozen=True)
class Viewer:
    """Who is looking: a signed-in account (or the local user), its role and scope."""

    email: str
    role: str | None  # None: the account is in no access row
    login: str | None = None  # the person the account is
    teams: tuple[str, ...] = ()  # a manager's led teams; an engineer's own current team(s)
    local: bool = False  # local mode: no sign-in configured

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


LOCAL = Viewer("local", "admin", local=True)


def no_access(email: str) -> Viewer:
    """A signed-in account that is in no access row."""
    return Viewer(email, None)


def pages(viewer: Viewer) -> frozenset[str]:
    """The page stems (ui.PAGES' stems, and "overview") the viewer may open."""
    if viewer.role is None:
        return frozenset((ASK_ADMIN,))
    return PAGES_BY_ROLE[viewer.role]


def may_open(viewer: Viewer, stem: str) -> bool:
    return stem in pages(viewer)


def teams(viewer: Viewer, known: Iterable[str]) -> tuple[str, ...]:
    """The teams the viewer may pick among ``known`` (admin: all; executive: none)."""
    known = tuple(known)
    if viewer.is_admin:
        return known
    if viewer.role in ("manager", "engineer"):
        return tuple(t for t in known if t in viewer.teams)
    return ()


def whole_organization(viewer: Viewer) -> bool:
    """Whether team pages may show the whole organization (no team chosen)."""
    return viewer.is_admin


def people(viewer: Viewer, roster: Mapping[str, str | None]) -> list[str]:
    """The logins of ``roster`` (login -> team on the page's day) the viewer may see, in
    the roster's order."""
    return [login for login, team in roster.items() if _sees(viewer, login, team)]


def _sees(viewer: Viewer, login: str, team: str | None) -> bool:
    if viewer.is_admin:
        return True
    own = viewer.login is not None and login.lower() == viewer.login.lower()
    if viewer.role == "engineer":
        return own
    if viewer.role == "manager":
        return own or (team is not None and team in viewer.teams)
    return False


def may_see_person(viewer: Viewer, login: str, roster: Mapping[str, str | None]) -> bool:
    """Whether the viewer may open ``login``'s Person page and review packet."""
    if login in roster:  # one lookup: the forms ask this of every person in the roster
        return _sees(viewer, login, roster[login])
    wanted = login.lower()
    match = next(((k, v) for k, v in roster.items() if k.lower() == wanted), None)
    return match is not None and _sees(viewer, *match)


def assessor_roles(viewer: Viewer, login: str, roster: Mapping[str, str | None]) -> list[str]:
    """The assessor roles ("manager", "self") the viewer may write for ``login``; [] when
    it may write none. An engineer writes a self-assessment; a manager assesses the
    people of their teams (and themselves, as self); an admin either."""
    if not may_see_person(viewer, login, roster) or viewer.role == "executive":
        return []
    if viewer.is_admin:
        return ["manager", "self"]
    own = viewer.login is not None and login.lower() == viewer.login.lower()
    return ["self"] if own else (["manager"] if viewer.role == "manager" else [])


def may_write_assessment_for(
    viewer: Viewer, login: str, roster: Mapping[str, str | None], assessor_role: str
) -> bool:
    return assessor_role in assessor_roles(viewer, login, roster)


def may_write_recognition_for(viewer: Viewer, login: str, roster: Mapping[str, str | None]) -> bool:
    """Admins and the managers of ``login``'s team (never for themselves)."""
    if viewer.is_admin:
        return may_see_person(viewer, login, roster)
    own = viewer.login is not None and login.lower() == viewer.login.lower()
    return viewer.role == "manager" and not own and may_see_person(viewer, login, roster)


def may_see_team_matrix(viewer: Viewer) -> bool:
    """The Competencies page's per-person matrix and tables (they list people)."""
    return viewer.role in ("manager", "admin")


def may_see_executive_summary(viewer: Viewer) -> bool:
    return viewer.role in ("executive", "admin")


def may_administer(viewer: Viewer) -> bool:
    """Data sources: the stored data, uploads, the access list and the audit."""
    return viewer.is_admin


# --- reads ----------------------------------------------------------------------------


def viewer_for(db: DbPath, email: str) -> Viewer:
    """The viewer of a signed-in account, by its e-mail (case-insensitive); an account in
    no access row gets :func:`no_access`. An engineer's teams are their current team(s)."""
    folded = email.strip().lower()
    with read_connection(db) as conn:
        row = conn.execute(
            "select role, login, teams from access where email = ?", [folded]
        ).fetchone()
        if row is None:
            return no_access(folded)
        role, login, led = row
        if role == "engineer":
            found = conn.execute(
                "select team from team_memberships where lower(login) = lower(?) "
                "and valid_to is null order by team",
                [login],
            ).fetchall()
            led = [team for (team,) in found]
    return Viewer(folded, role, login, tuple(led or ()))


def access_list(db: DbPath) -> pd.DataFrame:
    """The access list, by e-mail: email, role, login, teams (space-separated)."""
    with read_connection(db) as conn:
        frame = conn.execute(
            "select email, role, login, array_to_string(teams, '; ') as teams "
            "from access order by email"
        ).df()
    return frame


def audit_log(db: DbPath, limit: int = 500) -> pd.DataFrame:
    """The latest ``limit`` audit rows, newest first: at, email, action, subject."""
    with read_connection(db) as conn:
        return conn.execute(
            'select "at", email, action, subject from audit order by "at" desc limit ?',
            [limit],
        ).df()
