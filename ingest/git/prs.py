"""Ingest layer: the pull request a blamed commit came in with, for ``teamlens szz``. No metric.

In order: the store's ties (``commit_pull_requests``, preferring :data:`ties.PREFERENCE`)
when a database is there; else the commit's own subject (``Title (#N)``, the original of
a cherry-pick); else the merge commit that brought it into the mainline
(``Merge pull request #N from …`` on HEAD's first-parent history).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ingest.git import ties
from ingest.git.repo import Repo


def from_store(db: Path, shas: list[str]) -> dict[str, int]:
    """PR numbers the store ties the commits to (any repository: a sha names one commit)."""
    if not shas or not db.is_file():
        return {}
    from store import read_connection

    rank = {method: i for i, method in enumerate(ties.PREFERENCE)}
    found: dict[str, tuple[int, int]] = {}
    with read_connection(db) as conn:
        rows = conn.execute(
            "select sha, pr_number, method from commit_pull_requests"
            " where sha in (select unnest(?::varchar[]))",
            [shas],
        ).fetchall()
    for sha, number, method in rows:
        score = rank.get(method, len(rank))
        if sha not in found or score < found[sha][1]:
            found[sha] = (int(number), score)
    return {sha: number for sha, (number, _score) in found.items()}


def from_subject(repo: Repo, sha: str) -> int | None:
    """The PR the commit's own first line names (``(#N)``; a cherry-pick's original)."""
    data = repo.read_object(sha)
    headers, _, message = data.partition(b"\n\n")
    subject = message.decode("utf-8", errors="replace").split("\n", 1)[0]
    parents = [line for line in headers.split(b"\n") if line.startswith(b"parent ")]
    pairs = ties.subject_ties(subject, is_merge=len(parents) > 1)
    named = {method: number for number, method in pairs}
    for method in ("cherry_pick", "squash_title", "merge_title"):
        if method in named:
            return named[method]
    return None


def from_mainline_merge(repo: Repo, sha: str) -> int | None:
    """The PR of the merge commit on HEAD's first-parent line that brought ``sha`` in."""
    out = repo.run(
        "rev-list", "--first-parent", "--ancestry-path", "--reverse", f"{sha}..HEAD", check=False
    )
    first = out.split(b"\n", 1)[0].decode().strip()
    if not first:
        return None
    data = repo.read_object(first)
    headers, _, message = data.partition(b"\n\n")
    parents = [line[7:].decode() for line in headers.split(b"\n") if line.startswith(b"parent ")]
    if len(parents) < 2 or parents[0] == sha:
        return None  # sha is on the mainline itself
    subject = message.decode("utf-8", errors="replace").split("\n", 1)[0]
    named = ties.subject_ties(subject, is_merge=True)
    return named[0][0] if named else None


def resolve(repo: Repo, shas: Iterable[str], db: Path | None) -> dict[str, int | None]:
    """The PR number of each commit, or None when nothing says which."""
    wanted = list(dict.fromkeys(shas))
    found: dict[str, int | None] = dict.fromkeys(wanted)
    if db is not None:
        found.update(from_store(db, wanted))
    for sha in wanted:
        if found[sha] is None:
            found[sha] = from_subject(repo, sha)
        if found[sha] is None:
            found[sha] = from_mainline_merge(repo, sha)
    return found
