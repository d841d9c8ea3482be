"""A local HTTP server that answers like GitHub (REST and GraphQL), for ingest tests and benchmarks.

It is a real threaded ``http.server`` on 127.0.0.1, so PyGithub runs for real against it.
GraphQL is *executed* with graphql-core against GitHub's public schema (the npm package
pinned in ``schema.pin``, which ``scripts/setup-tests.sh`` fetches into ``.cache/``; or
``$TEAMLENS_GITHUB_SCHEMA``): a query GitHub would
refuse is refused here too (validation errors come back as GitHub sends them), and a
response holds exactly the fields the query selected — a field the mapping reads but the
query forgot is missing here as it would be on GitHub.

Data is plain dicts in GraphQL's shape (lists where GitHub has connections); the resolver
paginates every connection (``first``/``after``/``last``, ``pageInfo``, ``totalCount``),
orders ``pullRequests``/``issues`` by ``updatedAt`` descending with key-based cursors,
filters ``issues(filterBy: {since})`` and ``timelineItems(itemTypes:)``.

Fault switches (:class:`Fault`) answer the next matching requests with a status,
headers and body of our choosing, a delay, or a mangled GraphQL result; ``hang_at``
blocks the n-th request until released (for kill-and-resume tests).
"""

from __future__ import annotations

import base64
import bisect
import contextlib
import json
import os
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import graphql
from graphql_cost import query_cost

ROOT = Path(__file__).resolve().parents[3]
SCHEMA_PIN = Path(__file__).with_name("schema.pin")
TOKEN = "ghp_fakeTOKENfor_teamlens_tests_0123456789"


def schema_pin() -> dict[str, str]:
    """The pinned schema package: ``package``, ``version`` and ``integrity``."""
    lines = SCHEMA_PIN.read_text(encoding="utf-8").splitlines()
    return dict(line.split(None, 1) for line in lines if line.strip() and line[0] != "#")


def schema_path() -> Path:
    """Where GitHub's public schema is (its absence fails the tests that need it)."""
    env = os.environ.get("TEAMLENS_GITHUB_SCHEMA")
    if env:
        return Path(env)
    return ROOT / ".cache" / "github-schema" / schema_pin()["version"] / "schema.graphql"


def schema_missing() -> str:
    """What to do when the schema is not there, in one line."""
    pin = schema_pin()
    return (
        f"GitHub's GraphQL schema is not at {schema_path()}: run ./scripts/setup-tests.sh "
        f"(it fetches {pin['package']}@{pin['version']} with npm pack)"
    )


@cache
def github_schema() -> graphql.GraphQLSchema:
    """GitHub's public GraphQL schema.

    ``assume_valid_sdl``: the published file defines two fields of
    ``EnterpriseOwnerInfo`` twice, which graphql-core's SDL check refuses.
    """
    path = schema_path()
    if not path.is_file():
        raise FileNotFoundError(schema_missing())
    # GitHub's public schema breaks a rule graphql-core 3.3 checks on every validate()
    # (deprecated fields implementing non-deprecated interface fields): trust the schema
    # itself, and still validate every document against its types.
    return graphql.build_schema(
        path.read_text(encoding="utf-8"), assume_valid_sdl=True, assume_valid=True
    )


def iso(value: datetime) -> str:
    """GitHub's DateTime spelling."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


BASE = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


# -- builders -------------------------------------------------------------------------------


def user(login: str | None, kind: str = "User") -> dict[str, Any] | None:
    """An Actor (``None``: a deleted account)."""
    return None if login is None else {"__typename": kind, "login": login}


def commit(
    oid: str, message: str = "Change things", *, at: datetime = BASE, login: str | None = "alice"
) -> dict[str, Any]:
    """A PullRequestCommit."""
    return {
        "commit": {
            "oid": oid,
            "authoredDate": iso(at),
            "committedDate": iso(at + timedelta(minutes=1)),
            "message": message,
            "author": {"user": {"login": login} if login else None},
            "statusCheckRollup": None,
        }
    }


def review(
    rid: str,
    *,
    login: str | None = "bob",
    kind: str = "User",
    state: str = "APPROVED",
    at: datetime = BASE,
    body: str = "",
    comments: int = 0,
) -> dict[str, Any]:
    """A PullRequestReview."""
    return {
        "__typename": "PullRequestReview",
        "id": rid,
        "state": state,
        "submittedAt": iso(at) if state != "PENDING" else None,
        "body": body,
        "author": user(login, kind),
        "comments": {"totalCount": comments},
    }


def event(kind: str, eid: str, *, at: datetime = BASE, login: str = "alice", **extra: Any) -> dict:
    """A timeline item: ReadyForReviewEvent, ConvertToDraftEvent, ReviewDismissedEvent…"""
    return {"__typename": kind, "id": eid, "createdAt": iso(at), "actor": user(login), **extra}


def check_run(name: str, conclusion: str | None = "SUCCESS") -> dict[str, Any]:
    """A CheckRun context."""
    return {"__typename": "CheckRun", "name": name, "conclusion": conclusion}


def status_context(context: str, state: str = "SUCCESS") -> dict[str, Any]:
    """A commit StatusContext."""
    return {"__typename": "StatusContext", "context": context, "state": state}


def pull_request(
    repo: str,
    number: int,
    *,
    updated: datetime | None = None,
    created: datetime | None = None,
    merged: datetime | None = None,
    state: str = "MERGED",
    author: str | None = "alice",
    author_kind: str = "User",
    title: str | None = None,
    body: str = "",
    is_draft: bool = False,
    labels: tuple[str, ...] = (),
    commits: list[dict[str, Any]] | int = 1,
    reviews: list[dict[str, Any]] | None = None,
    timeline: list[dict[str, Any]] | None = None,
    closing: tuple[str, ...] = (),
    check_state: str | None = "SUCCESS",
    checks: list[dict[str, Any]] | None = None,
    additions: int = 10,
    deletions: int = 2,
    merge_commit: str | None = None,
    head_ref: str | None = None,
) -> dict[str, Any]:
    """A PullRequest with its nested lists (a merged one has a merge commit oid)."""
    created = created or BASE + timedelta(hours=number)
    if merged is None and state == "MERGED":
        merged = created + timedelta(hours=5)
    updated = updated or (merged or created) + timedelta(minutes=1)
    if isinstance(commits, int):
        commits = [
            commit(f"{number:05d}{i:035d}", f"Commit {i} of #{number}", at=created)
            for i in range(commits)
        ]
    if commits and check_state is not None:
        commits[-1]["commit"]["statusCheckRollup"] = {
            "state": check_state,
            "contexts": checks if checks is not None else [check_run("build")],
        }
    owner, name = repo.split("/")
    return {
        "__typename": "PullRequest",
        "id": f"PR_{owner}_{name}_{number}",
        "number": number,
        "url": f"https://github.com/{repo}/pull/{number}",
        "title": title if title is not None else f"Change {number}",
        "body": body,
        "state": state,
        "isDraft": is_draft,
        "createdAt": iso(created),
        "mergedAt": iso(merged) if merged else None,
        "closedAt": iso(merged) if merged else None,
        "updatedAt": iso(updated),
        "baseRefName": "main",
        "headRefName": head_ref if head_ref is not None else f"change-{number}",
        "mergeCommit": (
            {"oid": merge_commit or f"{number:05d}{'e' * 35}"} if state == "MERGED" else None
        ),
        "headRefOid": commits[-1]["commit"]["oid"] if commits else "0" * 40,
        "additions": additions,
        "deletions": deletions,
        "changedFiles": 3,
        "author": user(author, author_kind),
        "labels": [{"name": n} for n in labels],
        "commits": commits,
        "reviews": reviews if reviews is not None else [],
        "timelineItems": timeline or [],
        "closingIssuesReferences": [
            {"number": int(ref.split("#")[1]), "repository": {"nameWithOwner": ref.split("#")[0]}}
            for ref in closing
        ],
        "repository": repository_ref(repo),
    }


def repository_ref(repo: str) -> dict[str, Any]:
    """A Repository as another object points at it (``nameWithOwner`` and its parts)."""
    owner, name = repo.split("/")
    return {
        "__typename": "Repository",
        "nameWithOwner": repo,
        "name": name,
        "owner": {"__typename": "Organization", "login": owner},
        "url": f"https://github.com/{repo}",
    }


def pr_closer(repo: str, number: int) -> dict[str, Any]:
    """A PullRequest as an issue's ``ClosedEvent.closer`` (or a cross-reference's source)."""
    return {
        "__typename": "PullRequest",
        "number": number,
        "url": f"https://github.com/{repo}/pull/{number}",
        "repository": repository_ref(repo),
    }


def commit_closer(repo: str, oid: str) -> dict[str, Any]:
    """A Commit as an issue's ``ClosedEvent.closer`` (a 'Fixes #N' pushed to the default
    branch)."""
    return {
        "__typename": "Commit",
        "oid": oid,
        "url": f"https://github.com/{repo}/commit/{oid}",
        "repository": repository_ref(repo),
    }


def closed_event(
    at: datetime, closer: dict[str, Any] | None = None, reason: str = "COMPLETED"
) -> dict[str, Any]:
    """An issue's ClosedEvent, as GitHub returns it (``closer`` null when closed by hand)."""
    return {
        "__typename": "ClosedEvent",
        "id": f"CE_{int(at.timestamp())}_{(closer or {}).get('number', '')}",
        "createdAt": iso(at),
        "stateReason": reason,
        "closer": closer,
        "actor": user("carol"),
    }


def cross_reference(
    at: datetime, source: dict[str, Any], *, will_close: bool = True
) -> dict[str, Any]:
    """An issue's CrossReferencedEvent: a PR (or issue) mentioned it; ``willCloseTarget``
    when the PR says it closes it."""
    return {
        "__typename": "CrossReferencedEvent",
        "id": f"CRE_{int(at.timestamp())}_{source.get('number')}",
        "createdAt": iso(at),
        "referencedAt": iso(at),
        "isCrossRepository": False,
        "willCloseTarget": will_close,
        "source": source,
        "actor": user("alice"),
    }


def issue(
    repo: str,
    number: int,
    *,
    labels: tuple[str, ...] = ("bug",),
    title: str | None = None,
    body: str = "",
    created: datetime | None = None,
    closed: datetime | None = None,
    updated: datetime | None = None,
    author: str | None = "carol",
    state_reason: str | None = None,
    timeline: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """An Issue (closed ones default to the state reason COMPLETED)."""
    created = created or BASE + timedelta(days=1, hours=number)
    updated = updated or (closed or created) + timedelta(minutes=2)
    return {
        "__typename": "Issue",
        "id": f"I_{repo}_{number}",
        "number": number,
        "url": f"https://github.com/{repo}/issues/{number}",
        "title": title if title is not None else f"Bug {number}",
        "body": body,
        "state": "CLOSED" if closed else "OPEN",
        "stateReason": (state_reason or "COMPLETED") if closed else None,
        "createdAt": iso(created),
        "closedAt": iso(closed) if closed else None,
        "updatedAt": iso(updated),
        "author": user(author),
        "labels": [{"name": n} for n in labels],
        "timelineItems": timeline or [],
    }


# -- faults ---------------------------------------------------------------------------------


@dataclass
class Fault:
    """Answer the next ``times`` matching requests differently.

    Attributes:
        match: 'graphql', 'rest' or 'any'.
        status/headers/body: the answer (body: dict -> JSON, str/bytes -> as is); when
            ``body`` is None the request is answered normally with this status/headers.
        headers_fn: headers computed when the fault fires (e.g. a reset one second ahead).
        mutate: applied to a GraphQL result before it is sent (malformed answers).
        delay_s: sleep before answering (timeouts).
        cut: send only this share of the real GraphQL answer's bytes (a proxy or a dropped
            connection cutting it short).
        cut_keeps_length: with ``cut``, still declare the whole answer's Content-Length
            and close the connection after the part sent (the connection broke mid-answer).
        content_type: the Content-Type of ``body`` (``text/html`` for an error page).
    """

    match: str = "graphql"
    times: int = 1
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    headers_fn: Callable[[], dict[str, str]] | None = None
    body: Any = None
    mutate: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    delay_s: float = 0.0
    cut: float | None = None
    cut_keeps_length: bool = False
    content_type: str | None = None


def html_error_page(times: int = 1, match: str = "graphql") -> Fault:
    """An HTML error page sent with status 200, as some proxies and GitHub's edge do."""
    return Fault(
        match=match,
        times=times,
        content_type="text/html; charset=utf-8",
        body="<!DOCTYPE html>\n<html><head><title>Unicorn! · GitHub</title></head>"
        "<body><p>We had issues producing the response to your request.</p></body></html>",
    )


def primary_rate_limit(match: str = "graphql", status: int = 403, ahead_s: float = 1) -> Fault:
    """403/429 with X-RateLimit-Remaining: 0 and a reset ``ahead_s`` from now."""
    return Fault(
        match=match,
        status=status,
        headers_fn=lambda: {
            "x-ratelimit-remaining": "0",
            "x-ratelimit-limit": "5000",
            "x-ratelimit-reset": str(int(time.time() + ahead_s)),
        },
        body={
            "message": "API rate limit exceeded for user ID 1.",
            "documentation_url": "https://docs.github.com/rest/rate-limit",
        },
    )


def graphql_rate_limited(ahead_s: float = 1) -> Fault:
    """GraphQL's RATE_LIMITED error (HTTP 200 with ``errors``)."""
    return Fault(
        headers_fn=lambda: {
            "x-ratelimit-remaining": "0",
            "x-ratelimit-limit": "5000",
            "x-ratelimit-reset": str(int(time.time() + ahead_s)),
        },
        body={
            "data": None,
            "errors": [
                {"type": "RATE_LIMITED", "message": "API rate limit exceeded for user ID 1."}
            ],
        },
    )


def secondary_rate_limit(match: str = "graphql", retry_after: int = 1) -> Fault:
    """403 with Retry-After."""
    return Fault(
        match=match,
        status=403,
        headers={"retry-after": str(retry_after)},
        body={
            "message": "You have exceeded a secondary rate limit. Please wait a few minutes "
            "before you try again.",
            "documentation_url": "https://docs.github.com/rest/rate-limit",
        },
    )


# -- the server -----------------------------------------------------------------------------


@dataclass
class Seen:
    """One request the server answered."""

    method: str
    path: str
    operation: str | None
    variables: dict[str, Any]
    status: int = 200
    cost: int = 0  # GraphQL rate-limit points (GitHub's formula) of an executed query


def _cursor(key: Any) -> str:
    return base64.b64encode(json.dumps(key).encode()).decode()


def _uncursor(text: str) -> Any:
    try:
        return json.loads(base64.b64decode(text.encode()))
    except ValueError:
        raise graphql.GraphQLError(f"`{text}` does not appear to be a valid cursor.") from None


def _type_name(item_type: str) -> str:
    return "".join(part.capitalize() for part in item_type.lower().split("_"))


def _dt(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


class _Context(list):
    """A request's extra errors (NOT_FOUND …), and its cost for ``rateLimit.cost``."""

    cost: int = 1


class FakeGitHub:
    """GitHub's REST and GraphQL API for tests, on 127.0.0.1."""

    def __init__(self, token: str = TOKEN, *, prefix: str = "") -> None:
        self.token = token
        self.prefix = prefix  # "/api/v3" to answer like GitHub Enterprise
        self.repos: dict[str, dict[str, Any]] = {}
        self.orgs: dict[str, list[str]] = {}
        self.seen: list[Seen] = []
        self.faults: list[Fault] = []
        self.hang_at: int | None = None
        self.hanging = threading.Event()
        self.release = threading.Event()
        self.rate_remaining = 5000
        self.version = 0
        self._order_cache: dict[Any, Any] = {}
        self._id_index: dict[str, Any] = {}
        self._id_index_key: Any = None
        self.points_used = 0  # GraphQL rate-limit points by GitHub's formula (graphql_cost)
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.schema = github_schema()

    # data
    def add_repo(self, full_name: str) -> dict[str, Any]:
        """A repository (created empty if new)."""
        owner, name = full_name.split("/")
        repo = self.repos.setdefault(
            full_name,
            {
                "nameWithOwner": full_name,
                "name": name,
                "url": f"https://github.com/{full_name}",
                "owner": {"__typename": "Organization", "login": owner},
                "pullRequests": [],
                "issues": [],
            },
        )
        self.orgs.setdefault(owner, [])
        if full_name not in self.orgs[owner]:
            self.orgs[owner].append(full_name)
        return repo

    def add_pr(self, repo: str, number: int, **kw: Any) -> dict[str, Any]:
        """Add (or replace) a pull request built by :func:`pull_request`."""
        pr = pull_request(repo, number, **kw)
        prs = self.add_repo(repo)["pullRequests"]
        prs[:] = [p for p in prs if p["number"] != number] + [pr]
        self.version += 1
        return pr

    def add_issue(self, repo: str, number: int, **kw: Any) -> dict[str, Any]:
        """Add (or replace) an issue built by :func:`issue`."""
        item = issue(repo, number, **kw)
        items = self.add_repo(repo)["issues"]
        items[:] = [i for i in items if i["number"] != number] + [item]
        self.version += 1
        return item

    def graphql_requests(self) -> list[Seen]:
        """The GraphQL requests answered so far."""
        return [s for s in self.seen if s.operation is not None]

    # lifecycle
    @property
    def url(self) -> str:
        """The base URL to give PyGithub (``--api-url``)."""
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}{self.prefix}"

    def start(self) -> FakeGitHub:
        """Listen on a free port in a background thread."""
        handler = type("Handler", (_Handler,), {"fake": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop listening and release a hung request."""
        self.release.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def __enter__(self) -> FakeGitHub:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # answering
    def take_fault(self, kind: str) -> Fault | None:
        """The fault for this request, if one is armed."""
        with self._lock:
            for fault in self.faults:
                if fault.match in (kind, "any") and fault.times > 0:
                    fault.times -= 1
                    return fault
        return None

    def rate_headers(self) -> dict[str, str]:
        """The rate-limit headers GitHub sends with every answer."""
        with self._lock:
            self.rate_remaining = max(0, self.rate_remaining - 1)
            remaining = self.rate_remaining
        return {
            "x-ratelimit-limit": "5000",
            "x-ratelimit-remaining": str(remaining),
            "x-ratelimit-reset": str(int(time.time()) + 3600),
            "x-ratelimit-used": str(5000 - remaining),
        }

    def execute(self, payload: dict[str, Any], seen: Seen | None = None) -> dict[str, Any]:
        """Validate and execute one GraphQL request against GitHub's schema; its cost by
        GitHub's formula is charged to the rate limit (and noted on ``seen``)."""
        try:
            document = graphql.parse(payload.get("query") or "")
        except graphql.GraphQLError as exc:
            return {"errors": [{"message": exc.message, "type": "PARSE"}]}
        errors = graphql.validate(self.schema, document)
        if errors:
            return {"errors": [{"message": e.message} for e in errors]}
        extra = _Context()
        extra.cost = query_cost(payload.get("query") or "", payload.get("variables") or {}).points
        if seen is not None:
            seen.cost = extra.cost
        with self._lock:
            self.points_used += extra.cost
            # the cost less the 1 that rate_headers takes off every answer
            self.rate_remaining = max(0, self.rate_remaining - extra.cost + 1)
        result = graphql.execute(
            self.schema,
            document,
            root_value={},
            variable_values=payload.get("variables") or {},
            field_resolver=self._resolve,
            context_value=extra,
        )
        out: dict[str, Any] = {"data": result.data}
        errors_out = [{"message": e.message, "path": e.path} for e in result.errors or []]
        errors_out.extend(extra)
        if errors_out:
            out["errors"] = errors_out
        return out

    def _resolve(self, source: Any, info: graphql.GraphQLResolveInfo, **args: Any) -> Any:
        name = info.field_name
        if info.parent_type.name == "Query":
            if name == "repository":
                wanted = f"{args['owner']}/{args['name']}".lower()
                full = next((r for r in self.repos if r.lower() == wanted), wanted)
                if full not in self.repos:
                    info.context.append(
                        {
                            "type": "NOT_FOUND",
                            "path": ["repository"],
                            "message": f"Could not resolve to a Repository with the name '{full}'.",
                        }
                    )
                    return None
                return self.repos[full]
            if name == "node":
                return self._by_id().get(args["id"])
            if name == "nodes":
                # GitHub: at most 100 ids; an unknown id is null, with a NOT_FOUND error
                if len(args["ids"]) > 100:
                    raise graphql.GraphQLError("You may not request more than 100 nodes at once.")
                index = self._by_id()
                for position, node_id in enumerate(args["ids"]):
                    if node_id not in index:
                        info.context.append(
                            {
                                "type": "NOT_FOUND",
                                "path": ["nodes", position],
                                "message": f"Could not resolve to a node with the global id "
                                f"of '{node_id}'",
                            }
                        )
                return [index.get(node_id) for node_id in args["ids"]]
            if name == "rateLimit":
                return {
                    "cost": info.context.cost,
                    "remaining": self.rate_remaining,
                    "resetAt": iso(datetime.now(UTC) + timedelta(hours=1)),
                }
            return None
        if info.parent_type.name == "Repository" and name == "pullRequest":
            found = [p for p in source.get("pullRequests", []) if p["number"] == args["number"]]
            if not found:
                # GitHub answers a number that is no PR (an issue's, or none) this way
                info.context.append(
                    {
                        "type": "NOT_FOUND",
                        "path": [*info.path.as_list()],
                        "message": "Could not resolve to a PullRequest with the number of "
                        f"{args['number']}.",
                    }
                )
                return None
            return found[0]
        if info.parent_type.name == "Issue" and name == "stateReason":
            reason = source.get("stateReason")
            # GitHub spells a duplicate NOT_PLANNED unless asked with enableDuplicate
            if reason == "DUPLICATE" and not args.get("enableDuplicate"):
                return "NOT_PLANNED"
            return reason
        value = source.get(name) if isinstance(source, dict) else getattr(source, name, None)
        named = graphql.get_named_type(info.return_type)
        if isinstance(value, list) and named is not None and named.name.endswith("Connection"):
            return self._paginate(name, value, args)
        return value

    def _by_id(self) -> dict[str, Any]:
        """Every pull request, issue and review by node id (rebuilt when data changed)."""
        size = sum(len(r["pullRequests"]) + len(r["issues"]) for r in self.repos.values())
        key = (self.version, size)
        if self._id_index_key != key:
            index: dict[str, Any] = {}
            for repo in self.repos.values():
                for pr in repo["pullRequests"]:
                    index[pr["id"]] = pr
                    for item in pr.get("reviews") or ():
                        index[item["id"]] = item
                for item in repo["issues"]:
                    index[item["id"]] = item
            self._id_index, self._id_index_key = index, key
        return self._id_index

    def _ordered(self, items: list[Any]) -> tuple[list[Any], list[tuple[str, int]]]:
        """Items by (updatedAt, number) descending, and their keys ascending (for bisect).

        Cached per list and data version: sorting 100,000 PRs for every page would make the
        benchmark measure the fake server.
        """
        cache_key = (id(items), len(items), self.version)
        cached = self._order_cache.get(cache_key)
        if cached is None:
            ordered = sorted(items, key=lambda i: (i["updatedAt"], i["number"]), reverse=True)
            keys = [(i["updatedAt"], i["number"]) for i in reversed(ordered)]
            cached = (ordered, keys)
            self._order_cache = {cache_key: cached}
        return cached

    def _paginate(self, field_name: str, items: list[Any], args: dict[str, Any]) -> dict[str, Any]:
        first, last, after = args.get("first"), args.get("last"), args.get("after")
        for limit in (first, last):
            if limit is not None and not 0 <= limit <= 100:
                raise graphql.GraphQLError(
                    f"Requesting {limit} records on the `{field_name}` connection exceeds the "
                    "`first` limit of 100 records."
                )
        if args.get("itemTypes"):
            wanted = {_type_name(t) for t in args["itemTypes"]}
            items = [i for i in items if i.get("__typename") in wanted]
        keyed = field_name in ("pullRequests", "issues")
        asc_keys: list[tuple[str, int]] = []
        if keyed:
            since = (args.get("filterBy") or {}).get("since")
            if since:
                items = [i for i in items if _dt(i["updatedAt"]) >= _dt(since)]
                items = sorted(items, key=lambda i: (i["updatedAt"], i["number"]), reverse=True)
                asc_keys = [(i["updatedAt"], i["number"]) for i in reversed(items)]
            else:
                items, asc_keys = self._ordered(items)

        def key(index: int) -> Any:
            item = items[index]
            return [item["updatedAt"], item["number"]] if keyed else index

        start = 0
        if after:
            wanted_key = _uncursor(after)
            if keyed:
                # the first item whose key is below the cursor's (keys run descending)
                below = bisect.bisect_left(asc_keys, (wanted_key[0], wanted_key[1]))
                start = len(items) - below
            else:
                start = int(wanted_key) + 1
        end = len(items) if first is None else min(len(items), start + first)
        if last is not None:
            start = max(start, end - last)
        window = list(range(start, end))
        return {
            "totalCount": len(items),
            "nodes": [items[i] for i in window],
            "edges": [{"node": items[i], "cursor": _cursor(key(i))} for i in window],
            "pageInfo": {
                "hasNextPage": end < len(items),
                "hasPreviousPage": start > 0,
                "endCursor": _cursor(key(window[-1])) if window else None,
                "startCursor": _cursor(key(window[0])) if window else None,
            },
        }

    def rest(self, path: str, query: dict[str, list[str]], host: str) -> tuple[int, Any, dict]:
        """Answer a REST GET."""
        base = f"http://{host}{self.prefix}"
        if path == "/user":
            return 200, {"login": "tester", "type": "User", "url": f"{base}/users/tester"}, {}
        if path == "/rate_limit":
            core = {"limit": 5000, "remaining": self.rate_remaining, "reset": int(time.time())}
            return 200, {"resources": {"core": core, "graphql": core}, "rate": core}, {}
        m = re.fullmatch(r"/repos/([^/]+)/([^/]+)", path)
        if m:
            full = f"{m.group(1)}/{m.group(2)}"
            if full not in self.repos:
                return 404, {"message": "Not Found"}, {}
            return 200, self._rest_repo(full, base), {}
        m = re.fullmatch(r"/orgs/([^/]+)/repos", path)
        if m:
            org = m.group(1)
            if org not in self.orgs:
                return 404, {"message": "Not Found"}, {}
            per_page = int(query.get("per_page", ["30"])[0])
            page = int(query.get("page", ["1"])[0])
            names = self.orgs[org]
            chunk = names[(page - 1) * per_page : page * per_page]
            headers = {}
            if page * per_page < len(names):
                headers["link"] = (
                    f'<{base}/orgs/{org}/repos?per_page={per_page}&page={page + 1}>; rel="next"'
                )
            return 200, [self._rest_repo(n, base) for n in chunk], headers
        return 404, {"message": "Not Found"}, {}

    @staticmethod
    def _rest_repo(full: str, base: str) -> dict[str, Any]:
        owner, name = full.split("/")
        return {
            "id": abs(hash(full)) % 10**8,
            "name": name,
            "full_name": full,
            "owner": {"login": owner, "type": "Organization"},
            "html_url": f"https://github.com/{full}",
            "url": f"{base}/repos/{full}",
            "private": False,
            "archived": False,
        }


class _Handler(BaseHTTPRequestHandler):
    fake: FakeGitHub
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        """Quiet."""

    def _send(
        self,
        status: int,
        body: Any,
        headers: dict[str, str] | None = None,
        *,
        content_type: str | None = None,
        cut: float | None = None,
        cut_keeps_length: bool = False,
    ) -> None:
        if isinstance(body, dict | list):
            raw = json.dumps(body).encode()
        elif isinstance(body, str):
            raw = body.encode()
        else:
            raw = body or b""
        sent = raw if cut is None else raw[: int(len(raw) * cut)]
        self.send_response(status)
        self.send_header("Content-Type", content_type or "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(raw) if cut_keeps_length else len(sent)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(sent)
        if cut is not None and cut_keeps_length:
            self.wfile.flush()
            self.close_connection = True  # the client is left waiting for the rest

    def _authorized(self) -> bool:
        header = self.headers.get("Authorization", "")
        return header in (f"token {self.fake.token}", f"Bearer {self.fake.token}")

    def _begin(self, seen: Seen) -> None:
        fake = self.fake
        with fake._lock:
            fake.seen.append(seen)
            number = len(fake.seen)
        if fake.hang_at is not None and number >= fake.hang_at:
            fake.hanging.set()
            fake.release.wait(60)

    def _path(self) -> tuple[str, dict[str, list[str]]]:
        parsed = urlparse(self.path)
        path = parsed.path
        if self.fake.prefix and path.startswith(self.fake.prefix):
            path = path[len(self.fake.prefix) :]
        return path, parse_qs(parsed.query)

    def _fault_answer(self, fault: Fault | None, seen: Seen) -> bool:
        if fault is None:
            return False
        if fault.delay_s:
            time.sleep(fault.delay_s)
        if fault.body is None and fault.mutate is None and fault.status == 200:
            return False
        if fault.body is not None:
            headers = dict(fault.headers)
            if fault.headers_fn:
                headers.update(fault.headers_fn())
            seen.status = fault.status
            with contextlib.suppress(OSError):
                self._send(fault.status, fault.body, headers, content_type=fault.content_type)
            return True
        return False

    def do_GET(self) -> None:
        path, query = self._path()
        seen = Seen("GET", path, None, {})
        self._begin(seen)
        if not self._authorized():
            seen.status = 401
            self._send(401, {"message": "Bad credentials"})
            return
        if self._fault_answer(self.fake.take_fault("rest"), seen):
            return
        status, body, headers = self.fake.rest(path, query, self.headers.get("Host", ""))
        seen.status = status
        self._send(status, body, {**self.fake.rate_headers(), **headers})

    def do_POST(self) -> None:
        path, _query = self._path()
        length = int(self.headers.get("Content-Length", "0"))
        raw = self.rfile.read(length)
        try:
            payload = json.loads(raw)
        except ValueError:
            payload = {}
        text = payload.get("query") or ""
        m = re.search(r"^query\s+(\w+)", text, re.MULTILINE)
        seen = Seen("POST", path, m.group(1) if m else "?", payload.get("variables") or {})
        graphql_path = "/api/graphql" if self.fake.prefix else "/graphql"
        if urlparse(self.path).path != graphql_path:
            self._begin(seen)
            self._send(404, {"message": "Not Found"})
            return
        self._begin(seen)
        if not self._authorized():
            seen.status = 401
            self._send(401, {"message": "Bad credentials"})
            return
        fault = self.fake.take_fault("graphql")
        if self._fault_answer(fault, seen):
            return
        result = self.fake.execute(payload, seen)
        if fault is not None and fault.mutate is not None:
            result = fault.mutate(result)
        cut = fault.cut if fault is not None else None
        keeps = fault.cut_keeps_length if fault is not None else False
        with contextlib.suppress(OSError):
            self._send(200, result, self.fake.rate_headers(), cut=cut, cut_keeps_length=keeps)
