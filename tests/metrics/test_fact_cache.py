"""The process's shared fact build (metrics.fact_cache): built once per (store data, as-of,
settings), reused by every later read, rebuilt after a write, never holding the store
open between uses, and safe from several threads."""

from __future__ import annotations

import subprocess
import sys
import threading
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd
import pytest

import metrics
import metrics.sqlfiles
from metrics import fact_cache, trends
from metrics.aggregates import aggregate_frame
from settings import settings
from store import read_connection, read_session, write_transaction
from tests.metrics.builders import StoreBuilder, t

ROOT = Path(__file__).resolve().parents[2]
MARCH = datetime(2026, 3, 31, tzinfo=UTC)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    s = StoreBuilder(tmp_path / "teamlens.duckdb")
    s.person("alice").person("bob", team="Mobile")
    s.pr(1, created=t(2, 9), merged=t(2, 10))
    s.pr(2, created=t(20, 9), merged=t(20, 12), author="bob")
    return s.write()


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[datetime]:
    """The as-of of every fact build from now on."""
    seen: list[datetime] = []
    build = metrics.sqlfiles.build_facts

    def counted(conn, as_of, config) -> None:
        seen.append(as_of)
        build(conn, as_of, config)

    monkeypatch.setattr(metrics.sqlfiles, "build_facts", counted)
    fact_cache.clear()
    return seen


def test_one_build_serves_every_read_and_filter(db: Path, builds) -> None:
    metrics.compute(db, as_of=MARCH, by="team")
    metrics.pr_facts(db, MARCH, teams=["Mobile"])
    metrics.red_flags(db, MARCH)
    trends.team_trends(db, as_of=MARCH, period="month", teams=("Mobile",), start=date(2026, 1, 1))
    mobile = metrics.compute(db, as_of=MARCH, by="team", teams=["Mobile"])
    assert builds == [MARCH]
    # a team filter selects that team's rows of the whole organization's table: the same
    # as the aggregate SQL run with the filter
    with read_session(db) as session, metrics.snapshot(session, MARCH) as snap:
        with read_connection(snap) as conn:
            direct = aggregate_frame(
                conn, period="month", by="team", teams=["Mobile"], config=settings()
            )
    assert mobile["group"].tolist() == ["Mobile"]
    pd.testing.assert_frame_equal(mobile, direct[mobile.columns])


def test_two_as_ofs_are_two_builds_each_kept(db: Path, builds) -> None:
    early = datetime(2026, 3, 10, tzinfo=UTC)
    assert metrics.compute(db, as_of=MARCH, by="org")["merged_prs"].tolist() == [2]
    assert metrics.compute(db, as_of=early, by="org")["merged_prs"].tolist() == [1]
    assert metrics.compute(db, as_of=MARCH, by="org")["merged_prs"].tolist() == [2]
    assert metrics.compute(db, as_of=early, by="org")["merged_prs"].tolist() == [1]
    assert builds == [MARCH, early]


def test_a_write_in_between_is_seen(db: Path, builds) -> None:
    assert len(metrics.pr_facts(db, MARCH)) == 2
    s = StoreBuilder(db)
    s.person("carol")
    s.pr(3, created=t(21, 9), merged=t(21, 10), author="carol")
    s.write()
    assert len(metrics.pr_facts(db, MARCH)) == 3
    assert builds == [MARCH, MARCH]


def test_an_audit_append_keeps_the_build(db: Path, builds) -> None:
    from ingest import people_import

    metrics.pr_facts(db, MARCH)
    people_import.record_audit(db, email="local", action="person page opened", subject="bob")
    metrics.pr_facts(db, MARCH)
    assert builds == [MARCH]


def test_the_store_stays_writable_by_another_process_between_uses(db: Path, builds) -> None:
    metrics.compute(db, as_of=MARCH, by="team")  # a build is kept in this process
    write = (
        "import sys; import duckdb; c = duckdb.connect(sys.argv[1]);"
        " c.execute(\"insert into meta values ('probe', 'x')\"); c.close()"
    )
    # DuckDB's own file lock, no teamlens lock: it fails at once if this process held it
    done = subprocess.run(
        [sys.executable, "-c", write, str(db)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    with write_transaction(db):  # and a teamlens writer of this process gets the lock
        pass
    assert metrics.compute(db, as_of=MARCH, by="org")["merged_prs"].tolist() == [2]


def test_threads_share_the_build_one_at_a_time(db: Path, builds) -> None:
    results: list[int] = []
    errors: list[BaseException] = []

    def read() -> None:
        try:
            for _ in range(5):
                results.append(len(metrics.pr_facts(db, MARCH, teams=["Mobile"])))
        except BaseException as exc:  # a thread's failure must fail the test
            errors.append(exc)

    threads = [threading.Thread(target=read) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors and results == [1] * 20
    assert builds == [MARCH]


def test_at_most_a_few_builds_are_kept(db: Path, builds) -> None:
    days = [datetime(2026, 3, d, tzinfo=UTC) for d in (10, 11, 12, 13)]
    for day in days:
        metrics.pr_facts(db, day)
    assert len(fact_cache._entries) == fact_cache.MAX_ENTRIES
    metrics.pr_facts(db, days[0])  # the oldest was dropped: built again
    assert builds == [*days, days[0]]


def test_a_store_rebuilt_at_the_same_path_is_another_store(tmp_path: Path, builds) -> None:
    path = tmp_path / "teamlens.duckdb"
    first = StoreBuilder(path)
    first.person("alice")
    first.pr(1, created=t(2, 9), merged=t(2, 10))
    first.write()
    assert len(metrics.pr_facts(path, MARCH)) == 1
    path.unlink()
    again = StoreBuilder(path)  # the same number of writes: the same counter
    again.person("alice")
    again.pr(1, created=t(2, 9), merged=t(2, 10))
    again.pr(2, created=t(3, 9), merged=t(3, 10))
    again.write()
    assert len(metrics.pr_facts(path, MARCH)) == 2
