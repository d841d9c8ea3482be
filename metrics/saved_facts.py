"""Metrics layer: the fact tables saved in the store at the as-ofs the dashboard opens at,
so a page's first render reads them instead of building them (docs/architecture.md,
"Saved facts"). The one write of the metrics layer: derived rows only, in the store's
schema ``facts`` (migration 6), never a row of data.

* :func:`save` builds the fact tables (:func:`metrics.sqlfiles.build_facts`) at each of
  :func:`default_moments` and copies them into ``facts.s<slot>_<table>``, with a row in
  ``facts.saved`` naming the as-of, the settings and the fact token they were built at,
  all in one write transaction that bumps no token. The CLI calls it after every command
  that writes data, the app after it builds the demo.
* :func:`metrics.sqlfiles.build_facts` then reads them wherever a build asks for that
  as-of and those settings while the store's fact token (:func:`store.read_fact_token`)
  is unchanged; any later data write makes them stale, and builds are made in memory as
  before until the next save.

Values never differ between the two paths: the saved tables are the build's own rows.

The save's DuckDB memory is capped (:func:`memory_limit_mb`): left to itself DuckDB keeps
every fact table and join in memory, about 290 MB at 100,000 PRs and 1.4 GB at a million,
on top of the command that wrote the data (``teamlens ingest github``'s budget is 300 MB
in all, benchmarks/bench_sync.py); capped, it spills them to ``<db>.tmp``. A save that
still runs out of the capped memory is made again without the cap.
"""

from __future__ import annotations

import time as clock
from dataclasses import dataclass
from datetime import UTC, datetime, time

import duckdb

from metrics import sqlfiles
from metrics.calendar import last_complete_quarter
from settings import Settings, settings
from store import DbPath, read_fact_token, write_transaction

# The cap, per DuckDB thread (each holds its own buffers): this much, or this much per PR
# when more. A save alone at a million PRs on 2 threads, by bytes a PR: 128 runs out on 8
# threads, and on 2 peaks at 351 MB in 22 s; 256: 594 MB, 17 s; 512: 1.07 GB, 14 s;
# uncapped: 1.4 GB, 14 s. At 100,000 PRs the floor decides: 201 MB in 3.4 s (325, 2.5).
MEMORY_MB_PER_THREAD, MEMORY_BYTES_PER_PR_THREAD = 64, 256


@dataclass(frozen=True)
class Saved:
    """What :func:`save` kept: the as-ofs, and the seconds it took."""

    moments: tuple[datetime, ...]
    seconds: float


def default_moments(conn: duckdb.DuckDBPyConnection) -> tuple[datetime, ...]:
    """The as-ofs the dashboard opens at on this store's data: the end (UTC) of the last
    day with a PR created or merged or a defect reported (the sidebar's default as-of),
    and the end of the last quarter complete by then (the default quarter of the quarterly
    review and the executive summary). Empty for a store without activity."""
    last = conn.execute(
        "select max(t) from ("
        " select max(created_at) as t from pull_requests"
        " union all select max(merged_at) from pull_requests"
        " union all select max(reported_at) from defects)"
    ).fetchone()[0]
    if last is None:
        return ()
    end = datetime.combine(last.astimezone(UTC).date(), time.max, tzinfo=UTC)
    end = end.replace(microsecond=0)
    quarter_end = last_complete_quarter(end).as_of(end)
    return tuple(dict.fromkeys((end, quarter_end)))


def save(db: DbPath = None, config: Settings | None = None) -> Saved:
    """Build the facts at :func:`default_moments` and keep them in the store, replacing
    what was saved before (one transaction: a run killed midway leaves the old ones,
    which the fact token then shows to be stale).

    Raises:
        StoreError, NewerSchemaError: as :func:`store.write_transaction`.
    """
    config = config or settings()
    started = clock.perf_counter()
    try:
        moments = _save(db, config, capped=True)
    except duckdb.OutOfMemoryException:  # a build bigger than the cap: as DuckDB pleases
        moments = _save(db, config, capped=False)
    return Saved(moments, clock.perf_counter() - started)


def memory_limit_mb(conn: duckdb.DuckDBPyConnection) -> int:
    """The save's DuckDB memory: per thread, :data:`MEMORY_MB_PER_THREAD` or
    :data:`MEMORY_BYTES_PER_PR_THREAD` per stored PR, whichever is more."""
    threads = int(conn.execute("select current_setting('threads')").fetchall()[0][0])
    prs = conn.execute("select count(*) from pull_requests").fetchall()[0][0]
    return threads * max(MEMORY_MB_PER_THREAD, prs * MEMORY_BYTES_PER_PR_THREAD // 2**20)


def _save(db: DbPath, config: Settings, *, capped: bool) -> tuple[datetime, ...]:
    with write_transaction(db, is_data=False) as conn:
        if capped:  # this connection only (closed with the transaction)
            conn.execute(f"set memory_limit = '{memory_limit_mb(conn)}MB'")
        store_id, fact_writes = read_fact_token(conn)
        _drop_saved(conn)
        moments = default_moments(conn) if store_id else ()
        for slot, moment in enumerate(moments):
            began = clock.perf_counter()
            sqlfiles.build_facts(conn, moment, config, saved=False)
            for name in sqlfiles.SAVED_TABLES:
                conn.execute(
                    f"create table {sqlfiles.SAVED_SCHEMA}.s{slot}_{name} as "  # noqa: S608
                    f"select * from tl_{name}"
                )
            conn.execute(
                f"insert into {sqlfiles.SAVED_SCHEMA}.saved values "  # noqa: S608
                "($slot, $as_of, $settings, $store_id, $fact_writes, $built_at, $seconds)",
                {
                    "slot": slot,
                    "as_of": moment,
                    "settings": sqlfiles.settings_key(config),
                    "store_id": store_id,
                    "fact_writes": fact_writes,
                    "built_at": datetime.now(UTC),
                    "seconds": clock.perf_counter() - began,
                },
            )
        sqlfiles.drop_facts(conn)
    return moments


def _drop_saved(conn: duckdb.DuckDBPyConnection) -> None:
    conn.execute(f"delete from {sqlfiles.SAVED_SCHEMA}.saved")  # noqa: S608
    tables = conn.execute(
        "select table_name from information_schema.tables"
        " where table_catalog = current_database() and table_schema = $schema"
        " and table_name <> 'saved'",
        {"schema": sqlfiles.SAVED_SCHEMA},
    ).fetchall()
    for (name,) in tables:
        conn.execute(f"drop table {sqlfiles.SAVED_SCHEMA}.{name}")
