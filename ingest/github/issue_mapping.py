"""Ingest layer: GitHub issue payloads -> defects and the fixes their timeline records. Pure.

Decisions (tested in tests/ingest/github/test_github_mapping.py, docs/how-we-measure.md):

* An issue is a defect when one of its labels is one of ``bug_labels`` (whole name, any
  case).
* GitHub's state reason is an outcome, judged by the same settings as a tracker export's
  resolution (:func:`ingest.tracker_exports.judge_outcome`): ``DUPLICATE`` is one of
  ``not_defect_resolutions`` (Duplicate): the issue is not a defect, and an earlier sync's
  defect is removed; ``NOT_PLANNED`` is one of ``unfixed_resolutions`` (Not Planned): a
  defect closed without a fix, resolved at ``closedAt``; ``COMPLETED`` (or none, or a
  reopened issue's ``REOPENED``): an ordinary defect. Only a closed issue's reason counts.
* The timeline's fixes become ``fixes`` links: a ``ClosedEvent``'s closer — a pull request
  (from its id ``owner/repo#N``, method ``closed_event``) or a commit (from
  ``owner/name@sha``, the form ``teamlens ingest git`` uses, so SZZ reaches it) — and each
  ``CrossReferencedEvent`` from a pull request with ``willCloseTarget`` (method
  ``cross_reference``). A cross-reference that will not close the issue is a mention, not
  a fix.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from typing import Any

from ingest.github.mapping import PayloadError, _int, _req, _str, nodes, page_info, parse_dt
from ingest.tracker_exports import Rules, judge_outcome
from settings import Settings


@cache
def _rules(config: Settings) -> Rules:
    return Rules.of(config)


def _severity(labels: list[str]) -> str | None:
    for label in labels:
        m = re.fullmatch(r"(?:severity|sev|priority)\s*[:/=-]?\s*(.+)", label, re.IGNORECASE)
        if m:
            return m.group(1).strip()
        if re.fullmatch(r"(?:sev|p)\d", label, re.IGNORECASE):
            return label
    return None


def map_issue(repo: str, node: Mapping[str, Any], config: Settings) -> dict[str, Any] | None:
    """The ``defects`` row of a bug-labelled issue; None for an issue that is not a defect
    (no bug label, or closed as a duplicate).

    Raises:
        PayloadError: a required field is missing or of the wrong type.
    """
    number = _int(node, "number", "issue")
    if number is None:
        raise PayloadError("issue.number is missing")
    where = f"issue #{number}"
    labels = [
        _str(n, "name", f"{where}.labels", required=True)
        for n in nodes(node.get("labels"), f"{where}.labels")
    ]
    wanted = {label.lower() for label in config.bug_labels}
    reported = parse_dt(node.get("createdAt"), f"{where}.createdAt", required=True)
    closed = parse_dt(node.get("closedAt"), f"{where}.closedAt")
    parse_dt(node.get("updatedAt"), f"{where}.updatedAt", required=True)
    if not any(label and label.lower() in wanted for label in labels):
        return None
    is_closed = node.get("state") == "CLOSED"
    reason = _str(node, "stateReason", where) if is_closed else None
    if not judge_outcome(_rules(config), reason).is_defect:
        return None
    issue_id = f"{repo}#{number}"
    return {
        "defect_id": issue_id,
        "key": issue_id,
        "repo": repo,
        "title": _str(node, "title", where),
        "body": _str(node, "body", where),
        "reported_at": reported,
        "resolved_at": closed if is_closed else None,
        "severity": _severity([lb for lb in labels if lb]),
        "labels": labels,
        "url": _str(node, "url", where),
        "source_url": _str(node, "url", where),
    }


def _repo_of(obj: Any, where: str) -> str:
    name = _str(
        _req(obj, "repository", where), "nameWithOwner", f"{where}.repository", required=True
    )
    assert name is not None
    return name


def issue_links(repo: str, node: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The ``fixes`` links an issue's timeline records (its closer, PRs that will close it).

    Raises:
        PayloadError: a timeline item is missing what the query asked for.
    """
    number = _int(node, "number", "issue")
    where = f"issue #{number}.timelineItems"
    target = f"{repo}#{number}"
    rows: dict[str, dict[str, Any]] = {}
    for item in nodes(node.get("timelineItems"), where):
        kind = item.get("__typename")
        if kind == "ClosedEvent":
            closer = item.get("closer")
            if not isinstance(closer, Mapping):
                continue  # closed by hand, or by a project
            closer_kind = closer.get("__typename")
            if closer_kind == "PullRequest":
                pr_number = _int(closer, "number", f"{where}.closer")
                from_id = f"{_repo_of(closer, f'{where}.closer')}#{pr_number}"
            elif closer_kind == "Commit":
                oid = _str(closer, "oid", f"{where}.closer", required=True)
                from_id = f"{_repo_of(closer, f'{where}.closer')}@{oid}"
            else:
                continue
            method = "closed_event"
        elif kind == "CrossReferencedEvent":
            source = item.get("source")
            if not item.get("willCloseTarget") or not isinstance(source, Mapping):
                continue
            if source.get("__typename") != "PullRequest":
                continue
            pr_number = _int(source, "number", f"{where}.source")
            from_id = f"{_repo_of(source, f'{where}.source')}#{pr_number}"
            method = "cross_reference"
        else:
            continue
        # a closer outranks a cross-reference from the same PR
        if from_id in rows and rows[from_id]["method"] == "closed_event":
            continue
        rows[from_id] = {
            "link_type": "fixes",
            "from_id": from_id,
            "target": target,
            "target_repo": repo,
            "target_number": number,
            "method": method,
        }
    return list(rows.values())


def timeline_cursor(node: Mapping[str, Any]) -> str | None:
    """The cursor of the issue's next timeline page, or None when it fitted in one."""
    has_next, cursor = page_info(node.get("timelineItems"), f"issue #{node.get('number')}")
    return cursor if has_next else None


def merge_timeline(node: dict[str, Any], more: Mapping[str, Any]) -> None:
    """Append a follow-up page (``issue_more``'s ``node``) to the issue node in place."""
    extra = more.get("timelineItems")
    if extra is None:
        raise PayloadError("node.timelineItems is missing (asked for the rest of a timeline)")
    target = node.get("timelineItems") or {"nodes": []}
    target["nodes"] = list(target.get("nodes") or []) + nodes(extra, "timelineItems")
    target["pageInfo"] = _req(extra, "pageInfo", "timelineItems")
    node["timelineItems"] = target
