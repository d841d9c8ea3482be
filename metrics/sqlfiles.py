"""Metrics layer: loading and running the SQL files of ``metrics/sql``. Never writes the store.

The per-PR and per-defect facts are built as temporary tables on one short read-only
connection (temporary tables live in the connection, never in the database file), in the
order of :data:`FACT_STEPS`; aggregates and red flags then read them. Parameters are
bound (``$as_of``), never formatted into the SQL.
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import cache
from importlib import resources
from typing import Any

import duckdb
import pandas as pd

from settings import SZZ_RECENCY_SLACK_DAYS, TIE_PREFERENCE, Settings

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


def build_facts(conn: duckdb.DuckDBPyConnection, as_of: datetime, config: Settings) -> None:
    """Create the temporary fact tables (tl_prs … tl_pr_facts) on ``conn`` as of ``as_of``."""
    params = fact_params(as_of, config)
    for step in FACT_STEPS:
        run(conn, step, params)
