"""A read session: one connection that every read of a report goes through."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest

import store
import store.connection
from tests.metrics.builders import StoreBuilder, t


@pytest.fixture
def db(tmp_path: Path) -> Path:
    s = StoreBuilder(tmp_path / "teamlens.duckdb")
    s.person("alice")
    s.pr(1, created=t(2, 9), merged=t(2, 10))
    return s.write()


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Every DuckDB open (True for read-only) from now on."""
    seen: list[bool] = []
    connect = store.connection._connect

    def counted(path: Path, *, read_only: bool) -> duckdb.DuckDBPyConnection:
        seen.append(read_only)
        return connect(path, read_only=read_only)

    monkeypatch.setattr(store.connection, "_connect", counted)
    return seen


def test_reads_through_a_session_share_its_one_connection(db: Path, opened) -> None:
    with store.read_session(db) as session:
        assert os.fspath(session) == str(db) and store.resolve_db(session) == db
        with store.read_connection(session) as first, store.read_connection(session) as again:
            assert first is again is session.connection
        with store.read_session(session) as nested:
            assert nested is session
        assert first.execute("select count(*) from pull_requests").fetchall() == [(1,)]
    assert opened == [True]
    with pytest.raises(duckdb.ConnectionException):
        session.connection.execute("select 1")  # closed with the session
