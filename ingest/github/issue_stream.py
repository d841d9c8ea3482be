"""Ingest layer: the issues stream of the GitHub sync — bug issues become defects, with
the fixes their timelines record (issue_mapping.py maps them). No metric.

sync.py runs it like the pull requests stream: :func:`map_page` maps a page as it
arrives (completing long timelines), :func:`finish` joins a batch's pages and
:func:`write` writes them in the batch's transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import duckdb

from ingest import writer
from ingest.github import issue_mapping, mapping

if TYPE_CHECKING:
    from ingest.github.sync import Context


def _the_node(data: dict[str, Any]) -> dict[str, Any]:
    extra = data.get("node")
    if not isinstance(extra, dict):
        raise mapping.PayloadError("node is missing (asked for the rest of its lists)")
    return extra


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


def finish(_ctx: Context, parts: list[tuple[str, Any]]) -> Any:
    rows = IssueRows()
    for _repo, part in parts:
        rows.defects.extend(part.defects)
        rows.not_defects.extend(part.not_defects)
        rows.links.extend(part.links)
        for login, is_bot in part.people.items():
            rows.people.setdefault(login, is_bot)
    # an issue on two pages of the batch (an update moved the list under the cursor): its
    # latest row only (one statement cannot replace a row twice)
    latest = {d["defect_id"]: d for d in rows.defects}
    rows.defects = list(latest.values())
    return rows


def map_page(ctx: Context, repo: str, nodes: list[dict[str, Any]]) -> Any:
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


def write(conn: duckdb.DuckDBPyConnection, rows: Any, provenance: dict[str, Any]) -> int:
    if rows.not_defects:
        writer.delete_where_in(conn, "defects", "defect_id", rows.not_defects)
        writer.delete_where_in(conn, "links", "from_id", rows.not_defects)
    from ingest.github.pr_batches import write_people  # shared with the PR stream

    write_people(conn, rows.people, provenance)
    written = writer.replace_defects(conn, rows.defects, provenance=provenance)
    issue_ids = [d["defect_id"] for d in rows.defects] + rows.not_defects
    writer.replace_timeline_links(conn, issue_ids, rows.links, provenance=provenance)
    return written
