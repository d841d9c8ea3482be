"""Ingest layer: runs GitHub streams page by page into the store. Computes no metric.

A stream is described by data (:class:`Stream`: its query, its connection, how a page
becomes rows and how rows are written); :func:`run_stream` is written once.

Incremental and resumable, per repository and stream (``sync_state``):

* GitHub's ``pullRequests`` connection has no ``since`` filter, so we order by
  ``UPDATED_AT`` descending and stop at the previous sync's high-water mark (the newest
  ``updatedAt`` it saw); ``issues`` take ``filterBy: {since}`` and stop when pages run out.
  A PR updated while we page moves to the front and past the new high-water mark, so the
  next run picks it up.
* Pages are written in batches: up to :data:`BATCH_PAGES` pages, or what was fetched in
  :data:`BATCH_SECONDS`, make one :func:`store.write_transaction` that replaces their PRs
  whole (commits, reviews, events, links) *and* records each repository's resume point
  (``after`` the end cursor of its last page in the batch, plus the run's ``since`` and
  ``high``) with status ``running``; a repository's last page records ``{"since": high}``
  with status ``complete``. A batch runs on from one repository into the next, so an
  organization of small repositories fills it too. A store of a million PRs pays
  DuckDB's open, commit and checkpoint (which grow with the store's indexes) once a
  batch, not once a page, and a reader (the dashboard) waits at most one batch's write
  (about a second or two). A batch's write reads only its own rows (writer.py: new PRs
  are inserted, skip the deletes, and their ties join commits on ``pr_key``), with one
  DuckDB thread: its time and memory follow its own rows, and grow with the store only
  through the key indexes it probes and the checkpoint (benchmarks/bench_sync.py measures
  both). The commit's checkpoint rewrites the key indexes the batch changed, the largest
  part of a write's memory: DuckDB pages them through :data:`WRITE_MEMORY` (a batch that
  runs out of it is written again uncapped), and the rows reach it as Python lists (the
  ingest imports no pandas: ingest/table_rows.py). A run killed at any moment loses at
  most the batch in flight and starts again from the last committed one; since rows are
  keyed and replaced whole, it ends with the rows of an uninterrupted run. A run that
  stops on an error first writes the pages it has.
* Everything a batch needs from the network is fetched and mapped before its
  transaction opens, so a malformed answer writes nothing (the client asks again, and
  stops the run if it persists) and the database is never locked while we wait on
  GitHub. Each page is checked (mapped once) when it arrives, so a malformed page is
  asked again; the batch's follow-ups then share few requests (``FollowUps``): the next
  page of the long nested lists of up to :data:`MORE_SLOTS` big PRs and the inline
  comment counts of up to :data:`COUNT_SLOTS` x :data:`COUNT_IDS` reviews, only those
  whose count can change a metric (mapping.comment_counts_wanted; the others store null).
* Cost by GitHub's GraphQL rate-limit formula: a page of 100 PRs is 7 points (a full
  run's last page is sized by totalCount), a follow-up request 1-11 points;
  benchmarks/bench_sync.py measures about 85 points and 19 requests per 1,000 PRs on a
  mix of five repositories, against about 650 and 58 before (see
  queries/pull_requests.graphql and fragments.graphql's ReviewFields).
"""

from __future__ import annotations

import contextlib
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from ingest import writer
from ingest.github import issue_stream, mapping, pr_batches
from ingest.github.client import GitHubClient, GitHubError
from ingest.github.state import drop_unchanged, iso, read_state
from settings import InputError, Settings, settings
from store import ensure_store, write_transaction

SOURCE = "github"
PR_PAGE_SIZE = 100  # GitHub's maximum; 7 points a page (queries/pull_requests.graphql)
MIN_PAGE_SIZE = 10  # when GitHub keeps timing out on a page, halve it down to this
ISSUE_PAGE_SIZE = 100
BATCH_PAGES = 20  # pages written in one transaction (2,000 PRs) ...
BATCH_SECONDS = 30.0  # ... or the pages fetched in this long, whichever comes first
# DuckDB's memory for a batch's write: capped, the key indexes its commit rewrites are
# paged through it rather than held (at 100k PRs about 20 MB off the sync's peak, no slower
# at a million PRs: benchmarks/bench_sync.py); a batch that runs out is written uncapped.
WRITE_MEMORY = "128MB"
_REPO = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]+$")


@dataclass
class Context:
    """What every stream of one run shares."""

    client: GitHubClient
    db: Path
    config: Settings
    progress: Callable[[str], None]
    since: datetime | None = None
    full: bool = False  # ignore every saved cursor: fetch from the start (or from since)
    counts: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Stream:
    """A GitHub stream described as data.

    Attributes:
        name: ``sync_state.stream``.
        query: the query name (``queries/<query>.graphql``).
        connection: the repository field holding the paginated list.
        page_size: items per request.
        server_since: the query filters by ``since`` itself (issues); otherwise the
            runner stops at the high-water mark (pull requests).
        map_page: (context, repo, kept nodes) -> the page's part of a batch, checked
            (a malformed node raises mapping.PayloadError and the page is asked again).
        finish: (context, the batch's (repo, part)s) -> rows; may fetch follow-ups.
        write: (connection, rows, provenance) -> number of items written.
        noun: for progress lines.
        table: the store table whose ``updated_at`` tells whether an item at the
            high-water mark is already stored as it is now (None: always write it).
    """

    name: str
    query: str
    connection: str
    page_size: int
    server_since: bool
    map_page: Callable[[Context, str, list[dict[str, Any]]], Any]
    finish: Callable[[Context, list[tuple[str, Any]]], Any]
    write: Callable[[duckdb.DuckDBPyConnection, Any, dict[str, Any]], int]
    noun: str
    table: str | None = None


# -- pull requests -----------------------------------------------------------------------


STREAMS: tuple[Stream, ...] = (
    Stream(
        name="pull_requests",
        query="pull_requests",
        connection="pullRequests",
        page_size=PR_PAGE_SIZE,
        server_since=False,
        map_page=pr_batches.map_page,
        finish=pr_batches.finish,
        write=pr_batches.write,
        noun="pull requests",
        table="pull_requests",
    ),
    Stream(
        name="issues",
        query="issues",
        connection="issues",
        page_size=ISSUE_PAGE_SIZE,
        server_since=True,
        map_page=issue_stream.map_page,
        finish=issue_stream.finish,
        write=issue_stream.write,
        noun="bug issues",
    ),
)


# -- the runner ----------------------------------------------------------------------------


@dataclass
class _PageRead:
    """One page's answer, checked and mapped (not yet written)."""

    canonical: str
    rows: Any
    repo_row: dict[str, Any] | None
    has_next: bool
    end_cursor: str | None
    reached_floor: bool
    high: str | None
    count: int = 0  # items on the page (before the high-water mark cut them)
    total: int | None = None  # the connection's totalCount, when the query asks it


def _read_page(
    ctx: Context, stream: Stream, data: dict[str, Any], floor: datetime | None, high: str | None
) -> _PageRead:
    """Check and map one page's ``data``.

    Raises:
        mapping.PayloadError: the answer is not the shape the query asked for (the client
            asks again).
    """
    repository = data.get("repository")
    if repository is None:
        raise mapping.PayloadError("repository is null")
    conn_data = repository.get(stream.connection)
    if not isinstance(conn_data, dict):
        raise mapping.PayloadError(f"repository.{stream.connection} is missing")
    nodes = mapping.nodes(conn_data, f"repository.{stream.connection}")
    has_next, end_cursor = mapping.page_info(conn_data, f"repository.{stream.connection}")
    kept = []
    reached_floor = False
    for node in nodes:
        updated = mapping.parse_dt(node.get("updatedAt"), "updatedAt", required=True)
        if floor is not None and updated < floor:
            reached_floor = True
            break
        kept.append(node)
        if high is None or updated > mapping.parse_dt(high, "high"):
            high = iso(updated)
    if floor is not None and stream.table and kept:
        kept = drop_unchanged(ctx.db, stream.table, repository, kept, floor)
    # GitHub's spelling of the repository (owner/name are case-insensitive and a renamed
    # repository redirects), so ids match the references other text makes.
    canonical = repository.get("nameWithOwner")
    if not isinstance(canonical, str) or "/" not in canonical:
        raise mapping.PayloadError("repository.nameWithOwner is missing")
    rows = stream.map_page(ctx, canonical, kept)
    repo_row = mapping.repository_row(repository) if stream.name == "pull_requests" else None
    total = conn_data.get("totalCount")
    return _PageRead(
        canonical,
        rows,
        repo_row,
        has_next,
        end_cursor,
        reached_floor,
        high,
        count=len(nodes),
        total=total if isinstance(total, int) and not isinstance(total, bool) else None,
    )


@dataclass
class _Batch:
    """A stream's pages fetched and checked, not yet written — of one repository or of
    several (a batch runs on from one repository into the next, so an organization of
    small repositories still fills it) —, and each repository's resume point."""

    stream: Stream
    parts: list[tuple[str, Any]] = field(default_factory=list)  # (canonical repo, part)
    repo_rows: dict[str, dict[str, Any]] = field(default_factory=dict)
    states: dict[str, tuple[dict[str, Any], bool]] = field(default_factory=dict)
    started: float = 0.0

    def add(self, repo: str, page: _PageRead, cursor: dict[str, Any], done: bool) -> None:
        if not self.parts:
            self.started = time.monotonic()
        self.parts.append((page.canonical, page.rows))
        if page.repo_row is not None:
            self.repo_rows[page.canonical] = page.repo_row
        self.states[repo] = (cursor, done)

    def full(self) -> bool:
        return len(self.parts) >= BATCH_PAGES or time.monotonic() - self.started >= BATCH_SECONDS


def _write_batch(ctx: Context, batch: _Batch) -> int:
    """Complete the batch's rows (follow-ups) and write them with every repository's
    resume point in one transaction; return the items written."""
    if not batch.states:
        return 0
    stream = batch.stream
    rows = stream.finish(ctx, batch.parts)
    provenance = {"source": SOURCE, "fetched_at": writer.utc_now()}
    try:
        written = _commit(ctx, batch, rows, provenance, memory=WRITE_MEMORY)
    except duckdb.OutOfMemoryException:  # a batch bigger than the cap: as DuckDB pleases
        written = _commit(ctx, batch, rows, provenance, memory=None)
    batch.parts, batch.repo_rows, batch.states = [], {}, {}
    ctx.counts[stream.name] = ctx.counts.get(stream.name, 0) + written
    remaining = ctx.client.rate_remaining
    ctx.progress(
        f"  {ctx.counts[stream.name]} {stream.noun} written"
        f" · {ctx.client.requests_used} requests · {ctx.client.points_used} points"
        + (f" · rate limit remaining {remaining}" if remaining is not None else "")
    )
    return written


def _commit(
    ctx: Context, batch: _Batch, rows: Any, provenance: dict[str, Any], *, memory: str | None
) -> int:
    """The batch's one transaction, under DuckDB's memory cap ``memory`` (None: none)."""
    stream = batch.stream
    with write_transaction(ctx.db) as conn:
        if memory is not None:  # this instance only, which the transaction closes
            conn.execute(f"set memory_limit = '{memory}'")
        if batch.repo_rows:
            writer.upsert(conn, "repositories", list(batch.repo_rows.values()), provenance)
        written = stream.write(conn, rows, provenance)
        for repo, (cursor, done) in batch.states.items():
            writer.set_sync_state(
                conn,
                source=SOURCE,
                scope=repo,
                stream=stream.name,
                status="complete" if done else "running",
                cursor=json.dumps(cursor, sort_keys=True),
            )
    return written


def run_stream(ctx: Context, repo: str, stream: Stream, batch: _Batch) -> None:
    """Fetch one stream of one repository from where it stands into ``batch``, writing
    the batch whenever it is full (the caller writes what is left)."""
    owner, name = repo.split("/", 1)
    status, state = read_state(ctx.db, repo, stream.name, full=ctx.full)
    since_s = state.get("since")
    if status == "running":  # resume a run that was stopped
        high_s, after = state.get("high"), state.get("after")
    else:
        high_s, after = None, None
    floor = mapping.parse_dt(since_s, "sync_state.since") if since_s else None
    if status == "running" and state.get("floor"):  # the --since of the stopped run
        floor = mapping.parse_dt(state["floor"], "sync_state.floor")
    if ctx.since and (floor is None or ctx.since > floor):
        floor = ctx.since
    size = stream.page_size
    # A full run from the start knows how many items are left from the first page's
    # totalCount: its last page asks only for those (GitHub prices a page by `first`).
    fetched: int | None = 0 if after is None and floor is None else None
    left: int | None = None
    while True:
        first = size if left is None else max(1, min(size, left))
        variables: dict[str, Any] = {"owner": owner, "name": name, "first": first, "after": after}
        if stream.server_since:
            variables["since"] = iso(floor)
        what = f"repository {repo}"

        def read(data: dict[str, Any], high: str | None = high_s) -> _PageRead:
            return _read_page(ctx, stream, data, floor, high)

        try:
            # A heavy page that GitHub keeps failing on (502, timeouts) is asked again
            # smaller: after two failures at each size, then with the full retry policy. An
            # answer that cannot be read (cut, HTML, wrong shape) is asked again by the
            # client and, if it persists, stops the run (MalformedResponseError).
            page = ctx.client.graphql(
                stream.query,
                variables,
                what=what,
                attempts=2 if first > MIN_PAGE_SIZE else None,
                parse=read,
            )
        except GitHubError as exc:
            if exc.transient and first > MIN_PAGE_SIZE:
                size = max(MIN_PAGE_SIZE, first // 2)
                ctx.progress(
                    f"  {repo}: GitHub keeps failing on this page; asking {size} at a time"
                )
                continue
            raise
        high_s = page.high
        done = page.reached_floor or not page.has_next
        if done:
            final_since = high_s or since_s or (iso(ctx.since) if ctx.since else None)
            cursor: dict[str, Any] = {"since": final_since}
        else:
            cursor = {
                "since": since_s,
                "floor": iso(floor),
                "high": high_s,
                "after": page.end_cursor,
            }
        batch.add(repo, page, cursor, done)
        after = page.end_cursor
        if fetched is not None and page.total is not None:
            fetched += page.count
            left = page.total - fetched
        if batch.full():
            _write_batch(ctx, batch)
        if done:
            return


def _save_before_stopping(ctx: Context, batches: list[_Batch]) -> None:
    """Write the pages already fetched before a run stops on an error (so a rerun resumes
    after them); if that fails too, the rerun fetches them again."""
    for batch in batches:
        with contextlib.suppress(GitHubError, InputError):
            _write_batch(ctx, batch)


def check_repo_name(repo: str) -> str:
    """Refuse a repository that is not spelled 'owner/name'."""
    if not _REPO.match(repo):
        raise InputError(f"--repo {repo!r}: expected OWNER/NAME, for example octocat/hello-world")
    return repo


@dataclass
class SyncSummary:
    """What a run did (printed as JSON by the CLI)."""

    repositories: list[str]
    pull_requests: int
    issues: int
    blamed_pull_requests: int  # fetched by number: git history blames them (blamed.py)
    requests: int
    rate_limit_points: int  # GraphQL rate-limit points spent, as GitHub's answers say
    rate_limit_remaining: int | None
    waited_s: float

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return dict(self.__dict__)


def sync_github(
    client: GitHubClient,
    *,
    repos: list[str] | tuple[str, ...] = (),
    org: str | None = None,
    db: str | Path | None = None,
    since: datetime | None = None,
    config: Settings | None = None,
    full: bool = False,
    progress: Callable[[str], None] = lambda _line: None,
) -> SyncSummary:
    """Fetch pull requests, reviews and bug issues of ``repos`` (and every repo of ``org``),
    then each repository's PRs that git history blames but the store lacks (blamed.py).

    Args:
        client: a connected :class:`GitHubClient`.
        since: ignore anything last updated before this (a floor for a first sync).
        config: settings (bug labels, AI labels and agents); defaults to ``settings()``.
        full: ignore the saved sync state and fetch everything again (rows are replaced
            whole, so nothing is duplicated).

    Raises:
        InputError: a bad repository name, bad credentials, an unknown repository, or
            GitHub kept answering something unusable (``MalformedResponseError``).
        CorruptSyncStateError: a saved cursor is unreadable and ``full`` was not asked for.
        GitHubError: GitHub kept failing (5xx, timeouts) or refused the query.
    """
    names = [check_repo_name(r) for r in repos]
    if org:
        progress(f"listing the repositories of {org}")
        names.extend(client.organization_repositories(org))
    names = list(dict.fromkeys(names))
    if not names:
        raise InputError("nothing to ingest: pass --repo OWNER/NAME or --org ORG")
    path = ensure_store(db)
    ctx = Context(client=client, db=path, config=config or settings(), progress=progress)
    ctx.since = since
    ctx.full = full
    from ingest.github.blamed import fetch_missing_prs  # it reuses this module's helpers

    batches = [_Batch(stream) for stream in STREAMS]
    try:
        for index, repo in enumerate(names, start=1):
            progress(f"[{index}/{len(names)}] {repo}")
            for batch in batches:
                run_stream(ctx, repo, batch.stream, batch)
        for batch in batches:
            _write_batch(ctx, batch)
    except (GitHubError, InputError):
        _save_before_stopping(ctx, batches)
        raise
    # after every stream is written: what they hold (links, ties) says what is missing
    pr_batches.fill_missing_comment_counts(ctx, names)
    for repo in names:
        fetch_missing_prs(ctx, repo)
    return SyncSummary(
        repositories=names,
        pull_requests=ctx.counts.get("pull_requests", 0),
        issues=ctx.counts.get("issues", 0),
        blamed_pull_requests=ctx.counts.get("blamed_pull_requests", 0),
        requests=client.requests_used,
        rate_limit_points=client.points_used,
        rate_limit_remaining=client.rate_remaining,
        waited_s=round(client.waited_s, 1),
    )
