"""Store layer: the DuckDB file — schema, migrations, connections, locks. No rows, no metrics.

The contract between ``ingest`` (which writes through :func:`write_transaction`) and
``metrics`` (which reads through :func:`read_connection`). Modules:

* ``schema`` — the tables as versioned migrations;
* ``locks`` — the advisory file locks that let many processes share the file;
* ``connection`` — opening, migrating, the write transaction, the read connection,
  the read session (one connection shared by the reads of a report) and the data token;
* ``attached`` — a process-level in-memory DuckDB that attaches the store read-only for
  each use (the metrics layer's shared fact cache lives in it).
"""

from store.connection import (
    DEFAULT_DB,
    DbPath,
    NewerSchemaError,
    ReadSession,
    check_path,
    data_token,
    data_version,
    db_origin,
    ensure_store,
    read_connection,
    read_fact_token,
    read_session,
    resolve_db,
    schema_version,
    write_transaction,
)
from store.locks import StoreError

__all__ = [
    "DEFAULT_DB",
    "DbPath",
    "NewerSchemaError",
    "ReadSession",
    "StoreError",
    "check_path",
    "data_token",
    "data_version",
    "db_origin",
    "ensure_store",
    "read_connection",
    "read_fact_token",
    "read_session",
    "resolve_db",
    "schema_version",
    "write_transaction",
]
