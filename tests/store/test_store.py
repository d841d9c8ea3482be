"""The store: schema creation, migrations, refusing a newer schema, bad paths."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

import store
import store.connection
from ingest import writer
from store import schema
from tests.conftest import PROVENANCE


def test_first_open_creates_every_table_at_the_current_version(tmp_path: Path) -> None:
    path = store.ensure_store(tmp_path / "new.duckdb")
    with store.read_connection(path) as conn:
        tables = {
            r[0]
            for r in conn.execute("select table_name from information_schema.tables").fetchall()
        }
        assert store.schema_version(conn) == schema.SCHEMA_VERSION
    assert set(schema.USER_TABLES) <= tables
    assert {"meta", "schema_migrations"} <= tables


def test_migrations_apply_once_and_in_order(tmp_path: Path) -> None:
    path = tmp_path / "m.duckdb"
    store.ensure_store(path)
    store.ensure_store(path)  # a second open applies nothing again
    with store.read_connection(path) as conn:
        versions = [
            r[0]
            for r in conn.execute("select version from schema_migrations order by 1").fetchall()
        ]
    assert versions == [m[0] for m in schema.MIGRATIONS]


def test_an_older_database_is_migrated_on_open(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "old.duckdb"
    store.ensure_store(path)
    extra = (
        schema.SCHEMA_VERSION + 1,
        "test: add a column",
        "alter table meta add column note varchar;",
    )
    monkeypatch.setattr(store.connection, "MIGRATIONS", (*schema.MIGRATIONS, extra))
    monkeypatch.setattr(store.connection, "SCHEMA_VERSION", extra[0])
    with store.write_transaction(path) as conn:
        conn.execute("insert into meta values ('k', 'v', 'n')")
    with store.read_connection(path) as conn:
        assert store.schema_version(conn) == extra[0]
        assert conn.execute("select note from meta where key = 'k'").fetchall() == [("n",)]


def test_a_newer_schema_is_refused_for_reading_and_writing(tmp_path: Path) -> None:
    path = store.ensure_store(tmp_path / "newer.duckdb")
    conn = duckdb.connect(str(path))
    conn.execute("insert into schema_migrations values (999, 'from the future', now())")
    conn.close()
    with pytest.raises(store.NewerSchemaError, match="newer teamlens .*version 999"):
        with store.read_connection(path):
            pass
    with pytest.raises(store.NewerSchemaError):
        with store.write_transaction(path):
            pass


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p.mkdir(), "is a directory"),
        (lambda p: p.write_text("hello, I am a CSV\n" * 10), "is not a DuckDB database"),
        (lambda p: p.write_bytes(b""), "is not a DuckDB database"),
    ],
)
def test_bad_paths_get_one_clear_line(tmp_path: Path, make, message: str) -> None:
    path = tmp_path / "bad.duckdb"
    make(path)
    with pytest.raises(store.StoreError, match=message) as info:
        with store.read_connection(path):
            pass
    assert "\n" not in str(info.value)


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Tests run as root, who reads any file, so the OS refusal is simulated at open().
    path = store.ensure_store(tmp_path / "locked.duckdb")
    real_open = Path.open

    def refuse(self: Path, *args, **kwargs):
        if self == path:
            raise PermissionError(13, "Permission denied")
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", refuse)
    with pytest.raises(store.StoreError, match="cannot read .*Permission denied"):
        store.check_path(path, must_exist=True)


def test_missing_database_for_reading(tmp_path: Path) -> None:
    with pytest.raises(store.StoreError, match="no database at .*teamlens demo"):
        with store.read_connection(tmp_path / "nope.duckdb"):
            pass


def test_a_failed_write_leaves_nothing_behind(tmp_path: Path) -> None:
    path = store.ensure_store(tmp_path / "atomic.duckdb")
    with pytest.raises(RuntimeError):
        with store.write_transaction(path) as conn:
            writer.upsert(conn, "teams", [{"team": "T"}], PROVENANCE)
            raise RuntimeError("source failed mid-page")
    with store.read_connection(path) as conn:
        assert conn.execute("select count(*) from teams").fetchall() == [(0,)]


def test_no_column_for_refused_metrics_anywhere(tmp_path: Path) -> None:
    path = store.ensure_store(tmp_path / "cols.duckdb")
    with store.read_connection(path) as conn:
        columns = [
            r[0]
            for r in conn.execute("select column_name from information_schema.columns").fetchall()
        ]
    forbidden = ("accept", "usage", "lines_of_code", "loc", "suggestion")
    assert not [c for c in columns if any(word in c.lower() for word in forbidden)]


def test_refused_fields_offered_by_a_source_are_dropped(tmp_path: Path) -> None:
    path = store.ensure_store(tmp_path / "drop.duckdb")
    with store.write_transaction(path) as conn:
        writer.upsert(
            conn,
            "people",
            [{"login": "a", "ai_suggestions_accepted": 120, "acceptance_rate": 0.4}],
            PROVENANCE,
        )
    with store.read_connection(path) as conn:
        assert conn.execute("select login from people").fetchall() == [("a",)]


def test_provenance_on_every_ingested_table() -> None:
    ddl = schema.MIGRATIONS[0][2]
    for table in schema.USER_TABLES:
        if table == "sync_state":
            continue
        block = ddl.split(f"create table {table} (")[1].split(");")[0]
        assert "source_url" in block and "fetched_at" in block, table


@pytest.mark.parametrize("blocker", ["dangling symlink", "directory"])
@pytest.mark.parametrize("which", [".lock", ".gate"])
def test_a_lock_file_that_cannot_be_opened_is_an_error(tmp_path: Path, blocker, which) -> None:
    path = tmp_path / "teamlens.duckdb"
    store.ensure_store(path)
    lock = path.with_name(path.name + which)
    lock.unlink()
    if blocker == "directory":
        lock.mkdir()
    else:
        lock.symlink_to(tmp_path / "no-such-folder" / "lock")
    for use in (store.read_connection, store.write_transaction):
        with pytest.raises(store.StoreError, match=f"cannot open the lock file .*{which}"):
            with use(path):
                pytest.fail("ran without its lock")
