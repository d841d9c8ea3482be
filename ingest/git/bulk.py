"""Ingest layer: whole clones read into the store inside one transaction (the demo's way).

:func:`ingest_into` does what ``teamlens ingest git`` does — every reachable commit the
store lacks, the ties, then SZZ over the possible fixes — with the same functions of
:mod:`ingest.git.sync`, but inside the caller's transaction and for several clones at
once: git runs for all of them side by side while the store is written in order. For a
history built in one go (the demo); a real clone uses :func:`ingest.git.sync.ingest_git`,
which commits batch by batch and never holds the store while git blames.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

from ingest.git import ties
from ingest.git.history import Commit, read_commits
from ingest.git.repo import Repo
from ingest.git.sync import (
    GitSyncSummary,
    _tips,
    fix_candidates_in,
    known_commits,
    write_analyses,
    write_commits,
)
from ingest.git.szz import analyse_many

if TYPE_CHECKING:
    import duckdb


def _new_commits(repo: Repo, known: set[str]) -> list[Commit]:
    tips = _tips(repo)
    shas = list(dict.fromkeys(repo.rev_list("--reverse", "--topo-order", *tips))) if tips else []
    return list(read_commits(repo, [sha for sha in shas if sha not in known]))


def ingest_into(
    conn: duckdb.DuckDBPyConnection,
    clones: Mapping[str, Repo],
    *,
    provenance: dict,
    tie_methods: Sequence[str] = ties.STORE_METHODS,
) -> dict[str, GitSyncSummary]:
    """Read each clone (``owner/name`` -> its :class:`Repo`) in the caller's transaction.

    Args:
        provenance: ``source``, ``source_url`` and ``fetched_at`` of every row written (the
            analyses' ``analysed_at`` too).
        tie_methods: the store ties to rebuild (only ``rebased`` when the PRs were written
            in the same transaction, their own ties with them).
    """
    names = list(clones)
    known = {
        name: {
            row[0]
            for row in conn.execute("select sha from git_commits where repo = ?", [name]).fetchall()
        }
        for name in names
    }
    workers = max(1, len(names))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        new = list(pool.map(lambda n: _new_commits(clones[n], known[n]), names))
    read = dict(zip(names, new, strict=True))
    summaries = {}
    for name in names:
        summary = GitSyncSummary(repo=name, path=str(clones[name].path))
        summary.commits_new = len(read[name])
        summary.commits_total = len(known[name]) + len(read[name])
        write_commits(conn, name, read[name], provenance)
        ties.refresh_store_ties(
            conn, repo=name, fetched_at=provenance["fetched_at"], methods=tie_methods
        )
        summaries[name] = summary
    todo = {name: fix_candidates_in(conn, name) for name in names}
    hints = {name: known_commits(conn, name) for name in names}
    with ThreadPoolExecutor(max_workers=workers) as pool:
        analysed = list(pool.map(lambda n: analyse_many(clones[n], todo[n], known=hints[n]), names))
    results = dict(zip(names, analysed, strict=True))
    for name in names:
        summaries[name].fixes_analysed = write_analyses(
            conn, name, results[name], provenance, summaries[name]
        )
    return summaries
