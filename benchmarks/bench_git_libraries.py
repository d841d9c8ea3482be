"""Benchmark: which git library reads history and blames fastest (run by hand; never a test).

Runs the same work through pygit2 (libgit2), GitPython (which drives the git CLI) and
PyDriller on a real clone given on the command line (bare clones work):

* log + diff: the per-file changed line ranges of the newest N commits against their first
  parent, renames detected — what ``teamlens ingest git`` stores;
* blame of given line ranges: for M commits that change existing lines, blame the deleted
  lines at the commit's parent — what SZZ needs. GitPython runs
  ``git blame --porcelain -w -M -L …`` once per file with every range of that file;
  pygit2 has no ``-w`` and no ignore-revs and takes one range per call; PyDriller has no
  range blame, so its SZZ (``Git.get_commits_last_modified_lines``, whole-file blame) is
  timed for the same commits.

Prints commits per second and blames per second for each library.

Usage: python benchmarks/bench_git_libraries.py /path/to/clone [--commits 2000] [--blames 60]
"""

from __future__ import annotations

import argparse
import re
import subprocess
import time
from pathlib import Path

_HUNK = re.compile(rb"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")


def newest_commits(git_dir: Path, n: int) -> list[str]:
    out = subprocess.run(
        ["git", "--git-dir", str(git_dir), "rev-list", "--first-parent", f"-{n}", "HEAD"],
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    return out.split()


# -- log + diff ------------------------------------------------------------------------


def diff_pygit2(git_dir: Path, shas: list[str]) -> int:
    import pygit2

    repo = pygit2.Repository(str(git_dir))
    files = 0
    for sha in shas:
        commit = repo[sha]
        if not commit.parents:
            continue
        diff = repo.diff(commit.parents[0], commit, context_lines=0)
        diff.find_similar()
        for patch in diff:
            files += 1
            for hunk in patch.hunks:
                _ = (hunk.old_start, hunk.old_lines, hunk.new_start, hunk.new_lines)
    return files


def diff_gitpython(git_dir: Path, shas: list[str]) -> int:
    import git

    g = git.Git()
    proc = g.execute(
        [
            "git",
            "--git-dir",
            str(git_dir),
            "log",
            "--no-walk=unsorted",
            "--format=%x00%H",
            "-p",
            "-U0",
            "-M",
            "--diff-merges=first-parent",
            "--no-color",
            "--no-ext-diff",
            "--stdin",
        ],
        as_process=True,
        istream=subprocess.PIPE,
    )
    proc.stdin.write(("\n".join(shas) + "\n").encode())
    proc.stdin.close()
    files = 0
    for line in proc.stdout:
        if line.startswith(b"diff --git "):
            files += 1
        elif line.startswith(b"@@"):
            m = _HUNK.match(line)
            _ = m.groups() if m else None
    proc.wait()
    return files


def diff_pydriller(git_dir: Path, shas: list[str]) -> int:
    from pydriller import Repository

    files = 0
    for commit in Repository(str(git_dir), only_commits=shas).traverse_commits():
        for mod in commit.modified_files:
            files += 1
            _ = mod.diff_parsed
    return files


# -- blame -----------------------------------------------------------------------------


def blame_targets(git_dir: Path, shas: list[str], m: int) -> list[tuple[str, str, list]]:
    """(commit, path at parent, [(start, end)…]) for commits that delete lines."""
    targets: list[tuple[str, str, list]] = []
    for sha in shas:
        out = subprocess.run(
            ["git", "--git-dir", str(git_dir), "diff-tree", "-p", "-U0", "-M", "--no-color", sha],
            capture_output=True,
            check=False,
        ).stdout
        path, ranges = None, []
        for line in out.splitlines():
            if line.startswith(b"--- "):
                if path and ranges:
                    targets.append((sha, path, ranges))
                name = line[4:].decode(errors="replace")
                path = name[2:] if name.startswith("a/") else None
                ranges = []
            elif line.startswith(b"@@"):
                mm = _HUNK.match(line)
                if mm:
                    start, count = int(mm.group(1)), int(mm.group(2) or 1)
                    if count:
                        ranges.append((start, start + count - 1))
        if path and ranges:
            targets.append((sha, path, ranges))
        if len(targets) >= m:
            break
    return targets[:m]


def blame_gitpython(git_dir: Path, targets: list) -> int:
    import git

    g = git.Git()
    lines = 0
    for sha, path, ranges in targets:
        args = ["git", "--git-dir", str(git_dir), "blame", "--porcelain", "-w", "-M"]
        for start, end in ranges:
            args += ["-L", f"{start},{end}"]
        out = g.execute([*args, f"{sha}^", "--", path], stdout_as_string=False)
        lines += out.count(b"\n\t")
    return lines


def blame_pygit2(git_dir: Path, targets: list) -> int:
    import pygit2

    repo = pygit2.Repository(str(git_dir))
    lines = 0
    for sha, path, ranges in targets:
        parent = repo[sha].parents[0].id
        for start, end in ranges:
            blame = repo.blame(path, newest_commit=parent, min_line=start, max_line=end)
            lines += sum(h.lines_in_hunk for h in blame)
    return lines


def szz_pydriller(git_dir: Path, targets: list) -> int:
    from pydriller import Git

    gr = Git(str(git_dir))
    found = 0
    for sha in dict.fromkeys(t[0] for t in targets):
        blamed = gr.get_commits_last_modified_lines(gr.get_commit(sha))
        found += sum(len(v) for v in blamed.values())
    return found


def timed(label: str, unit: str, count: int, func, *args) -> None:
    started = time.perf_counter()
    result = func(*args)
    elapsed = time.perf_counter() - started
    print(f"{label:12} {count / elapsed:9.1f} {unit}/s  ({elapsed:.2f} s, result {result})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("clone", type=Path)
    parser.add_argument("--commits", type=int, default=2000)
    parser.add_argument("--blames", type=int, default=60)
    args = parser.parse_args()
    git_dir = args.clone
    shas = newest_commits(git_dir, args.commits)
    print(f"{git_dir}: {len(shas)} newest first-parent commits")
    print("log + diff (changed line ranges against the first parent):")
    timed("GitPython", "commits", len(shas), diff_gitpython, git_dir, shas)
    timed("pygit2", "commits", len(shas), diff_pygit2, git_dir, shas)
    timed("PyDriller", "commits", len(shas), diff_pydriller, git_dir, shas)
    targets = blame_targets(git_dir, shas, args.blames)
    ranges = sum(len(t[2]) for t in targets)
    print(f"blame of given line ranges: {len(targets)} files, {ranges} ranges")
    timed("GitPython", "files", len(targets), blame_gitpython, git_dir, targets)
    timed("pygit2", "files", len(targets), blame_pygit2, git_dir, targets)
    timed("PyDriller", "files", len(targets), szz_pydriller, git_dir, targets)


if __name__ == "__main__":
    main()
