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
import threading
import time
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
    conn.execute("set enable_progress_bar = false")  # stderr is the CLI's own
    return conn


def schema_version(conn: duckdb.DuckDBPyConnection, catalog: str | None = None) -> int:
    """The highest migration recorded in the database; 0 for a database without one.

    Args:
        catalog: the attached database to read (default: the connection's own).
    """
    # fetchall, not fetchone: DuckDB 2 keeps a half-read result open on the connection.
    exists = conn.execute(
        "select count(*) from information_schema.tables where table_name = 'schema_migrations'"
        " and ($catalog is null or table_catalog = $catalog)",
        {"catalog": catalog},
    ).fetchall()
    if not exists[0][0]:
        return 0
    table = f"{catalog}.schema_migrations" if catalog else "schema_migrations"
    rows = conn.execute(f"select coalesce(max(version), 0) from {table}").fetchall()  # noqa: S608
    return int(rows[0][0])


# The data token (table data_token, migration 4): a random id the store gets with its
# first write (a file rebuilt at the same path, whose counter may well come back to the
# same number, is another store) and a counter that every write transaction bumps,
# except the audit trail's appends (a page view must not look like new data to a cache).
Token = tuple[str, int]


def read_token(conn: duckdb.DuckDBPyConnection, catalog: str | None = None) -> Token:
    """The store's data token: (its id, its write counter); ("", 0) before any write."""
    table = f"{catalog}.data_token" if catalog else "data_token"
    rows = conn.execute(f"select max(store_id), max(writes) from {table}").fetchall()  # noqa: S608
    return (rows[0][0] or "", int(rows[0][1] or 0))


def read_fact_token(conn: duckdb.DuckDBPyConnection, catalog: str | None = None) -> Token:
    """The store's fact token: (its id, the count of its writes that can change a fact
    table); saved facts (migration 6) are valid while it stands still."""
    table = f"{catalog}.data_token" if catalog else "data_token"
    rows = conn.execute(f"select max(store_id), max(fact_writes) from {table}").fetchall()  # noqa: S608
    return (rows[0][0] or "", int(rows[0][1] or 0))


def _bump_token(conn: duckdb.DuckDBPyConnection, *, facts: bool = True) -> None:
    bumped = conn.execute(
        "update data_token set writes = writes + 1, fact_writes = fact_writes + $facts",
        {"facts": int(facts)},
    ).fetchall()
    if not bumped[0][0]:
        conn.execute("insert into data_token values (cast(uuid() as varchar), 1, 1)")


def refuse_newer(path: Path, version: int) -> None:
    """Raise :class:`NewerSchemaError` when ``version`` is above this teamlens's."""
    if version > SCHEMA_VERSION:
        raise NewerSchemaError(
            f"{path} was written by a newer teamlens (schema version {version}; this version "
            f"reads up to {SCHEMA_VERSION}): upgrade teamlens"
        )


def _migrate(conn: duckdb.DuckDBPyConnection, path: Path) -> None:
    version = schema_version(conn)
    refuse_newer(path, version)
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
    db: DbPath = None, *, is_data: bool = True, facts: bool = True
) -> Iterator[duckdb.DuckDBPyConnection]:
    """One all-or-nothing write to the store, safe against every other teamlens process.

    Creates and migrates the database on first use. Commits when the block ends, rolls
    back if it raises; the lock is held only for the block. Bumps the data token
    (:func:`data_token`) in the same transaction unless ``is_data`` is False (the audit
    trail's appends: no figure reads them, so no cache need be rebuilt for them). Bumps
    the fact token (:func:`read_fact_token`) too unless ``facts`` is False: a write to
    tables no fact step reads (competency assessments, recognitions), which leaves the
    saved facts valid.

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
                if is_data:
                    _bump_token(conn, facts=facts)
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
                refuse_newer(path, version)
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
    """A cheap token that changes whenever the database file is written, the audit
    trail's appends included (file times; for a cache of the audit itself)."""
    path = resolve_db(db)
    try:
        stat = path.stat()
    except OSError:
        return (0, 0)
    wal = path.with_name(path.name + ".wal")
    wal_mtime = wal.stat().st_mtime_ns if wal.exists() else 0
    return (stat.st_mtime_ns, wal_mtime)


# A file time newer than this is not trusted to tell two writes apart (file systems keep
# times in ticks of a few milliseconds): within it, data_token reads the counter again.
_RACY_S = 2.0
_token_lock = threading.Lock()
_tokens: dict[Path, tuple[tuple[int, int, int], Token]] = {}


def _file_stamp(path: Path) -> tuple[int, int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    wal = path.with_name(path.name + ".wal")
    try:
        wal_mtime = wal.stat().st_mtime_ns
    except OSError:
        wal_mtime = 0
    return (stat.st_mtime_ns, stat.st_size, wal_mtime)


def data_token(db: DbPath = None) -> Token:
    """A token that changes with every write transaction except the audit trail's: the
    key of every cache of figures (a page view that appends to the audit keeps it).

    :func:`read_token`, read from the store under the shared lock. It is read again only
    when the file's times or size changed since the last read, or are too recent to tell
    two writes apart; otherwise a stat answers. ``("", 0)`` when there is no store.
    """
    path = resolve_db(db)
    before = _file_stamp(path)
    if before is None:
        return ("", 0)
    with _token_lock:
        known = _tokens.get(path)
    settled = max(before[0], before[2]) < time.time_ns() - int(_RACY_S * 1e9)
    if known is not None and known[0] == before and settled:
        return known[1]
    try:
        with read_connection(path) as conn:
            token = read_token(conn)
    except StoreError:
        return ("", 0)
    with _token_lock:
        _tokens[path] = (before, token)
    return token
