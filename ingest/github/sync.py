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
  whole (commits, reviews, events, links) *and* records the resume point of the batch's
  last page (``after`` its end cursor, plus the run's ``since`` and ``high``) with status
  ``running``. The last batch records ``{"since": high}`` with status ``complete``. A
  store of a million PRs pays DuckDB's open and checkpoint once a batch, not once a
  page, and a reader (the dashboard) waits at most one batch's write. A run killed at
  any moment loses at most the batch in flight and starts again from the last committed
  one; since rows are keyed and replaced whole, it ends with the rows of an
  uninterrupted run. A run that stops on an error first writes the pages it has.
* Everything a batch needs from the network is fetched and mapped before its
  transaction opens, so a malformed answer writes nothing (the client asks again, and
  stops the run if it persists) and the database is never locked while we wait on
  GitHub. Each page is checked (mapped once) when it arrives, so a malformed page is
  asked again; the batch's follow-ups are then made in few requests: the nested lists of
  its big PRs (:data:`MORE_SLOTS` PRs a request) and the inline comment counts of the
  reviews that can matter (:data:`COUNT_IDS` a request; mapping.comment_counts_wanted).
* Cost (GitHub's GraphQL rate limit): a page of 100 PRs is 7 points, follow-ups 1-2
  points a request; see queries/pull_requests.graphql.
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
import pandas as pd

from ingest import writer
from ingest.github import issue_mapping, mapping
from ingest.github.client import GitHubClient, GitHubError, MalformedResponseError, batch_variables
from ingest.github.state import drop_unchanged, iso, read_state
from settings import InputError, Settings, settings
from store import ensure_store, write_transaction

SOURCE = "github"
PR_PAGE_SIZE = 100  # GitHub's maximum; 7 points a page (queries/pull_requests.graphql)
MIN_PAGE_SIZE = 10  # when GitHub keeps timing out on a page, halve it down to this
ISSUE_PAGE_SIZE = 100
BATCH_PAGES = 10  # pages written in one transaction (1,000 PRs) ...
BATCH_SECONDS = 20.0  # ... or the pages fetched in this long, whichever comes first
MORE_SLOTS = 20  # big PRs whose nested lists one follow-up request completes
COUNT_IDS = 100  # reviews whose inline comment count one request asks (nodes(ids:) limit)
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


@dataclass
class Page:
    """One fetched page: its rows (mapped, not yet written) and where the stream stands."""

    rows: Any
    repository: dict[str, Any] | None
    kept: int


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
        finish: (context, repo, the batch's parts) -> rows; may fetch follow-ups.
        write: (connection, repo, rows, provenance) -> number of items written.
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
    finish: Callable[[Context, str, list[Any]], Any]
    write: Callable[[duckdb.DuckDBPyConnection, str, Any, dict[str, Any]], int]
    noun: str
    table: str | None = None


# -- pull requests -----------------------------------------------------------------------


def _check_pull_requests(ctx: Context, repo: str, nodes: list[dict[str, Any]]) -> Any:
    """A page's PR nodes, each mapped once to check it (the rows are dropped: the nodes
    are completed and mapped for real with their batch)."""
    probe = mapping.PullRequestRows()
    for node in nodes:
        mapping.map_pull_request(repo, node, ctx.config, probe)
    return nodes


def _finish_pull_requests(ctx: Context, repo: str, parts: list[Any]) -> Any:
    return complete_and_map(ctx, repo, [node for part in parts for node in part])


def complete_and_map(ctx: Context, repo: str, nodes: list[dict[str, Any]]) -> Any:
    """Rows of ``nodes`` (PR nodes as a page gives them): their long nested lists
    completed, then the inline comment counts that can matter fetched."""
    _complete_nested(ctx, repo, nodes)
    rows = mapping.PullRequestRows()
    try:
        for node in nodes:
            mapping.map_pull_request(repo, node, ctx.config, rows)
    except mapping.PayloadError as exc:  # every part was checked on arrival
        raise MalformedResponseError(f"GitHub's answer for {repo} is malformed ({exc})") from None
    _fetch_comment_counts(ctx, repo, rows)
    return rows


def _the_node(data: dict[str, Any]) -> dict[str, Any]:
    extra = data.get("node")
    if not isinstance(extra, dict):
        raise mapping.PayloadError("node is missing (asked for the rest of its lists)")
    return extra


def _what(repo: str, numbers: list[Any]) -> str:
    if len(numbers) == 1:
        return f"pull request {repo}#{numbers[0]}"
    shown = ", ".join(f"#{n}" for n in numbers[:5])
    rest = f" and {len(numbers) - 5} more" if len(numbers) > 5 else ""
    return f"pull requests {repo} {shown}{rest}"


def _complete_nested(ctx: Context, repo: str, nodes: list[dict[str, Any]]) -> None:
    """Fetch the rest of every nested list longer than one page (100 items a request),
    for up to :data:`MORE_SLOTS` PRs a request, until no list has more."""
    while True:
        todo = [(node, more) for node in nodes if (more := mapping.overflowing(node))]
        if not todo:
            return
        for start in range(0, len(todo), MORE_SLOTS):
            chunk = todo[start : start + MORE_SLOTS]
            per_slot = []
            for node, more in chunk:
                variables: dict[str, Any] = {"id": node.get("id")}
                for name in mapping.NESTED:
                    variables[f"with{name.capitalize()}"] = name in more
                    variables[f"{name}After"] = more.get(name)
                per_slot.append(variables)

            def parse(data: dict[str, Any], chunk: list[Any] = chunk) -> list[dict[str, Any]]:
                extras = []
                for k, (node, _more) in enumerate(chunk):
                    extra = data.get(f"s{k}")
                    if not isinstance(extra, dict):
                        raise mapping.PayloadError(
                            f"s{k} is missing (asked for the rest of #{node.get('number')})"
                        )
                    mapping.check_more(repo, node, extra, ctx.config)
                    extras.append(extra)
                return extras

            extras = ctx.client.graphql(
                "pull_request_more",
                batch_variables(per_slot),
                what=_what(repo, [node.get("number") for node, _more in chunk]),
                parse=parse,
                slots=len(chunk),
            )
            for (node, _more), extra in zip(chunk, extras, strict=True):
                mapping.merge_more(node, extra)


def _fetch_comment_counts(ctx: Context, repo: str, rows: Any) -> None:
    """Ask the inline comment count of the reviews whose count can change a metric
    (mapping.comment_counts_wanted), :data:`COUNT_IDS` a request; every other review
    keeps ``None`` (not fetched)."""
    wanted = mapping.comment_counts_wanted(rows, ctx.config.rubber_stamp_min_lines)
    counts: dict[str, int] = {}
    for start in range(0, len(wanted), COUNT_IDS):
        ids = wanted[start : start + COUNT_IDS]

        def parse(data: dict[str, Any], ids: list[str] = ids) -> dict[str, int]:
            found = data.get("nodes")
            if not isinstance(found, list) or len(found) != len(ids):
                raise mapping.PayloadError(f"nodes should be a list of {len(ids)} reviews")
            out: dict[str, int] = {}
            for review_id, node in zip(ids, found, strict=True):
                if not isinstance(node, dict) or node.get("id") != review_id:
                    raise mapping.PayloadError(f"review {review_id} is missing")
                total = (node.get("comments") or {}).get("totalCount")
                if not isinstance(total, int) or isinstance(total, bool):
                    raise mapping.PayloadError(f"review {review_id} has no comments.totalCount")
                out[review_id] = total
            return out

        counts.update(
            ctx.client.graphql(
                "review_comments",
                {"ids": ids},
                what=f"the inline comments of {len(ids)} reviews of {repo}",
                parse=parse,
            )
        )
    mapping.set_comment_counts(rows, counts)
    ctx.counts["review_comment_counts"] = ctx.counts.get("review_comment_counts", 0) + len(wanted)


def _write_people(
    conn: duckdb.DuckDBPyConnection, people: dict[str, bool], provenance: dict[str, Any]
) -> None:
    """Add logins not yet known (never overwriting a person's name, level or team data) and
    mark bots as bots."""
    logins = sorted(login for login in people if login != mapping.GHOST)
    if not logins:
        return
    conn.register("_logins", pd.DataFrame({"login": logins}))
    try:
        known = {
            row[0]
            for row in conn.execute(
                "select login from people where login in (select login from _logins)"
            ).fetchall()
        }
    finally:
        conn.unregister("_logins")
    new = [{"login": login, "is_bot": people[login]} for login in logins if login not in known]
    writer.upsert(conn, "people", new, provenance)
    bots = [login for login in logins if people[login] and login in known]
    if bots:
        conn.register("_bots", pd.DataFrame({"login": bots}))
        try:
            conn.execute("update people set is_bot = true where login in (select login from _bots)")
        finally:
            conn.unregister("_bots")


def _write_pull_requests(
    conn: duckdb.DuckDBPyConnection, repo: str, rows: Any, provenance: dict[str, Any]
) -> int:
    _write_people(conn, rows.people, provenance)
    return writer.replace_pull_requests(
        conn,
        rows.pull_requests,
        commits=rows.commits,
        reviews=rows.reviews,
        events=rows.events,
        extra_links=rows.links,
        provenance=provenance,
    )


# -- issues -> defects -------------------------------------------------------------------


@dataclass
class IssueRows:
    """Bug issues become defects, with the fixes their timelines record; issues without a
    bug label (any longer), or closed as duplicates, are removed."""

    defects: list[dict[str, Any]] = field(default_factory=list)
    not_defects: list[str] = field(default_factory=list)
    links: list[dict[str, Any]] = field(default_factory=list)
    people: dict[str, bool] = field(default_factory=dict)


def _complete_timeline(ctx: Context, repo: str, node: dict[str, Any]) -> None:
    """Fetch the rest of an issue's closed and cross-referenced events (100 a request)."""
    while (cursor := issue_mapping.timeline_cursor(node)) is not None:
        extra = ctx.client.graphql(
            "issue_more",
            {"id": node.get("id"), "after": cursor},
            what=f"issue {repo}#{node.get('number')}",
            parse=_the_node,
        )
        issue_mapping.merge_timeline(node, extra)


def _finish_issues(_ctx: Context, _repo: str, parts: list[Any]) -> Any:
    rows = IssueRows()
    for part in parts:
        rows.defects.extend(part.defects)
        rows.not_defects.extend(part.not_defects)
        rows.links.extend(part.links)
        for login, is_bot in part.people.items():
            rows.people.setdefault(login, is_bot)
    return rows


def _map_issues(ctx: Context, repo: str, nodes: list[dict[str, Any]]) -> Any:
    rows = IssueRows()
    for node in nodes:
        row = issue_mapping.map_issue(repo, node, ctx.config)
        if row is None:
            rows.not_defects.append(f"{repo}#{node.get('number')}")
        else:
            _complete_timeline(ctx, repo, node)
            rows.defects.append(row)
            rows.links.extend(issue_mapping.issue_links(repo, node))
            login, is_bot = mapping.actor(node.get("author"))
            rows.people.setdefault(login, is_bot)
    return rows


def _write_issues(
    conn: duckdb.DuckDBPyConnection, repo: str, rows: Any, provenance: dict[str, Any]
) -> int:
    if rows.not_defects:
        writer.delete_where_in(conn, "defects", "defect_id", rows.not_defects)
        writer.delete_where_in(conn, "links", "from_id", rows.not_defects)
    _write_people(conn, rows.people, provenance)
    written = writer.replace_defects(conn, rows.defects, provenance=provenance)
    issue_ids = [d["defect_id"] for d in rows.defects] + rows.not_defects
    writer.replace_timeline_links(conn, issue_ids, rows.links, provenance=provenance)
    return written


STREAMS: tuple[Stream, ...] = (
    Stream(
        name="pull_requests",
        query="pull_requests",
        connection="pullRequests",
        page_size=PR_PAGE_SIZE,
        server_since=False,
        map_page=_check_pull_requests,
        finish=_finish_pull_requests,
        write=_write_pull_requests,
        noun="pull requests",
        table="pull_requests",
    ),
    Stream(
        name="issues",
        query="issues",
        connection="issues",
        page_size=ISSUE_PAGE_SIZE,
        server_since=True,
        map_page=_map_issues,
        finish=_finish_issues,
        write=_write_issues,
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
    return _PageRead(canonical, rows, repo_row, has_next, end_cursor, reached_floor, high)


@dataclass
class _Batch:
    """Pages fetched and checked, not yet written, and the resume point after the last."""

    parts: list[Any] = field(default_factory=list)
    canonical: str = ""
    repo_row: dict[str, Any] | None = None
    cursor: dict[str, Any] | None = None
    done: bool = False
    started: float = 0.0

    def add(self, page: _PageRead, cursor: dict[str, Any], done: bool) -> None:
        if not self.parts:
            self.started = time.monotonic()
        self.parts.append(page.rows)
        self.canonical = page.canonical
        self.repo_row = page.repo_row or self.repo_row
        self.cursor, self.done = cursor, done

    def full(self) -> bool:
        return (
            self.done
            or len(self.parts) >= BATCH_PAGES
            or time.monotonic() - self.started >= BATCH_SECONDS
        )


def _write_batch(ctx: Context, repo: str, stream: Stream, batch: _Batch) -> int:
    """Complete the batch's rows (follow-ups) and write them with its resume point in one
    transaction; return the items written."""
    rows = stream.finish(ctx, batch.canonical, batch.parts)
    provenance = {"source": SOURCE, "fetched_at": writer.utc_now()}
    with write_transaction(ctx.db) as conn:
        if batch.repo_row is not None:
            writer.upsert(conn, "repositories", [batch.repo_row], provenance)
        written = stream.write(conn, batch.canonical, rows, provenance)
        writer.set_sync_state(
            conn,
            source=SOURCE,
            scope=repo,
            stream=stream.name,
            status="complete" if batch.done else "running",
            cursor=json.dumps(batch.cursor, sort_keys=True),
        )
    batch.parts = []
    return written


def run_stream(ctx: Context, repo: str, stream: Stream) -> int:
    """Fetch one stream of one repository from where it stands; return items written."""
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
    written = 0
    size = stream.page_size
    batch = _Batch()
    while True:
        variables: dict[str, Any] = {"owner": owner, "name": name, "first": size, "after": after}
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
                attempts=2 if size > MIN_PAGE_SIZE else None,
                parse=read,
            )
        except GitHubError as exc:
            if exc.transient and size > MIN_PAGE_SIZE:
                size = max(MIN_PAGE_SIZE, size // 2)
                ctx.progress(
                    f"  {repo}: GitHub keeps failing on this page; asking {size} at a time"
                )
                continue
            _save_before_stopping(ctx, repo, stream, batch)
            raise
        except InputError:
            _save_before_stopping(ctx, repo, stream, batch)
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
        batch.add(page, cursor, done)
        after = page.end_cursor
        if not batch.full():
            continue
        batch_written = _write_batch(ctx, repo, stream, batch)
        written += batch_written
        ctx.counts[stream.name] = ctx.counts.get(stream.name, 0) + batch_written
        remaining = ctx.client.rate_remaining
        ctx.progress(
            f"  {repo}: {written} {stream.noun} fetched"
            f" · {ctx.client.requests_used} requests · {ctx.client.points_used} points"
            + (f" · rate limit remaining {remaining}" if remaining is not None else "")
        )
        if done:
            return written


def _save_before_stopping(ctx: Context, repo: str, stream: Stream, batch: _Batch) -> None:
    """Write the pages already fetched before a run stops on an error (so a rerun resumes
    after them); if that fails too, the rerun fetches them again."""
    if not batch.parts:
        return
    with contextlib.suppress(GitHubError, InputError):
        written = _write_batch(ctx, repo, stream, batch)
        ctx.counts[stream.name] = ctx.counts.get(stream.name, 0) + written


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

    for index, repo in enumerate(names, start=1):
        progress(f"[{index}/{len(names)}] {repo}")
        for stream in STREAMS:
            run_stream(ctx, repo, stream)
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
