"""Ingest layer: the demo organization — generated, then written through the one write path.

``generate(seed)`` (``data.py``) is pure: it returns the demo's rows as pandas frames
(numpy-vectorised). ``build_demo(db)`` (here) writes them with ``ingest.writer`` in one
``write_transaction``: the app never sees a half-built demo, links are read from the demo's
texts exactly as from GitHub's, and a second build gives the same rows (deterministic ids,
a fixed ``fetched_at``). Computes no metric.

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

import multiprocessing
import os
import re
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import store
from ingest import references, writer
from ingest.demo import history, org
from ingest.demo.data import (
    BASE_PRS,
    BATCH_PRS,
    MAX_PRS,
    MEMORY_MB,
    MEMORY_MB_PER_1000_PRS,
    MIN_PRS,
    P_NAMED,
    SOURCE,
    SOURCED_TABLES,
    TABLES,
    BadSize,
    DemoData,
    Size,
    check_prs,
    generate,
    generate_copy,
    size_of,
)
from ingest.git import ties
from ingest.git.bulk import ingest_into
from ingest.git.repo import Repo
from settings import InputError
from store.schema import GIT_TABLES


class RealDataPresent(InputError):  # noqa: N818 (name fixed by the CLI contract)
    """The database holds data from another source; the demo would mix with it."""


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
    data = DemoData.concat([generate_copy(seed, c, per_copy) for c in batch])
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
            _set_pr_keys(data, counts["pull_requests"])
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


def _set_pr_keys(data: DemoData, before: int) -> None:
    """Give the batch's PRs and their commits, reviews and events the integer keys and first
    commit times the writer would (``writer.pr_keys``: the next free keys, in row order,
    after the ``before`` PRs already written; ``writer.set_first_commits``)."""
    prs = data.tables["pull_requests"]
    keys = pd.Series(np.arange(before + 1, before + 1 + len(prs)), index=prs["pr_id"].to_numpy())
    first = data.tables["pr_commits"].groupby("pr_id")["authored_at"].min()
    data.tables["pull_requests"] = prs.assign(
        pr_key=keys.to_numpy(), first_commit_at=prs["pr_id"].map(first)
    )
    for table in ("pr_commits", "reviews", "pr_events"):
        rows = data.tables[table]
        data.tables[table] = rows.assign(pr_key=rows["pr_id"].map(keys))


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


__all__ = [
    "BASE_PRS",
    "MAX_PRS",
    "MIN_PRS",
    "P_NAMED",
    "TABLES",
    "BadSize",
    "DemoData",
    "RealDataPresent",
    "Size",
    "build_demo",
    "check_prs",
    "generate",
    "size_of",
]
