"""Benchmark: what a GitHub sync costs (run by hand; never a test).

Prints, against the local fake GitHub (which prices every query by GitHub's documented
formula: tests/ingest/github/graphql_cost.py):

* requests and GraphQL rate-limit points per 1,000 PRs for a full sync of a realistic mix
  (several repositories of different sizes; reviews with inline comments, with bodies
  and bare approvals; PR sizes from a few lines to thousands; 2% of PRs with 101-250
  commits, 0.3% with over 100 reviews, 1% with over 100 check contexts; bug issues), and
  requests per repository for a re-sync with nothing new. With ``--baseline REV`` the
  same mix is also synced by the code of git revision REV (the old query shape), in
  the same run;
* peak memory (VmHWM) of a separate ``teamlens ingest github`` process ingesting
  ``--memory-prs`` PRs (default 100,000), and of each of its phases: fetching, writing
  the batches, saving the dashboard's facts (``cli.common.save_facts``);
* the write time of a page of 100 PRs into a store already holding 10,000 and
  1,000,000 PRs: one transaction per page (as before) and pages batched as the sync
  writes them now (sync.BATCH_PAGES pages a transaction), per page.

Targets (issue "Fast at a million pull requests"): a full sync <= 100 points and <= 20
requests per 1,000 PRs; a re-sync <= 2 requests per repository; <= 300 MB peak at 100,000
PRs; a page's write at 1M PRs within 1.5x of 10k.

Usage: python benchmarks/bench_sync.py [--prs 1000] [--baseline REV] [--memory-prs 100000]
    [--memory-db NEW_PATH] [--store-1m PATH] [--skip-requests] [--skip-memory] [--skip-writes]
"""

from __future__ import annotations

import argparse
import io
import os
import random
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
import zlib
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "ingest" / "github"), str(ROOT / "benchmarks")]

from fake_github import (  # noqa: E402
    BASE,
    TOKEN,
    FakeGitHub,
    check_run,
    commit,
    event,
    iso,
    pull_request,
    review,
    status_context,
)

from ingest import writer  # noqa: E402
from ingest.github import mapping, pr_batches, sync  # noqa: E402
from settings import settings  # noqa: E402
from store import ensure_store, write_transaction  # noqa: E402

REPO_SHARES = (0.40, 0.25, 0.15, 0.12, 0.08)  # five repositories of different sizes


# -- a realistic mix ------------------------------------------------------------------------


def _reviews(rng: random.Random, repo: str, n: int, created: Any, count: int) -> list[dict]:
    out = []
    for i in range(count):
        kind = rng.random()
        at = created + timedelta(minutes=rng.choice((4, 8, 30, 90, 240)) + 7 * i)
        login = f"dev{rng.randrange(40)}"
        if kind < 0.45:  # a bare approval: empty body, now and then inline comments
            item = review(
                f"R{repo}{n}-{i}", login=login, at=at, comments=rng.choice((0,) * 4 + (2,))
            )
        elif kind < 0.65:  # an approval that says something
            item = review(f"R{repo}{n}-{i}", login=login, at=at, body="LGTM, nice tests")
        elif kind < 0.9:  # a comment review with inline comments
            item = review(
                f"R{repo}{n}-{i}",
                login=login,
                at=at,
                state="COMMENTED",
                body="A few notes",
                comments=rng.randrange(1, 8),
            )
        else:
            item = review(
                f"R{repo}{n}-{i}",
                login=login,
                at=at,
                state="CHANGES_REQUESTED",
                body="Please split this",
                comments=rng.randrange(1, 5),
            )
        out.append(item)
    return out


def mixed_pr(rng: random.Random, repo: str, n: int) -> dict[str, Any]:
    """One PR of the realistic mix (see the module docstring)."""
    created = BASE + timedelta(minutes=11 * n)
    roll = rng.random()
    n_commits = rng.randrange(101, 251) if roll < 0.02 else rng.randrange(1, 9)
    n_reviews = (
        rng.randrange(101, 131) if rng.random() < 0.003 else rng.choice((0, 1, 1, 2, 2, 3, 4))
    )
    n_checks = rng.randrange(101, 151) if rng.random() < 0.01 else rng.randrange(2, 7)
    lines = int(rng.lognormvariate(4.4, 1.3)) + 1  # median ~80 changed lines, ~25% >= 200
    state = rng.choices(("MERGED", "CLOSED", "OPEN"), (0.85, 0.10, 0.05))[0]
    body = f"Implements part {n}." + (f" Fixes #{n % 50 + 1}" if n % 4 == 0 else "")
    if n % 9 == 0:
        body += "\n\nCo-authored-by: Claude <noreply@anthropic.com>"
    commits = [
        commit(
            f"{zlib.crc32(repo.encode()) % 10**6:06d}{n:09d}{i:025d}",
            f"Step {i} of {n}",
            at=created,
        )
        for i in range(n_commits)
    ]
    checks = [
        check_run(f"job-{i}", "FAILURE" if i == 0 and n % 13 == 0 else "SUCCESS")
        for i in range(n_checks)
    ]
    checks.append(status_context("ci/lint"))
    return pull_request(
        repo,
        n,
        created=created,
        state=state,
        merged=created + timedelta(hours=rng.randrange(1, 72)) if state == "MERGED" else None,
        author=f"dev{rng.randrange(40)}",
        body=body,
        labels=tuple(
            rng.sample(("feature", "bug", "chore", "ai-assisted", "docs"), rng.randrange(0, 3))
        ),
        commits=commits,
        reviews=_reviews(rng, repo, n, created, n_reviews),
        timeline=(
            [event("ReadyForReviewEvent", f"E{repo}{n}", at=created + timedelta(minutes=20))]
            if rng.random() < 0.3
            else []
        ),
        checks=checks,
        check_state="FAILURE" if n % 13 == 0 else "SUCCESS",
        additions=lines * 2 // 3,
        deletions=lines - lines * 2 // 3,
    )


def fill_mix(fake: FakeGitHub, total: int, *, seed: int = 7) -> list[str]:
    """``total`` PRs over five repositories (and bug issues, 10% of their PR count)."""
    rng = random.Random(seed)
    names = []
    for index, share in enumerate(REPO_SHARES):
        repo = f"mix/repo{index + 1}"
        names.append(repo)
        size = round(total * share)
        prs = fake.add_repo(repo)["pullRequests"]
        prs.extend(mixed_pr(rng, repo, n) for n in range(1, size + 1))
        issues = fake.add_repo(repo)["issues"]
        for k in range(1, size // 10 + 1):
            at = BASE + timedelta(days=k % 200, hours=k % 24)
            issues.append(
                {
                    "__typename": "Issue",
                    "id": f"I{repo}{k}",
                    "number": 100000 + k,
                    "url": f"https://github.com/{repo}/issues/{100000 + k}",
                    "title": f"Bug {k}",
                    "body": f"Introduced by #{k * 7}",
                    "state": "OPEN",
                    "stateReason": None,
                    "createdAt": iso(at),
                    "closedAt": None,
                    "updatedAt": iso(at),
                    "author": {"__typename": "User", "login": "qa"},
                    "labels": [{"name": "bug" if k % 2 else "question"}],
                    "timelineItems": [],
                }
            )
    fake.version += 1
    return names


# -- requests and points --------------------------------------------------------------------


def _tally(fake: FakeGitHub) -> tuple[int, int, dict[str, tuple[int, int]]]:
    by_op: dict[str, list[int]] = {}
    for seen in fake.seen:
        op = seen.operation or f"REST {seen.path}"
        by_op.setdefault(op, [0, 0])
        by_op[op][0] += 1
        by_op[op][1] += seen.cost
    return (
        len(fake.seen),
        sum(s.cost for s in fake.seen),
        {op: (n, c) for op, (n, c) in sorted(by_op.items())},
    )


def _run_cli(src: Path, fake: FakeGitHub, repos: list[str], db: Path) -> None:
    args = [sys.executable, "-c", "import sys, teamlens; sys.exit(teamlens.main())"]
    args += ["ingest", "github", "--api-url", fake.url, "--db", str(db)]
    for repo in repos:
        args += ["--repo", repo]
    env = dict(os.environ, GITHUB_TOKEN=TOKEN, PYTHONPATH=str(src))
    done = subprocess.run(args, cwd=src, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"sync failed ({src}):\n{done.stderr[-2000:]}")


def _report(label: str, fake: FakeGitHub, prs: int, repos: int, db: Path, run) -> None:
    fake.seen.clear()
    started = time.perf_counter()
    run(db)
    elapsed = time.perf_counter() - started
    requests, points, by_op = _tally(fake)
    print(
        f"  {label} full sync: {requests} requests, {points} points in {elapsed:.1f} s"
        f" = {requests / prs * 1000:.1f} requests and {points / prs * 1000:.1f} points"
        " per 1,000 PRs"
    )
    print("    " + "; ".join(f"{op} {n} req {c} pts" for op, (n, c) in by_op.items()))
    fake.seen.clear()
    run(db)
    requests, points, _ = _tally(fake)
    print(
        f"  {label} re-sync with nothing new: {requests} requests ({points} points)"
        f" = {requests / repos:.1f} requests per repository"
    )


def baseline_source(rev: str, into: Path) -> Path:
    """The project's files at git revision ``rev`` (``git archive``), to run its sync."""
    data = subprocess.run(
        ["git", "-C", str(ROOT), "archive", rev], capture_output=True, check=True
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        tar.extractall(into)  # our own repository at a revision
    return into


def requests_benchmark(prs: int, baseline: str | None) -> None:
    print(f"== requests and rate-limit points: {prs} PRs in {len(REPO_SHARES)} repositories")
    with tempfile.TemporaryDirectory() as tmp, FakeGitHub() as fake:
        repos = fill_mix(fake, prs)
        total = sum(len(fake.repos[r]["pullRequests"]) for r in repos)
        issues = sum(len(fake.repos[r]["issues"]) for r in repos)
        big = sum(
            1
            for r in repos
            for p in fake.repos[r]["pullRequests"]
            if len(p["commits"]) > 100
            or len(p["reviews"]) > 100
            or len(p["commits"][-1]["commit"]["statusCheckRollup"]["contexts"]) > 100
        )
        print(f"  mix: {total} PRs, {issues} issues, {big} PRs with a nested list over 100")
        if baseline:
            src = baseline_source(baseline, Path(tmp) / "baseline")
            _report(
                f"before ({baseline}):",
                fake,
                total,
                len(repos),
                Path(tmp) / "before.duckdb",
                lambda db: _run_cli(src, fake, repos, db),
            )
        _report(
            "now:",
            fake,
            total,
            len(repos),
            Path(tmp) / "now.duckdb",
            lambda db: _run_cli(ROOT, fake, repos, db),
        )
        print(
            "  targets: <= 20 requests and <= 100 points per 1,000 PRs; re-sync <= 2 per repository"
        )


# -- memory ---------------------------------------------------------------------------------


def memory_benchmark(prs: int, keep: Path | None = None) -> None:
    """``keep``: the store to sync into, left there (else a temporary one)."""
    print(f"== peak memory: ingest of {prs} PRs in a separate process")
    with tempfile.TemporaryDirectory() as tmp, FakeGitHub() as fake:
        t0 = time.perf_counter()
        repos = fill_mix(fake, prs, seed=11)
        print(f"  built the mix in the fake server in {time.perf_counter() - t0:.0f} s")
        db = keep or Path(tmp) / "big.duckdb"
        if db.exists():
            raise SystemExit(f"--memory-db {db} exists: the benchmark syncs into a new store")
        # VmHWM, not ru_maxrss: Linux carries ru_maxrss across fork+exec, so a child of
        # this process (which holds the fake server's PRs) would report ours.
        # The floor: what the process holds once the ingest's modules are imported
        # (DuckDB, PyGithub), before it fetches or writes anything. Then the peak of each
        # phase: fetching (and the follow-ups, before a batch's transaction), writing a
        # batch (its transaction), saving the facts. The mark is cleared (clear_refs 5) as
        # one ends, so the next starts from what is resident then.
        code = (
            "import contextlib, sys, teamlens, ingest.github.client\n"
            "import cli.ingest as command, ingest.github.sync as sync\n"
            "def kb(key):\n"
            "    lines = open('/proc/self/status').read().splitlines()\n"
            "    return int(next(l.split()[1] for l in lines if l.startswith(key)))\n"
            "peaks = {}\n"
            "def mark(phase):\n"
            "    peaks[phase] = max(peaks.get(phase, 0), kb('VmHWM'))\n"
            "    with open('/proc/self/clear_refs', 'w') as f:\n"
            "        f.write('5')\n"
            "print('FLOOR_KB', kb('VmRSS'), file=sys.stderr)\n"
            "opened = sync.write_transaction\n"
            "@contextlib.contextmanager\n"
            "def write_transaction(*args, **kwargs):\n"
            "    mark('fetch')\n"
            "    with opened(*args, **kwargs) as conn:\n"
            "        yield conn\n"
            "    mark('write')\n"
            "sync.write_transaction = write_transaction\n"
            "save = command.save_facts\n"
            "def save_facts(db):\n"
            "    mark('fetch')\n"
            "    save(db)\n"
            "    mark('save')\n"
            "command.save_facts = save_facts\n"
            "rc = teamlens.main(sys.argv[1:])\n"
            "mark('save')  # and the summary printed after it\n"
            "for phase, value in peaks.items():\n"
            "    print('PEAK_KB', phase, value, file=sys.stderr)\n"
            "sys.exit(rc)\n"
        )
        args = [sys.executable, "-c", code, "ingest", "github", "--api-url", fake.url]
        args += ["--db", str(db)]
        for repo in repos:
            args += ["--repo", repo]
        env = dict(os.environ, GITHUB_TOKEN=TOKEN, PYTHONPATH=str(ROOT))
        started = time.perf_counter()
        done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
        elapsed = time.perf_counter() - started
        if done.returncode != 0:
            raise SystemExit(f"memory benchmark failed:\n{done.stderr[-2000:]}")
        lines = done.stderr.splitlines()
        peaks = {ln.split()[1]: int(ln.split()[2]) / 1024 for ln in lines if ln.startswith("PEAK")}
        floor = int(next(ln.split()[1] for ln in lines if ln.startswith("FLOOR")))
        requests, points, _ = _tally(fake)
        print(
            f"  peak memory {max(peaks.values()):.0f} MB (VmHWM; {floor / 1024:.0f} MB held once"
            f" the modules are imported); {requests} requests, {points} points,"
            f" {elapsed:.0f} s; database {db.stat().st_size / 1e6:.0f} MB; target <= 300 MB"
        )
        print(
            f"    by phase: fetching {peaks['fetch']:.0f} MB, writing batches"
            f" {peaks['write']:.0f} MB, saving the dashboard's facts {peaks['save']:.0f} MB"
        )


# -- per-page write time --------------------------------------------------------------------


def _page_rows(start: int, count: int) -> mapping.PullRequestRows:
    """The rows of ``count`` new PRs of a typical page, mapped as the sync maps them."""
    rng = random.Random(start)
    rows = mapping.PullRequestRows()
    config = settings()
    for n in range(start, start + count):
        pr = mixed_pr(rng, "bench/writes", n)
        rollup = pr["commits"][-1]["commit"]["statusCheckRollup"]
        pr["commits"] = pr["commits"][:8]
        pr["reviews"] = pr["reviews"][:4]

        def conn(items: list) -> dict:
            return {"nodes": items, "pageInfo": {"hasNextPage": False, "endCursor": None}}

        node = {
            **pr,
            "labels": conn(pr["labels"]),
            "commits": conn(pr["commits"]),
            "reviews": conn([{**r, "comments": r["comments"]} for r in pr["reviews"]]),
            "timelineItems": conn(pr["timelineItems"]),
            "closingIssuesReferences": conn([]),
            "headCommit": {
                "nodes": [
                    {
                        "commit": {
                            "statusCheckRollup": {
                                **rollup,
                                "contexts": conn(rollup["contexts"][:6]),
                            }
                        }
                    }
                ]
            },
        }
        mapping.map_pull_request("bench/writes", node, config, rows)
    return rows


def _merge(parts: list[mapping.PullRequestRows]) -> mapping.PullRequestRows:
    rows = mapping.PullRequestRows()
    for part in parts:
        for name in ("pull_requests", "commits", "reviews", "events", "links"):
            getattr(rows, name).extend(getattr(part, name))
        rows.people.update(part.people)
    return rows


def _write(db: Path, rows: mapping.PullRequestRows, cursor: str) -> None:
    """What sync.run_stream writes for a batch: its PRs and the stream's resume point."""
    provenance = {"source": "github", "fetched_at": writer.utc_now()}
    with write_transaction(db) as conn:
        conn.execute(f"set memory_limit = '{sync.WRITE_MEMORY}'")
        pr_batches.write(conn, rows, provenance)
        writer.set_sync_state(
            conn,
            source="github",
            scope="bench/writes",
            stream="pull_requests",
            status="running",
            cursor=cursor,
        )


def _time_write(db: Path, pages: int, first: int) -> float:
    """Seconds per page to write ``pages`` pages of new PRs in one transaction."""
    rows = _merge([_page_rows(first + p * 100, sync.PR_PAGE_SIZE) for p in range(pages)])
    started = time.perf_counter()
    _write(db, rows, '{"after": "x"}')
    return (time.perf_counter() - started) / pages


def writes_benchmark(store_1m: Path | None, rounds: int) -> None:
    """The two stores are written in turns (10k, 1M, 10k, …) so that the load of a shared
    machine falls on both alike; medians of ``rounds`` writes each."""
    import bench_metrics

    print(f"== write time of a page of {sync.PR_PAGE_SIZE} PRs (new PRs of a typical mix)")
    work = Path(tempfile.mkdtemp(prefix="bench-sync-"))
    try:
        stores = {}
        for label, size in (("10k", 10_000), ("1M", 1_000_000)):
            db = work / f"store-{label}.duckdb"
            if size == 1_000_000 and store_1m is not None and store_1m.exists():
                shutil.copyfile(store_1m, db)  # a copy: never write into the original
                print(f"  {label} PRs: a copy of {store_1m}")
            else:
                bench_metrics.build_store(db, size)
                print(f"  {label} PRs: built with bench_metrics.build_store")
            ensure_store(db)  # migrate first: not part of a page's write
            _write(db, _page_rows(1, 10), "{}")  # warm up (first checkpoint after a copy)
            stores[label] = db
        how = {
            "one transaction a page": 1,
            f"{sync.BATCH_PAGES} pages a transaction": sync.BATCH_PAGES,
        }
        times: dict[tuple[str, str], list[float]] = {}
        number = 100
        for _ in range(rounds):
            for name, pages in how.items():
                for label, db in stores.items():
                    times.setdefault((name, label), []).append(_time_write(db, pages, number))
                    number += pages * 100
        for name in how:
            small, large = times[(name, "10k")], times[(name, "1M")]
            print(
                f"  {name}: 10k {statistics.median(small):.3f} s a page,"
                f" 1M {statistics.median(large):.3f} s a page (medians of {rounds});"
                f" 1M / 10k = {statistics.median(large) / statistics.median(small):.2f}x"
            )
        print("  target: 1M within 1.5x of 10k (the sync writes batches)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prs", type=int, default=1000)
    parser.add_argument("--baseline", metavar="REV", help="also sync with the code of git REV")
    parser.add_argument("--memory-prs", type=int, default=100_000)
    parser.add_argument("--memory-db", type=Path, help="sync into this new store and keep it")
    parser.add_argument(
        "--store-1m", type=Path, default=Path("/tmp/teamlens-bench/bench-1000000.duckdb")
    )
    parser.add_argument("--write-rounds", type=int, default=5)
    parser.add_argument("--skip-requests", action="store_true")
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument("--skip-writes", action="store_true")
    args = parser.parse_args()
    print(f"cores: {os.cpu_count()}")
    if not args.skip_requests:
        requests_benchmark(args.prs, args.baseline)
    if not args.skip_writes:
        writes_benchmark(args.store_1m, args.write_rounds)
    if not args.skip_memory:
        memory_benchmark(args.memory_prs, args.memory_db)


if __name__ == "__main__":
    main()
