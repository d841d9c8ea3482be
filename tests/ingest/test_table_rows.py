"""Rows into a store table (ingest/table_rows.py): dicts, written without pandas, land as
a DataFrame of the same rows does; missing keys are null, provenance fills only the
columns no row has, refused columns are dropped, and a long list is written whole."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from ingest import table_rows, writer
from store import read_connection, write_transaction
from tests.conftest import PROVENANCE

AT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
SOURCED = {**PROVENANCE, "source_url": "https://example.test/export"}


def _pr(number: int, **fields) -> dict:
    return {
        "pr_id": f"acme/app#{number}",
        "repo": "acme/app",
        "number": number,
        "author_login": "ana",
        "created_at": AT,
        **fields,
    }


ROWS = [
    _pr(
        1,
        is_draft=False,
        title="Fix totals",
        labels=["bug", "ai-assisted"],
        additions=12,
        merged_at=AT,
    ),
    _pr(2, body=None, labels=[], deletions=3, is_draft=True, source_url="https://x/2"),
    _pr(3, is_draft=False, failing_checks=["lint"], lines_of_code=400),  # a refused column
]


def _stored(db: Path, table: str = "pull_requests") -> list[tuple]:
    with read_connection(db) as conn:
        return conn.execute(f"select * from {table} order by all").fetchall()


def test_dicts_land_as_the_same_rows_as_a_frame(tmp_path: Path) -> None:
    as_dicts, as_frame = tmp_path / "dicts.duckdb", tmp_path / "frame.duckdb"
    for db, rows in ((as_dicts, ROWS), (as_frame, pd.DataFrame(ROWS))):
        with write_transaction(db) as conn:
            assert writer.upsert(conn, "pull_requests", rows, SOURCED) == 3
    assert _stored(as_dicts) == _stored(as_frame)
    with read_connection(as_dicts) as conn:
        found = conn.execute(
            "select number, labels, additions, deletions, is_draft, source, source_url,"
            " merged_at from pull_requests order by number"
        ).fetchall()
    assert found == [
        (1, ["bug", "ai-assisted"], 12, None, False, "test", None, AT),
        (2, [], None, 3, True, "test", "https://x/2", None),
        (3, None, None, None, False, "test", None, None),
    ]  # source_url: one row has it, so no other row takes the provenance's


def test_a_long_list_is_written_in_chunks_all_of_it(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(table_rows, "CHUNK_ROWS", 3)
    db = tmp_path / "chunks.duckdb"
    rows = [_pr(n, title=f"PR {n}") for n in range(1, 11)]
    with write_transaction(db) as conn:
        assert writer.insert(conn, "pull_requests", rows, PROVENANCE) == 10
    assert sorted(r[2] for r in _stored(db)) == list(range(1, 11))


def test_nested_types_keep_their_shape(tmp_path: Path) -> None:
    db = tmp_path / "git.duckdb"
    commit = {
        "repo": "acme/app",
        "sha": "a" * 40,
        "parents": ["b" * 40, "c" * 40],
        "authored_at": AT,
        "trailers": [{"key": "Co-authored-by", "value": "Bo <bo@x>"}],
        "is_merge": True,
        "files_changed": 2,
    }
    change = {
        "repo": "acme/app",
        "sha": "a" * 40,
        "path": "app.py",
        "change_type": "M",
        "deleted_ranges": [[3, 2], [10, 1]],
        "added_ranges": None,
    }
    with write_transaction(db) as conn:
        writer.insert(conn, "git_commits", [commit], PROVENANCE)
        writer.insert(conn, "git_file_changes", [change], PROVENANCE)
    with read_connection(db) as conn:
        assert conn.execute("select parents, trailers from git_commits").fetchall() == [
            (["b" * 40, "c" * 40], [{"key": "Co-authored-by", "value": "Bo <bo@x>"}])
        ]
        assert conn.execute(
            "select deleted_ranges, added_ranges from git_file_changes"
        ).fetchall() == [([[3, 2], [10, 1]], None)]


def test_a_column_the_table_lacks_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "bad.duckdb"
    with pytest.raises(duckdb.BinderException, match="no_such_column"):
        with write_transaction(db) as conn:
            writer.upsert(conn, "pull_requests", [_pr(1, no_such_column=1)], PROVENANCE)


def test_nothing_to_write_writes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "empty.duckdb"
    with write_transaction(db) as conn:
        assert writer.upsert(conn, "pull_requests", [], PROVENANCE) == 0
        assert writer.insert(conn, "pull_requests", iter(()), PROVENANCE) == 0
    assert _stored(db) == []
