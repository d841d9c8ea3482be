"""Ingest layer: a batch of PR pages made whole — the long nested lists of its big PRs
and the inline comment counts that can matter, in few requests. No metric.

A page's PRs are mapped when it arrives (sync.py); the batch keeps their rows, and the
nodes of the few PRs with a nested list longer than the page. When the batch is written,
:func:`complete_and_map` makes its follow-up requests (``FollowUps``, documents.py's
batched_query): the next page (100 items) of each long list of up to
:data:`MORE_SLOTS` PRs — with a PR's last commits asked along (``commitsTail``), so one
request completes any PR's commits (GitHub lists at most 250) — and the inline comment
counts of up to :data:`COUNT_SLOTS` x :data:`COUNT_IDS` reviews, only of the reviews
whose count can change a metric (:func:`comment_counts_wanted`); every other review
stores null ("not fetched"). A threshold lowered since a sync gets the counts it needs
from :func:`fill_missing_comment_counts`. :func:`write` writes a batch's rows (the
pull_requests stream's and the blamed PRs'), on one DuckDB thread.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ingest import writer
from ingest.github import mapping
from ingest.github.client import GitHubError, MalformedResponseError
from ingest.github.documents import batch_variables
from settings import Settings
from store import read_connection, write_transaction

if TYPE_CHECKING:
    import duckdb

    from ingest.github.sync import Context

MORE_SLOTS = 50  # big PRs whose nested lists one follow-up request completes ...
COUNT_IDS = 100  # ... and reviews a nodes(ids:) asks the inline comment count of (its limit),
COUNT_SLOTS = 10  # in up to this many nodes(ids:) a request


def comment_counts_wanted(rows: mapping.PullRequestRows, min_lines: int) -> list[str]:
    """The reviews whose inline comment count can change a metric: those that could be
    part of a rubber stamp (METRICS.md: every non-author review before the merge is an
    approval with an empty body and no inline comments, on a PR of at least ``min_lines``
    changed lines). So: an APPROVED review — or a DISMISSED one, which the metrics read
    as the state it had (an approval, perhaps) —, with an empty body, by someone other
    than the PR's author and not a bot, on a merged PR with at least ``min_lines``
    additions + deletions (unknown sizes count as large). For any other review the
    count cannot matter: a review with a body, or not an approval, is not bare whatever
    its count, and a smaller or unmerged PR is never a rubber stamp.
    """
    large: dict[str, str] = {}
    for pr in rows.pull_requests:
        if pr.get("merged_at") is None:
            continue
        additions, deletions = pr.get("additions"), pr.get("deletions")
        if additions is None or deletions is None or additions + deletions >= min_lines:
            large[pr["pr_id"]] = str(pr.get("author_login") or "").lower()
    return [
        r["review_id"]
        for r in rows.reviews
        if r["pr_id"] in large
        and r["inline_comment_count"] is None
        and r["state"] in ("APPROVED", "DISMISSED")
        and r["is_body_empty"]
        and not r["is_reviewer_bot"]
        and str(r["reviewer_login"]).lower() != large[r["pr_id"]]
    ]


def set_comment_counts(rows: mapping.PullRequestRows, counts: Mapping[str, int]) -> None:
    """Write fetched inline comment counts into ``rows`` (review id -> count)."""
    for r in rows.reviews:
        if r["review_id"] in counts:
            r["inline_comment_count"] = counts[r["review_id"]]


def check_more(
    repo: str, node: Mapping[str, Any], more: Mapping[str, Any], config: Settings
) -> None:
    """Check a follow-up page (``pull_request_more``'s ``node``) for ``node`` the way the
    mapping will read it, before it is merged.

    Raises:
        PayloadError: an item of the follow-up page is missing a field or has a bad one.
    """
    probe: dict[str, Any] = {
        "number": node.get("number"),
        "createdAt": node.get("createdAt"),
        "updatedAt": node.get("updatedAt"),
    }
    for key in (*mapping.LIST_FIELDS, "headCommit"):
        if more.get(key) is not None:
            probe[key] = more[key]
    if more.get("commitsTail") is not None:
        tail = mapping.nodes(more["commitsTail"], "commitsTail")
        probe["commits"] = {"nodes": mapping.nodes(more.get("commits"), "commits") + tail}
    mapping.map_pull_request(repo, probe, config, mapping.PullRequestRows())


def commits_tail(node: Mapping[str, Any]) -> int | None:
    """How many commits to ask from the end (``commitsTail``) along with the next page of
    a PR's commits, so that one follow-up completes them: the commits past that page,
    when ``totalCount`` says they are 1 to 100; else None."""
    commits = node.get("commits") or {}
    total = commits.get("totalCount")
    if not isinstance(total, int) or isinstance(total, bool):
        return None
    rest = total - len(commits.get("nodes") or []) - 100
    return rest if 0 < rest <= 100 else None


@dataclass
class _PullRequestPart:
    """A page of PRs as a batch keeps it: the rows of the PRs that are complete, and the
    nodes of those with a nested list longer than the page (completed with the batch).
    Raw nodes are large (every commit message): only the few incomplete ones are kept."""

    rows: mapping.PullRequestRows
    pending: list[tuple[str, dict[str, Any]]]


def map_page(ctx: Context, repo: str, nodes: list[dict[str, Any]]) -> Any:
    """Map a page's PR nodes (a malformed one raises mapping.PayloadError: the page is
    asked again); those with more pages of a nested list are checked and kept as nodes."""
    rows = mapping.PullRequestRows()
    pending: list[tuple[str, dict[str, Any]]] = []
    probe = mapping.PullRequestRows()
    for node in nodes:
        if mapping.overflowing(node):
            mapping.map_pull_request(repo, node, ctx.config, probe)
            pending.append((repo, node))
        else:
            mapping.map_pull_request(repo, node, ctx.config, rows)
    return _PullRequestPart(rows, pending)


def finish(ctx: Context, parts: list[tuple[str, Any]]) -> Any:
    done = mapping.PullRequestRows()
    pending: list[tuple[str, dict[str, Any]]] = []
    for part in _latest_only(parts):
        _extend(done, part.rows)
        pending.extend(part.pending)
    return complete_and_map(ctx, pending, done)


def write_people(
    conn: duckdb.DuckDBPyConnection, people: dict[str, bool], provenance: dict[str, Any]
) -> None:
    """Add logins not yet known (never overwriting a person's name, level or team data) and
    mark bots as bots."""
    logins = sorted(login for login in people if login != mapping.GHOST)
    if not logins:
        return
    known = {
        row[0]
        for row in conn.execute(
            "select login from people where login in (select unnest(?::varchar[]))", [logins]
        ).fetchall()
    }
    new = [{"login": login, "is_bot": people[login]} for login in logins if login not in known]
    writer.upsert(conn, "people", new, provenance)
    bots = [login for login in logins if people[login] and login in known]
    if bots:
        conn.execute(
            "update people set is_bot = true where login in (select unnest(?::varchar[]))", [bots]
        )


def write(conn: duckdb.DuckDBPyConnection, rows: Any, provenance: dict[str, Any]) -> int:
    """Write a batch's PRs whole (writer.replace_pull_requests) and their people."""
    # A batch is a few tens of thousands of rows: one thread writes them about as fast,
    # and holds less memory than one buffer set per core (the sync's peak is its write).
    # The setting is the database instance's, which write_transaction closes after the batch.
    conn.execute("set threads = 1")
    write_people(conn, rows.people, provenance)
    return writer.replace_pull_requests(
        conn,
        rows.pull_requests,
        commits=rows.commits,
        reviews=rows.reviews,
        events=rows.events,
        extra_links=rows.links,
        provenance=provenance,
    )


def _latest_only(parts: list[tuple[str, Any]]) -> list[_PullRequestPart]:
    """The batch's parts with each PR once, as its latest page has it: a PR can come on
    two pages when an update moves the list under the cursor, and one statement cannot
    replace a row twice."""
    seen: set[str] = set()
    kept: list[_PullRequestPart] = []
    for _repo, part in reversed(parts):
        ids = {pr["pr_id"] for pr in part.rows.pull_requests}
        ids.update(f"{r}#{node.get('number')}" for r, node in part.pending)
        again = ids & seen
        if again:
            part = _PullRequestPart(
                _rows_without(part.rows, again),
                [(r, node) for r, node in part.pending if f"{r}#{node.get('number')}" not in again],
            )
        seen |= ids
        kept.append(part)
    return kept[::-1]


def _rows_without(rows: mapping.PullRequestRows, pr_ids: set[str]) -> mapping.PullRequestRows:
    out = mapping.PullRequestRows(people=dict(rows.people))
    out.pull_requests = [r for r in rows.pull_requests if r["pr_id"] not in pr_ids]
    out.commits = [r for r in rows.commits if r["pr_id"] not in pr_ids]
    out.reviews = [r for r in rows.reviews if r["pr_id"] not in pr_ids]
    out.events = [r for r in rows.events if r["pr_id"] not in pr_ids]
    out.links = [r for r in rows.links if r["from_id"] not in pr_ids]
    return out


def _extend(rows: mapping.PullRequestRows, more: mapping.PullRequestRows) -> None:
    rows.pull_requests.extend(more.pull_requests)
    rows.commits.extend(more.commits)
    rows.reviews.extend(more.reviews)
    rows.events.extend(more.events)
    rows.links.extend(more.links)
    for login, is_bot in more.people.items():
        rows.people.setdefault(login, is_bot)


def _map_all(ctx: Context, items: list[tuple[str, dict[str, Any]]]) -> Any:
    rows = mapping.PullRequestRows()
    try:
        for repo, node in items:
            mapping.map_pull_request(repo, node, ctx.config, rows)
    except mapping.PayloadError as exc:  # every page and follow-up was checked on arrival
        raise MalformedResponseError(f"GitHub's answer is malformed ({exc})") from None
    return rows


def complete_and_map(
    ctx: Context,
    items: list[tuple[str, dict[str, Any]]],
    done: mapping.PullRequestRows | None = None,
) -> Any:
    """Rows of ``items`` ((repo, PR node as a page gives it)) and of ``done`` (rows of
    complete PRs): the nodes' nested lists longer than a page completed, and the inline
    comment counts that can matter fetched for both (mapping.comment_counts_wanted; every
    other review keeps ``None``, not fetched).

    Both kinds of follow-up share requests (client.batched_query ``FollowUps``): up to
    :data:`MORE_SLOTS` big PRs (100 more items of each long list) and up to
    :data:`COUNT_SLOTS` x :data:`COUNT_IDS` review ids a request; a list longer still, or
    a review that came with a follow-up page, makes another round.
    """
    min_lines = ctx.config.rubber_stamp_min_lines
    done = done if done is not None else mapping.PullRequestRows()
    counts: dict[str, int] = {}
    asked: set[str] = set()
    known = comment_counts_wanted(done, min_lines)
    while True:
        todo = [(repo, node, more) for repo, node in items if (more := mapping.overflowing(node))]
        partial = _map_all(ctx, items)  # the reviews known so far (pages only ever add)
        wanted = [r for r in known + comment_counts_wanted(partial, min_lines) if r not in asked]
        if not todo and not wanted:
            break
        asked.update(wanted)
        pr_chunks = [todo[i : i + MORE_SLOTS] for i in range(0, len(todo), MORE_SLOTS)]
        id_chunks = [wanted[i : i + COUNT_IDS] for i in range(0, len(wanted), COUNT_IDS)]
        count_groups = [
            id_chunks[i : i + COUNT_SLOTS] for i in range(0, len(id_chunks), COUNT_SLOTS)
        ]
        for j in range(max(len(pr_chunks), len(count_groups))):
            prs = pr_chunks[j] if j < len(pr_chunks) else []
            groups = count_groups[j] if j < len(count_groups) else []
            counts.update(_follow_up(ctx, prs, groups))
        ctx.counts["review_comment_counts"] = ctx.counts.get("review_comment_counts", 0) + len(
            wanted
        )
    rows = _map_all(ctx, items)
    _extend(rows, done)
    set_comment_counts(rows, counts)
    return rows


def _what(prs: list[tuple[str, dict[str, Any], Any]], reviews: int) -> str:
    parts = []
    if len(prs) == 1:
        parts.append(f"pull request {prs[0][0]}#{prs[0][1].get('number')}")
    elif prs:
        shown = ", ".join(f"{repo}#{node.get('number')}" for repo, node, _ in prs[:3])
        parts.append(
            f"pull requests {shown}" + (f" and {len(prs) - 3} more" if len(prs) > 3 else "")
        )
    if reviews:
        parts.append(f"the inline comments of {reviews} reviews")
    return " and ".join(parts)


def _follow_up(
    ctx: Context, prs: list[tuple[str, dict[str, Any], dict[str, str]]], groups: list[list[str]]
) -> dict[str, int]:
    """One FollowUps request: the next page of each long list of ``prs`` (merged into
    their nodes) and the inline comment counts of the reviews in ``groups``."""
    if not prs and not groups:
        return {}
    per_slot: dict[str, dict[str, Any]] = {}
    for k, (_repo, node, more) in enumerate(prs):
        variables: dict[str, Any] = {"id": node.get("id")}
        for name in mapping.NESTED:
            variables[f"with{name.capitalize()}"] = name in more
            variables[f"{name}After"] = more.get(name)
        tail = commits_tail(node) if "commits" in more else None
        variables["withCommitsTail"] = tail is not None
        variables["commitsLast"] = tail
        per_slot[f"pr{k}"] = variables
    for k, ids in enumerate(groups):
        per_slot[f"counts{k}"] = {"ids": ids}

    def parse(data: dict[str, Any]) -> tuple[list[dict[str, Any]], dict[str, int]]:
        extras = []
        for k, (repo, node, _more) in enumerate(prs):
            extra = data.get(f"pr{k}")
            if not isinstance(extra, dict):
                raise mapping.PayloadError(
                    f"pr{k} is missing (asked for the rest of #{node.get('number')})"
                )
            check_more(repo, node, extra, ctx.config)
            extras.append(extra)
        counts: dict[str, int] = {}
        for k, ids in enumerate(groups):
            counts.update(_counts(data.get(f"counts{k}"), ids))
        return extras, counts

    parts = tuple(
        (name, n)
        for name, n in (("pull_request_more", len(prs)), ("review_comments", len(groups)))
        if n
    )
    several = len(prs) + len(groups) > 1
    try:
        extras, counts = ctx.client.graphql(
            "follow_ups",
            batch_variables(per_slot),
            what=_what(prs, sum(len(ids) for ids in groups)),
            parse=parse,
            attempts=2 if several else None,
            batch=parts,
        )
    except GitHubError as exc:
        if not (exc.transient and several):
            raise
        # GitHub keeps failing on this request (a timeout on a heavy one): ask in halves
        ctx.progress("  GitHub keeps failing on a follow-up request; asking it in halves")
        half_prs, half_groups = (len(prs) + 1) // 2, (len(groups) + 1) // 2
        counts = _follow_up(ctx, prs[:half_prs], groups[:half_groups])
        counts.update(_follow_up(ctx, prs[half_prs:], groups[half_groups:]))
        return counts
    for (_repo, node, _more), extra in zip(prs, extras, strict=True):
        mapping.merge_more(node, extra)
    return counts


def _counts(found: Any, ids: list[str]) -> dict[str, int]:
    """review id -> inline comment count from a ``nodes(ids:)`` answer."""
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


_MISSING_COUNTS_SQL = """
select r.review_id
from reviews as r
inner join pull_requests as p on p.pr_id = r.pr_id
where r.inline_comment_count is null
    and upper(r.state) in ('APPROVED', 'DISMISSED')
    and r.is_body_empty
    and not r.is_reviewer_bot
    and lower(r.reviewer_login) <> lower(p.author_login)
    and p.merged_at is not null
    and (p.additions is null or p.deletions is null or p.additions + p.deletions >= $min_lines)
    and list_contains($repos, lower(p.repo))
order by r.review_id
"""


def fill_missing_comment_counts(ctx: Context, repos: list[str]) -> int:
    """Fetch the inline comment counts the store lacks and the metrics now need: the
    reviews written without one (it could not matter then) that the rubber-stamp
    threshold of ``ctx.config`` makes matter (it was lowered since). Nothing to ask on a
    sync with an unchanged threshold: one query of the store, no request."""
    with read_connection(ctx.db) as conn:
        ids = [
            row[0]
            for row in conn.execute(
                _MISSING_COUNTS_SQL,
                {
                    "min_lines": ctx.config.rubber_stamp_min_lines,
                    "repos": sorted({r.lower() for r in repos}),
                },
            ).fetchall()
        ]
    if not ids:
        return 0
    ctx.progress(f"  {len(ids)} reviews need their inline comment count (a lower threshold)")
    chunks = [ids[i : i + COUNT_IDS] for i in range(0, len(ids), COUNT_IDS)]
    counts: dict[str, int] = {}
    for start in range(0, len(chunks), COUNT_SLOTS):
        counts.update(_follow_up(ctx, [], chunks[start : start + COUNT_SLOTS]))
    with write_transaction(ctx.db) as conn:
        writer.set_inline_comment_counts(conn, counts)
    return len(counts)
