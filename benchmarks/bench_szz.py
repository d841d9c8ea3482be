"""Benchmark: teamlens's SZZ against PyDriller's, on real fixes with known causes (by hand).

Runs both on the same bug-fixing commits of real public clones, in the same process, and
scores them against a published oracle of bug-fixing -> bug-inducing commits (default:
``benchmarks/data/szz_oracle_rosa2021.json``, from Rosa et al., ICSE 2021, whose
developers named the commit that introduced each bug).

Prints, for each tool: precision, recall and F1 over all pairs (Rosa et al.'s definition:
a blamed commit is right when the oracle names it for that fix), fixes per second, peak
memory of the analysis (tracemalloc), and teamlens's speed as a multiple of PyDriller's,
by wall clock and by CPU time (this process and its git children: steady on a busy
machine, and blind to teamlens running several git processes at once).
PyDriller's SZZ is ``Git.get_commits_last_modified_lines`` (B-SZZ: whole-file ``git blame
-w`` at the parent; its own skip of blank and comment lines).

Clones are looked up in ``--clones DIR`` as ``owner+name.git`` (bare clones work), e.g.
``git clone --bare https://github.com/sqlmapproject/sqlmap DIR/sqlmapproject+sqlmap.git``.
Projects without a clone there are left out and listed.

Usage: python benchmarks/bench_szz.py --clones DIR [--oracle FILE] [--repo OWNER/NAME …]
       [--no-pydriller] [--with-dates] [--details FILE.json] [--rounds 2]
Needs the bench extra for PyDriller: pip install -e ".[bench]".
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import tracemalloc
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEFAULT_ORACLE = ROOT / "benchmarks" / "data" / "szz_oracle_rosa2021.json"


def clone_of(clones: Path, repo: str) -> Path | None:
    for name in (f"{repo.replace('/', '+')}.git", repo.replace("/", "+"), repo.split("/")[1]):
        path = clones / name
        if path.is_dir():
            return path
    return None


def run_teamlens(clone: Path, pairs: list[dict], with_dates: bool) -> dict[str, set[str]]:
    from ingest.git.repo import Repo
    from ingest.git.szz import analyse_many

    dates = {}
    for pair in pairs:
        if with_dates and pair.get("issue_date"):
            dates[pair["fix"]] = datetime.fromisoformat(pair["issue_date"]).replace(tzinfo=UTC)
    with Repo(clone) as repo:
        results = analyse_many(repo, [p["fix"] for p in pairs], reported_at=dates)
    return {
        pair["fix"]: {c.sha for c in result.candidates}
        for pair, result in zip(pairs, results, strict=True)
        if not isinstance(result, Exception)
    }


def run_pydriller(clone: Path, pairs: list[dict], with_dates: bool) -> dict[str, set[str]]:
    from pydriller import Git

    found: dict[str, set[str]] = {}
    gr = Git(str(clone))
    for pair in pairs:
        commit = gr.get_commit(pair["fix"])
        blamed = gr.get_commits_last_modified_lines(commit)
        shas = {sha for commits in blamed.values() for sha in commits}
        if with_dates and pair.get("issue_date"):
            limit = datetime.fromisoformat(pair["issue_date"]).replace(tzinfo=UTC)
            shas = {s for s in shas if gr.get_commit(s).committer_date.astimezone(UTC) <= limit}
        found[pair["fix"]] = shas
    gr.clear()
    return found


def score(pairs: list[dict], found: dict[str, set[str]]) -> dict[str, float]:
    right = blamed = expected = 0
    for pair in pairs:
        truth = {s.lower() for s in pair["inducing"]}
        got = {s.lower() for s in found.get(pair["fix"], set())}
        right += len(truth & got)
        blamed += len(got)
        expected += len(truth)
    precision = right / blamed if blamed else 0.0
    recall = right / expected if expected else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "blamed": blamed, "right": right}


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (git runs in children)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def measure(tool, by_repo: dict[Path, list[dict]], with_dates: bool) -> tuple:
    found: dict[str, set[str]] = {}
    tracemalloc.start()
    started, cpu = time.perf_counter(), cpu_seconds()
    for clone, pairs in by_repo.items():
        found.update(tool(clone, pairs, with_dates))
    elapsed, cpu = time.perf_counter() - started, cpu_seconds() - cpu
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return found, elapsed, peak, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clones", type=Path, required=True)
    parser.add_argument("--oracle", type=Path, default=DEFAULT_ORACLE)
    parser.add_argument("--repo", action="append", default=[])
    parser.add_argument("--no-pydriller", action="store_true")
    parser.add_argument("--with-dates", action="store_true", help="drop after issue date")
    parser.add_argument("--details", type=Path, default=None)
    parser.add_argument("--rounds", type=int, default=2, help="the last one is timed")
    args = parser.parse_args()

    pairs = json.loads(args.oracle.read_text())["pairs"]
    if args.repo:
        pairs = [p for p in pairs if p["repo"] in args.repo]
    by_repo: dict[Path, list[dict]] = defaultdict(list)
    missing = set()
    for pair in pairs:
        clone = clone_of(args.clones, pair["repo"])
        if clone is None:
            missing.add(pair["repo"])
        else:
            by_repo[clone].append(pair)
    used = [p for ps in by_repo.values() for p in ps]
    print(f"oracle: {args.oracle.name}; {len(used)} fixes in {len(by_repo)} clones")
    if missing:
        print(f"left out (no clone in {args.clones}): {', '.join(sorted(missing))}")

    results = {}
    tools = [("teamlens", run_teamlens)]
    if not args.no_pydriller:
        tools.insert(0, ("PyDriller", run_pydriller))
    # Round 1 reads every clone into the page cache for both tools; round 2 is timed.
    for _round in range(args.rounds):
        for name, tool in tools:
            results[name] = measure(tool, by_repo, args.with_dates)
    for name, _tool in tools:
        found, elapsed, peak, cpu = results[name]
        s = score(used, found)
        print(
            f"{name:10} precision {s['precision']:.3f}  recall {s['recall']:.3f}  "
            f"F1 {s['f1']:.3f}  ({s['right']} right of {s['blamed']} blamed)  "
            f"{len(used) / elapsed:6.2f} fixes/s  {elapsed:6.1f} s wall  {cpu:6.1f} s CPU  "
            f"peak {peak / 2**20:.1f} MiB"
        )
    if "PyDriller" in results:
        ratio = results["PyDriller"][1] / results["teamlens"][1]
        cpu_ratio = results["PyDriller"][3] / results["teamlens"][3]
        print(f"(timed round {args.rounds} of {args.rounds}; {os.cpu_count()} CPUs)")
        print(
            f"teamlens is {ratio:.1f}x as fast as PyDriller on the same fixes (wall clock), "
            f"{cpu_ratio:.1f}x in CPU time (git processes included)"
        )
    if args.details:
        rows = []
        for pair in used:
            row = dict(pair)
            for name, (found, *_times) in results.items():
                row[name] = sorted(found.get(pair["fix"], set()))
            rows.append(row)
        args.details.write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
