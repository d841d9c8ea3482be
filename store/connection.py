"""Store layer: opening the DuckDB store safely from many processes. Reads and writes no rows.

DuckDB lets one process hold a read-write connection, and while it does every other
process fails at once to open the file (read-only included). teamlens therefore never
holds a connection for long, and coordinates every open through two advisory file
locks beside the database (``flock``, released by the kernel if a process dies):

* ``<db>.lock`` — readers hold it shared, a writer holds it exclusive, so a reader
  never meets DuckDB's own lock error and a writer never meets an open reader.
* ``<db>.gate`` — taken briefly by readers before they queue on ``.lock`` and held by a
  writer while it waits, so a steady stream of dashboard reads cannot starve a writer.

Every write (ingest page, file import, a form in the app, the demo builder) is one
short transaction in :func:`write_transaction`: lock, open, migrate if needed, write,
commit, close, unlock. Writes go into the live file, never into a copy swapped over it,
so no writer can lose another's rows. Reads open a fresh read-only connection per call
(:func:`read_connection`) and close it, so they always see the latest committed data.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from store import locks
from store.locks import StoreError
from store.schema import MIGRATIONS, SCHEMA_VERSION

# The default database: data/ in teamlens's own checkout (the folder git ignores the
# database in), whatever the current directory. $TEAMLENS_DB or an explicit path wins.
DEFAULT_DB = Path(__file__).resolve().parents[1] / "data" / "teamlens.duckdb"
DbPath = str | os.PathLike[str] | None

_DUCKDB_MAGIC = b"DUCK"  # bytes 8..12 of every DuckDB database file


class NewerSchemaError(StoreError):
    """The database was written by a newer teamlens than this one."""


class ReadSession(os.PathLike):
    """One open read-only connection that a whole report reads through: one snapshot.

    Pass it wherever a database path goes. :func:`read_connection` hands back its
    connection (and leaves it open) instead of opening another, so a report that makes
    twenty reads opens the file once and every figure comes from the same committed
    state. ``memo`` lets the layer above remember what it built on the connection (its
    temporary tables). One thread only, like any DuckDB connection; the shared lock is
    held until the session ends, so keep sessions short (one report build).
    """

    def __init__(self, path: Path, conn: duckdb.DuckDBPyConnection) -> None:
        self.path = path
        self.connection = conn
        self.memo: dict[str, object] = {}

    def __fspath__(self) -> str:
        return str(self.path)

    def __repr__(self) -> str:
        return f"ReadSession({str(self.path)!r})"


def resolve_db(db: DbPath) -> Path:
    """The database path to use: the argument, else ``$TEAMLENS_DB``, else :data:`DEFAULT_DB`.

    A relative argument or ``$TEAMLENS_DB`` is relative to the current directory (the user
    typed it there); the default never is.
    """
    return _choose_db(db)[0]


def db_origin(db: DbPath) -> str:
    """Which rule :func:`resolve_db` followed: ``argument``, ``$TEAMLENS_DB`` or ``default``."""
    return _choose_db(db)[1]


def _choose_db(db: DbPath) -> tuple[Path, str]:
    if db:
        return Path(db), "argument"
    env = os.environ.get("TEAMLENS_DB")
    if env:
        return Path(env), "$TEAMLENS_DB"
    return DEFAULT_DB, "default"


def check_path(path: Path, *, must_exist: bool) -> None:
    """Refuse a path that cannot be a teamlens database, with one clear line.

    Raises:
        StoreError: a directory, an unreadable file, a file that is not DuckDB, or a
            missing file when ``must_exist``.
    """
    if path.is_dir():
        raise StoreError(f"{path} is a directory, not a database file")
    if not path.exists():
        if must_exist:
            raise StoreError(
                f"no database at {path}: run `teamlens demo` or `teamlens ingest github` first"
            )
        if not path.parent.exists():
            raise StoreError(f"cannot create {path}: folder {path.parent} does not exist")
        return
    try:
        with path.open("rb") as handle:
            header = handle.read(12)
    except OSError as exc:
        raise StoreError(f"cannot read {path}: {exc.strerror or exc}") from None
    if len(header) < 12 or header[8:12] != _DUCKDB_MAGIC:
        raise StoreError(f"{path} is not a DuckDB database file")


def _connect(path: Path, *, read_only: bool) -> duckdb.DuckDBPyConnection:
    try:
        conn = duckdb.connect(str(path), read_only=read_only)
    except duckdb.Error as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise StoreError(f"cannot open {path}: {first}") from None
    conn.execute("set TimeZone = 'UTC'")
    return conn


def schema_version(conn: duckdb.DuckDBPyConnection) -> int:
    """The highest migration recorded in the database; 0 for a database without one."""
    # fetchall, not fetchone: DuckDB 2 keeps a half-read result open on the connection.
    exists = conn.execute(
        "select count(*) from information_schema.tables where table_name = 'schema_migrations'"
    ).fetchall()
    if not exists[0][0]:
        return 0
    rows = conn.execute("select coalesce(max(version), 0) from schema_migrations").fetchall()
    return int(rows[0][0])


def _refuse_newer(path: Path, version: int) -> None:
    if version > SCHEMA_VERSION:
        raise NewerSchemaError(
            f"{path} was written by a newer teamlens (schema version {version}; this version "
            f"reads up to {SCHEMA_VERSION}): upgrade teamlens"
        )


def _migrate(conn: duckdb.DuckDBPyConnection, path: Path) -> None:
    version = schema_version(conn)
    _refuse_newer(path, version)
    if version == SCHEMA_VERSION:
        return
    conn.execute(
        "create table if not exists schema_migrations ("
        " version integer primary key, description varchar not null,"
        " applied_at timestamptz not null)"
    )
    for number, description, ddl in MIGRATIONS:
        if number <= version:
            continue
        conn.execute("begin")
        try:
            conn.execute(ddl)
            conn.execute(
                "insert into schema_migrations values (?, ?, ?)",
                [number, description, datetime.now(UTC)],
            )
            conn.execute("commit")
        except BaseException:
            conn.execute("rollback")
            raise


@contextlib.contextmanager
def write_transaction(
    db: DbPath = None,
) -> Iterator[duckdb.DuckDBPyConnection]:
    """One all-or-nothing write to the store, safe against every other teamlens process.

    Creates and migrates the database on first use. Commits when the block ends, rolls
    back if it raises; the lock is held only for the block.

    Raises:
        StoreError: the path cannot be a database, or it stayed busy too long.
        NewerSchemaError: the database was written by a newer teamlens.
    """
    path = resolve_db(db)
    check_path(path, must_exist=False)
    with locks.exclusive(path):
        conn = _connect(path, read_only=False)
        try:
            _migrate(conn, path)
            conn.execute("begin")
            try:
                yield conn
            except BaseException:
                conn.execute("rollback")
                raise
            conn.execute("commit")
        finally:
            conn.close()


@contextlib.contextmanager
def read_connection(
    db: DbPath = None,
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A short-lived read-only connection that sees every committed write.

    Waits (does not fail) while a writer holds the database. Migrates an older database
    first, so readers always see the current schema.

    Given a :class:`ReadSession`, yields its connection and leaves it open.

    Raises:
        StoreError: no database there, not a DuckDB file, or busy too long.
        NewerSchemaError: the database was written by a newer teamlens.
    """
    if isinstance(db, ReadSession):
        yield db.connection
        return
    path = resolve_db(db)
    check_path(path, must_exist=True)
    for attempt in range(2):
        with locks.shared(path):
            conn = _connect(path, read_only=True)
            try:
                version = schema_version(conn)
                _refuse_newer(path, version)
                if version == SCHEMA_VERSION:
                    yield conn
                    return
            finally:
                conn.close()
        if attempt == 0:
            ensure_store(path)
    raise StoreError(f"cannot migrate {path} to schema version {SCHEMA_VERSION}")


@contextlib.contextmanager
def read_session(db: DbPath = None) -> Iterator[ReadSession]:
    """A :class:`ReadSession` on the store for the length of the block (one connection).

    Given a session already, yields that same session (nested reads share it).

    Raises:
        StoreError, NewerSchemaError: as :func:`read_connection`.
    """
    if isinstance(db, ReadSession):
        yield db
        return
    path = resolve_db(db)
    with read_connection(path) as conn:
        yield ReadSession(path, conn)


def ensure_store(db: DbPath = None) -> Path:
    """Create or migrate the database if needed; return its path.

    Raises:
        StoreError, NewerSchemaError: as :func:`write_transaction`.
    """
    path = resolve_db(db)
    with write_transaction(path):
        pass
    return path


def data_version(db: DbPath = None) -> tuple[int, int]:
    """A cheap token that changes whenever the database file is written (for caches)."""
    path = resolve_db(db)
    try:
        stat = path.stat()
    except OSError:
        return (0, 0)
    wal = path.with_name(path.name + ".wal")
    wal_mtime = wal.stat().st_mtime_ns if wal.exists() else 0
    return (stat.st_mtime_ns, wal_mtime)
