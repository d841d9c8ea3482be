"""Ingest layer: the one write path into the store. Computes no metric.

Every source (GitHub, tracker CSVs, people/teams/assessment imports, the app's forms and
the demo builder) hands typed rows to these functions inside a
:func:`store.write_transaction`. Rows are upserted by primary key, a pull request
is replaced whole (its commits, reviews and events with it), and the references its text
makes (fixes, reverts) or a defect's text makes (introduced by) are re-read into
``links`` in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from ingest import references
from ingest.git import ties
from ingest.table_rows import REFUSED_FIELDS as REFUSED_FIELDS  # re-exported
from ingest.table_rows import Row, is_frame, records, write

if TYPE_CHECKING:  # the GitHub and git ingests run without pandas (a frame's caller has it)
    import duckdb
    import pandas as pd

# Links an issue's timeline states (its closer, the PRs that will close it): written with the
# issue, and kept when the PR they start from is written again (the PR does not say them).
TIMELINE_METHODS: tuple[str, ...] = ("closed_event", "cross_reference")


def utc_now() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


def upsert(
    conn: duckdb.DuckDBPyConnection,
    table: str,
    rows: Sequence[Row] | pd.DataFrame,
    provenance: Row | None = None,
) -> int:
    """Insert rows, replacing any with the same primary key. Returns the row count.

    Args:
        table: a store table (a trusted identifier, never user input).
        rows: dicts or a DataFrame whose columns are a subset of the table's, including
            every primary-key column (DuckDB needs them to find the row to replace).
        provenance: defaults for ``source``/``source_url``/``fetched_at`` where rows lack them.
    """
    return write(conn, "insert or replace", table, rows, provenance)


def insert(
    conn: duckdb.DuckDBPyConnection,
    table: str,
    rows: Sequence[Row] | pd.DataFrame,
    provenance: Row | None = None,
) -> int:
    """Insert rows known to be new (no row with their primary key exists): cheaper than
    :func:`upsert`, and a key that does exist fails the transaction rather than being
    replaced silently."""
    return write(conn, "insert", table, rows, provenance)


def delete_where_in(
    conn: duckdb.DuckDBPyConnection, table: str, column: str, values: Iterable[str]
) -> None:
    """Delete the rows of ``table`` whose ``column`` is one of ``values``."""
    keys = list(dict.fromkeys(values))
    if not keys:
        return
    conn.execute(f"delete from {table} where {column} in (select unnest(?))", [keys])  # noqa: S608


def _text(value: Any) -> str | None:
    """A text cell as read back from a frame: pandas 3 turns a missing one into NaN."""
    return value if isinstance(value, str) else None


def pr_links(pr: Row) -> list[dict[str, Any]]:
    """The links a PR's own text makes: the defects it fixes and the PRs it reverts."""
    repo, pr_id = pr["repo"], pr["pr_id"]
    title, body = _text(pr.get("title")), _text(pr.get("body"))
    rows: list[dict[str, Any]] = []
    for ref in references.fixes(title, body, repo):
        rows.append(_link("fixes", pr_id, ref, "text"))
    for ref in references.reverts(body, repo):
        rows.append(_link("reverts", pr_id, ref, "revert_body"))
    title = references.reverted_title(title)
    if title is not None:
        rows.append(
            {
                "link_type": "reverts",
                "from_id": pr_id,
                "target": f"title:{title}",
                "target_title": title,
                "method": "revert_title",
            }
        )
    return rows


def defect_links(defect: Row) -> list[dict[str, Any]]:
    """The links a defect's own text makes: the PRs it says introduced it."""
    found = references.introduced_by(
        _text(defect.get("title")), _text(defect.get("body")), _text(defect.get("repo"))
    )
    return [_link("introduced_by", defect["defect_id"], ref, "text") for ref in found]


def _link(link_type: str, from_id: str, ref: references.Ref, method: str) -> dict[str, Any]:
    return {
        "link_type": link_type,
        "from_id": from_id,
        "target": ref.target,
        "target_repo": ref.repo,
        "target_number": ref.number,
        "target_key": ref.key,
        "method": method,
    }


def _dedupe_links(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: dict[tuple[str, str, str], dict[str, Any]] = {}
    for row in rows:
        seen.setdefault((row["link_type"], row["from_id"], row["target"]), row)
    return list(seen.values())


def replace_pull_requests(
    conn: duckdb.DuckDBPyConnection,
    pull_requests: Sequence[Row] | pd.DataFrame,
    *,
    commits: Sequence[Row] | pd.DataFrame = (),
    reviews: Sequence[Row] | pd.DataFrame = (),
    events: Sequence[Row] | pd.DataFrame = (),
    extra_links: Sequence[Row] = (),
    provenance: Row,
) -> int:
    """Replace pull requests whole: the PR rows, their commits, reviews, events and links.

    A PR seen again (new reviews, relabelled, a late revert) loses every child row it
    had, so the store holds exactly what the source says now. Its ties to git commits
    (its own commits, its merge commit) are rebuilt in the same transaction.

    Args:
        extra_links: links the source states itself (GitHub's closing issue references),
            kept beside the ones read from text.
        provenance: ``source``, ``source_url`` (optional) and ``fetched_at`` for rows
            that lack their own.
    """
    prs = records(conn, pull_requests, provenance)
    if not prs:
        return 0
    ids = [pr["pr_id"] for pr in prs]
    stored = stored_pr_keys(conn, ids)
    # A PR's commits, reviews and events are only ever written with it (here), so a PR
    # not yet in the store has none to delete: the deletes (each reads the whole table)
    # are left out for new PRs, and so for every page of a first sync.
    old = [pr_id for pr_id in ids if pr_id in stored]
    for table in ("pr_commits", "reviews", "pr_events"):
        delete_where_in(conn, table, "pr_id", old)
    _delete_links_from(conn, ids, keep_timeline=True)
    keys = pr_keys(conn, ids, stored)
    commit_rows = records(conn, commits, provenance)
    # first_commit_at from the commits being written, which are all of the PR's commits
    # once this transaction ends (the same min set_first_commits takes of the stored ones,
    # without an update that reads every stored commit)
    first = _first_commit_times(commit_rows)
    for pr in prs:
        pr["pr_key"] = keys[pr["pr_id"]]
        if first:  # else every PR's is null (a replaced row's absent column is null)
            pr["first_commit_at"] = first.get(pr["pr_id"])
    # New rows are inserted, not upserted: DuckDB's insert-or-replace reads far more of a
    # large table than the rows it writes (at a million PRs it was most of a page's write).
    # New PRs and, once the deletes above ran, every commit of the PRs written cannot
    # collide with a stored key (a commit's key holds its PR's id).
    insert(conn, "pull_requests", [pr for pr in prs if pr["pr_id"] not in stored])
    upsert(conn, "pull_requests", [pr for pr in prs if pr["pr_id"] in stored])
    for row in commit_rows:
        row["pr_key"] = keys.get(row["pr_id"])
    insert(conn, "pr_commits", [row for row in commit_rows if row["pr_id"] in keys])
    upsert(conn, "pr_commits", [row for row in commit_rows if row["pr_id"] not in keys])
    del commit_rows
    for table, rows in (("reviews", reviews), ("pr_events", events)):
        children = records(conn, rows, provenance)
        for row in children:
            row["pr_key"] = keys.get(row["pr_id"])
        upsert(conn, table, children)
        del children
    ties.refresh_store_ties(
        conn,
        pr_ids=ids,
        fetched_at=provenance["fetched_at"],
        new={pr_id for pr_id in ids if pr_id not in stored},
    )
    links: list[dict[str, Any]] = []
    for pr in prs:
        links.extend(pr_links(pr))
    links.extend(dict(link) for link in extra_links)
    upsert(conn, "links", _without_timeline_links(conn, _dedupe_links(links)), provenance)
    return len(prs)


def stored_pr_keys(conn: duckdb.DuckDBPyConnection, pr_ids: Sequence[str]) -> dict[str, int | None]:
    """Each of these PRs that the store holds already -> its key (None: not given yet)."""
    return dict(
        conn.execute(
            "select p.pr_id, p.pr_key from pull_requests as p"
            " semi join (select unnest(?::varchar[]) as pr_id) as w on w.pr_id = p.pr_id",
            [list(dict.fromkeys(pr_ids))],
        ).fetchall()
    )


def pr_keys(
    conn: duckdb.DuckDBPyConnection,
    pr_ids: Sequence[str],
    stored: Mapping[str, int | None] | None = None,
) -> dict[str, int]:
    """The integer key of each PR (store migration 4): the one it has, else the next free.

    Every row of a PR and of its commits, reviews and events carries it (the fact build
    joins them on it); a PR keeps its key when written again.

    Args:
        stored: :func:`stored_pr_keys` of ``pr_ids``, when the caller has it already.
    """
    held = stored_pr_keys(conn, pr_ids) if stored is None else stored
    found = {pr_id: key for pr_id, key in held.items() if key is not None}
    (top,) = conn.execute("select coalesce(max(pr_key), 0) from pull_requests").fetchall()[0]
    keys = {}
    for pr_id in dict.fromkeys(pr_ids):
        if pr_id not in found:
            top += 1
        keys[pr_id] = found.get(pr_id, top)
    return keys


def _first_commit_times(commits: Sequence[Row]) -> dict[str, Any]:
    """pr_id -> the earliest ``authored_at`` of these commit rows (None: none known)."""
    if not commits or "authored_at" not in commits[0]:  # rows of every column (_records)
        return {}  # no time given: the stored commits' min is null too
    first: dict[str, Any] = {}
    for row in commits:
        at, held = row["authored_at"], first.get(row["pr_id"])
        first[row["pr_id"]] = at if held is None or (at is not None and at < held) else held
    return first


def set_first_commits(conn: duckdb.DuckDBPyConnection, pr_ids: Sequence[str]) -> None:
    """Set ``first_commit_at`` of these PRs from their stored commits (null: none)."""
    conn.execute(
        "update pull_requests set first_commit_at = ("
        " select min(c.authored_at) from pr_commits as c where c.pr_id = pull_requests.pr_id)"
        " where pr_id in (select unnest(?::varchar[]))",
        [list(dict.fromkeys(pr_ids))],
    )


def replace_defects(
    conn: duckdb.DuckDBPyConnection,
    defects: Sequence[Row] | pd.DataFrame,
    *,
    extra_links: Sequence[Row] = (),
    provenance: Row,
) -> int:
    """Upsert defects and re-read the links their text makes (plus links a file states)."""
    rows = records(conn, defects, provenance)
    if not rows:
        return 0
    _delete_links_from(conn, [defect["defect_id"] for defect in rows])
    upsert(conn, "defects", defects if is_frame(defects) else rows, provenance)
    links: list[dict[str, Any]] = []
    for defect in rows:
        links.extend(defect_links(defect))
    links.extend(dict(link) for link in extra_links)
    upsert(conn, "links", _dedupe_links(links), provenance)
    return len(rows)


def _delete_links_from(
    conn: duckdb.DuckDBPyConnection, from_ids: Sequence[str], *, keep_timeline: bool = False
) -> None:
    if not keep_timeline:
        delete_where_in(conn, "links", "from_id", from_ids)
        return
    keys = list(dict.fromkeys(from_ids))
    if not keys:
        return
    conn.execute(
        "delete from links where from_id in (select unnest(?::varchar[]))"
        " and not list_contains(?, method)",
        [keys, list(TIMELINE_METHODS)],
    )


def _without_timeline_links(
    conn: duckdb.DuckDBPyConnection, rows: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The rows whose key no timeline link holds already (an issue's timeline said it
    first; the PR's own words would replace its method)."""
    if not rows:
        return rows
    held = {
        (link_type, from_id, target)
        for link_type, from_id, target in conn.execute(
            "select link_type, from_id, target from links"
            " where list_contains(?, method) and from_id in (select unnest(?::varchar[]))",
            [list(TIMELINE_METHODS), sorted({r["from_id"] for r in rows})],
        ).fetchall()
    }
    return [r for r in rows if (r["link_type"], r["from_id"], r["target"]) not in held]


def replace_timeline_links(
    conn: duckdb.DuckDBPyConnection,
    issue_ids: Sequence[str],
    links: Sequence[Row],
    *,
    provenance: Row,
) -> int:
    """Replace the fixes an issue's timeline states (closer, will-close references).

    Every timeline link to the issues is removed first: a re-sync holds exactly what the
    timelines say now.
    """
    targets = list(dict.fromkeys(issue_ids))
    if targets:
        conn.execute(
            "delete from links where link_type = 'fixes' and list_contains(?, method)"
            " and target in (select unnest(?::varchar[]))",
            [list(TIMELINE_METHODS), targets],
        )
    return upsert(conn, "links", _dedupe_links([dict(link) for link in links]), provenance)


def set_inline_comment_counts(conn: duckdb.DuckDBPyConnection, counts: Mapping[str, int]) -> int:
    """Fill in the inline comment count of stored reviews (review id -> count), for the
    counts a sync fetches after the reviews were written (a rubber-stamp threshold
    lowered since). Returns the number of reviews given."""
    if not counts:
        return 0
    conn.execute(
        "update reviews set inline_comment_count = f.n"
        " from (select unnest(?::varchar[]) as review_id, unnest(?) as n) as f"
        " where reviews.review_id = f.review_id",
        [list(counts), list(counts.values())],
    )
    return len(counts)


def set_sync_state(
    conn: duckdb.DuckDBPyConnection,
    *,
    source: str,
    scope: str,
    stream: str,
    status: str,
    cursor: str | None = None,
    detail: str | None = None,
) -> None:
    """Record where a source stands (written in the same transaction as its rows)."""
    upsert(
        conn,
        "sync_state",
        [
            {
                "source": source,
                "scope": scope,
                "stream": stream,
                "cursor": cursor,
                "last_synced_at": utc_now(),
                "status": status,
                "detail": detail,
            }
        ],
    )


def set_meta(conn: duckdb.DuckDBPyConnection, key: str, value: str | None) -> None:
    """Set one key of the store's ``meta`` table."""
    upsert(conn, "meta", [{"key": key, "value": value}])
