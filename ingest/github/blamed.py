"""Ingest layer: pull requests git history blames but the store lacks, fetched by number.

SZZ (``teamlens ingest git``) leads a fix's lines to commits; a commit's tie in
``commit_pull_requests`` names its PR even when the GitHub ingest never fetched it (it is
older than ``--since``, or the clone is older than the ingest). Until it is fetched, such a
PR is only *suspected*, shown with the commit's author and date, and attributes nothing
(METRICS.md "Inferred attribution": "a PR that is not in the store yet is fetched by its
number"). So ``teamlens ingest github``, after a repository's streams, fetches them here:

* which: every PR number tied to a commit some SZZ analysis of the repository blamed, and
  every PR a defect's text or import names, that the store does not hold and that is not
  a known issue's number;
* how: one small query each (``queries/pull_request.graphql``), completed and mapped
  exactly like a batch of the pull_requests stream (pr_batches.complete_and_map), written in
  transactions of :data:`BATCH` PRs with the stream's state (``sync_state``: stream
  ``blamed_pull_requests``);
* a number GitHub does not know as a pull request (an issue's number in a ``Title (#N)``
  subject, a deleted PR) is remembered in that state and not asked again.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from ingest import writer
from ingest.github import mapping
from ingest.github.client import UnknownRepositoryError
from ingest.github.state import read_state
from store import read_connection, write_transaction

if TYPE_CHECKING:
    from ingest.github.sync import Context

STREAM = "blamed_pull_requests"
BATCH = 20

_MISSING_SQL = """
with blamed as (
    select distinct t.pr_number
    from commit_pull_requests as t
    where lower(t.repo) = lower($repo)
        and t.sha in (select commit_sha from szz_candidates where lower(repo) = lower($repo))
),
named as (
    select distinct target_number as pr_number
    from links
    where link_type = 'introduced_by'
        and lower(target_repo) = lower($repo)
        and target_number is not null
),
wanted as (
    select pr_number from blamed
    union
    select pr_number from named
)
select w.pr_number
from wanted as w
where not exists (
        select 1 from pull_requests as p
        where lower(p.repo) = lower($repo) and p.number = w.pr_number
    )
    and not exists (
        select 1 from defects as d where lower(d.defect_id) = lower($repo || '#' || w.pr_number)
    )
order by w.pr_number
"""


def missing_numbers(ctx: Context, repo: str) -> tuple[list[int], list[int]]:
    """(numbers to fetch, numbers GitHub said are no pull request) for ``repo``."""
    _status, state = read_state(ctx.db, repo, STREAM, full=ctx.full)
    not_found = sorted({int(n) for n in state.get("not_found", [])})
    with read_connection(ctx.db) as conn:
        rows = conn.execute(_MISSING_SQL, {"repo": repo}).fetchall()
    skip = set(not_found)
    return [int(n) for (n,) in rows if int(n) not in skip], not_found


def _pull_request(data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any] | None]:
    repository = data.get("repository")
    if not isinstance(repository, dict):
        raise mapping.PayloadError("repository is null")
    node = repository.get("pullRequest")
    if node is not None and not isinstance(node, dict):
        raise mapping.PayloadError("repository.pullRequest should be an object")
    return repository, node


def fetch_missing_prs(ctx: Context, repo: str) -> int:
    """Fetch and store the blamed or named PRs of ``repo`` the store lacks; how many."""
    from ingest.github.pr_batches import complete_and_map, write

    todo, not_found = missing_numbers(ctx, repo)
    if not todo:
        return 0
    ctx.progress(f"  {repo}: {len(todo)} pull requests blamed or named but not stored yet")
    owner, name = repo.split("/", 1)
    written = 0
    for start in range(0, len(todo), BATCH):
        nodes: list[dict[str, Any]] = []
        repo_row = None
        canonical = repo
        for number in todo[start : start + BATCH]:
            try:
                repository, node = ctx.client.graphql(
                    "pull_request",
                    {"owner": owner, "name": name, "number": number},
                    what=f"pull request {repo}#{number}",
                    parse=_pull_request,
                )
            except UnknownRepositoryError:
                node = None  # GitHub: "Could not resolve to a PullRequest with the number"
            if node is None:
                not_found.append(number)
                continue
            canonical = repository.get("nameWithOwner") or repo
            repo_row = mapping.repository_row(repository)
            nodes.append(node)
        # completed (their long lists, their inline comment counts that matter) and
        # mapped exactly like a batch of the pull_requests stream
        rows = complete_and_map(ctx, [(canonical, node) for node in nodes])
        provenance = {"source": "github", "fetched_at": writer.utc_now()}
        with write_transaction(ctx.db) as conn:
            if repo_row is not None:
                writer.upsert(conn, "repositories", [repo_row], provenance)
            if rows.pull_requests:
                written += write(conn, rows, provenance)
            writer.set_sync_state(
                conn,
                source="github",
                scope=repo,
                stream=STREAM,
                status="complete" if start + BATCH >= len(todo) else "running",
                cursor=json.dumps({"not_found": sorted(set(not_found))}),
            )
        ctx.progress(f"  {repo}: {written} blamed or named pull requests fetched")
    ctx.counts[STREAM] = ctx.counts.get(STREAM, 0) + written
    return written
