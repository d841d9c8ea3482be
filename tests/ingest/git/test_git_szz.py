"""SZZ on small real repositories: which commit introduced the lines a fix changed.

Each test builds its history with real git and says why the expected answer is right.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from gitkit import GitRepo, lines

from ingest.git.repo import Repo, RepoError
from ingest.git.szz import Analyzer, mark_recency_window, tangle_factor


def analyse(path: Path, fix: str, **kw):
    with Repo(path) as repo, Analyzer(repo) as analyzer:
        return analyzer.analyse(fix, **kw)


def blamed(result) -> dict[str, float]:
    return {c.sha: c.confidence for c in result.candidates}


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    return GitRepo(tmp_path / "work")


def test_one_line_bug_fixed_later(repo: GitRepo) -> None:
    # c1 writes the function; c2 (Ben) changes line 2 to the buggy `a - b`; c3 touches
    # another file; the fix restores line 2. Blame of line 2 at the fix's parent is c2:
    # the only traced line leads to it, so confidence 1 (1 of 1 lines, focused fix).
    repo.commit("add", {"calc.py": lines("def add(a, b):", "    return a + b", "")})
    bug = repo.commit(
        "speed up",
        {"calc.py": lines("def add(a, b):", "    return a - b", "")},
        author="Ben <ben@example.com>",
    )
    repo.commit("docs", {"notes.py": lines("x = 1")})
    fix = repo.commit("Fix add (#9)", {"calc.py": lines("def add(a, b):", "    return a + b", "")})
    result = analyse(repo.path, fix)
    assert result.status == "traced"
    assert blamed(result) == {bug: 1.0}
    (candidate,) = result.candidates
    (evidence,) = candidate.evidence
    assert (evidence.path, evidence.line, evidence.blamed_sha) == ("calc.py", 2, bug)


def test_renamed_file_is_followed_to_the_commit_before_the_rename(repo: GitRepo) -> None:
    # c2 puts the bug in a.py line 1; c3 renames a.py to b.py unchanged; the fix edits
    # b.py line 1. Blame follows the rename: the line was last changed by c2, in a.py.
    repo.commit("add", {"a.py": lines("limit = 10", "name = 'x'")})
    bug = repo.commit("lower limit", {"a.py": lines("limit = 1", "name = 'x'")})
    repo.mv("a.py", "b.py")
    repo.commit("rename")
    fix = repo.commit("fix limit", {"b.py": lines("limit = 10", "name = 'x'")})
    result = analyse(repo.path, fix)
    assert blamed(result) == {bug: 1.0}
    evidence = result.candidates[0].evidence[0]
    assert (evidence.path, evidence.blamed_path) == ("b.py", "a.py")


def test_whitespace_only_change_is_not_blamed(repo: GitRepo) -> None:
    # c1 writes the buggy condition; c2 only re-indents it (tabs to spaces); the fix
    # changes the condition. With -w, blame looks past c2's whitespace to c1.
    bug = repo.commit("add", {"w.c": lines("int f(int x) {", "\tif (x > 1) return 0;", "}")})
    reindent = repo.commit(
        "indent", {"w.c": lines("int f(int x) {", "    if (x > 1) return 0;", "}")}
    )
    fix = repo.commit("fix", {"w.c": lines("int f(int x) {", "    if (x >= 1) return 0;", "}")})
    result = analyse(repo.path, fix)
    assert blamed(result) == {bug: 1.0}
    assert reindent not in blamed(result)


def test_a_fix_that_only_adds_lines_is_untraceable(repo: GitRepo) -> None:
    # The fix adds a guard and changes nothing: no deleted or changed line to blame, so
    # SZZ reports it untraceable and names no commit.
    repo.commit("add", {"g.py": lines("def g(x):", "    return 1 / x")})
    fix = repo.commit(
        "guard", {"g.py": lines("def g(x):", "    if not x: return 0", "    return 1 / x")}
    )
    result = analyse(repo.path, fix)
    assert result.status == "adds_only"
    assert result.candidates == [] and result.all_candidates == []
    assert "nothing can be traced" in result.reason


def test_formatting_commit_in_blame_ignore_revs_is_looked_through(repo: GitRepo) -> None:
    # c1 writes the bug with single quotes; c2 reformats it to double quotes (not a
    # whitespace change, so -w alone would blame c2); c3 lists c2 in
    # .git-blame-ignore-revs; the fix changes the line. Blame skips c2 and finds c1.
    bug = repo.commit("add", {"f.py": lines("mode = 'fast'", "size = 1")})
    fmt = repo.commit("format", {"f.py": lines('mode = "fast"', "size = 1")})
    repo.commit("ignore formatting", {".git-blame-ignore-revs": f"# black\n{fmt}\n"})
    fix = repo.commit("fix mode", {"f.py": lines('mode = "safe"', "size = 1")})
    assert blamed(analyse(repo.path, fix)) == {bug: 1.0}
    # Control: the same history without the ignore file blames the formatting commit.
    repo.commit("drop ignore", {".git-blame-ignore-revs": None})
    fix2 = repo.commit("fix again", {"f.py": lines('mode = "fast"', "size = 1")})
    assert blamed(analyse(repo.path, fix2)) == {fix: 1.0}


def test_blank_comment_and_test_lines_are_skipped_with_their_reason(repo: GitRepo) -> None:
    # c1 writes code, a comment and a blank line, and a test; the fix rewrites all of
    # them. Only the code line is traced; the others are evidence of what was skipped.
    bug = repo.commit(
        "add",
        {
            "app.py": lines("x = 1  # one", "# a comment", "", "y = 2"),
            "tests/test_app.py": lines("assert x == 1"),
        },
    )
    fix = repo.commit(
        "fix",
        {
            "app.py": lines("x = 2  # two", "# another comment", "pass", "y = 2"),
            "tests/test_app.py": lines("assert x == 2"),
        },
    )
    result = analyse(repo.path, fix)
    assert blamed(result) == {bug: 1.0}
    skipped = {
        (line.path, line.line, line.skip_reason) for line in result.lines if line.skip_reason
    }
    assert skipped == {
        ("app.py", 2, "comment"),
        ("app.py", 3, "blank"),
        ("tests/test_app.py", 0, "test"),
    }
    assert result.lines_traced == 1


def test_a_fix_touching_only_lock_files_has_nothing_to_trace(repo: GitRepo) -> None:
    repo.commit("deps", {"go.sum": lines("a v1 h1:x", "b v1 h1:y")})
    fix = repo.commit("bump", {"go.sum": lines("a v2 h1:z", "b v1 h1:y")})
    result = analyse(repo.path, fix)
    assert result.status == "nothing_to_trace"
    assert "lock file" in result.reason


def test_candidate_committed_after_the_report_is_dropped(repo: GitRepo) -> None:
    # c1 introduces line 1, c2 (two days later) line 2; the defect was reported between
    # them; the fix changes both lines. c2 cannot have caused what was already reported:
    # it is dropped with its reason, c1 keeps its share (1 of 2 traced lines = 0.5).
    first = repo.commit("one", {"r.py": lines("a = 1", "b = 1")})
    reported = repo.clock + timedelta(days=1)
    second = repo.commit("two", {"r.py": lines("a = 1", "b = 2")}, days=2)
    fix = repo.commit("fix", {"r.py": lines("a = 3", "b = 3")})
    result = analyse(repo.path, fix, reported_at=reported)
    assert blamed(result) == {first: 0.5}
    assert "after the defect was reported" in result.dropped[second]
    assert blamed(analyse(repo.path, fix)) == {first: 0.5, second: 0.5}


def test_merge_commit_fix_is_diffed_against_its_first_parent(repo: GitRepo) -> None:
    # The bug is on main (c1). A branch fixes it; main moves on; the merge brings the
    # fix. Analysing the merge traces the branch's whole change, which blames c1.
    bug = repo.commit("add", {"m.py": lines("v = 0", "w = 0")})
    repo.git("checkout", "-q", "-b", "fix-branch")
    repo.commit("fix v", {"m.py": lines("v = 1", "w = 0")})
    repo.git("checkout", "-q", "main")
    repo.commit("other", {"o.py": lines("z = 1")})
    repo.clock += timedelta(days=1)
    repo.git(
        "merge", "-q", "--no-ff", "-m", "Merge pull request #3 from ana/fix-branch", "fix-branch"
    )
    merge = repo.git("rev-parse", "HEAD")
    assert blamed(analyse(repo.path, merge)) == {bug: 1.0}


def test_bare_clone_gives_the_same_answer(repo: GitRepo, tmp_path: Path) -> None:
    repo.commit("add", {"b.py": lines("k = 1")})
    bug = repo.commit("bug", {"b.py": lines("k = 2")})
    fix = repo.commit("fix", {"b.py": lines("k = 1")})
    bare = repo.bare_clone(tmp_path / "bare.git")
    assert blamed(analyse(bare, fix)) == blamed(analyse(repo.path, fix)) == {bug: 1.0}


def test_unknown_commit_and_missing_folder_are_refused(repo: GitRepo, tmp_path: Path) -> None:
    repo.commit("add", {"x.py": "x = 1\n"})
    with pytest.raises(RepoError, match="no such commit"):
        analyse(repo.path, "deadbeef")
    with pytest.raises(RepoError, match="no such folder"):
        Repo(tmp_path / "nowhere")
    with pytest.raises(RepoError, match="not a git repository"):
        Repo(tmp_path)


def test_tangle_factor_and_recency_window_arithmetic() -> None:
    # 8 files and 10 candidates are still focused: 1. 16 files, 20 candidates:
    # min(1, 8/16) * min(1, 10/20) = 0.5 * 0.5 = 0.25.
    assert tangle_factor(8, 10) == 1.0
    assert tangle_factor(16, 20) == 0.25
    assert tangle_factor(1, 40) == 0.25


def test_recency_window_keeps_candidates_near_the_most_recent(repo: GitRepo) -> None:
    # Lags behind the fix: 10, 40 and 200 days. The window is 2 x 10 + 30 = 50 days:
    # the first two are in it, the 200-day-old one is not.
    from datetime import UTC, datetime

    from ingest.git.szz import Candidate

    fix_time = datetime(2026, 6, 1, tzinfo=UTC)
    made = [
        Candidate(s, 1, 0.3, fix_time - timedelta(days=d), fix_time)
        for s, d in (("a", 10), ("b", 40), ("c", 200))
    ]
    mark_recency_window(made, fix_time)
    assert [c.in_window for c in made] == [True, True, False]


def test_a_mass_change_is_looked_through(repo: GitRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    # c1 writes the bug in a.py; c2 renames `cfg` to `conf` in every file at once (a
    # mass change: here more than 3 files, the limit lowered for the test); the fix
    # changes the line. Blame first leads to c2; looked through (blamed again with c2
    # ignored), the line leads to c1, and c2 is listed as looked through.
    import ingest.git.szz as szz

    monkeypatch.setattr(szz, "MASS_CHANGE_FILES", 3)
    names = [f"m{i}.py" for i in range(5)]
    bug = repo.commit("add", {n: lines(f"cfg = {i} + 1") for i, n in enumerate(names)})
    mass = repo.commit("rename", {n: lines(f"conf = {i} + 1") for i, n in enumerate(names)})
    fix = repo.commit("fix", {"m0.py": lines("conf = 0")})
    result = analyse(repo.path, fix)
    assert blamed(result) == {bug: 1.0}
    assert result.dropped[mass] == "a mass change of 5 files: looked through"
