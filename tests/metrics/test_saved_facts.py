"""Saved facts (metrics.saved_facts): the fact tables kept in the store at the dashboard's
default as-ofs are the build's very rows, are read instead of building while the store's
fact token stands still, and stop being read after any write that can change a fact."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import metrics
from ingest import demo
from ingest.people_import import record_assessment
from metrics import fact_cache, saved_facts, sqlfiles
from settings import load_settings, settings
from store import data_token, read_connection, read_fact_token
from teamlens import cli, main
from tests.metrics.builders import StoreBuilder, t

END_OF_DEMO = datetime(2026, 11, 20, 23, 59, 59, tzinfo=UTC)  # the demo's last day, its end
Q3_END = datetime(2026, 9, 30, 23, 59, 59, tzinfo=UTC)  # the last quarter complete by then


@pytest.fixture(scope="module")
def saved_demo(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("saved") / "teamlens.duckdb"
    demo.build_demo(path)
    saved_facts.save(path)
    return path


@pytest.fixture
def steps(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every fact step run from now on (a build from the store's rows runs all of them;
    reading saved facts runs none)."""
    seen: list[str] = []
    run = sqlfiles.run

    def counted(conn, name, params) -> None:
        seen.append(name)
        run(conn, name, params)

    monkeypatch.setattr(sqlfiles, "run", counted)
    fact_cache.clear()
    yield seen
    fact_cache.clear()


def _tables(conn) -> dict[str, list[tuple]]:
    return {
        name: conn.execute(f"select * from tl_{name} order by all").fetchall()
        for name in sqlfiles.SAVED_TABLES
    }


def test_the_default_moments_are_the_sidebar_and_the_quarter_reports_as_ofs(saved_demo):
    with read_connection(saved_demo) as conn:
        assert saved_facts.default_moments(conn) == (END_OF_DEMO, Q3_END)
        saved = conn.execute("select slot, as_of from facts.saved order by slot").fetchall()
    assert [(slot, moment.astimezone(UTC)) for slot, moment in saved] == [
        (0, END_OF_DEMO),
        (1, Q3_END),
    ]


@pytest.mark.parametrize("moment", [END_OF_DEMO, Q3_END])
def test_saved_facts_are_the_builds_own_rows(saved_demo, moment):
    with read_connection(saved_demo) as conn:
        assert sqlfiles.build_facts(conn, moment, settings()) is True
        read = _tables(conn)
        assert sqlfiles.build_facts(conn, moment, settings(), saved=False) is False
        built = _tables(conn)
    assert len(read["pr_facts"]) > 4000  # the demo's merged PRs by then: a real test
    assert read.keys() == built.keys()
    for name in read:
        assert read[name] == built[name], name


def test_pages_read_them_instead_of_building(saved_demo, steps):
    got = metrics.compute(saved_demo, as_of=END_OF_DEMO, by="team")
    assert steps == []  # no step ran: the saved tables were read
    steps.clear()
    fact_cache.clear()
    other = datetime(2026, 10, 15, tzinfo=UTC)  # not a saved as-of: built as before
    metrics.compute(saved_demo, as_of=other, by="team")
    assert steps == list(sqlfiles.FACT_STEPS)
    with read_connection(saved_demo) as conn:
        sqlfiles.build_facts(conn, END_OF_DEMO, settings(), saved=False)
        from metrics.aggregates import aggregate_frame

        direct = aggregate_frame(conn, period="month", by="team", teams=[], config=settings())
    pd.testing.assert_frame_equal(got.reset_index(drop=True), direct[got.columns])


def test_other_settings_do_not_read_them(saved_demo, steps):
    config = settings()
    other = type(config)(**{**config.__dict__, "rubber_stamp_min_lines": 7})
    metrics.compute(saved_demo, as_of=END_OF_DEMO, by="org", config=other)
    assert steps == list(sqlfiles.FACT_STEPS)


def _small_store(tmp_path: Path) -> Path:
    s = StoreBuilder(tmp_path / "teamlens.duckdb")
    s.person("alice").person("bob", team="Mobile")
    s.pr(1, created=t(2, 9), merged=t(2, 10))
    s.pr(2, created=t(20, 9), merged=t(20, 12), author="bob")
    return s.write()


def test_a_data_write_makes_them_stale(tmp_path, steps):
    db = _small_store(tmp_path)
    saved = saved_facts.save(db)
    # t(20, 12) is 20 March 2026: that day's end, and the end of 2025's last quarter
    assert saved.moments == (
        datetime(2026, 3, 20, 23, 59, 59, tzinfo=UTC),
        datetime(2025, 12, 31, 23, 59, 59, tzinfo=UTC),
    )
    moment = saved.moments[0]
    steps.clear()  # the save's own builds
    assert metrics.compute(db, as_of=moment, by="org")["merged_prs"].tolist() == [2]
    assert steps == []
    s = StoreBuilder(db)
    s.person("alice").person("bob", team="Mobile")
    s.pr(3, created=t(20, 13), merged=t(20, 14))
    s.write()  # a third PR, merged the same day: the saved facts do not hold it
    steps.clear()
    assert metrics.compute(db, as_of=moment, by="org")["merged_prs"].tolist() == [3]
    assert steps == list(sqlfiles.FACT_STEPS)


def test_an_assessment_leaves_them_valid_and_changes_the_data_token(tmp_path, steps):
    db = _small_store(tmp_path)
    moment = saved_facts.save(db).moments[0]
    steps.clear()  # the save's own builds
    token, facts_before = data_token(db), _fact_token(db)
    record_assessment(
        db,
        login="alice",
        competency="software_design",
        level=3,
        assessed_on=date(2026, 3, 1),
        assessor_role="manager",
        assessor="bob",
        today=date(2026, 3, 20),
    )
    assert data_token(db) != token  # the competency pages' caches see the assessment
    assert _fact_token(db) == facts_before
    metrics.compute(db, as_of=moment, by="org")
    assert steps == []


def _fact_token(db: Path) -> tuple[str, int]:
    with read_connection(db) as conn:
        return read_fact_token(conn)


def test_an_empty_store_saves_nothing(tmp_path):
    db = tmp_path / "teamlens.duckdb"
    StoreBuilder(db).person("alice").write()
    assert saved_facts.save(db).moments == ()
    with read_connection(db) as conn:
        assert conn.execute("select count(*) from facts.saved").fetchone()[0] == 0


def test_the_save_runs_under_its_memory_cap(tmp_path, monkeypatch):
    db = _small_store(tmp_path)
    seen: list[tuple[str, str]] = []
    build = sqlfiles.build_facts

    def watched(conn, as_of, config, *, saved=True) -> bool:
        limit, threads = conn.execute(
            "select current_setting('memory_limit'), current_setting('threads')"
        ).fetchall()[0]
        seen.append((limit, threads))
        return build(conn, as_of, config, saved=saved)

    monkeypatch.setattr(sqlfiles, "build_facts", watched)
    saved_facts.save(db)
    with read_connection(db) as conn:  # a store of two PRs: the floor, per thread
        floor = int(seen[0][1]) * saved_facts.MEMORY_MB_PER_THREAD
        conn.execute(f"set memory_limit = '{floor}MB'")
        expected = conn.execute("select current_setting('memory_limit')").fetchall()[0][0]
    assert [limit for limit, _threads in seen] == [expected, expected]


def test_a_save_over_its_memory_cap_is_made_again_without_it(tmp_path, monkeypatch):
    db = _small_store(tmp_path)
    attempts: list[tuple[bool, str]] = []
    save = saved_facts._save

    def watched(db, config, *, capped):
        try:
            moments = save(db, config, capped=capped)
        except Exception as exc:
            attempts.append((capped, type(exc).__name__))
            raise
        attempts.append((capped, "saved"))
        return moments

    monkeypatch.setattr(saved_facts, "_save", watched)
    monkeypatch.setattr(saved_facts, "MEMORY_MB_PER_THREAD", 1)  # far too little
    assert len(saved_facts.save(db).moments) == 2
    assert attempts == [(True, "OutOfMemoryException"), (False, "saved")]
    with read_connection(db) as conn:
        assert (
            sqlfiles.saved_slot(conn, datetime(2026, 3, 20, 23, 59, 59, tzinfo=UTC), settings())
            == 0
        )


def test_a_new_save_replaces_the_old_slots(tmp_path):
    db = _small_store(tmp_path)
    saved_facts.save(db)
    saved_facts.save(db)
    with read_connection(db) as conn:
        tables = conn.execute(
            "select count(*) from information_schema.tables where table_schema = 'facts'"
        ).fetchone()[0]
    # two slots of every saved table, and facts.saved
    assert tables == 2 * len(sqlfiles.SAVED_TABLES) + 1


def test_teamlens_demo_saves_them(tmp_path):
    db = tmp_path / "teamlens.duckdb"
    result = CliRunner().invoke(cli, ["demo", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "saved the dashboard's facts as of the end of 2026-11-20 and 2026-09-30" in (
        result.stderr
    )
    json.loads(result.stdout)  # stdout is still the demo's summary alone
    with read_connection(db) as conn:
        assert sqlfiles.saved_slot(conn, END_OF_DEMO, settings()) == 0
        assert sqlfiles.saved_slot(conn, Q3_END, settings()) == 1


def test_a_failed_save_leaves_the_commands_write_standing(tmp_path, monkeypatch):
    def broken(db, config=None):
        raise RuntimeError("disk full\nmore")

    monkeypatch.setattr(saved_facts, "save", broken)
    db = tmp_path / "teamlens.duckdb"
    result = CliRunner().invoke(cli, ["demo", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "could not save the dashboard's facts (disk full); the pages will build them" in (
        result.stderr
    )
    assert metrics.compute(db, as_of=END_OF_DEMO, by="org")["merged_prs"].sum() > 4000


def test_db_save_facts_saves_them_with_the_settings_in_force(tmp_path, monkeypatch, capsys, steps):
    db = _small_store(tmp_path)  # written by the builder: nothing saved yet
    toml = tmp_path / "teamlens.toml"
    toml.write_text("rubber_stamp_min_lines = 7\n")  # a changed setting
    monkeypatch.setenv("TEAMLENS_SETTINGS", str(toml))
    settings.cache_clear()  # a new process would read the toml: this one has cached them
    try:
        assert main(["db", "save-facts", "--db", str(db)]) == 0
    finally:
        monkeypatch.delenv("TEAMLENS_SETTINGS")
        settings.cache_clear()
    out = capsys.readouterr().out
    # t(20, 12): 20 March 2026, and the end of 2025's last quarter
    assert out.startswith("saved the dashboard's facts as of the end of 2026-03-20 and 2025-12-31")
    moment = datetime(2026, 3, 20, 23, 59, 59, tzinfo=UTC)
    with read_connection(db) as conn:
        assert sqlfiles.saved_slot(conn, moment, load_settings(toml)) == 0
        assert sqlfiles.saved_slot(conn, moment, settings()) is None  # the defaults differ
    steps.clear()
    metrics.compute(db, as_of=moment, by="org", config=load_settings(toml))
    assert steps == []  # read, not built


def test_db_save_facts_on_a_missing_store_creates_none(tmp_path, capsys):
    db = tmp_path / "nowhere.duckdb"
    assert main(["db", "save-facts", "--db", str(db)]) == 2
    assert "nowhere.duckdb" in capsys.readouterr().err and not db.exists()
