"""Ingest layer: which pull request a commit belongs to (``commit_pull_requests``). No metric.

Ties come from two places, each recorded with its method:

* the store, from what GitHub said (rebuilt whenever PRs are written, and by every git
  ingest of the repository): ``pr_commit`` (the commit is among the PR's commits),
  ``merge_commit`` (the PR's merge, squash or last rebased commit), ``rebased`` (a commit
  on the mainline with the author date of one of the PR's commits, committed while the
  PR was open until a day after its merge: GitHub's rebase merge rewrites the sha but
  keeps the author date);
* the commit's own subject, for PRs that are not (yet) in the store: ``squash_title``
  (GitHub's squash merge writes ``Title (#N)``), ``merge_title`` (a merge commit's
  ``Merge pull request #N from owner/branch``) and ``cherry_pick`` (``Title (#orig)
  (#pick)``: a squash of a cherry-pick PR keeps the original's suffix; the change was
  made in ``#orig``, and ``#pick`` keeps its own ``squash_title`` tie).

Which tie attribution uses when a commit has several: :data:`PREFERENCE`, first wins.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from settings import TIE_PREFERENCE

if TYPE_CHECKING:  # history imports GitPython; the GitHub ingest needs none of it
    import duckdb

    from ingest.git.history import Commit

# The tie a commit's attribution uses when it has several, best first: the original PR of
# a cherry-pick, then what GitHub says, then the subject lines. One list, in settings.py,
# which the metrics layer reads too.
PREFERENCE: tuple[str, ...] = TIE_PREFERENCE
STORE_METHODS = ("pr_commit", "merge_commit", "rebased")

_SUFFIXES = re.compile(r"((?:\s*\(#\d+\))+)\s*$")
_NUMBER = re.compile(r"#(\d+)")
_MERGE_PR = re.compile(r"^Merge pull request #(\d+) from \S+")


def subject_ties(subject: str, *, is_merge: bool) -> list[tuple[int, str]]:
    """(PR number, method) pairs that a commit's first line names.

    >>> subject_ties("Fix totals (#12)", is_merge=False)
    [(12, 'squash_title')]
    >>> subject_ties("Fix totals (#12) (#40)", is_merge=False)
    [(40, 'squash_title'), (12, 'cherry_pick')]
    >>> subject_ties("Merge pull request #7 from ana/fix", is_merge=True)
    [(7, 'merge_title')]
    """
    found: list[tuple[int, str]] = []
    if is_merge:
        m = _MERGE_PR.match(subject)
        if m:
            found.append((int(m.group(1)), "merge_title"))
        return found
    m = _SUFFIXES.search(subject)
    if not m:
        return found
    numbers = [int(n) for n in _NUMBER.findall(m.group(1))]
    found.append((numbers[-1], "squash_title"))
    if len(numbers) >= 2 and numbers[-2] != numbers[-1]:
        found.append((numbers[-2], "cherry_pick"))
    return found


def text_ties(repo: str, commits: Iterable[Commit]) -> list[dict[str, Any]]:
    """The ``commit_pull_requests`` rows the commits' subjects make."""
    rows: list[dict[str, Any]] = []
    for commit in commits:
        for number, method in subject_ties(commit.subject, is_merge=len(commit.parents) > 1):
            rows.append(
                {
                    "repo": repo,
                    "sha": commit.sha,
                    "pr_number": number,
                    "pr_id": f"{repo}#{number}",
                    "method": method,
                }
            )
    return rows


def refresh_store_ties(
    conn: duckdb.DuckDBPyConnection,
    *,
    pr_ids: Sequence[str] | None = None,
    repo: str | None = None,
    fetched_at: datetime,
    methods: Sequence[str] = STORE_METHODS,
    new: Collection[str] = (),
) -> None:
    """Rebuild the ties GitHub's data makes, for some PRs or for a whole repository.

    Runs in the caller's transaction. A tie carries the provenance of its PR row.

    Args:
        pr_ids: the PRs just written (GitHub ingest, the demo), or
        repo: every PR of a repository (git ingest), matched case-insensitively.
        fetched_at: when the rows were made.
        methods: only these of :data:`STORE_METHODS` (``rebased`` alone is what new git
            history can change when the PRs' own ties were just written).
        new: those of ``pr_ids`` that were not in the store before this transaction. A
            PR has ties of these methods only once it is stored (they are made from its
            row), so there are none of theirs to delete: the delete, which scans the
            whole table, is skipped when every PR is new (the first sync of a
            repository, a page of new PRs).
    """
    if pr_ids is not None:
        scope = list(dict.fromkeys(pr_ids))
        if not scope:
            return
    elif repo is not None:
        scope = [
            pr_id
            for (pr_id,) in conn.execute(
                "select pr_id from pull_requests where lower(repo) = lower(?)", [repo]
            ).fetchall()
        ]
    else:
        raise ValueError("refresh_store_ties needs pr_ids or repo")
    stored = [pr_id for pr_id in scope if pr_id not in new] if new else scope
    wanted = [m for m in STORE_METHODS if m in methods]
    if stored:
        conn.execute(
            "delete from commit_pull_requests where list_contains(?, method)"
            " and pr_id in (select unnest(?::varchar[]))",
            [wanted, stored],
        )
    conn.execute(_STORE_TIES_SQL, [wanted, fetched_at, scope])


# pr_commits is joined on pr_key too (each commit row carries its PR's key, store migration
# 4): keys are numbered in write order, so the join's range of keys lets DuckDB skip every
# row group of older PRs instead of reading the whole table (memory and time that grew
# with the store on every page a sync writes).
_STORE_TIES_SQL = """
insert or replace into commit_pull_requests
    (repo, sha, pr_number, pr_id, method, source, source_url, fetched_at)
with prs as (
    select p.* from pull_requests p where p.pr_id in (select unnest($3::varchar[]))
),
own as (
    select p.repo, c.sha, p.number, p.pr_id, 'pr_commit' as method, p.source, p.source_url
    from pr_commits c join prs p on c.pr_key = p.pr_key and c.pr_id = p.pr_id
),
merged as (
    select repo, merge_commit_sha as sha, number, pr_id, 'merge_commit', source, source_url
    from prs where merge_commit_sha is not null
),
rebased as (
    select distinct p.repo, g.sha, p.number, p.pr_id, 'rebased', p.source, p.source_url
    from prs p
    join pr_commits c on c.pr_key = p.pr_key and c.pr_id = p.pr_id
    join git_commits g
        on lower(g.repo) = lower(p.repo)
        and g.authored_at = c.authored_at
        and g.sha <> c.sha
        and not g.is_merge
        and g.committed_at between p.created_at and p.merged_at + interval 1 day
    where p.merged_at is not null
),
final as (
    select * from own
    union all select * from merged
    union all select * from rebased
)
select repo, sha, number, pr_id, method, source, source_url, $2 from final
where list_contains($1, method)
"""
