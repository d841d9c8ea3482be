"""Ingest layer: rows into one store table, the mechanics under writer.py. No metric.

Rows come as dicts (every source but the demo) or as a DataFrame (the demo builder). Dicts
are written without pandas, so that the GitHub and git ingests never import it (pandas
and pyarrow hold about 80 MB once imported): each column is one list parameter of a
statement that unnests the lists side by side into rows, cast to the table's types, in
chunks of :data:`CHUNK_ROWS`. A DataFrame is read by DuckDB directly.

Rows lose the :data:`REFUSED_FIELDS` columns, and take the provenance columns that none of
them has (``source``, ``source_url``, ``fetched_at``).
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import duckdb
    import pandas as pd

Row = Mapping[str, Any]

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

# Rows given as dicts are written this many at a time: DuckDB holds a statement's
# parameters as values of its own, a few times the size of the Python objects.
CHUNK_ROWS = 2048


def is_frame(rows: object) -> bool:
    """Whether ``rows`` is a DataFrame (asked without importing pandas: whoever built one
    has imported it)."""
    pandas = sys.modules.get("pandas")
    return pandas is not None and isinstance(rows, pandas.DataFrame)


def _frame(rows: pd.DataFrame, provenance: Row | None) -> pd.DataFrame:
    frame = rows.copy()
    refused = REFUSED_FIELDS.intersection(frame.columns)
    if refused:
        frame = frame.drop(columns=sorted(refused))
    for column, value in (provenance or {}).items():
        if column not in frame.columns:
            frame[column] = value
    return frame


def _names(rows: Sequence[Row], provenance: Row | None) -> tuple[list[str], dict[str, Any]]:
    """The columns of dict rows: every key any row has (a row without it: null), less the
    refused ones; and the provenance columns that no row has, with their value."""
    names = list(dict.fromkeys(key for row in rows for key in row if key not in REFUSED_FIELDS))
    return names, {key: value for key, value in (provenance or {}).items() if key not in names}


def records(
    conn: duckdb.DuckDBPyConnection, rows: Sequence[Row] | pd.DataFrame, provenance: Row | None
) -> list[dict[str, Any]]:
    """The rows as new dicts, each of every column (see :func:`_names`). A DataFrame's
    are read through DuckDB: the values it would insert from the frame."""
    if is_frame(rows):
        frame = rows  # noqa: F841 (read by name)
        result = conn.execute("select * from frame")
        columns = [column[0] for column in result.description]
        rows = [dict(zip(columns, values, strict=True)) for values in result.fetchall()]
    names, constant = _names(rows, provenance)
    return [{name: row.get(name) for name in names} | constant for row in rows]


def _column_types(conn: duckdb.DuckDBPyConnection, table: str) -> dict[str, str]:
    return dict(
        conn.execute(
            "select column_name, data_type from duckdb_columns()"
            " where database_name = current_database() and schema_name = 'main'"
            " and table_name = ?",
            [table],
        ).fetchall()
    )


def write(
    conn: duckdb.DuckDBPyConnection,
    verb: str,
    table: str,
    rows: Sequence[Row] | pd.DataFrame,
    provenance: Row | None,
) -> int:
    """``verb`` ("insert", "insert or replace") the rows into ``table``; the row count."""
    if is_frame(rows):
        frame = _frame(rows, provenance)
        if frame.empty:
            return 0
        # DuckDB reads the local ``frame`` by name (a replacement scan). Not conn.register:
        # a frame registered inside a transaction stays alive until the commit even once
        # unregistered, so an import writing a large file in chunks would hold its text twice.
        conn.execute(f"{verb} into {table} by name select * from frame")  # noqa: S608
        return len(frame)
    rows = rows if isinstance(rows, list) else list(rows)
    if not rows:
        return 0
    # Each column is one list parameter, unnested side by side into rows and cast to the
    # table's type (a column the table lacks is left for DuckDB to refuse).
    types = _column_types(conn, table)
    names, constant = _names(rows, provenance)
    names += constant
    select = ", ".join(
        f"unnest(${i}{'::' + types[name] + '[]' if name in types else ''}) as {_quoted(name)}"
        for i, name in enumerate(names, start=1)
    )
    for start in range(0, len(rows), CHUNK_ROWS):
        chunk = rows[start : start + CHUNK_ROWS]
        values = [
            [constant[name]] * len(chunk) if name in constant else [row.get(name) for row in chunk]
            for name in names
        ]
        conn.execute(f"{verb} into {table} by name select {select}", values)
    return len(rows)


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
