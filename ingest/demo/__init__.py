"""Ingest layer: the demo organization — generated, then written through the one write path.

``generate(seed)`` is pure: it returns the demo's rows as pandas frames (numpy-vectorised).
``build_demo(db)`` writes them with ``ingest.writer`` in one ``write_transaction``: the app
never sees a half-built demo, links are read from the demo's texts exactly as from GitHub's,
and a second build gives the same rows (deterministic ids, a fixed ``fetched_at``). Computes
no metric.

The organization (``org.py``): 40 people in Payments, Platform, Mobile, Data and Growth
(the team of 4), activity 2025-11-21 .. 2026-11-20 UTC, staggered AI adoption dates. Its
stories (see ``curves.py``): the dip after each adoption, Mobile's volume up and quality
down, Platform's rubber stamps, growth toward goals with two people stagnant.

Its git history (``history.py``): every merged PR squash-merged as ``Title (#N)``, culprits
writing the lines their defects' fixes change. Only some reports name their cause
(:data:`P_NAMED`); the rest are traced by inference: ``build_demo`` writes the history with
``git fast-import`` into a temporary folder and reads it with ``teamlens ingest git``'s own
functions (commits, ties, SZZ), in the same transaction as the rest.

At scale (``n_prs``, ``teamlens demo --prs N``): the organization is ``round(N / 6,000)``
copies of itself (:class:`org.Copy`), each with its own five teams, repositories and 40
people, the same adoption dates and stories, drawn with its own random numbers, and about
``N / copies`` merged PRs; copy 1 keeps the demo's names, copy ``k`` is named ``Payments k``,
``acme/payments-api-k``, ``priya-raman-k`` (``k`` zero-padded to the width of the copy count,
``Payments 002`` at 167 copies, so sorted lists keep the copies in order). The two bots are
shared. Only copy 1 has a git history (its reports' causes are 40 % named, the rest traced
by SZZ); every other copy's reports name their causes — a git history for every copy would
cost about 5 s each (14 minutes at a million PRs). Above the demo's size ``build_demo``
takes a fast path (:func:`_write_fast`): a worker process generates a few copies at a time
while the batch before is inserted (Python holds a few copies, DuckDB's memory is bounded
and its rows spill to disk), links are parsed only from texts that could hold a reference,
ties are made per batch with the writer's SQL; it writes exactly the rows the writer path
would (tested table by table).
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import re
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import store
from ingest import references, writer
from ingest.demo import activity, curves, frames, growth, history, org
from ingest.git import ties
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


class RealDataPresent(InputError):  # noqa: N818 (name fixed by the CLI contract)
    """The database holds data from another source; the demo would mix with it."""


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
    return DemoData.concat([_generate_copy(seed, copy, size.per_copy) for copy in size.each()])


def _generate_copy(seed: int, copy: org.Copy, target: float) -> DemoData:
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
    n_prs: int | None = None,
    progress: Callable[[str], None] | None = None,
    fast: bool | None = None,
) -> dict[str, Any]:
    """Build the demo organization into ``db`` in one transaction; return a summary.

    Replaces any earlier demo rows (a rebuild with the same seed gives identical rows). It
    never writes into a store that holds rows of another source: synthetic people beside
    real ones would be read as real.

    Args:
        db: the database (default: ``$TEAMLENS_DB``, else the checkout's
            data/teamlens.duckdb); created if missing.
        seed: the random seed of the organization.
        n_prs: about how many merged PRs (default: the demo's 6,000); the organization
            grows by copies of itself (see the module's docstring).
        progress: called with one-line progress messages (the CLI prints them on stderr).
        fast: write with the fast path (default: above the demo's size) or the writer's
            (the same rows; tests compare them).

    Returns:
        ``{"dataset", "seed", "database", "counts": {table: rows}, "teams", "date_range",
        "copies", "git_history"}``.

    Raises:
        RealDataPresent: the database holds other sources' data (nothing is written).
        BadSize: ``n_prs`` is not a size the demo builds.
        store.StoreError: the database cannot be used.
    """
    say = progress or (lambda _message: None)
    started = time.perf_counter()
    size = size_of(n_prs)
    if fast is None:
        fast = size.n_prs > BASE_PRS
    provenance = {"source": SOURCE, "source_url": None, "fetched_at": org.FETCHED_AT}
    path = store.resolve_db(db)
    with tempfile.TemporaryDirectory(prefix="teamlens-demo-git-") as folder:
        if fast:
            counts = _write_fast(path, size, Path(folder), seed, provenance, say, started)
        else:
            if size.copies > 1:
                say(f"demo: generating {size.copies:,} copies of the organization")
            data = generate(seed, n_prs)
            counts = _write(path, data, Path(folder), seed, provenance, say, started)
    say(f"demo: wrote {sum(counts.values()):,} rows in {time.perf_counter() - started:.1f} s")
    return {
        "dataset": SOURCE,
        "seed": seed,
        "database": str(path),
        "counts": counts,
        "teams": [
            {
                "team": copy.team(t.name),
                "ai_adoption_date": t.adoption.isoformat(),
                "people": _team_size(t.name),
            }
            for copy in size.each()
            for t in org.TEAMS
        ],
        "date_range": {"start": org.START.date().isoformat(), "end": org.END.date().isoformat()},
        "copies": size.copies,
        "git_history": "the first copy's repositories" if size.copies > 1 else "every repository",
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
    return repos


def _refuse_other_sources(conn: Any, path: Path) -> None:
    others = _other_sources(conn)
    if others:
        named = ", ".join(f"{source}: {count:,} rows" for source, count in sorted(others.items()))
        raise RealDataPresent(
            f"{path} already holds data from other sources ({named}); the demo never "
            "mixes with real data: build it in another database (--db demo.duckdb)"
        )


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
        _refuse_other_sources(conn, path)
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
        _finish(conn, repos, seed, provenance, say, started)
        return data.counts() | _stored_counts(conn)


def _generate_batch(seed: int, batch: list[org.Copy], per_copy: float) -> DemoData:
    data = DemoData.concat([_generate_copy(seed, c, per_copy) for c in batch])
    data.copies = len(batch)
    data.peak_mib = _peak_mib()
    return data


def _peak_mib() -> int:
    """This process's peak resident memory (VmHWM; 0 where /proc is not)."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return 0
    found = [line.split()[1] for line in status.splitlines() if line.startswith("VmHWM")]
    return int(found[0]) // 1024 if found else 0


def _memory_limit_mb(size: Size) -> int:
    """DuckDB's memory for the fast path: enough for the indexes (which stay in memory,
    about 1 GB at a million PRs), so the transaction's rows spill to disk rather than
    fill the machine; never above DuckDB's own default (80 % of the memory)."""
    try:
        ram_mb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2**20
    except (OSError, ValueError, AttributeError):
        ram_mb = 2**20
    return int(min(max(MEMORY_MB, size.n_prs // 1000 * MEMORY_MB_PER_1000_PRS), 0.8 * ram_mb))


def _generated(seed: int, size: Size, batches: list[list[org.Copy]]) -> Iterator[DemoData]:
    """Each batch of copies generated, in order: by a worker process one batch ahead of
    the caller, who writes the one before (generating is half the work, and pure)."""
    if len(batches) == 1:
        yield _generate_batch(seed, batches[0], size.per_copy)
        return
    # spawn, not fork: the caller holds a DuckDB connection and its threads
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        ahead = [pool.submit(_generate_batch, seed, b, size.per_copy) for b in batches[:2]]
        for at in range(len(batches)):
            data = ahead[at].result()
            ahead[at] = None  # the caller holds the one it writes, the worker the next
            if at + 2 < len(batches):
                ahead.append(pool.submit(_generate_batch, seed, batches[at + 2], size.per_copy))
            yield data


def _write_fast(
    path: Path,
    size: Size,
    folder: Path,
    seed: int,
    provenance: dict[str, Any],
    say: Callable[[str], None],
    started: float,
) -> dict[str, int]:
    """What :func:`_write` writes, faster and in the memory of a few copies: the copies
    are generated a batch at a time and inserted (the store holds no demo row, so an
    insert is the writer's upsert); links are read only from the texts that could hold a
    reference, with the writer's own functions; ties as the writer makes them."""
    copies = list(size.each())
    per_batch = max(1, round(BATCH_PRS / size.per_copy))
    people = size.copies * len(org.PEOPLE)
    say(
        f"demo: {size.n_prs:,} merged PRs as {size.copies:,} copies of the organization "
        f"({people:,} people in {size.copies * len(org.TEAMS):,} teams); generating and "
        "writing"
    )
    counts = dict.fromkeys(TABLES, 0)
    repos: dict[str, Path] = {}
    peak = 0
    with store.write_transaction(path) as conn:
        # this connection only (closed with the transaction)
        conn.execute(f"set memory_limit = '{_memory_limit_mb(size)}MB'")
        _refuse_other_sources(conn, path)
        for table in SOURCED_TABLES:
            conn.execute(f"delete from {table} where source = ?", [SOURCE])  # noqa: S608
        done = 0
        for data in _generated(
            seed, size, [copies[at : at + per_batch] for at in range(0, len(copies), per_batch)]
        ):
            repos.update(_write_history(data, folder))
            for table in TABLES:
                writer.insert(conn, table, data[table], provenance)
            ids = data["pull_requests"]["pr_id"].tolist()
            ties.refresh_store_ties(conn, pr_ids=ids, fetched_at=provenance["fetched_at"])
            writer.insert(conn, "links", _links(data), provenance)
            for table in TABLES:
                counts[table] += len(data[table])
            done += data.copies
            peak = max(peak, data.peak_mib)
            say(
                f"demo: {done:,}/{size.copies:,} copies ({100 * done // size.copies} %), "
                f"{counts['pull_requests']:,} pull requests written, "
                f"{time.perf_counter() - started:.0f} s"
            )
            del data
        _finish(conn, repos, seed, provenance, say, started)
        counts |= _stored_counts(conn)
        say(
            f"demo: committing ({time.perf_counter() - started:.0f} s; peak memory so far "
            f"{_peak_mib():,} MiB, the generating process's {peak:,} MiB)"
        )
    return counts


# A PR's text can make a link only if it holds a fix keyword or "revert" (its title too);
# a defect's only if it holds an attribution phrase's first word (references.py, matched with
# the same re.IGNORECASE as its patterns). The filters below match a superset of those
# words (any first letter with any ending: fast in Python's re). A Markdown link, which
# reads as its text or its URL, can join words: a text holding one is parsed whatever it says.
def _any_word(words: tuple[str, ...]) -> re.Pattern[str]:
    heads = "".join(sorted({w[0] for w in words}))
    tails = "|".join(sorted({re.escape(w[1:]) for w in words}))
    return re.compile(f"[{re.escape(heads)}](?:{tails})", re.IGNORECASE)


_MAY_FIX = _any_word((*references.FIX_KEYWORDS, "revert"))
_MAY_CAUSE = _any_word(tuple(p.split()[0] for p in references.INTRODUCED_PHRASES))


def _may_link(pattern: re.Pattern[str], titles: pd.Series, bodies: pd.Series) -> np.ndarray:
    """Whether each row's title or body could hold a link (each distinct text read once:
    the demo's texts repeat)."""

    def may(texts: pd.Series) -> np.ndarray:
        seen = {
            t: isinstance(t, str) and ("](" in t or pattern.search(t) is not None)
            for t in texts.drop_duplicates()
        }
        return texts.map(seen).to_numpy(dtype=bool)

    return may(titles) | may(bodies)


def _links(data: DemoData) -> pd.DataFrame:
    """The links the writer reads from the PRs' and defects' texts (the same rows)."""
    prs = data["pull_requests"][["pr_id", "repo", "title", "body"]]
    prs = prs[_may_link(_MAY_FIX, prs["title"], prs["body"])]
    rows = [link for pr in prs.to_dict("records") for link in writer.pr_links(pr)]
    defects = data["defects"][["defect_id", "repo", "title", "body"]]
    defects = defects[_may_link(_MAY_CAUSE, defects["title"], defects["body"])]
    rows += [link for d in defects.to_dict("records") for link in writer.defect_links(d)]
    # ids are unique per PR and per defect: deduplicating the batch is deduplicating all
    return pd.DataFrame(writer._dedupe_links(rows))


def _finish(
    conn: Any,
    repos: dict[str, Path],
    seed: int,
    provenance: dict[str, Any],
    say: Callable[[str], None],
    started: float,
) -> None:
    """Sync state, meta, then the git history read as teamlens ingest git reads it."""
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


def _stored_counts(conn: Any) -> dict[str, int]:
    """Rows of the tables the demo does not generate as frames (links, git's)."""
    counts = {}
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


__all__ = ["BadSize", "DemoData", "RealDataPresent", "Size", "build_demo", "check_prs", "generate"]
