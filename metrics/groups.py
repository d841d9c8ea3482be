"""Metrics layer: groups big enough to be shown on their own, and "Other". Read-only.

METRICS.md ("People"): an executive view shows groups only and merges any group with
fewer than ``settings.small_group_min_people`` people into "Other". A group's size is
its members on the as-of date (``group_people``); its delivery figures must also rest on
that many distinct authors in the period (``group_authors``), or on none — five members
of whom four shipped anything would otherwise show those four people's figures.
Groups come alphabetical, "Other" last; never ranked.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from metrics import competency
from metrics.aggregates import COVERAGE_COLUMNS, ORG_GROUP, compute
from metrics.compare import period_rows, period_values, pick, values_of
from metrics.facts import fact_connection, parse_as_of
from settings import Settings, settings
from store import DbPath

OTHER = "Other"
UNASSIGNED = "Unassigned"

_AUTHORS_SQL = """
    select team, count(distinct lower(author_login)) as authors
    from tl_pr_facts
    where merged_at::date >= $first_day and merged_at::date <= $last_day
    group by team
    order by team
"""


@dataclass(frozen=True)
class GroupFigures:
    """One group of the executive view: its size, its authors, its figures."""

    group: str
    group_people: int  # members on the as-of date
    group_authors: int  # distinct authors of the group's PRs merged in the period
    figures: Mapping[str, float | None] = field(default_factory=dict)  # metric id -> value
    # what the figures rest on (metrics.COVERAGE_COLUMNS: attribution by method included)
    coverage: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ShownGroups:
    """The groups that may be shown, and what was merged (or left out) to keep them so."""

    rows: tuple[GroupFigures, ...]  # teams big enough, alphabetical; then "Other" if shown
    min_people: int
    small_groups: int  # teams too small to show on their own (Unassigned included)
    small_people: int  # their members
    small_authors: int  # distinct authors of their PRs in the period
    other_shown: bool  # whether they are shown merged as "Other"
    # Teams big enough on their own but merged into "Other" too: without them "Other"
    # would be too small, and leaving the small teams out would let anyone work their
    # figures out by subtracting the shown teams from the organization's.
    folded: tuple[str, ...] = ()
    is_org_shown: bool = True  # the organization itself is big enough for any figure
    org_people: int = 0
    org_authors: int = 0
    # Teams big enough but merged into "Other" because only the ``max_groups`` largest are
    # shown on their own (a board page cannot list hundreds of teams)
    beyond: tuple[str, ...] = ()


def is_shown(people: int, authors: int, min_people: int | None = None) -> bool:
    """Whether a group may appear on its own: at least ``min_people`` members, and its
    delivery figures rest on at least ``min_people`` authors (or on none: no figures).

    ``min_people`` defaults to ``settings.small_group_min_people``.
    """
    least = settings().small_group_min_people if min_people is None else min_people
    return people >= least and (authors == 0 or authors >= least)


def group_sizes(db: DbPath, as_of: datetime | date | str | None = None) -> dict[str, int]:
    """``group_people``: members per team on the as-of date (no team: "Unassigned")."""
    return dict(Counter(p.team or UNASSIGNED for p in competency.people(db, as_of)))


def group_authors(
    db: DbPath,
    as_of: datetime | date | str | None,
    merged_on: tuple[date, date],
    config: Settings | None = None,
) -> dict[str, int]:
    """``group_authors``: distinct authors (case-insensitive) of each team's PRs merged on
    the UTC days ``merged_on`` (first and last included), as of ``as_of``."""
    first, last = merged_on
    with fact_connection(db, parse_as_of(as_of), config) as conn:
        rows = conn.execute(_AUTHORS_SQL, {"first_day": first, "last_day": last}).fetchall()
    return {team: int(count) for team, count in rows}


def _author_logins(
    db: DbPath, as_of: datetime, merged_on: tuple[date, date], teams: Iterable[str], config
) -> int:
    """Distinct authors over several teams together (one person may have moved teams)."""
    chosen = list(teams)
    if not chosen:
        return 0
    with fact_connection(db, as_of, config) as conn:
        rows = conn.execute(
            "select count(distinct lower(author_login)) from tl_pr_facts"
            " where merged_at::date >= $first_day and merged_at::date <= $last_day"
            " and list_contains($teams, team)",
            {"first_day": merged_on[0], "last_day": merged_on[1], "teams": chosen},
        ).fetchall()
    return int(rows[0][0])


def shown_groups(
    db: DbPath,
    as_of: datetime | date | str | None,
    *,
    period: str,
    period_label: str,
    merged_on: tuple[date, date],
    metric_ids: Iterable[str],
    min_people: int | None = None,
    max_groups: int | None = None,
    config: Settings | None = None,
) -> ShownGroups:
    """One row per team that may be shown, then "Other" (the rest merged), each with
    ``metric_ids`` for the period ``period_label``. No group under ``min_people`` can be
    seen or worked out:

    * an organization under ``min_people`` (people, or authors in the period) shows no
      group and no figure at all (``is_org_shown`` False);
    * the small teams are merged into "Other" when it is big enough; when it is not, the
      smallest shown teams are merged in with them (``folded``) until it is, because the
      organization's figures minus the shown teams' would otherwise be the small teams';
    * when every team ends up merged, "Other" would be the organization again: no group
      row is shown.

    Args:
        period, period_label: the :func:`metrics.compute` period and the row's label.
        merged_on: the period's first and last UTC day (for ``group_authors``).
        min_people: the smallest group shown (default ``settings.small_group_min_people``).
        max_groups: show at most this many teams on their own, the largest by people (then
            authors, then name: size, never a figure), the others merged into "Other".
    """
    config = config or settings()
    least = config.small_group_min_people if min_people is None else min_people
    moment = parse_as_of(as_of)
    ids = list(metric_ids)
    sizes = group_sizes(db, moment)
    authors = group_authors(db, moment, merged_on, config)
    teams = sorted(set(sizes) | set(authors))

    def people_of(chosen: Iterable[str]) -> int:
        return sum(sizes.get(t, 0) for t in chosen)

    def authors_of(chosen: list[str]) -> int:
        return _author_logins(db, moment, merged_on, chosen, config)

    org_people, org_authors = people_of(teams), authors_of(teams)
    if not is_shown(org_people, org_authors, least):
        return ShownGroups((), least, 0, 0, 0, False, (), False, org_people, org_authors)
    big = [
        t for t in teams if t != UNASSIGNED and is_shown(sizes.get(t, 0), authors.get(t, 0), least)
    ]
    small = [t for t in teams if t not in big and (sizes.get(t, 0) or authors.get(t, 0))]
    folded: list[str] = []
    while (
        small and big and not is_shown(people_of(small + folded), authors_of(small + folded), least)
    ):
        smallest = min(big, key=lambda t: (sizes.get(t, 0), authors.get(t, 0), t))
        big.remove(smallest)
        folded.append(smallest)
    beyond: list[str] = []
    if max_groups is not None and len(big) > max_groups:
        by_size = sorted(big, key=lambda t: (-sizes.get(t, 0), -authors.get(t, 0), t))
        beyond = sorted(by_size[max_groups:])
        big = sorted(by_size[:max_groups])
    hidden = sorted(small + folded + beyond)
    other_shown = bool(small or beyond) and bool(big)
    by_team = compute(db, as_of=moment, period=period, by="team", metric_ids=ids, config=config)
    by_group = period_rows(by_team, period_label)
    rows = [
        GroupFigures(
            t,
            sizes.get(t, 0),
            authors.get(t, 0),
            values_of(by_group.get(t, {}), ids),
            pick(by_group.get(t, {}), COVERAGE_COLUMNS),
        )
        for t in big
    ]
    if other_shown:
        merged = compute(
            db,
            as_of=moment,
            period=period,
            by="org",
            metric_ids=ids,
            teams=hidden,
            config=config,
        )
        figures = values_of(period_values(merged, ORG_GROUP, period_label), ids)
        coverage = period_values(merged, ORG_GROUP, period_label, COVERAGE_COLUMNS)
        rows.append(GroupFigures(OTHER, people_of(hidden), authors_of(hidden), figures, coverage))
    return ShownGroups(
        tuple(rows),
        least,
        len(small),
        people_of(small),
        authors_of(small),
        other_shown,
        tuple(sorted(folded)),
        True,
        org_people,
        org_authors,
        tuple(beyond),
    )
