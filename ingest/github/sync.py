"""Ingest layer: runs GitHub streams page by page into the store. Computes no metric.

A stream is described by data (:class:`Stream`: its query, its connection, how a page
becomes rows and how rows are written); :func:`run_stream` is written once.

Incremental and resumable, per repository and stream (``sync_state``):

* GitHub's ``pullRequests`` connection has no ``since`` filter, so we order by
  ``UPDATED_AT`` descending and stop at the previous sync's high-water mark (the newest
  ``updatedAt`` it saw); ``issues`` take ``filterBy: {since}`` and stop when pages run out.
  A PR updated while we page moves to the front and past the new high-water mark, so the
  next run picks it up.
* Each page is one :func:`store.write_transaction` that replaces the page's PRs
  whole (commits, reviews, events, links) *and* records the resume point (``after`` the
  page's end cursor, plus the run's ``since`` and ``high``) with status ``running``. The
  last page records ``{"since": high}`` with status ``complete``. A run killed at any
  moment loses at most the page in flight and starts again from the last committed page;
  since rows are keyed and replaced whole, it ends with the rows of an uninterrupted run.
* Everything a page needs from the network (including the follow-up queries that
  complete nested lists) is fetched and mapped before its transaction opens, so a
  malformed answer writes nothing and the database is never locked while we wait on GitHub.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from ingest import writer
from ingest.github import mapping
from ingest.github.client import GitHubClient, GitHubError, MalformedResponseError
from settings import InputError, Settings, settings
from store import ensure_store, read_connection, write_transaction

SOURCE = "github"
PR_PAGE_SIZE = 50  # 50 PRs with their nested lists keeps a query well under GitHub's limits
MIN_PAGE_SIZE = 10  # when GitHub keeps timing out on a page, halve it down to this
ISSUE_PAGE_SIZE = 100
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
        map_page: (context, repo, kept nodes) -> rows; may fetch follow-up pages.
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
    write: Callable[[duckdb.DuckDBPyConnection, str, Any, dict[str, Any]], int]
    noun: str
    table: str | None = None


# -- pull requests -----------------------------------------------------------------------


def _complete_nested(ctx: Context, repo: str, node: dict[str, Any]) -> None:
    """Fetch the rest of every nested list longer than one page (100 items a request)."""
    while True:
        more = mapping.overflowing(node)
        if not more:
            return
        variables: dict[str, Any] = {"id": node.get("id")}
        for name in mapping.NESTED:
            variables[f"with{name.capitalize()}"] = name in more
            variables[f"{name}After"] = more.get(name)
        data = ctx.client.graphql(
            "pull_request_more", variables, what=f"pull request {repo}#{node.get('number')}"
        )
        extra = data.get("node")
        if not isinstance(extra, dict):
            raise MalformedResponseError(
                f"GitHub returned no pull request {repo}#{node.get('number')} when asked for "
                f"the rest of its lists; nothing from that page was written"
            )
        mapping.merge_more(node, extra)


def _map_pull_requests(ctx: Context, repo: str, nodes: list[dict[str, Any]]) -> Any:
    rows = mapping.PullRequestRows()
    for node in nodes:
        _complete_nested(ctx, repo, node)
        mapping.map_pull_request(repo, node, ctx.config, rows)
    return rows


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
    """Bug issues become defects; issues without a bug label (any longer) are removed."""

    defects: list[dict[str, Any]] = field(default_factory=list)
    not_defects: list[str] = field(default_factory=list)
    people: dict[str, bool] = field(default_factory=dict)


def _map_issues(ctx: Context, repo: str, nodes: list[dict[str, Any]]) -> Any:
    rows = IssueRows()
    for node in nodes:
        row = mapping.map_issue(repo, node, ctx.config)
        if row is None:
            rows.not_defects.append(f"{repo}#{node.get('number')}")
        else:
            rows.defects.append(row)
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
    return writer.replace_defects(conn, rows.defects, provenance=provenance)


STREAMS: tuple[Stream, ...] = (
    Stream(
        name="pull_requests",
        query="pull_requests",
        connection="pullRequests",
        page_size=PR_PAGE_SIZE,
        server_since=False,
        map_page=_map_pull_requests,
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
        write=_write_issues,
        noun="bug issues",
    ),
)


# -- the runner ----------------------------------------------------------------------------


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


class CorruptSyncStateError(InputError):
    """A saved sync cursor that cannot be read: only a full re-sync can go on, so ask."""


def _cursor_problem(cursor: str | None) -> str | None:
    """What is wrong with a saved cursor, or None when it can be resumed from."""
    if not cursor:
        return None
    try:
        state = json.loads(cursor)
    except ValueError:
        return "not JSON"
    if not isinstance(state, dict):
        return "not a JSON object"
    for key in ("since", "floor", "high"):
        try:
            mapping.parse_dt(state.get(key), key)
        except mapping.PayloadError as exc:
            return str(exc)
    if not isinstance(state.get("after"), str | None):
        return "after should be a page cursor"
    return None


def _read_state(
    db: Path, repo: str, stream: str, *, full: bool = False
) -> tuple[str | None, dict[str, Any]]:
    """The saved (status, cursor) of a stream; nothing when ``full`` (a full re-sync).

    Raises:
        CorruptSyncStateError: the saved cursor cannot be read (and ``full`` was not
            asked for): a silent full re-sync could take hours of rate limit.
    """
    if full:
        return None, {}
    with read_connection(db) as conn:
        found = conn.execute(
            "select status, cursor from sync_state where source = ? and scope = ? and stream = ?",
            [SOURCE, repo, stream],
        ).fetchall()
    if not found:
        return None, {}
    status, cursor = found[0]
    problem = _cursor_problem(cursor)
    if problem is not None:
        raise CorruptSyncStateError(
            f"the saved sync state of {repo} ({stream}) is unreadable ({problem}): run again "
            "with --full to fetch it from the start (or from --since)"
        )
    return status, json.loads(cursor) if cursor else {}


def _drop_unchanged(
    db: Path, table: str, repository: dict[str, Any], kept: list[dict[str, Any]], floor: datetime
) -> list[dict[str, Any]]:
    """Leave out items updated exactly at the high-water mark and stored as they are.

    The floor is inclusive (a PR updated in the same second as the last sync, after it,
    must not be missed), so the item that set the mark comes back on every re-sync; when
    the store has it with the same ``updatedAt`` there is nothing to write, nor any
    follow-up request to make for its long nested lists.
    """
    at_floor = {
        f"{repository.get('nameWithOwner')}#{n.get('number')}": n
        for n in kept
        if mapping.parse_dt(n.get("updatedAt"), "updatedAt") == floor
    }
    if not at_floor:
        return kept
    with read_connection(db) as conn:
        conn.register("_ids", pd.DataFrame({"id": sorted(at_floor)}))
        try:
            stored = conn.execute(
                f"select pr_id, updated_at from {table} "  # noqa: S608  (a trusted name)
                "where pr_id in (select id from _ids)"
            ).fetchall()
        finally:
            conn.unregister("_ids")
    same = {pr_id for pr_id, updated in stored if updated == floor}
    return [n for n in kept if f"{repository.get('nameWithOwner')}#{n.get('number')}" not in same]


def run_stream(ctx: Context, repo: str, stream: Stream) -> int:
    """Fetch one stream of one repository from where it stands; return items written."""
    owner, name = repo.split("/", 1)
    status, state = _read_state(ctx.db, repo, stream.name, full=ctx.full)
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
    pages = 0
    size = stream.page_size
    while True:
        variables: dict[str, Any] = {"owner": owner, "name": name, "first": size, "after": after}
        if stream.server_since:
            variables["since"] = _iso(floor)
        what = f"repository {repo}"
        try:
            # A heavy page that GitHub keeps failing on (502, timeouts) is asked again
            # smaller: after two failures at each size, then with the full retry policy.
            data = ctx.client.graphql(
                stream.query, variables, what=what, attempts=2 if size > MIN_PAGE_SIZE else None
            )
        except GitHubError as exc:
            if not exc.transient or size <= MIN_PAGE_SIZE:
                raise
            size = max(MIN_PAGE_SIZE, size // 2)
            ctx.progress(f"  {repo}: GitHub keeps failing on this page; asking {size} at a time")
            continue
        try:
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
                if high_s is None or updated > mapping.parse_dt(high_s, "high"):
                    high_s = _iso(updated)
            if floor is not None and stream.table and kept:
                kept = _drop_unchanged(ctx.db, stream.table, repository, kept, floor)
            # GitHub's spelling of the repository (owner/name are case-insensitive and a
            # renamed repository redirects), so ids match the references other text makes.
            canonical = repository.get("nameWithOwner")
            if not isinstance(canonical, str) or "/" not in canonical:
                raise mapping.PayloadError("repository.nameWithOwner is missing")
            rows = stream.map_page(ctx, canonical, kept)
            repo_row = (
                mapping.repository_row(repository) if stream.name == "pull_requests" else None
            )
        except mapping.PayloadError as exc:
            raise MalformedResponseError(
                f"GitHub's answer for {what} ({stream.noun}, page {pages + 1}) is malformed: "
                f"{exc}; nothing from that page was written"
            ) from None
        done = reached_floor or not has_next
        if done:
            final_since = high_s or since_s or (_iso(ctx.since) if ctx.since else None)
            cursor = {"since": final_since}
        else:
            cursor = {"since": since_s, "floor": _iso(floor), "high": high_s, "after": end_cursor}
        provenance = {"source": SOURCE, "fetched_at": writer.utc_now()}
        with write_transaction(ctx.db) as conn:
            if repo_row is not None:
                writer.upsert(conn, "repositories", [repo_row], provenance)
            page_written = stream.write(conn, canonical, rows, provenance)
            writer.set_sync_state(
                conn,
                source=SOURCE,
                scope=repo,
                stream=stream.name,
                status="complete" if done else "running",
                cursor=json.dumps(cursor, sort_keys=True),
            )
        pages += 1
        written += page_written
        after = end_cursor
        ctx.counts[stream.name] = ctx.counts.get(stream.name, 0) + page_written
        remaining = ctx.client.rate_remaining
        ctx.progress(
            f"  {repo}: {written} {stream.noun} fetched"
            f" · {ctx.client.requests_used} requests"
            + (f" · rate limit remaining {remaining}" if remaining is not None else "")
        )
        if done:
            return written


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
    requests: int
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
    """Fetch pull requests, reviews and bug issues of ``repos`` (and every repo of ``org``).

    Args:
        client: a connected :class:`GitHubClient`.
        since: ignore anything last updated before this (a floor for a first sync).
        config: settings (bug labels, AI labels and agents); defaults to ``settings()``.
        full: ignore the saved sync state and fetch everything again (rows are replaced
            whole, so nothing is duplicated).

    Raises:
        InputError: a bad repository name, bad credentials, an unknown repository.
        CorruptSyncStateError: a saved cursor is unreadable and ``full`` was not asked for.
        GitHubError: GitHub kept failing or answered something unusable.
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
    for index, repo in enumerate(names, start=1):
        progress(f"[{index}/{len(names)}] {repo}")
        for stream in STREAMS:
            run_stream(ctx, repo, stream)
    return SyncSummary(
        repositories=names,
        pull_requests=ctx.counts.get("pull_requests", 0),
        issues=ctx.counts.get("issues", 0),
        requests=client.requests_used,
        rate_limit_remaining=client.rate_remaining,
        waited_s=round(client.waited_s, 1),
    )
