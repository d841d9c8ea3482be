"""Metrics layer: what the store holds (tables, sources, date ranges, freshness). Read-only.

Feeds `teamlens db info` and the Data sources page. Counts rows, never people's output.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from store import DbPath, db_origin, read_connection, resolve_db, schema_version
from store.schema import DATE_COLUMNS, SCHEMA_VERSION, USER_TABLES

# What the Data sources page lists per source, in order: (label, table).
SOURCE_TABLES: tuple[tuple[str, str], ...] = (
    ("repositories", "repositories"),
    ("pull requests", "pull_requests"),
    ("reviews", "reviews"),
    ("defects", "defects"),
    ("people", "people"),
    ("assessments", "competency_assessments"),
    ("recognitions", "recognitions"),
)


# How `db info` says where its database came from.
DB_ORIGINS = {
    "argument": "--db",
    "$TEAMLENS_DB": "from $TEAMLENS_DB",
    "default": "the default: data/ in the teamlens checkout",
}


def _iso(value: Any) -> str | None:
    return None if value is None else value.isoformat()


def describe(db: DbPath = None, now: datetime | None = None) -> dict[str, Any]:
    """Everything `db info` shows, as plain data.

    Returns:
        ``path`` (absolute) and ``path_from`` (which rule chose it: ``argument``,
        ``$TEAMLENS_DB`` or ``default``), ``schema_version`` (and the version this teamlens
        reads), ``dataset``
        ('demo' or None), ``tables`` (rows and date range per table) and ``sources``
        (per provenance source: row counts per kind, date range of its PRs and defects,
        last sync, its status and age in hours).
    """
    now = now or datetime.now(UTC)
    path = resolve_db(db)
    with read_connection(path) as conn:
        version = schema_version(conn)
        dataset = conn.execute("select value from meta where key = 'dataset'").fetchall()
        tables = []
        for table in USER_TABLES:
            column = DATE_COLUMNS.get(table)
            span = f", min({column}), max({column})" if column else ", null, null"
            count, first, last = conn.execute(
                f"select count(*){span} from {table}"  # noqa: S608 - trusted identifiers
            ).fetchall()[0]
            tables.append({"table": table, "rows": count, "from": _iso(first), "to": _iso(last)})
        sources = _sources(conn, now)
    return {
        "path": str(path.absolute()),
        "path_from": db_origin(db),
        "schema_version": version,
        "supported_schema_version": SCHEMA_VERSION,
        "dataset": dataset[0][0] if dataset else None,
        "tables": tables,
        "sources": sources,
    }


def _sources(conn: Any, now: datetime) -> list[dict[str, Any]]:
    counts: dict[str, dict[str, Any]] = {}
    for label, table in SOURCE_TABLES:
        rows = conn.execute(
            f"select source, count(*) from {table} group by source"  # noqa: S608
        ).fetchall()
        for source, count in rows:
            counts.setdefault(source, {})[label] = count
    spans = {
        "pull requests": "select source, min(created_at), max(coalesce(merged_at, created_at)) "
        "from pull_requests group by source",
        "defects": "select source, min(reported_at), max(reported_at) from defects group by source",
    }
    ranges: dict[str, dict[str, Any]] = {}
    for label, sql in spans.items():
        for source, first, last in conn.execute(sql).fetchall():
            ranges.setdefault(source, {})[label] = {"from": _iso(first), "to": _iso(last)}
    syncs: dict[str, dict[str, Any]] = {}
    for source, last, running in conn.execute(
        "select split_part(source, ':', 1), max(last_synced_at), "
        "count(*) filter (where status <> 'complete') from sync_state group by 1"
    ).fetchall():
        syncs[source] = {"last_synced_at": last, "unfinished": running}
    result = []
    for source in sorted(set(counts) | set(syncs)):
        sync = syncs.get(source, {})
        last = sync.get("last_synced_at")
        mine = counts.get(source, {})
        result.append(
            {
                "source": source,
                "counts": {label: mine.get(label, 0) for label, _ in SOURCE_TABLES},
                "ranges": ranges.get(source, {}),
                "last_synced_at": _iso(last),
                "age_hours": None if last is None else (now - last).total_seconds() / 3600,
                "unfinished_streams": sync.get("unfinished", 0),
            }
        )
    return result


def freshness(age_hours: float | None) -> str:
    """How fresh a sync is, in words a manager reads at a glance."""
    if age_hours is None:
        return "never synced"
    if age_hours < 1:
        return "synced within the hour"
    if age_hours < 48:
        return f"synced {age_hours:.0f} h ago"
    return f"synced {age_hours / 24:.0f} days ago"


def format_text(info: dict[str, Any]) -> str:
    """`db info` as a plain-text report."""
    lines = [
        f"database        {info['path']} ({DB_ORIGINS.get(info['path_from'], info['path_from'])})",
        f"schema version  {info['schema_version']} (this teamlens reads up to "
        f"{info['supported_schema_version']})",
        f"dataset         {info['dataset'] or 'real data'}",
        "",
        f"{'table':<24}{'rows':>10}  date range",
    ]
    for table in info["tables"]:
        span = f"{table['from'][:10]} .. {table['to'][:10]}" if table["from"] else "-"
        lines.append(f"{table['table']:<24}{table['rows']:>10}  {span}")
    lines += ["", f"{'source':<12}{'last sync':<28}freshness"]
    if not info["sources"]:
        lines.append("(no data yet: run `teamlens demo` or `teamlens ingest github`)")
    for source in info["sources"]:
        last = source["last_synced_at"] or "-"
        lines.append(f"{source['source']:<12}{last:<28}{freshness(source['age_hours'])}")
    return "\n".join(lines)


def teams(db: DbPath = None) -> list[str]:
    """Every team name in the store, alphabetically (plus 'Unassigned' is implicit)."""
    with read_connection(db) as conn:
        return [row[0] for row in conn.execute("select team from teams order by team").fetchall()]


def activity_span(db: DbPath = None) -> tuple[datetime | None, datetime | None]:
    """The first and last moment with a PR created/merged or a defect reported."""
    with read_connection(db) as conn:
        first, last = conn.execute(
            "select min(t), max(t) from ("
            " select created_at as t from pull_requests"
            " union all select merged_at from pull_requests"
            " union all select reported_at from defects)"
        ).fetchall()[0]
    return first, last
