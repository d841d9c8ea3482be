"""Metrics layer: loading and running the SQL files of ``metrics/sql``. Never writes the store.

The per-PR and per-defect facts are built as temporary tables on one short read-only
connection (temporary tables live in the connection, never in the database file), in the
order of :data:`FACT_STEPS`; aggregates and red flags then read them. Parameters are
bound (``$as_of``), never formatted into the SQL.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

import duckdb

from settings import SZZ_RECENCY_SLACK_DAYS, TIE_PREFERENCE, Settings

if TYPE_CHECKING:  # .df() imports it: metrics.saved_facts builds the facts without pandas
    import pandas as pd

# Each step creates one temporary table from the ones before it.
FACT_STEPS: tuple[str, ...] = (
    "prs",
    "fixes",
    "explicit",
    "named",
    "fix_commits",
    "szz_runs",
    "szz_blamed",
    "inferred",
    "attributions",
    "reverts",
    "defects",
    "pr_facts",
    "pr_facts_view",
)
# The temporary table (tl_<name>) each step creates, where it is not the step's name:
# pr_facts makes tl_quality, and pr_facts_view the view tl_pr_facts over it and tl_prs.
_STEP_TABLES = {"pr_facts": "quality", "pr_facts_view": "pr_facts"}
# What metrics.saved_facts keeps in the store's schema `facts`: every step's table, the
# view tl_pr_facts included, kept as a table (read several times faster than its join).
SAVED_TABLES: tuple[str, ...] = tuple(_STEP_TABLES.get(step, step) for step in FACT_STEPS)
SAVED_SCHEMA = "facts"
_PARAM = re.compile(r"\$([a-z_]+)")
_COMMENT = re.compile(r"--[^\n]*")
_NEVER = r"[^\s\S]"  # a regular expression that matches nothing


@cache
def load(name: str) -> str:
    """The text of ``metrics/sql/<name>.sql``."""
    return resources.files("metrics").joinpath("sql", f"{name}.sql").read_text(encoding="utf-8")


def _bound(sql: str, params: dict[str, Any]) -> dict[str, Any]:
    """The parameters a statement uses (DuckDB refuses unused named parameters)."""
    used = set(_PARAM.findall(_COMMENT.sub("", sql)))  # a comment may quote $as_of
    missing = used - params.keys()
    if missing:
        raise KeyError(f"SQL parameters without a value: {sorted(missing)}")
    return {k: v for k, v in params.items() if k in used}


def run(conn: duckdb.DuckDBPyConnection, name: str, params: dict[str, Any]) -> None:
    """Execute one SQL file (a statement producing no rows we read)."""
    sql = load(name)
    conn.execute(sql, _bound(sql, params)).fetchall()


def frame(conn: duckdb.DuckDBPyConnection, name: str, params: dict[str, Any]) -> pd.DataFrame:
    """Run one SQL file and return its rows as a DataFrame."""
    sql = load(name)
    return conn.execute(sql, _bound(sql, params)).df()


def security_regex(patterns: tuple[str, ...]) -> str:
    """One case-insensitive substring regex for the security patterns (lower-cased names)."""
    if not patterns:
        return _NEVER
    return "|".join(re.escape(p.lower()) for p in patterns if p) or _NEVER


def fact_params(as_of: datetime, config: Settings) -> dict[str, Any]:
    """The parameters of the fact steps."""
    return {
        "as_of": as_of,
        "security_re": security_regex(config.security_patterns),
        "stamp_min_lines": config.rubber_stamp_min_lines,
        "stamp_window_min": float(config.rubber_stamp_window_min),
        "tie_preference": list(TIE_PREFERENCE),
        "recency_slack_days": float(SZZ_RECENCY_SLACK_DAYS),
        "min_confidence": float(config.min_inferred_confidence),
    }


def settings_key(config: Settings) -> str:
    """The fact steps' parameters other than the as-of, as JSON: what saved facts were
    built with (a changed setting makes them not apply)."""
    params = fact_params(datetime.min.replace(tzinfo=UTC), config)
    del params["as_of"]
    return json.dumps(params, sort_keys=True)


def build_facts(
    conn: duckdb.DuckDBPyConnection, as_of: datetime, config: Settings, *, saved: bool = True
) -> bool:
    """Create the temporary fact tables (tl_prs … tl_pr_facts) on ``conn`` as of ``as_of``.

    When the store holds facts saved at this as-of with these settings for its current
    data (:mod:`metrics.saved_facts`), and ``saved`` is True, the ``tl_*`` names become
    temporary views of them instead of being built; returns whether they did.
    """
    drop_facts(conn)
    params = fact_params(as_of, config)
    slot = saved_slot(conn, as_of, config) if saved else None
    if slot is not None:
        catalog = _catalog(conn)
        for name in SAVED_TABLES:
            conn.execute(
                f"create temp view tl_{name} as "  # noqa: S608 (names are our constants)
                f'select * from "{catalog}".{SAVED_SCHEMA}.s{slot}_{name}'
            )
        return True
    for step in FACT_STEPS:
        run(conn, step, params)
    return False


def saved_slot(conn: duckdb.DuckDBPyConnection, as_of: datetime, config: Settings) -> int | None:
    """The slot of the facts saved in the store at ``as_of`` with ``config``'s settings,
    if they were built at the store's current fact token; else None."""
    catalog = _catalog(conn)
    try:
        rows = conn.execute(
            f'select s.slot from "{catalog}".{SAVED_SCHEMA}.saved as s'  # noqa: S608
            f' inner join "{catalog}".main.data_token as t'
            " on t.store_id = s.store_id and t.fact_writes = s.fact_writes"
            " where s.as_of = $as_of and s.settings = $settings",
            {"as_of": as_of, "settings": settings_key(config)},
        ).fetchall()
    except duckdb.CatalogException:  # no such schema: a store not migrated (a test's)
        return None
    return rows[0][0] if rows else None


def _catalog(conn: duckdb.DuckDBPyConnection) -> str:
    return conn.execute("select current_database()").fetchone()[0]


def drop_facts(conn: duckdb.DuckDBPyConnection) -> None:
    """Drop the temporary fact tables and views a build before left on ``conn``."""
    found = conn.execute(
        "select table_name, table_type from information_schema.tables"
        " where table_catalog = 'temp' and table_name like 'tl\\_%' escape '\\'"
    ).fetchall()
    for name, kind in found:
        conn.execute(f"drop {'view' if kind == 'VIEW' else 'table'} temp.main.{name}")
