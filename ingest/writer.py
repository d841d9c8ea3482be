"""Ingest layer: the one write path into the store. Computes no metric.

Every source (GitHub, tracker CSVs, people/teams/assessment imports, the app's forms and
the demo builder) hands typed rows to these functions inside a
:func:`store.write_transaction`. Rows are upserted by primary key, a pull request
is replaced whole (its commits, reviews and events with it), and the references its text
makes (fixes, reverts) or a defect's text makes (introduced by) are re-read into
``links`` in the same transaction.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import duckdb
import pandas as pd

from ingest import references
from ingest.git import ties

Row = Mapping[str, Any]

# Links an issue's timeline states (its closer, the PRs that will close it): written with the
# issue, and kept when the PR they start from is written again (the PR does not say them).
TIMELINE_METHODS: tuple[str, ...] = ("closed_event", "cross_reference")

# Columns the store refuses to hold even when a source offers them (METRICS.md: refused
# metrics are never stored). Mapping code drops them; this is the last guard.
REFUSED_FIELDS = frozenset(
    {
        "ai_suggestions_accepted",
        "suggestions_accepted",
        "acceptance_rate",
        "acceptances",
        "ai_usage_count",
        "ai_usage_frequency",
        "lines_of_code",
        "total_lines_accepted",
        "total_suggestions_count",
        "total_acceptances_count",
    }
)


def utc_now() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


def _frame(rows: Sequence[Row] | pd.DataFrame, provenance: Row | None) -> pd.DataFrame:
    frame = rows.copy() if isinstance(rows, pd.DataFrame) else pd.DataFrame(list(rows))
    refused = REFUSED_FIELDS.intersection(frame.columns)
    if refused:
        frame = frame.drop(columns=sorted(refused))
    for column, value in (provenance or {}).items():
        if column not in frame.columns:
            frame[column] = value
    return frame


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
    frame = _frame(rows, provenance)
    if frame.empty:
        return 0
    # DuckDB reads the local ``frame`` by name (a replacement scan). Not conn.register: a
    # frame registered inside a transaction stays alive until the commit even once
    # unregistered, so an import writing a large file in chunks would hold all its text twice.
    conn.execute(f"insert or replace into {table} by name select * from frame")  # noqa: S608
    return len(frame)


def insert(
    conn: duckdb.DuckDBPyConnection,
    table: str,
    rows: Sequence[Row] | pd.DataFrame,
    provenance: Row | None = None,
) -> int:
    """Insert rows known to be new (no row with their primary key exists): cheaper than
    :func:`upsert`, and a key that does exist fails the transaction rather than being
    replaced silently."""
    frame = _frame(rows, provenance)
    if frame.empty:
        return 0
    conn.execute(f"insert into {table} by name select * from frame")  # noqa: S608
    return len(frame)


def delete_where_in(
    conn: duckdb.DuckDBPyConnection, table: str, column: str, values: Iterable[str]
) -> None:
    """Delete the rows of ``table`` whose ``column`` is one of ``values``."""
    keys = pd.DataFrame({"key": list(dict.fromkeys(values))})
    if keys.empty:
        return
    conn.register("_keys", keys)
    try:
        conn.execute(f"delete from {table} where {column} in (select key from _keys)")  # noqa: S608
    finally:
        with contextlib.suppress(duckdb.Error):
            conn.unregister("_keys")


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
    prs = _frame(pull_requests, provenance)
    if prs.empty:
        return 0
    ids = prs["pr_id"].tolist()
    stored = stored_pr_keys(conn, ids)
    # A PR's commits, reviews and events are only ever written with it (here), so a PR
    # not yet in the store has none to delete: the deletes (each reads the whole table)
    # are left out for new PRs, and so for every page of a first sync.
    old = [pr_id for pr_id in ids if pr_id in stored]
    for table in ("pr_commits", "reviews", "pr_events"):
        delete_where_in(conn, table, "pr_id", old)
    _delete_links_from(conn, ids, keep_timeline=True)
    keys = pr_keys(conn, ids, stored)
    commit_rows = _frame(commits, provenance)
    # first_commit_at from the commits being written, which are all of the PR's commits
    # once this transaction ends (the same min set_first_commits takes of the stored ones,
    # without an update that reads every stored commit)
    first = _first_commit_times(conn, commit_rows)
    columns = {"pr_key": prs["pr_id"].map(keys)}
    if first:  # else every PR's is null (a replaced row's absent column is null)
        columns["first_commit_at"] = prs["pr_id"].map(first)
    prs = prs.assign(**columns)
    # New rows are inserted, not upserted: DuckDB's insert-or-replace reads far more of a
    # large table than the rows it writes (at a million PRs it was most of a page's write).
    # New PRs and, once the deletes above ran, every commit of the PRs written cannot
    # collide with a stored key (a commit's key holds its PR's id).
    is_new = ~prs["pr_id"].isin(set(stored))
    insert(conn, "pull_requests", prs[is_new])
    upsert(conn, "pull_requests", prs[~is_new])
    if not commit_rows.empty:
        commit_rows = commit_rows.assign(pr_key=commit_rows["pr_id"].map(keys))
        of_these = commit_rows["pr_id"].isin(set(keys))
        insert(conn, "pr_commits", commit_rows[of_these])
        upsert(conn, "pr_commits", commit_rows[~of_these])
    for table, rows in (("reviews", reviews), ("pr_events", events)):
        children = _frame(rows, provenance)
        if not children.empty:
            upsert(conn, table, children.assign(pr_key=children["pr_id"].map(keys)))
    del commit_rows
    ties.refresh_store_ties(
        conn,
        pr_ids=ids,
        fetched_at=provenance["fetched_at"],
        new={pr_id for pr_id in ids if pr_id not in stored},
    )
    links: list[dict[str, Any]] = []
    for pr in prs.to_dict("records"):
        links.extend(pr_links(pr))
    links.extend(dict(link) for link in extra_links)
    upsert(conn, "links", _without_timeline_links(conn, _dedupe_links(links)), provenance)
    return len(prs)


def stored_pr_keys(conn: duckdb.DuckDBPyConnection, pr_ids: Sequence[str]) -> dict[str, int | None]:
    """Each of these PRs that the store holds already -> its key (None: not given yet)."""
    wanted = pd.DataFrame({"pr_id": list(dict.fromkeys(pr_ids))})  # noqa: F841 (read by name)
    return dict(
        conn.execute(
            "select p.pr_id, p.pr_key from pull_requests as p"
            " semi join wanted as w on w.pr_id = p.pr_id"
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


def _first_commit_times(conn: duckdb.DuckDBPyConnection, commits: pd.DataFrame) -> dict[str, Any]:
    """pr_id -> the earliest ``authored_at`` of these commit rows (None: none known)."""
    if commits.empty or "authored_at" not in commits.columns:
        return {}  # no time given: the stored commits' min is null too
    return dict(
        conn.execute("select pr_id, min(authored_at) from commits group by pr_id").fetchall()
    )


def set_first_commits(conn: duckdb.DuckDBPyConnection, pr_ids: Sequence[str]) -> None:
    """Set ``first_commit_at`` of these PRs from their stored commits (null: none)."""
    wanted = pd.DataFrame({"pr_id": list(dict.fromkeys(pr_ids))})  # noqa: F841 (read by name)
    conn.execute(
        "update pull_requests set first_commit_at = ("
        " select min(c.authored_at) from pr_commits as c where c.pr_id = pull_requests.pr_id)"
        " where pr_id in (select pr_id from wanted)"
    )


def replace_defects(
    conn: duckdb.DuckDBPyConnection,
    defects: Sequence[Row] | pd.DataFrame,
    *,
    extra_links: Sequence[Row] = (),
    provenance: Row,
) -> int:
    """Upsert defects and re-read the links their text makes (plus links a file states)."""
    frame = _frame(defects, provenance)
    if frame.empty:
        return 0
    _delete_links_from(conn, frame["defect_id"].tolist())
    upsert(conn, "defects", frame)
    links: list[dict[str, Any]] = []
    # The rows as given when they are dicts: a large import need not copy its text again.
    records = frame.to_dict("records") if isinstance(defects, pd.DataFrame) else defects
    for defect in records:
        links.extend(defect_links(defect))
    links.extend(dict(link) for link in extra_links)
    upsert(conn, "links", _dedupe_links(links), provenance)
    return len(frame)


def _delete_links_from(
    conn: duckdb.DuckDBPyConnection, from_ids: Sequence[str], *, keep_timeline: bool = False
) -> None:
    if not keep_timeline:
        delete_where_in(conn, "links", "from_id", from_ids)
        return
    keys = pd.DataFrame({"key": list(dict.fromkeys(from_ids))})
    if keys.empty:
        return
    conn.execute(
        "delete from links where from_id in (select key from keys)"
        " and not list_contains(?, method)",
        [list(TIMELINE_METHODS)],
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
    frame = pd.DataFrame({"review_id": list(counts), "n": list(counts.values())})
    conn.execute(
        "update reviews set inline_comment_count = f.n from frame as f"
        " where reviews.review_id = f.review_id"
    )
    return len(frame)


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
