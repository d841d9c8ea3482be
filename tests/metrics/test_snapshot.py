"""A snapshot: one read session, one fact build per as-of, for a report's many reads; and
the per-PR and per-defect facts filtered in SQL (a packet reads one person's quarter)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pytest

import metrics
import metrics.sqlfiles
import store.connection
from tests.metrics.builders import StoreBuilder, t


@pytest.fixture
def db(tmp_path: Path) -> Path:
    s = StoreBuilder(tmp_path / "teamlens.duckdb")
    s.person("alice").person("Bob")
    s.pr(1, created=t(2, 9), merged=t(2, 10))
    s.pr(2, created=t(20, 9), merged=t(20, 10), author="Bob")
    s.pr(3, created=t(2, 9, month=4), merged=t(2, 10, month=4), author="bob")
    s.defect(7, reported=t(21), body="Introduced by #2")
    s.defect(8, reported=t(3, month=4), body="Introduced by #1")
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


def test_a_snapshot_builds_the_facts_once_per_as_of(db: Path, monkeypatch, opened) -> None:
    builds: list[datetime] = []
    build = metrics.sqlfiles.build_facts

    def counted(conn, as_of, config) -> None:
        builds.append(as_of)
        build(conn, as_of, config)

    monkeypatch.setattr(metrics.sqlfiles, "build_facts", counted)
    moment = datetime(2026, 3, 31, tzinfo=UTC)
    with metrics.snapshot(db, moment) as snap:
        metrics.compute(snap, as_of=moment, by="org")
        metrics.pr_facts(snap, moment)
        metrics.red_flags(snap, moment)
        assert builds == [moment]
        # another instant replaces the tables: its own build, and no stale numbers
        early = metrics.compute(snap, as_of=datetime(2026, 3, 1, tzinfo=UTC), by="org")
        assert early.empty and len(builds) == 2
    # the store was attached to the process's in-memory instance, never opened on its own
    assert opened == []
    # a path reads the process's shared build of that as-of (rebuilt once: the snapshot's
    # connection was moved to 1 March), then reuses it
    metrics.compute(db, as_of=moment)
    metrics.pr_facts(db, moment)
    assert (len(builds), len(opened)) == (3, 0)


def test_pr_and_defect_facts_filtered_by_author_and_day_in_sql(db: Path) -> None:
    as_of = datetime(2026, 5, 1, tzinfo=UTC)
    march = (date(2026, 3, 1), date(2026, 3, 31))
    bobs = metrics.pr_facts(db, as_of, authors=["BOB"], merged_on=march)
    assert bobs["pr_id"].tolist() == ["acme/app#2"]  # #3 is April's; logins any case
    assert metrics.pr_facts(db, as_of, authors=["bob"])["pr_id"].tolist() == [
        "acme/app#2",
        "acme/app#3",
    ]
    assert len(metrics.pr_facts(db, as_of)) == 3  # no filter: everyone
    assert metrics.pr_facts(db, as_of, authors=[])["pr_id"].tolist() == []
    # defects by the author of the PR they name, and the day they were reported
    assert metrics.defect_facts(db, as_of, authors=["bob"])["key"].tolist() == ["#7"]
    april = (date(2026, 4, 1), date(2026, 4, 30))
    assert metrics.defect_facts(db, as_of, reported_on=april)["key"].tolist() == ["#8"]
