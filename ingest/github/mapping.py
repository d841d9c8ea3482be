"""Ingest layer: GitHub GraphQL payloads -> typed store rows. Pure functions; no I/O, no metric.

Decisions (tested in tests/ingest/github/test_github_mapping.py):

* A deleted account (``author: null``) is ``ghost``, as GitHub shows it.
* A bot is a GraphQL ``Bot`` or a login ending in ``[bot]``. GraphQL spells a bot's login
  without the ``[bot]`` suffix REST and commit trailers use (``dependabot`` vs
  ``dependabot[bot]``); we store the REST spelling so every source agrees.
* ``is_opened_as_draft``: the PR's first ready-for-review/convert-to-draft event is a
  ready-for-review (it started as a draft), or it is still a draft with no such event.
* ``check_state`` is the head commit's ``statusCheckRollup.state`` as fetched. For a merged
  PR that is the state of its last commit, which is the state at merge unless checks were
  re-run after the merge (an approximation, documented on "How we measure").
* A commit message is kept only when it carries an AI trailer/footer, a reference
  (fixes, reverts, introduced by) or a word shaped like a tracker key (``PAY-142``: the
  metrics layer matches it against imported defects); other messages are read for AI
  detection and dropped.
* Fields the store refuses (acceptance or AI usage counts) are never copied, whatever a
  payload offers: rows are built field by field.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ingest import references
from settings import Settings

GHOST = "ghost"

FAILING_CONCLUSIONS = frozenset(
    {"FAILURE", "TIMED_OUT", "CANCELLED", "ACTION_REQUIRED", "STARTUP_FAILURE"}
)
FAILING_STATUS_STATES = frozenset({"FAILURE", "ERROR"})
EVENT_TYPES = {
    "ReadyForReviewEvent": "ready_for_review",
    "ConvertToDraftEvent": "convert_to_draft",
    "ReviewDismissedEvent": "review_dismissed",
}

# The nested lists of a pull request that may need more pages, by the name used in
# pull_request_more.graphql's variables (with<Name>, <name>After).
NESTED = ("labels", "commits", "reviews", "timeline", "closing", "checks")
_FIELD = {
    "labels": "labels",
    "commits": "commits",
    "reviews": "reviews",
    "timeline": "timelineItems",
    "closing": "closingIssuesReferences",
}

_CO_AUTHOR = re.compile(r"^\s*co-authored-by\s*:\s*(?P<who>.+?)\s*$", re.IGNORECASE | re.MULTILINE)
_ASSISTED = re.compile(r"^\s*assisted-by\s*:\s*(?P<who>.+?)\s*$", re.IGNORECASE | re.MULTILINE)
_GENERATED = re.compile(r"generated\s+(?:with|by)\s+\[?(?P<tool>[^\]\n(]+)", re.IGNORECASE)


LIST_FIELDS = tuple(_FIELD.values())  # the PR's fields holding those lists (not checks)


class PayloadError(ValueError):
    """A payload that does not have the shape the query asked for."""


# -- small readers that fail with the path of the bad field ------------------------------


def _req(obj: Any, key: str, where: str) -> Any:
    if not isinstance(obj, Mapping) or key not in obj:
        raise PayloadError(f"{where}.{key} is missing")
    value = obj[key]
    if value is None:
        raise PayloadError(f"{where}.{key} is null")
    return value


def _str(obj: Any, key: str, where: str, *, required: bool = False) -> str | None:
    value = _req(obj, key, where) if required else (obj or {}).get(key)
    if value is not None and not isinstance(value, str):
        raise PayloadError(f"{where}.{key} should be text, got {type(value).__name__}")
    return value


def _int(obj: Any, key: str, where: str) -> int | None:
    value = (obj or {}).get(key)
    if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
        raise PayloadError(f"{where}.{key} should be a number, got {value!r:.40}")
    return value


def _merge_commit(node: Mapping[str, Any], where: str) -> str | None:
    merge = node.get("mergeCommit")
    if merge is None:
        return None
    if not isinstance(merge, dict):
        raise PayloadError(f"{where}.mergeCommit should be an object, got {merge!r:.40}")
    return _str(merge, "oid", f"{where}.mergeCommit")


def parse_dt(value: Any, where: str, *, required: bool = False) -> datetime | None:
    """A GitHub DateTime (``2026-03-01T12:00:00Z``) as an aware UTC datetime."""
    if value is None:
        if required:
            raise PayloadError(f"{where} is missing")
        return None
    if not isinstance(value, str):
        raise PayloadError(f"{where} should be a date-time, got {value!r:.40}")
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise PayloadError(f"{where} should be a date-time, got {value!r:.40}") from None
    if parsed.tzinfo is None:
        raise PayloadError(f"{where} has no time zone: {value!r:.40}")
    return parsed


def nodes(conn: Any, where: str) -> list[dict[str, Any]]:
    """The ``nodes`` of a connection (an empty list for a null connection)."""
    if conn is None:
        return []
    items = _req(conn, "nodes", where)
    if not isinstance(items, list):
        raise PayloadError(f"{where}.nodes should be a list")
    return [n for n in items if n is not None]


def page_info(conn: Any, where: str) -> tuple[bool, str | None]:
    """``(hasNextPage, endCursor)`` of a connection."""
    if conn is None:
        return False, None
    info = _req(conn, "pageInfo", where)
    more = info.get("hasNextPage")
    if not isinstance(more, bool):
        raise PayloadError(f"{where}.pageInfo.hasNextPage should be true or false")
    cursor = info.get("endCursor")
    if more and not isinstance(cursor, str):
        raise PayloadError(f"{where}.pageInfo.endCursor is missing")
    return more, cursor


def actor(value: Any) -> tuple[str, bool]:
    """``(login, is_bot)`` of a GraphQL Actor; a deleted account is ``ghost``."""
    if value is None:
        return GHOST, False
    login = value.get("login") if isinstance(value, Mapping) else None
    if not isinstance(login, str) or not login:
        return GHOST, False
    is_bot = value.get("__typename") == "Bot" or login.endswith("[bot]")
    if is_bot and not login.endswith("[bot]"):
        login = f"{login}[bot]"
    return login, is_bot


# -- AI-assisted detection (METRICS.md "AI-assisted code") --------------------------------


def _agent_in(text: str, agents: Iterable[str]) -> str | None:
    lowered = text.lower()
    for agent in agents:
        if agent.lower() in lowered:
            return agent
    return None


def ai_reason_in_text(text: str | None, agents: tuple[str, ...]) -> str | None:
    """Why a PR body or commit message marks the change AI-assisted, or None."""
    if not text:
        return None
    for m in _CO_AUTHOR.finditer(text):
        agent = _agent_in(m.group("who"), agents)
        if agent:
            return f"trailer:Co-authored-by {agent}"
    m = _ASSISTED.search(text)
    if m:
        return f"trailer:Assisted-by {m.group('who')[:60]}"
    for m in _GENERATED.finditer(text):
        agent = _agent_in(m.group("tool"), agents)
        if agent:
            return f"footer:Generated with {agent}"
    return None


def detect_ai(
    labels: Iterable[str], body: str | None, messages: Iterable[str | None], config: Settings
) -> str | None:
    """The reason a PR is AI-assisted (``label:…``, ``trailer:…``, ``footer:…``), or None."""
    wanted = {label.lower() for label in config.ai_labels}
    for label in labels:
        if label.lower() in wanted:
            return f"label:{label}"
    for text in (body, *messages):
        reason = ai_reason_in_text(text, config.ai_agents)
        if reason:
            return reason
    return None


def keeps_message(message: str | None, repo: str, agents: tuple[str, ...]) -> bool:
    """A commit message is stored only when it has a trailer/footer, a reference or a word
    shaped like a tracker key."""
    if not message:
        return False
    if _CO_AUTHOR.search(message) or _ASSISTED.search(message):
        return True
    if ai_reason_in_text(message, agents):
        return True
    return bool(
        references.has_key_token(message)
        or references.fixes(None, message, repo)
        or references.reverts(message, repo)
        or references.introduced_by(None, message, repo)
    )


# -- rows ----------------------------------------------------------------------------------


@dataclass
class PullRequestRows:
    """Everything one page of pull requests writes."""

    pull_requests: list[dict[str, Any]] = field(default_factory=list)
    commits: list[dict[str, Any]] = field(default_factory=list)
    reviews: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    links: list[dict[str, Any]] = field(default_factory=list)
    people: dict[str, bool] = field(default_factory=dict)  # login -> is_bot


def repository_row(data: Any) -> dict[str, Any]:
    """The ``repositories`` row from a query's ``repository`` object."""
    where = "repository"
    full = _str(data, "nameWithOwner", where, required=True)
    assert full is not None
    owner, _, name = full.partition("/")
    return {"repo": full, "owner": owner, "name": name, "url": _str(data, "url", where)}


def _first_ready_or_draft(events: list[dict[str, Any]]) -> str | None:
    dated = [e for e in events if e["event_type"] in ("ready_for_review", "convert_to_draft")]
    dated.sort(key=lambda e: (e["created_at"], e["event_id"]))
    return dated[0]["event_type"] if dated else None


def _checks(node: Mapping[str, Any], where: str) -> tuple[str | None, list[str]]:
    head = nodes(node.get("headCommit"), f"{where}.headCommit")
    if not head:
        return None, []
    rollup = (head[-1].get("commit") or {}).get("statusCheckRollup")
    if rollup is None:
        return None, []
    state = _str(rollup, "state", f"{where}.statusCheckRollup")
    failing: list[str] = []
    for ctx in nodes(rollup.get("contexts"), f"{where}.statusCheckRollup.contexts"):
        kind = ctx.get("__typename")
        if kind == "CheckRun" and ctx.get("conclusion") in FAILING_CONCLUSIONS:
            failing.append(str(ctx.get("name")))
        elif kind == "StatusContext" and ctx.get("state") in FAILING_STATUS_STATES:
            failing.append(str(ctx.get("context")))
    return state, sorted(set(failing))


def map_pull_request(
    repo: str, node: Mapping[str, Any], config: Settings, rows: PullRequestRows
) -> None:
    """Add one pull request node (with its nested lists complete) to ``rows``.

    Raises:
        PayloadError: a required field is missing or of the wrong type.
    """
    number = _int(node, "number", "pullRequest")
    if number is None:
        raise PayloadError("pullRequest.number is missing")
    where = f"pullRequest #{number}"
    pr_id = f"{repo}#{number}"
    author, author_bot = actor(node.get("author"))
    rows.people.setdefault(author, author_bot)

    labels = [
        _str(n, "name", f"{where}.labels", required=True)
        for n in nodes(node.get("labels"), f"{where}.labels")
    ]

    messages: list[str | None] = []
    for n in nodes(node.get("commits"), f"{where}.commits"):
        commit = _req(n, "commit", f"{where}.commits")
        sha = _str(commit, "oid", f"{where}.commit", required=True)
        message = _str(commit, "message", f"{where}.commit {sha}")
        messages.append(message)
        user = ((commit.get("author") or {}).get("user")) or None
        rows.commits.append(
            {
                "pr_id": pr_id,
                "sha": sha,
                "authored_at": parse_dt(commit.get("authoredDate"), f"{where}.commit.authoredDate"),
                "committed_at": parse_dt(
                    commit.get("committedDate"), f"{where}.commit.committedDate"
                ),
                "author_login": actor(user)[0] if user else None,
                "message": message if keeps_message(message, repo, config.ai_agents) else None,
            }
        )

    for n in nodes(node.get("reviews"), f"{where}.reviews"):
        reviewer, reviewer_bot = actor(n.get("author"))
        rows.people.setdefault(reviewer, reviewer_bot)
        state = _str(n, "state", f"{where}.review", required=True)
        # The PR page does not ask for inline comment counts: None (unknown) until
        # sync.py fetches the ones that matter (see comment_counts_wanted).
        count = None
        if "comments" in n:
            count = _int(n.get("comments") or {}, "totalCount", f"{where}.review.comments") or 0
        rows.reviews.append(
            {
                "review_id": _str(n, "id", f"{where}.review", required=True),
                "pr_id": pr_id,
                "reviewer_login": reviewer,
                "is_reviewer_bot": reviewer_bot,
                "state": state,
                "submitted_at": parse_dt(n.get("submittedAt"), f"{where}.review.submittedAt"),
                "is_body_empty": not (n.get("body") or "").strip(),
                "inline_comment_count": count,
                "is_dismissed": state == "DISMISSED",
            }
        )

    events: list[dict[str, Any]] = []
    for n in nodes(node.get("timelineItems"), f"{where}.timelineItems"):
        event_type = EVENT_TYPES.get(n.get("__typename", ""))
        if event_type is None:
            continue
        login = actor(n.get("actor"))[0] if n.get("actor") is not None else None
        events.append(
            {
                "event_id": _str(n, "id", f"{where}.timelineItem", required=True),
                "pr_id": pr_id,
                "event_type": event_type,
                "created_at": parse_dt(
                    n.get("createdAt"), f"{where}.timelineItem.createdAt", required=True
                ),
                "actor_login": login,
                "previous_review_state": n.get("previousReviewState"),
                "review_id": (n.get("review") or {}).get("id"),
            }
        )
    rows.events.extend(events)

    for n in nodes(node.get("closingIssuesReferences"), f"{where}.closingIssuesReferences"):
        target_repo = _str(n.get("repository"), "nameWithOwner", f"{where}.closing", required=True)
        target_number = _int(n, "number", f"{where}.closing")
        rows.links.append(
            {
                "link_type": "fixes",
                "from_id": pr_id,
                "target": f"{target_repo}#{target_number}",
                "target_repo": target_repo,
                "target_number": target_number,
                "method": "closing_reference",
            }
        )

    is_draft = bool(node.get("isDraft"))
    first = _first_ready_or_draft(events)
    check_state, failing = _checks(node, where)
    body = _str(node, "body", where)
    reason = detect_ai([lb for lb in labels if lb], body, messages, config)
    rows.pull_requests.append(
        {
            "pr_id": pr_id,
            "repo": repo,
            "number": number,
            "url": _str(node, "url", where),
            "title": _str(node, "title", where),
            "body": body,
            "author_login": author,
            "is_author_bot": author_bot,
            "state": _str(node, "state", where),
            "is_draft": is_draft,
            "is_opened_as_draft": first == "ready_for_review" or (is_draft and first is None),
            "created_at": parse_dt(node.get("createdAt"), f"{where}.createdAt", required=True),
            "merged_at": parse_dt(node.get("mergedAt"), f"{where}.mergedAt"),
            "closed_at": parse_dt(node.get("closedAt"), f"{where}.closedAt"),
            "updated_at": parse_dt(node.get("updatedAt"), f"{where}.updatedAt", required=True),
            "base_ref": _str(node, "baseRefName", where),
            "head_sha": _str(node, "headRefOid", where),
            "head_ref": _str(node, "headRefName", where),
            # The merge, squash or (last) rebased commit on the base branch: how git history
            # finds this PR (ingest/git/ties.py).
            "merge_commit_sha": _merge_commit(node, where),
            "additions": _int(node, "additions", where),
            "deletions": _int(node, "deletions", where),
            "changed_files": _int(node, "changedFiles", where),
            "labels": labels,
            "is_ai_assisted": reason is not None,
            "ai_assisted_reason": reason,
            "check_state": check_state,
            "failing_checks": failing,
            "source_url": _str(node, "url", where),
        }
    )


def overflowing(node: Mapping[str, Any]) -> dict[str, str]:
    """The nested lists of a PR node that have more pages: name -> endCursor."""
    where = f"pullRequest #{node.get('number')}"
    more: dict[str, str] = {}
    for name, key in _FIELD.items():
        has_next, cursor = page_info(node.get(key), f"{where}.{key}")
        if has_next and cursor:
            more[name] = cursor
    rollup = _rollup(node)
    if rollup is not None:
        has_next, cursor = page_info(rollup.get("contexts"), f"{where}.contexts")
        if has_next and cursor:
            more["checks"] = cursor
    return more


def _rollup(node: Mapping[str, Any]) -> dict[str, Any] | None:
    head = (node.get("headCommit") or {}).get("nodes") or []
    if not head or head[-1] is None:
        return None
    return (head[-1].get("commit") or {}).get("statusCheckRollup")


def merge_more(node: dict[str, Any], more: Mapping[str, Any]) -> None:
    """Append a follow-up page (``pull_request_more``'s ``node``) to the PR node in place."""
    tail = more.get("commitsTail")
    if tail is not None and more.get("commits") is not None:
        # the last commits, asked with the next page: together they complete the list
        page = nodes(more["commits"], "commits")
        seen = {(n.get("commit") or {}).get("oid") for n in page}
        extra = [
            n for n in nodes(tail, "commitsTail") if (n.get("commit") or {}).get("oid") not in seen
        ]
        more = {
            **more,
            "commits": {
                "nodes": page + extra,
                "pageInfo": {"hasNextPage": False, "endCursor": None},
            },
        }
    for key in _FIELD.values():
        extra = more.get(key)
        if extra is None:
            continue
        target = node.get(key) or {"nodes": []}
        target["nodes"] = list(target.get("nodes") or []) + nodes(extra, key)
        target["pageInfo"] = _req(extra, "pageInfo", key)
        node[key] = target
    if more.get("headCommit") is not None:
        extra_rollup = _rollup(more)
        rollup = _rollup(node)
        if extra_rollup is not None and rollup is not None:
            contexts = rollup.get("contexts") or {"nodes": []}
            contexts["nodes"] = list(contexts.get("nodes") or []) + nodes(
                extra_rollup.get("contexts"), "contexts"
            )
            contexts["pageInfo"] = _req(extra_rollup.get("contexts"), "pageInfo", "contexts")
            rollup["contexts"] = contexts
