"""Store layer: reading the store through a process-level in-memory DuckDB. Writes no rows.

A long-lived cache of what was read (the metrics layer's fact tables) must not keep the
store file open: while any process holds it, a writer in another process cannot open it
(see :mod:`store.connection`). So the cache lives in an in-memory DuckDB of its own, and
the store file is ATTACHed to it READ_ONLY only for the length of one use, under the
shared advisory lock (:func:`store.locks.shared`), then DETACHed:

* one :class:`AttachedStore` per store path: an in-memory DuckDB whose connections
  (cursors) each hold their own temporary tables, which survive DETACH;
* :meth:`AttachedStore.attached` attaches the file for a block (re-entrant on the same
  thread: a nested use shares the attachment) and yields its data token
  (:func:`store.connection.read_token`), read under the lock, so a cache keyed on it sees
  every committed write;
* :meth:`AttachedStore.using` points one cursor at the attached file (``USE store``) for
  the block (re-entrant too), so unqualified table names read the store and ``tl_*``
  temp tables stay the cursor's own.

DuckDB connections are not safe to share between threads at the same time (Streamlit
runs each session on a thread): every use holds the store's re-entrant lock for its whole
length, so one thread at a time reads through an :class:`AttachedStore`.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from pathlib import Path

import duckdb

from store import locks
from store.connection import (
    Token,
    check_path,
    ensure_store,
    read_token,
    refuse_newer,
    schema_version,
)
from store.schema import SCHEMA_VERSION

ALIAS = "store"  # the catalog name the store file is attached under
MEMORY_LIMIT = "1GB"  # the in-memory instance's own cap (fact tables spill beyond it)


class AttachedStore:
    """An in-memory DuckDB that attaches the store at ``path`` read-only for each use."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lock = threading.RLock()
        self._base = duckdb.connect(":memory:")
        self._base.execute(f"set memory_limit = '{MEMORY_LIMIT}'")
        self._base.execute("set enable_progress_bar = false")
        self._depth = 0
        self._token: Token = ("", 0)
        self._using: dict[int, int] = {}  # cursors pointed at the store, and how deeply

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A new connection to the in-memory instance (its own temporary tables)."""
        conn = self._base.cursor()
        conn.execute("set TimeZone = 'UTC'")
        return conn

    @contextlib.contextmanager
    def attached(self) -> Iterator[Token]:
        """The store attached read-only (under the shared lock) for the block; yields its
        data token. Migrates an older store first, as :func:`store.read_connection` does.

        Raises:
            StoreError: no database there, not a DuckDB file, or busy too long.
            NewerSchemaError: the database was written by a newer teamlens.
        """
        with self.lock:
            if self._depth:  # nested on this thread: the file is attached already
                self._depth += 1
                try:
                    yield self._token
                finally:
                    self._depth -= 1
                return
            check_path(self.path, must_exist=True)
            for attempt in range(2):
                with locks.shared(self.path):
                    self._attach()
                    try:
                        version = schema_version(self._base, ALIAS)
                        refuse_newer(self.path, version)
                        if version == SCHEMA_VERSION:
                            self._token = read_token(self._base, ALIAS)
                            self._depth = 1
                            try:
                                yield self._token
                            finally:
                                self._depth = 0
                            return
                    finally:
                        self._detach()
                if attempt == 0:
                    ensure_store(self.path)
            raise locks.StoreError(f"cannot migrate {self.path} to schema version {SCHEMA_VERSION}")

    @contextlib.contextmanager
    def using(self, conn: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
        """``conn`` reading the attached store by default for the block (call inside
        :meth:`attached`); back on its own catalog after, so the store can be detached."""
        key = id(conn)
        depth = self._using.get(key, 0)
        if not depth:
            conn.execute(f"use {ALIAS}")
        self._using[key] = depth + 1
        try:
            yield conn
        finally:
            self._using[key] -= 1
            if not self._using[key]:
                del self._using[key]
                conn.execute("use memory")

    def close(self) -> None:
        """Close the in-memory instance (and every cursor's tables with it)."""
        self._base.close()

    def _attach(self) -> None:
        try:
            self._base.execute(
                f"attach $path as {ALIAS} (read_only)",
                {"path": str(self.path)},
            )
        except duckdb.Error as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise locks.StoreError(f"cannot open {self.path}: {first}") from None

    def _detach(self) -> None:
        with contextlib.suppress(duckdb.Error):  # not attached: the attach itself failed
            self._base.execute(f"detach {ALIAS}")
