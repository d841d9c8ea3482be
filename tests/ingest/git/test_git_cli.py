"""The `teamlens szz` and `teamlens ingest git` commands as a user runs them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from gitkit import GitRepo, lines

ROOT = Path(__file__).resolve().parents[3]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "teamlens", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def history(tmp_path: Path) -> tuple[GitRepo, dict[str, str]]:
    # c1 writes the rate; PR #3 (squash-merged) changes it to the wrong value; the fix
    # restores it. The fix's one changed line leads to PR #3's squash commit.
    repo = GitRepo(tmp_path / "work")
    shas = {"base": repo.commit("Add rate (#1)", {"rate.py": lines("RATE = 0.2", "CAP = 9")})}
    shas["bug"] = repo.commit("Tune rate (#3)", {"rate.py": lines("RATE = 2.0", "CAP = 9")})
    shas["fix"] = repo.commit("Fix rate, closes #8", {"rate.py": lines("RATE = 0.2", "CAP = 9")})
    shas["adds"] = repo.commit("Add floor", {"rate.py": lines("RATE = 0.2", "CAP = 9", "MIN = 0")})
    return repo, shas


def test_szz_json_names_the_inducing_commit_its_pr_and_evidence(history, tmp_path) -> None:
    repo, shas = history
    result = run(
        "szz",
        "--repo-path",
        str(repo.path),
        "--fix",
        shas["fix"],
        "--fix",
        shas["adds"],
        "--json",
        "--db",
        str(tmp_path / "none.duckdb"),
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    traced, adds = data["fixes"]
    assert traced["fix"] == shas["fix"] and traced["status"] == "traced"
    (inducing,) = traced["inducing"]
    # no database: the PR comes from the commit's own "(#3)" suffix
    assert inducing["commit"] == shas["bug"]
    assert inducing["confidence"] == 1.0
    assert inducing["pr"] == 3
    assert inducing["evidence"][0] == {
        "file": "rate.py",
        "line": 1,
        "commit": shas["bug"],
        "blamed_file": "rate.py",
        "blamed_line": 1,
    }
    # a fix that only adds lines: untraceable, nothing guessed
    assert adds["status"] == "adds_only" and adds["inducing"] == []


def test_szz_prefers_the_store_ties_when_a_database_is_there(history, tmp_path) -> None:
    repo, shas = history
    db = tmp_path / "t.duckdb"
    ingest = run("ingest", "git", "--path", str(repo.path), "--repo", "acme/rates", "--db", str(db))
    assert ingest.returncode == 0, ingest.stderr
    summary = json.loads(ingest.stdout)
    assert summary["repo"] == "acme/rates" and summary["commits_new"] == 4
    assert "commits" in ingest.stderr  # progress goes to stderr
    table = run("szz", "--repo-path", str(repo.path), "--fix", shas["fix"][:10], "--db", str(db))
    assert table.returncode == 0, table.stderr
    assert shas["bug"][:12] in table.stdout and "#3" in table.stdout
    assert "rate.py:1 <- rate.py:1" in table.stdout


def test_szz_reported_at_drops_later_commits(history) -> None:
    repo, shas = history
    # The bug was committed on 2026-01-07; a report on 2026-01-06 predates it.
    result = run(
        "szz",
        "--repo-path",
        str(repo.path),
        "--fix",
        shas["fix"],
        "--json",
        "--reported-at",
        "2026-01-06",
    )
    data = json.loads(result.stdout)
    assert data["fixes"][0]["inducing"] == []
    assert data["fixes"][0]["dropped"][0]["commit"] == shas["bug"]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("--repo-path", "/no/such/folder", "--fix", "abc123"), "no such folder"),
        (("--fix", "0123456789abcdef"), "no such commit"),
        (("--fix", "HEAD~99"), "no such commit"),
    ],
)
def test_szz_bad_input_exits_2_with_one_line(history, args, expected) -> None:
    repo, _shas = history
    if args[0] != "--repo-path":
        args = ("--repo-path", str(repo.path), *args)
    result = run("szz", *args, "--json")
    assert result.returncode == 2
    assert result.stdout == ""
    (line,) = result.stderr.strip().splitlines()
    assert expected in line


def test_ingest_git_bad_input_exits_2(tmp_path: Path) -> None:
    result = run("ingest", "git", "--path", str(tmp_path), "--db", str(tmp_path / "t.duckdb"))
    assert result.returncode == 2
    (line,) = result.stderr.strip().splitlines()
    assert "not a git repository" in line
    named = run("ingest", "git", "--path", str(tmp_path), "--repo", "not a repo")
    assert named.returncode == 2 and "OWNER/NAME" in named.stderr
