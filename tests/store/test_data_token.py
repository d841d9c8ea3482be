"""The data token: the key of every cache of figures. Every write transaction changes it,
except the audit trail's appends; two writes within a file system's time tick too."""

from __future__ import annotations

import os
from pathlib import Path

import store
import store.connection
from store import data_token, data_version, write_transaction


def test_every_write_but_the_audit_changes_it(tmp_path: Path) -> None:
    db = tmp_path / "teamlens.duckdb"
    assert data_token(db) == ("", 0)  # no store yet
    with write_transaction(db):
        pass
    first = data_token(db)
    assert first[0] and first[1] == 1
    with write_transaction(db, is_data=False) as conn:
        conn.execute("insert into audit values (now(), 'local', 'packet opened', 'bob')")
    assert data_token(db) == first  # an audit append: the same data
    with write_transaction(db) as conn:
        conn.execute("insert into meta values ('x', 'y')")
    assert data_token(db) == (first[0], 2)


def test_a_rolled_back_write_keeps_it(tmp_path: Path) -> None:
    db = store.ensure_store(tmp_path / "teamlens.duckdb")
    before = data_token(db)
    try:
        with write_transaction(db) as conn:
            conn.execute("insert into meta values ('x', 'y')")
            raise RuntimeError("stop")
    except RuntimeError:
        pass
    assert data_token(db) == before


def test_two_writes_in_one_file_time_tick_are_told_apart(tmp_path: Path) -> None:
    db = store.ensure_store(tmp_path / "teamlens.duckdb")
    stamp = data_version(db)
    first = data_token(db)
    with write_transaction(db):
        pass
    # the second write lands in the same tick: the file's times and size as before
    os.utime(db, ns=(stamp[0], stamp[0]))
    assert data_token(db) != first


def test_a_settled_file_is_answered_by_a_stat(tmp_path: Path, monkeypatch) -> None:
    db = store.ensure_store(tmp_path / "teamlens.duckdb")
    old = 1_000_000_000_000_000_000  # 2001: long settled
    os.utime(db, ns=(old, old))
    first = data_token(db)
    opened: list[Path] = []
    connect = store.connection._connect

    def counted(path: Path, *, read_only: bool):
        opened.append(path)
        return connect(path, read_only=read_only)

    monkeypatch.setattr(store.connection, "_connect", counted)
    assert data_token(db) == first and opened == []
