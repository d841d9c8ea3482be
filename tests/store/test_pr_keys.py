"""Migration 4: the integer PR keys and each PR's first commit time, filled for a store
written before it, and kept right by the writer when a PR is written again."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

import store
import store.connection
from ingest import writer
from store import read_connection, schema, write_transaction
from tests.metrics.builders import PROV, StoreBuilder, t


def _keys(db: Path) -> dict:
    with read_connection(db) as conn:
        prs = dict(conn.execute("select pr_id, pr_key from pull_requests").fetchall())
        firsts = dict(conn.execute("select pr_id, first_commit_at from pull_requests").fetchall())
        children = {
            table: conn.execute(
                f"select count(*) filter (where c.pr_key is distinct from p.pr_key)"
                f" from {table} as c join pull_requests as p using (pr_id)"
            ).fetchall()[0][0]
            for table in ("pr_commits", "reviews", "pr_events")
        }
    return {"prs": prs, "first": firsts, "mismatched": children}


def _store(path: Path) -> Path:
    s = StoreBuilder(path)
    s.person("alice").person("bob")
    s.pr(1, created=t(2, 9), merged=t(2, 10), first_commit=t(1, 8))
    second = s.pr(2, created=t(3, 9), merged=t(3, 12), author="bob")
    s.review(second, "alice", t(3, 11))
    return s.write()


def test_a_store_of_version_3_is_filled_on_migration(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(store.connection, "MIGRATIONS", schema.MIGRATIONS[:3])
    monkeypatch.setattr(store.connection, "SCHEMA_VERSION", 3)
    monkeypatch.setattr(store.connection, "_bump_token", lambda conn, **_: None)  # no token yet
    db = tmp_path / "teamlens.duckdb"
    with write_transaction(db) as conn:  # rows as a version-3 writer left them
        for number in (1, 2):
            conn.execute(
                "insert into pull_requests (pr_id, repo, number, author_login, created_at,"
                " merged_at, source, fetched_at) values (?, 'acme/app', ?, 'alice', ?, ?,"
                " 'import', now())",
                [f"acme/app#{number}", number, t(number + 1, 9), t(number + 1, 10)],
            )
        conn.execute(
            "insert into pr_commits (pr_id, sha, authored_at, source, fetched_at) values"
            " ('acme/app#1', 'a', ?, 'import', now()), ('acme/app#1', 'b', ?, 'import', now())",
            [t(1, 9), t(1, 8)],
        )
        conn.execute(
            "insert into reviews (review_id, pr_id, reviewer_login, state, submitted_at,"
            " source, fetched_at) values ('r', 'acme/app#2', 'bob', 'APPROVED', ?, 'import',"
            " now())",
            [t(3, 11)],
        )
    monkeypatch.undo()
    store.ensure_store(db)  # migration 4 runs
    got = _keys(db)
    assert sorted(got["prs"].values()) == [1, 2]
    assert got["first"]["acme/app#1"] == t(1, 8)  # its earlier commit's authored date
    assert got["first"]["acme/app#2"] is None  # no commit
    assert got["mismatched"] == {"pr_commits": 0, "reviews": 0, "pr_events": 0}


def test_the_writer_keeps_a_key_and_refreshes_the_first_commit(tmp_path: Path) -> None:
    db = _store(tmp_path / "teamlens.duckdb")
    before = _keys(db)
    assert before["mismatched"] == {"pr_commits": 0, "reviews": 0, "pr_events": 0}
    pr = {
        "pr_id": "acme/app#1",
        "repo": "acme/app",
        "number": 1,
        "author_login": "alice",
        "created_at": t(2, 9),
        "merged_at": t(2, 10),
    }
    commit = {"pr_id": "acme/app#1", "sha": "b" * 40, "authored_at": t(1, 20)}
    new = dict(pr, pr_id="acme/app#9", number=9)
    with write_transaction(db) as conn:
        writer.replace_pull_requests(conn, [pr, new], commits=[commit], provenance=PROV)
    after = _keys(db)
    assert after["prs"]["acme/app#1"] == before["prs"]["acme/app#1"]  # kept
    assert after["prs"]["acme/app#9"] == 3  # the next free key
    assert after["first"]["acme/app#1"] == t(1, 20)  # from the commits written now
    assert after["first"]["acme/app#9"] is None  # no commit
    assert after["mismatched"] == {"pr_commits": 0, "reviews": 0, "pr_events": 0}


def test_the_facts_read_the_keys(tmp_path: Path) -> None:
    import metrics

    db = _store(tmp_path / "teamlens.duckdb")
    facts = metrics.pr_facts(db, datetime(2026, 3, 31, tzinfo=UTC)).set_index("pr_id")
    # #1: start at its first commit (1 Mar 08:00), merged 2 Mar 10:00 = 26 h
    assert facts.loc["acme/app#1", "cycle_time_h"] == pytest.approx(26.0)
    # #2: opened at 09:00 (no commit), reviewed by alice at 11:00: picked up in 2 h
    assert facts.loc["acme/app#2", "pickup_time_h"] == pytest.approx(2.0)


def test_a_page_of_new_prs_skips_the_deletes_and_a_stored_pr_is_still_replaced_whole(
    tmp_path: Path,
) -> None:
    # The writer leaves out the child deletes and the tie delete for PRs not yet stored
    # (they have none); a PR already stored loses its old commits and ties, keyed or not.
    db = _store(tmp_path / "teamlens.duckdb")
    pr = {
        "pr_id": "acme/app#1",
        "repo": "acme/app",
        "number": 1,
        "author_login": "alice",
        "created_at": t(2, 9),
        "merged_at": t(2, 10),
    }
    old_commit = {"pr_id": "acme/app#1", "sha": "a" * 40, "authored_at": t(1, 8)}
    with write_transaction(db) as conn:
        writer.replace_pull_requests(conn, [pr], commits=[old_commit], provenance=PROV)
        conn.execute("update pull_requests set pr_key = null where pr_id = 'acme/app#1'")
        conn.execute("update pr_commits set pr_key = null where pr_id = 'acme/app#1'")
    new_commit = {"pr_id": "acme/app#1", "sha": "b" * 40, "authored_at": t(1, 20)}
    fresh = dict(pr, pr_id="acme/app#9", number=9)
    fresh_commit = {"pr_id": "acme/app#9", "sha": "c" * 40, "authored_at": t(1, 21)}
    with write_transaction(db) as conn:
        writer.replace_pull_requests(
            conn, [pr, fresh], commits=[new_commit, fresh_commit], provenance=PROV
        )
    with read_connection(db) as conn:
        commits = conn.execute("select pr_id, sha from pr_commits order by sha").fetchall()
        ties = conn.execute(
            "select pr_id, sha from commit_pull_requests where method = 'pr_commit' order by sha"
        ).fetchall()
    assert commits == [("acme/app#1", "b" * 40), ("acme/app#9", "c" * 40)]
    assert ties == commits
    after = _keys(db)
    assert after["prs"]["acme/app#1"] is not None  # a key given to the PR that had none
    assert after["first"] == {"acme/app#1": t(1, 20), "acme/app#2": None, "acme/app#9": t(1, 21)}
    assert after["mismatched"] == {"pr_commits": 0, "reviews": 0, "pr_events": 0}
