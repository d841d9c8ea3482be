"""`teamlens ingest git` into a real store: commits, line ranges, PR ties, SZZ rows, resuming."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest
from gitkit import GitRepo, lines

import store
from ingest import writer
from ingest.git import history, sync, ties
from ingest.git.repo import Repo
from tests.conftest import PROVENANCE

VOLATILE = {"fetched_at", "last_synced_at", "analysed_at"}


def rows(db: Path, table: str) -> list[tuple]:
    """A table's rows without the columns that say when they were written."""
    with store.read_connection(db) as conn:
        cols = [
            c[0]
            for c in conn.execute(
                "select column_name from information_schema.columns where table_name = ?"
                " order by ordinal_position",
                [table],
            ).fetchall()
            if c[0] not in VOLATILE
        ]
        query = f"select {', '.join(cols)} from {table} order by all"
        return [tuple(str(v) for v in r) for r in conn.execute(query).fetchall()]


def count(db: Path, sql: str, *params):
    with store.read_connection(db) as conn:
        return conn.execute(sql, list(params)).fetchall()[0][0]


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    return GitRepo(tmp_path / "work")


def build_history(repo: GitRepo) -> dict[str, str]:
    """main: a bug, a squash-merged fix PR, a merge-commit PR, a cherry-pick; and a
    trailer. Returns the shas by role."""
    shas = {}
    shas["base"] = repo.commit(
        "Add totals (#1)", {"pay.py": lines("def total(a):", "    return sum(a)")}
    )
    shas["bug"] = repo.commit(
        "Round totals (#2)\n\nCo-authored-by: Claude <noreply@anthropic.com>",
        {"pay.py": lines("def total(a):", "    return round(sum(a))")},
    )
    shas["fix"] = repo.commit(
        "Fix rounding (#5)\n\nFixes #4", {"pay.py": lines("def total(a):", "    return sum(a)")}
    )
    repo.git("checkout", "-q", "-b", "ana/feature")
    shas["feature"] = repo.commit("feature work", {"feat.py": lines("f = 1")})
    repo.git("checkout", "-q", "main")
    repo.clock = repo.clock.replace(day=repo.clock.day + 1)
    repo.git(
        "merge",
        "-q",
        "--no-ff",
        "-m",
        "Merge pull request #7 from ana/feature",
        "ana/feature",
        at=repo.clock,
    )
    shas["merge"] = repo.git("rev-parse", "HEAD")
    shas["pick"] = repo.commit(
        "Guard totals PAY-142 (#5) (#9)",
        {"pay.py": lines("def total(a):", "    return sum(a or [])")},
    )
    return shas


def test_commits_line_ranges_and_trailers_are_stored(repo: GitRepo, tmp_path: Path) -> None:
    shas = build_history(repo)
    db = tmp_path / "t.duckdb"
    summary = sync.ingest_git(repo.path, repo_name="acme/pay", db=db)
    # base, bug, fix, feature, merge, pick
    assert summary.commits_new == summary.commits_total == 6
    assert count(db, "select count(*) from git_commits") == 6
    assert count(db, "select parents from git_commits where sha = ?", shas["merge"]) == [
        shas["fix"],
        shas["feature"],
    ]
    assert count(db, "select is_merge from git_commits where sha = ?", shas["merge"]) is True
    assert count(db, "select trailers from git_commits where sha = ?", shas["bug"]) == [
        {"key": "Co-authored-by", "value": "Claude <noreply@anthropic.com>"}
    ]
    assert count(db, "select author_email from git_commits where sha = ?", shas["bug"]) == (
        "ana@example.com"
    )
    # the bug changed line 2 of pay.py: one line deleted at the parent, one added
    ranges = count(
        db,
        "select [deleted_ranges, added_ranges] from git_file_changes where sha = ? and path = ?",
        shas["bug"],
        "pay.py",
    )
    assert ranges == [[[2, 1]], [[2, 1]]]
    # the merge's change against its first parent is the branch's new file
    assert (
        count(
            db,
            "select change_type || ' ' || path from git_file_changes where sha = ?",
            shas["merge"],
        )
        == "A feat.py"
    )
    assert count(db, "select committed_at from git_commits where sha = ?", shas["base"]) == (
        datetime(2026, 1, 6, 9, 0, tzinfo=UTC)
    )


def test_commits_are_tied_to_pull_requests_with_their_method(repo: GitRepo, tmp_path: Path) -> None:
    shas = build_history(repo)
    db = tmp_path / "t.duckdb"
    # PR #2 is in the store with its merge commit; the others are known only from text.
    with store.write_transaction(db) as conn:
        writer.replace_pull_requests(
            conn,
            [
                {
                    "pr_id": "acme/pay#2",
                    "repo": "acme/pay",
                    "number": 2,
                    "author_login": "ana",
                    "created_at": datetime(2026, 1, 6, tzinfo=UTC),
                    "merged_at": datetime(2026, 1, 7, 9, tzinfo=UTC),
                    "merge_commit_sha": shas["bug"],
                    "head_ref": "ana/round",
                }
            ],
            commits=[{"pr_id": "acme/pay#2", "sha": "f" * 40}],
            provenance=PROVENANCE,
        )
    sync.ingest_git(repo.path, repo_name="acme/pay", db=db)
    tied = set(rows(db, "commit_pull_requests"))
    found = {(r[1], int(r[2]), r[4]) for r in tied}
    assert (shas["base"], 1, "squash_title") in found
    assert (shas["bug"], 2, "squash_title") in found
    assert (shas["bug"], 2, "merge_commit") in found  # GitHub's merge_commit_sha
    assert ("f" * 40, 2, "pr_commit") in found  # the PR's own commit, as GitHub lists it
    assert (shas["fix"], 5, "squash_title") in found
    assert (shas["merge"], 7, "merge_title") in found
    # a cherry-pick "(#5) (#9)": made in #5, picked by #9
    assert (shas["pick"], 5, "cherry_pick") in found
    assert (shas["pick"], 9, "squash_title") in found
    assert not any(sha == shas["feature"] for sha, _n, _m in found)


def test_subject_ties_read_squash_merge_and_cherry_pick_suffixes() -> None:
    assert ties.subject_ties("Fix totals (#12)", is_merge=False) == [(12, "squash_title")]
    assert ties.subject_ties("Fix (#12) (#40)", is_merge=False) == [
        (40, "squash_title"),
        (12, "cherry_pick"),
    ]
    assert ties.subject_ties("Merge pull request #7 from ana/x", is_merge=True) == [
        (7, "merge_title")
    ]
    assert ties.subject_ties("Merge pull request #7 from ana/x", is_merge=False) == []
    assert ties.subject_ties("Fix #12 in the middle", is_merge=False) == []


def test_fix_candidates_are_analysed_and_stored(repo: GitRepo, tmp_path: Path) -> None:
    shas = build_history(repo)
    db = tmp_path / "t.duckdb"
    summary = sync.ingest_git(repo.path, repo_name="acme/pay", db=db)
    # Possible fixes: "Fixes #4" (keyword + reference) and the pick (tracker-key shape
    # PAY-142). The others name no fix.
    analysed = {r[1]: r for r in rows(db, "szz_fixes")}
    assert set(analysed) == {shas["fix"], shas["pick"]}
    assert summary.fixes_analysed == 2
    # The fix restored line 2, which the bug commit wrote: one candidate, confidence 1.
    candidates = rows(db, "szz_candidates")
    by_fix = {(r[1], r[2]): r for r in candidates}
    assert float(by_fix[(shas["fix"], shas["bug"])][6]) == 1.0
    traced = [r for r in rows(db, "szz_lines") if r[1] == shas["fix"]]
    assert [(r[2], r[3], r[4]) for r in traced] == [("pay.py", "2", shas["bug"])]
    # the pick changed the line the fix wrote
    assert (shas["pick"], shas["fix"]) in by_fix
    # the fix commit's "Fixes #4" is a link the metrics layer can resolve to the defect
    links = {(r[1], r[2], r[7]) for r in rows(db, "links")}
    assert links == {(f"acme/pay@{shas['fix']}", "acme/pay#4", "commit_message")}


def test_rerun_is_incremental_and_idempotent(repo: GitRepo, tmp_path: Path) -> None:
    build_history(repo)
    db = tmp_path / "t.duckdb"
    sync.ingest_git(repo.path, repo_name="acme/pay", db=db)
    before = {t: rows(db, t) for t in ("git_commits", "git_file_changes", "szz_fixes")}
    again = sync.ingest_git(repo.path, repo_name="acme/pay", db=db)
    assert again.commits_new == 0 and again.fixes_analysed == 0
    assert {t: rows(db, t) for t in before} == before
    new_fix = repo.commit(
        "fix again, closes #11", {"pay.py": lines("def total(a):", "    return 0")}
    )
    third = sync.ingest_git(repo.path, repo_name="acme/pay", db=db)
    assert third.commits_new == 1 and third.fixes_analysed == 1
    assert count(db, "select count(*) from szz_fixes where fix_sha = ?", new_fix) == 1


def test_a_killed_run_resumes_to_the_rows_of_an_uninterrupted_one(
    repo: GitRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Batches of 2 commits; the run dies while reading the third batch. What was
    # committed stays, nothing half-written does, and the re-run ends where an
    # uninterrupted run ends.
    build_history(repo)
    whole = tmp_path / "whole.duckdb"
    sync.ingest_git(repo.path, repo_name="acme/pay", db=whole, commit_batch=2, szz_batch=1)

    killed = tmp_path / "killed.duckdb"
    real = history.read_commits
    calls = {"n": 0}

    def dying(repo_, shas):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt("killed")
        return real(repo_, shas)

    monkeypatch.setattr(sync, "read_commits", dying)
    with pytest.raises(KeyboardInterrupt):
        sync.ingest_git(repo.path, repo_name="acme/pay", db=killed, commit_batch=2, szz_batch=1)
    assert count(killed, "select count(*) from git_commits") == 4
    assert count(killed, "select status from sync_state where stream = 'commits'") == "running"
    monkeypatch.setattr(sync, "read_commits", real)
    resumed = sync.ingest_git(
        repo.path, repo_name="acme/pay", db=killed, commit_batch=2, szz_batch=1
    )
    assert resumed.commits_new == 2
    for table in (
        "git_commits",
        "git_file_changes",
        "commit_pull_requests",
        "szz_fixes",
        "szz_lines",
        "szz_candidates",
    ):
        assert rows(killed, table) == rows(whole, table), table
    assert count(killed, "select list(status order by stream) from sync_state") == [
        "complete",
        "complete",
    ]


def test_bare_clone_ingests_like_the_working_clone(repo: GitRepo, tmp_path: Path) -> None:
    build_history(repo)
    bare = repo.bare_clone(tmp_path / "pay.git")
    a, b = tmp_path / "a.duckdb", tmp_path / "b.duckdb"
    sync.ingest_git(repo.path, repo_name="acme/pay", db=a)
    sync.ingest_git(bare, repo_name="acme/pay", db=b)
    for table in ("git_commits", "git_file_changes", "szz_candidates"):
        assert rows(a, table) == rows(b, table)


def test_repo_name_defaults_to_origin_else_the_folder(repo: GitRepo, tmp_path: Path) -> None:
    repo.commit("x", {"x.py": "x = 1\n"})
    with Repo(repo.path) as r:
        assert sync.default_repo_name(r) == "work"
    for url, expected in (
        ("git@github.com:acme/pay.git", "acme/pay"),
        ("https://github.com/acme/pay", "acme/pay"),
        ("ssh://git@ghe.example.com/acme/pay.git", "acme/pay"),
        ("/srv/git/pay.git", "work"),
    ):
        repo.git("remote", "remove", "origin") if "origin" in repo.git("remote") else None
        repo.git("remote", "add", "origin", url)
        with Repo(repo.path) as r:
            assert sync.default_repo_name(r) == expected, url
    bare = repo.bare_clone(tmp_path / "plain.git")
    with Repo(bare) as r:
        r.run("remote", "remove", "origin")
        assert sync.default_repo_name(r) == "plain"


def test_log_parser_counts_hunk_lines_and_reads_odd_paths(repo: GitRepo) -> None:
    # A deleted line that itself reads "--- a/x" must not start a new file, and a path
    # with spaces and non-ASCII letters is kept whole.
    repo.commit("add", {"odd dir/ünï.txt": lines("--- a/x", "+++ b/y", "keep")})
    sha = repo.commit("change", {"odd dir/ünï.txt": lines("++ changed", "keep")})
    with Repo(repo.path) as r:
        (commit,) = list(history.read_commits(r, [sha]))
    (change,) = commit.files
    assert change.path == "odd dir/ünï.txt"
    assert change.deleted == [(1, 2)] and change.added == [(1, 1)]


def test_schema_holds_the_git_tables(tmp_path: Path) -> None:
    db = store.ensure_store(tmp_path / "s.duckdb")
    conn = duckdb.connect(str(db), read_only=True)
    try:
        cols = {
            r[0]
            for r in conn.execute(
                "select column_name from information_schema.columns"
                " where table_name = 'pull_requests'"
            ).fetchall()
        }
    finally:
        conn.close()
    assert {"merge_commit_sha", "head_ref"} <= cols
