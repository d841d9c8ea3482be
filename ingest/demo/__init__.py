"""Ingest layer: the demo organization — generated, then written through the one write path.

``generate(seed)`` is pure: it returns the demo's rows as pandas frames (numpy-vectorised, so
a benchmark can scale it to a million PRs). ``build_demo(db)`` writes them with
``ingest.writer`` in one ``write_transaction``: the app never sees a half-built demo, links
are read from the demo's texts exactly as from GitHub's, and a second build gives the same
rows (deterministic ids, a fixed ``fetched_at``). Computes no metric.

The organization (``org.py``): 40 people in Payments, Platform, Mobile, Data and Growth
(the team of 4), activity 2025-11-21 .. 2026-11-20 UTC, staggered AI adoption dates. Its
stories (see ``curves.py``): the dip after each adoption, Mobile's volume up and quality
down, Platform's rubber stamps, growth toward goals with two people stagnant.

Its git history (``history.py``): every merged PR squash-merged as ``Title (#N)``, culprits
writing the lines their defects' fixes change. Only some reports name their cause
(:data:`P_NAMED`); the rest are traced by inference: ``build_demo`` writes the history with
``git fast-import`` into a temporary folder and reads it with ``teamlens ingest git``'s own
functions (commits, ties, SZZ), in the same transaction as the rest.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import store
from ingest import writer
from ingest.demo import activity, curves, frames, growth, history, org
from ingest.git.bulk import ingest_into
from ingest.git.repo import Repo
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

# Tables generated as frames, in write order (parents before children): every user table
# but the links (the writer reads them from text), sync state (written once at the end) and
# the git history tables (read from the demo's git history by teamlens ingest git's code).
TABLES = tuple(t for t in USER_TABLES if t not in ("links", "sync_state", *GIT_TABLES))
# Tables whose rows carry a provenance source (everything the store holds but meta).
SOURCED_TABLES = (*TABLES, "links", "sync_state", *GIT_TABLES)


class RealDataPresent(InputError):  # noqa: N818 (name fixed by the CLI contract)
    """The database holds data from another source; the demo would mix with it."""


@dataclass
class DemoData:
    """The demo's rows: one DataFrame per store table (no provenance columns yet)."""

    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    history: history.HistoryPlan | None = None  # the git history (demo size only)
    # the truth the store does not hold: defect_id, pr_id (a PR that caused it), is_named
    # (its report says so; the others only git can trace)
    causes: pd.DataFrame = field(default_factory=pd.DataFrame)

    def __getitem__(self, table: str) -> pd.DataFrame:
        return self.tables[table]

    def counts(self) -> dict[str, int]:
        """Rows per table."""
        return {name: len(frame) for name, frame in self.tables.items()}


def generate(seed: int = 7, n_prs: int | None = None) -> DemoData:
    """The demo organization's rows, deterministically from ``seed``. Pure: no database.

    Args:
        seed: the random seed; the same seed gives the same rows.
        n_prs: about how many merged PRs to make (default 6,000: the demo). Above the
            default the organization grows by copies of its people (``login-2``, …) in the
            same five teams, so per-person activity stays realistic.

    Returns:
        DemoData with a frame per table of ``TABLES``, and (at the demo's own size) the
        plan of its git history.
    """
    target = BASE_PRS if n_prs is None else int(n_prs)
    if target < 100:
        raise ValueError("n_prs must be at least 100")
    copies = max(1, round(target / BASE_PRS))
    rng = np.random.default_rng(seed)
    people = org.roster(copies)
    cv = curves.curves()
    # Each person's appetite for AI assistance once their team has adopted it.
    prop = rng.uniform(0.25, 0.75, people.size)
    mobile = people.team_after == org.TEAM_INDEX["Mobile"]
    prop[mobile] = rng.uniform(0.5, 0.9, int(mobile.sum()))

    base = activity.with_timeline(
        rng, activity.base_prs(rng, people, cv, target * BASE_SHARE / MERGE_SHARE, prop), cv
    )
    bugs = activity.defects(rng, base, cv)
    with_history = n_prs is None  # at scale there is no git history: every cause is named
    # which reports name their cause: a generator of its own, so the draws below stay
    drawn = np.random.default_rng([seed, 1]).random(len(bugs["repo"])) < P_NAMED
    bugs["named"] = (bugs["culprit"] >= 0) & (drawn | (not with_history))
    bugs["body_variant"] = np.where(
        (bugs["culprit"] >= 0) & ~bugs["named"], 5 + (bugs["symptom"] % 2), bugs["variant"]
    )
    fix = activity.with_timeline(rng, activity.fixes(rng, people, cv, base, bugs, prop), cv)
    rev = activity.with_timeline(rng, activity.reverts(rng, people, cv, base), cv)
    bot = activity.with_timeline(rng, activity.bot_prs(rng, cv, copies), cv)
    ghost = activity.with_timeline(rng, activity.ghost_pr(rng), cv)
    # Reverts and fixes point into `base` by index: base stays first in the concatenation.
    prs = activity.concat([base, fix, rev, bot, ghost])
    numbers, bug_numbers = activity.number(prs, bugs)
    failing_p = cv.failing[prs["team"], activity._day_of(np.fmin(prs["done"], org.END_S))]

    tables = org.org_frames(people)
    pull_requests = frames.pull_requests(rng, people, prs, bugs, numbers, bug_numbers, failing_p)
    tables["pr_commits"] = frames.commits(rng, people, prs, pull_requests, bug_numbers)
    tables["pull_requests"] = pull_requests
    tables["reviews"], tables["pr_events"] = frames.reviews_and_events(
        rng, people, prs, pull_requests
    )
    tables["defects"] = frames.defects(rng, prs, bugs, numbers, bug_numbers)
    tables["competency_assessments"] = growth.assessments(rng, people)
    tables["recognitions"] = growth.recognitions(rng, people, pull_requests, copies)
    plan = None
    if with_history:
        names = dict(zip(people.login, people.name, strict=True))
        plan = history.plan(prs, bugs, pull_requests, bug_numbers, names)
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


def _other_sources(conn: Any) -> dict[str, int]:
    """Rows per source other than the demo's, over every table that records a source."""
    found: dict[str, int] = {}
    for table in SOURCED_TABLES:
        rows = conn.execute(
            f"select source, count(*) from {table} where source <> ? group by source",  # noqa: S608
            [SOURCE],
        ).fetchall()
        for source, count in rows:
            found[source] = found.get(source, 0) + int(count)
    return found


def build_demo(
    db: store.DbPath = None,
    *,
    seed: int = 7,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Build the demo organization into ``db`` in one transaction; return a summary.

    Replaces any earlier demo rows (a rebuild with the same seed gives identical rows). It
    never writes into a store that holds rows of another source: synthetic people beside
    real ones would be read as real.

    Args:
        db: the database (default: ``$TEAMLENS_DB``, else the checkout's
            data/teamlens.duckdb); created if missing.
        seed: the random seed of the organization.
        progress: called with one-line progress messages (the CLI prints them on stderr).

    Returns:
        ``{"dataset", "seed", "database", "counts": {table: rows}, "teams", "date_range"}``.

    Raises:
        RealDataPresent: the database holds other sources' data (nothing is written).
        store.StoreError: the database cannot be used.
    """
    say = progress or (lambda _message: None)
    started = time.perf_counter()
    data = generate(seed)
    provenance = {"source": SOURCE, "source_url": None, "fetched_at": org.FETCHED_AT}
    path = store.resolve_db(db)
    with tempfile.TemporaryDirectory(prefix="teamlens-demo-git-") as folder:
        counts = _write(path, data, Path(folder), seed, provenance, say, started)
    say(f"demo: wrote {sum(counts.values()):,} rows in {time.perf_counter() - started:.1f} s")
    return {
        "dataset": SOURCE,
        "seed": seed,
        "database": str(path),
        "counts": counts,
        "teams": [
            {
                "team": t.name,
                "ai_adoption_date": t.adoption.isoformat(),
                "people": _team_size(t.name),
            }
            for t in org.TEAMS
        ],
        "date_range": {"start": org.START.date().isoformat(), "end": org.END.date().isoformat()},
    }


def _write_history(data: DemoData, folder: Path) -> dict[str, Path]:
    """Build the git repositories; each merged PR's row gets its squash commit's sha."""
    if data.history is None:
        return {}
    repos, shas = history.write(data.history, folder)
    prs = data.tables["pull_requests"]
    rows = np.fromiter(shas, dtype=int, count=len(shas))
    sha = np.full(len(prs), None, dtype=object)
    sha[rows] = np.array([shas[r] for r in rows], dtype=object)
    prs["merge_commit_sha"] = sha
    prs["head_ref"] = prs["author_login"] + "/change-" + prs["number"].astype(str)
    return repos


def _write(
    path: Path,
    data: DemoData,
    folder: Path,
    seed: int,
    provenance: dict[str, Any],
    say: Callable[[str], None],
    started: float,
) -> dict[str, int]:
    """Everything in one transaction: the frames, then the git history (built in
    ``folder`` once the store is known to hold no real data) as teamlens ingest git reads
    it (the app never sees half a demo)."""
    with store.write_transaction(path) as conn:
        others = _other_sources(conn)
        if others:
            named = ", ".join(
                f"{source}: {count:,} rows" for source, count in sorted(others.items())
            )
            raise RealDataPresent(
                f"{path} already holds data from other sources ({named}); the demo never "
                "mixes with real data: build it in another database (--db demo.duckdb)"
            )
        repos = _write_history(data, folder)
        say(
            f"demo: generated {len(data['pull_requests']):,} pull requests in "
            f"{time.perf_counter() - started:.1f} s; writing"
        )
        for table in SOURCED_TABLES:
            conn.execute(f"delete from {table} where source = ?", [SOURCE])  # noqa: S608
        for table in ("repositories", "teams", "team_repositories", "people", "team_memberships"):
            writer.upsert(conn, table, data[table], provenance)
        writer.replace_pull_requests(
            conn,
            data["pull_requests"],
            commits=data["pr_commits"],
            reviews=data["reviews"],
            events=data["pr_events"],
            provenance=provenance,
        )
        writer.replace_defects(conn, data["defects"], provenance=provenance)
        writer.upsert(conn, "competency_assessments", data["competency_assessments"], provenance)
        writer.upsert(conn, "recognitions", data["recognitions"], provenance)
        # Written directly, not with writer.set_sync_state: a fixed time keeps rebuilds identical.
        writer.upsert(
            conn,
            "sync_state",
            [
                {
                    "source": SOURCE,
                    "scope": "*",
                    "stream": "all",
                    "cursor": None,
                    "last_synced_at": org.FETCHED_AT,
                    "status": "complete",
                    "detail": f"demo organization, seed {seed}",
                }
            ],
        )
        writer.set_meta(conn, "dataset", SOURCE)
        writer.set_meta(conn, "demo_seed", str(seed))
        say(f"demo: wrote the frames in {time.perf_counter() - started:.1f} s; reading git")
        clones = {repo: Repo(git_dir) for repo, git_dir in repos.items()}
        try:
            # the PRs' own ties were written above: git can add only rebased ones
            ingest_into(conn, clones, provenance=provenance, tie_methods=("rebased",))
        finally:
            for clone in clones.values():
                clone.close()
        counts = data.counts()
        for table in ("links", *GIT_TABLES):
            found = conn.execute(
                f"select count(*) from {table} where source = ?",  # noqa: S608
                [SOURCE],
            ).fetchall()
            counts[table] = int(found[0][0])
    return counts


def _team_size(team: str) -> int:
    """People who were ever in ``team`` during the demo year."""
    members = {login for login, _name, _level, home, _start in org.PEOPLE if home == team}
    if org.MOVER[1] == team:
        members.add(org.MOVER[0])
    return len(members)


__all__ = ["DemoData", "RealDataPresent", "build_demo", "generate"]
