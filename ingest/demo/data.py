"""Ingest layer: the demo organization's rows, generated (pure: no database).

``generate(seed, n_prs)`` returns one DataFrame per store table, numpy-vectorised; the
organization grows by copies of itself (see :mod:`ingest.demo`). :mod:`ingest.demo`
writes them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ingest.demo import activity, curves, frames, growth, history, org
from settings import InputError
from store.schema import GIT_TABLES, USER_TABLES

SOURCE = "demo"
BASE_PRS = 6000  # merged PRs of the base organization (every kind)
BASE_SHARE = 0.905  # of them, ordinary PRs by people (the rest: fixes, reverts, bots)
MERGE_SHARE = 0.955  # ordinary PRs that end merged within the year
# Of the reports with a cause, the share whose text names it ("Introduced by #N"); the
# others are traced through the git history (drawn apart from the rest, so the
# organization's other draws stay as they were).
P_NAMED = 0.4
# teamlens demo --prs N: the sizes it builds (merged PRs, about), and the PRs generated and
# inserted at a time on the fast path.
MIN_PRS, MAX_PRS = 100, 5_000_000
BATCH_PRS = 60_000
# DuckDB's memory on the fast path (see _memory_limit_mb): at least MEMORY_MB, else this
# much per 1,000 PRs (a million PRs need about 1 GB for the indexes at the commit).
MEMORY_MB, MEMORY_MB_PER_1000_PRS = 2_048, 2

# Tables generated as frames, in write order (parents before children): every user table
# but the links (the writer reads them from text), sync state (written once at the end) and
# the git history tables (read from the demo's git history by teamlens ingest git's code).
TABLES = tuple(t for t in USER_TABLES if t not in ("links", "sync_state", *GIT_TABLES))
# Tables whose rows carry a provenance source (everything the store holds but meta).
SOURCED_TABLES = (*TABLES, "links", "sync_state", *GIT_TABLES)


class BadSize(InputError):  # noqa: N818 (reads as the CLI's message)
    """A size of the demo organization it cannot build."""


def check_prs(n_prs: object) -> int:
    """``n_prs`` as a size the demo builds (a whole number from MIN_PRS to MAX_PRS).

    Raises:
        BadSize: anything else, in one line naming ``--prs``.
    """
    whole = isinstance(n_prs, int | np.integer) and not isinstance(n_prs, bool)
    if not whole or not MIN_PRS <= int(n_prs) <= MAX_PRS:
        raise BadSize(
            f"--prs {n_prs}: the demo builds a whole number of merged PRs from {MIN_PRS:,} "
            f"to {MAX_PRS:,}"
        )
    return int(n_prs)


@dataclass(frozen=True)
class Size:
    """How big a demo organization is: about ``n_prs`` merged PRs in ``copies`` copies."""

    n_prs: int = BASE_PRS
    copies: int = 1

    @property
    def per_copy(self) -> float:
        """Merged PRs per copy (about)."""
        return self.n_prs / self.copies

    def each(self) -> Iterator[org.Copy]:
        """The copies, copy 1 first."""
        return (org.Copy(k, self.copies) for k in range(1, self.copies + 1))


def size_of(n_prs: int | None) -> Size:
    """The organization for about ``n_prs`` merged PRs (None: the demo's 6,000)."""
    target = BASE_PRS if n_prs is None else check_prs(n_prs)
    return Size(target, max(1, round(target / BASE_PRS)))


@dataclass
class DemoData:
    """The demo's rows: one DataFrame per store table (no provenance columns yet)."""

    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    history: history.HistoryPlan | None = None  # the git history (demo size only)
    # the truth the store does not hold: defect_id, pr_id (a PR that caused it), is_named
    # (its report says so; the others only git can trace)
    causes: pd.DataFrame = field(default_factory=pd.DataFrame)
    copies: int = 1  # copies of the organization these rows hold
    peak_mib: int = 0  # the generating process's peak memory (the fast path's worker)

    def __getitem__(self, table: str) -> pd.DataFrame:
        return self.tables[table]

    def counts(self) -> dict[str, int]:
        """Rows per table."""
        return {name: len(frame) for name, frame in self.tables.items()}

    @staticmethod
    def concat(parts: list[DemoData]) -> DemoData:
        """Copies of the organization as one (rows in order; the history's PR rows moved)."""
        if len(parts) == 1:
            return parts[0]
        plan, offset = history.HistoryPlan(), 0
        for part in parts:
            for repo, commits in (part.history.repos if part.history else {}).items():
                plan.repos[repo] = [
                    dataclasses.replace(c, pr_row=c.pr_row + offset if c.pr_row >= 0 else -1)
                    for c in commits
                ]
            offset += len(part.tables["pull_requests"])
        return DemoData(
            {
                name: pd.concat([part.tables[name] for part in parts], ignore_index=True)
                for name in parts[0].tables
            },
            plan if plan.repos else None,
            pd.concat([part.causes for part in parts], ignore_index=True),
        )


def generate(seed: int = 7, n_prs: int | None = None) -> DemoData:
    """The demo organization's rows, deterministically from ``seed``. Pure: no database.

    Args:
        seed: the random seed; the same seed gives the same rows.
        n_prs: about how many merged PRs to make (default 6,000: the demo). The
            organization grows by copies of itself (see the module's docstring), so
            per-person activity and team sizes stay realistic.

    Returns:
        DemoData with a frame per table of ``TABLES`` (copy 1's rows first), and the plan
        of copy 1's git history.

    Raises:
        BadSize: ``n_prs`` is not a size the demo builds.
    """
    size = size_of(n_prs)
    return DemoData.concat([generate_copy(seed, copy, size.per_copy) for copy in size.each()])


def generate_copy(seed: int, copy: org.Copy, target: float) -> DemoData:
    """One copy of the organization with about ``target`` merged PRs (copy 1 at 6,000:
    the demo itself). Each copy draws from random numbers of its own."""
    first = copy.number == 1
    rng = np.random.default_rng(seed if first else [seed, 2, copy.number])
    people = org.roster(copy)
    cv = curves.curves()
    # Each person's appetite for AI assistance once their team has adopted it.
    prop = rng.uniform(0.25, 0.75, people.size)
    mobile = people.team_after == org.TEAM_INDEX["Mobile"]
    prop[mobile] = rng.uniform(0.5, 0.9, int(mobile.sum()))

    base = activity.with_timeline(
        rng, activity.base_prs(rng, people, cv, target * BASE_SHARE / MERGE_SHARE, prop), cv
    )
    bugs = activity.defects(rng, base, cv)
    with_history = first  # the other copies have no git history: every cause is named
    # which reports name their cause: a generator of its own, so the draws below stay
    named_rng = np.random.default_rng([seed, 1] if first else [seed, 3, copy.number])
    drawn = named_rng.random(len(bugs["repo"])) < P_NAMED
    bugs["named"] = (bugs["culprit"] >= 0) & (drawn | (not with_history))
    bugs["body_variant"] = np.where(
        (bugs["culprit"] >= 0) & ~bugs["named"], 5 + (bugs["symptom"] % 2), bugs["variant"]
    )
    fix = activity.with_timeline(rng, activity.fixes(rng, people, cv, base, bugs, prop), cv)
    rev = activity.with_timeline(rng, activity.reverts(rng, people, cv, base), cv)
    # the bots keep their share of the PRs (at the demo's size: its rate exactly)
    bot = activity.with_timeline(rng, activity.bot_prs(rng, cv, target / BASE_PRS), cv)
    ghost = activity.with_timeline(rng, activity.ghost_pr(rng), cv)
    # Reverts and fixes point into `base` by index: base stays first in the concatenation.
    prs = activity.concat([base, fix, rev, bot, ghost])
    numbers, bug_numbers = activity.number(prs, bugs)
    failing_p = cv.failing[prs["team"], activity._day_of(np.fmin(prs["done"], org.END_S))]

    tables = org.org_frames(people, copy)
    pull_requests = frames.pull_requests(
        rng, people, prs, bugs, numbers, bug_numbers, failing_p, copy
    )
    tables["pr_commits"] = frames.commits(rng, people, prs, pull_requests, bug_numbers)
    tables["pull_requests"] = pull_requests
    tables["reviews"], tables["pr_events"] = frames.reviews_and_events(
        rng, people, prs, pull_requests
    )
    tables["defects"] = frames.defects(rng, prs, bugs, numbers, bug_numbers, copy)
    tables["competency_assessments"] = growth.assessments(rng, people, copy)
    tables["recognitions"] = growth.recognitions(rng, people, pull_requests, copy)
    plan = None
    # the squash commits' shas are known once git has written them (_write_history)
    pull_requests["merge_commit_sha"] = None
    if with_history:
        names = dict(zip(people.login, people.name, strict=True))
        plan = history.plan(prs, bugs, pull_requests, bug_numbers, names, copy)
        pull_requests["head_ref"] = (
            pull_requests["author_login"] + "/change-" + pull_requests["number"].astype(str)
        )
    else:
        pull_requests["head_ref"] = None
    causes = _causes(bugs, pull_requests, tables["defects"])
    return DemoData({name: tables[name] for name in TABLES}, plan, causes)


def _causes(bugs: activity.Batch, prs: pd.DataFrame, defects: pd.DataFrame) -> pd.DataFrame:
    """The demo's truth: each defect's causing PRs, and whether its report names them."""
    pr_id = prs["pr_id"].to_numpy(dtype=object)
    defect_id = defects["defect_id"].to_numpy(dtype=object)
    parts = []
    for column in ("culprit", "culprit2"):
        rows = np.flatnonzero(bugs[column] >= 0)
        parts.append(
            pd.DataFrame(
                {
                    "defect_id": defect_id[rows],
                    "pr_id": pr_id[bugs[column][rows]],
                    "is_named": bugs["named"][rows],
                }
            )
        )
    return pd.concat(parts, ignore_index=True).sort_values(["defect_id", "pr_id"])
