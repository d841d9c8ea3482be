"""Benchmark: GitHub ingest against the local fake GitHub (run by hand; never a test).

Prints:
* API requests for a full sync of 1,000 merged PRs (each with commits, reviews, checks
  and timeline events) and for a re-sync with nothing new (per repository);
* peak memory (VmHWM) of a separate `teamlens ingest github` process ingesting
  100,000 PRs.

Targets (issue "GitHub ingest, and defects from issue trackers"): <= 25 requests per
1,000 PRs for a full sync, <= 2 requests per repository for a re-sync, <= 300 MB peak.

Usage: python benchmarks/bench_ingest.py [--prs 1000] [--memory-prs 100000]

benchmarks/bench_sync.py measures the sync's cost by GitHub's rate-limit formula on a
mix of several repositories, and the write time of a page at 10k and 1M PRs.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "ingest" / "github")]

from fake_github import (  # noqa: E402
    BASE,
    TOKEN,
    FakeGitHub,
    check_run,
    commit,
    event,
    pull_request,
    review,
    status_context,
)

from ingest.github import sync  # noqa: E402
from ingest.github.client import GitHubClient  # noqa: E402


def _size(n: int, rich: bool, big: bool) -> tuple[int, int]:
    """(commits, reviews) of PR n: typical PRs, plus in the ``big`` mix 2% large PRs
    (80 commits, 40 reviews: still one page) and 0.5% huge ones (180 commits, 70 reviews:
    one follow-up request each)."""
    if big and n % 200 == 0:
        return 180, 70
    if big and n % 50 == 0:
        return 80, 40
    return (3 + n % 4, 3) if rich else (2, 1)


def fill(fake: FakeGitHub, repo: str, count: int, *, rich: bool = True, big: bool = False) -> None:
    """``count`` merged PRs (appended in bulk: add_pr would be quadratic here)."""
    prs = fake.add_repo(repo)["pullRequests"]
    for n in range(1, count + 1):
        created = BASE + timedelta(minutes=7 * n)
        n_commits, n_reviews = _size(n, rich, big)
        commits = [
            commit(
                f"{n:07d}{i:033d}",
                f"Step {i} of change {n}"
                + ("\n\nCo-authored-by: Claude <c@a>" if n % 9 == 0 else ""),
                at=created,
            )
            for i in range(n_commits)
        ]
        reviews = [
            review(
                f"R{repo}{n}-{i}",
                login=f"dev{(n + i) % 17}",
                at=created + timedelta(hours=i + 1),
                state="CHANGES_REQUESTED" if i == 0 and n % 5 == 0 else "APPROVED",
                body="looks good" if i else "",
                comments=i,
            )
            for i in range(n_reviews)
        ]
        timeline = (
            [event("ReadyForReviewEvent", f"E{repo}{n}", at=created + timedelta(minutes=20))]
            if n % 3 == 0
            else []
        )
        checks = [check_run("build"), check_run("test", "FAILURE" if n % 11 == 0 else "SUCCESS")]
        if rich:
            checks.append(status_context("ci/lint"))
        prs.append(
            pull_request(
                repo,
                n,
                created=created,
                author=f"dev{n % 17}",
                body=f"Implements part {n}. Fixes #{n % 50 + 1}",
                labels=("feature",) if n % 2 else ("ai-assisted",) if n % 7 == 0 else (),
                commits=commits,
                reviews=reviews,
                timeline=timeline,
                checks=checks,
                check_state="FAILURE" if n % 11 == 0 else "SUCCESS",
            )
        )
    issues = fake.add_repo(repo)["issues"]
    for n in range(1, 51):
        issues.append(
            {
                "__typename": "Issue",
                "id": f"I{repo}{n}",
                "number": 100000 + n,
                "url": f"https://github.com/{repo}/issues/{100000 + n}",
                "title": f"Bug {n}",
                "body": f"Introduced by #{n * 3}",
                "state": "OPEN",
                "createdAt": "2026-02-01T00:00:00Z",
                "closedAt": None,
                "updatedAt": "2026-02-01T00:00:00Z",
                "author": {"__typename": "User", "login": "qa"},
                "labels": [{"name": "bug"}],
            }
        )
    fake.version += 1


def requests_benchmark(prs: int, *, big: bool = False) -> None:
    print(
        "mix:",
        "typical + 2% large + 0.5% huge PRs" if big else "typical PRs (3-6 commits, 3 reviews)",
    )
    with tempfile.TemporaryDirectory() as tmp, FakeGitHub() as fake:
        fill(fake, "bench/app", prs, big=big)
        db = Path(tmp) / "bench.duckdb"
        client = GitHubClient(TOKEN, fake.url)
        started = time.perf_counter()
        summary = sync.sync_github(client, repos=["bench/app"], db=db)
        elapsed = time.perf_counter() - started
        ops = [s.operation for s in fake.graphql_requests()]
        pr_requests = sum(1 for o in ops if o in ("PullRequests", "FollowUps"))
        print(
            f"full sync of {summary.pull_requests} merged PRs: {len(fake.seen)} requests "
            f"({pr_requests} for pull requests incl. {ops.count('FollowUps')} follow-ups, "
            f"{ops.count('Issues')} for issues) in {elapsed:.1f} s"
        )
        print(
            f"  = {pr_requests / prs * 1000:.1f} PR requests per 1,000 PRs "
            f"({len(fake.seen) / prs * 1000:.1f} with issues); target <= 25"
        )
        fake.seen.clear()
        client2 = GitHubClient(TOKEN, fake.url)
        started = time.perf_counter()
        sync.sync_github(client2, repos=["bench/app"], db=db)
        print(
            f"re-sync with nothing new: {len(fake.seen)} requests for 1 repository "
            f"in {time.perf_counter() - started:.2f} s; target <= 2"
        )


def memory_benchmark(prs: int) -> None:
    with tempfile.TemporaryDirectory() as tmp, FakeGitHub() as fake:
        t0 = time.perf_counter()
        fill(fake, "bench/big", prs, rich=False)
        print(f"built {prs} PRs in the fake server in {time.perf_counter() - t0:.0f} s")
        db = Path(tmp) / "big.duckdb"
        # VmHWM, not ru_maxrss: Linux carries ru_maxrss across fork+exec, so a child of
        # this process (which holds the fake server's 100,000 PRs) would report ours.
        code = (
            "import sys, teamlens\n"
            "rc = teamlens.main(sys.argv[1:])\n"
            "hwm = [l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')]\n"
            "print('MAXRSS_KB', hwm[0], file=sys.stderr)\n"
            "sys.exit(rc)\n"
        )
        env = dict(os.environ, GITHUB_TOKEN=TOKEN, PYTHONPATH=str(ROOT))
        started = time.perf_counter()
        done = subprocess.run(
            [
                sys.executable,
                "-c",
                code,
                "ingest",
                "github",
                "--repo",
                "bench/big",
                "--api-url",
                fake.url,
                "--db",
                str(db),
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        elapsed = time.perf_counter() - started
        if done.returncode != 0:
            print(done.stderr[-2000:])
            raise SystemExit("memory benchmark failed")
        rss_kb = int(
            next(
                line.split()[1] for line in done.stderr.splitlines() if line.startswith("MAXRSS_KB")
            )
        )
        print(
            f"ingest of {prs} PRs in a separate process: peak memory {rss_kb / 1024:.0f} MB "
            f"(VmHWM), {len(fake.seen)} requests, {elapsed:.0f} s; target <= 300 MB"
        )
        print(f"  database file: {db.stat().st_size / 1e6:.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prs", type=int, default=1000)
    parser.add_argument("--memory-prs", type=int, default=100_000)
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument("--serve", type=int, metavar="PRS", help="only serve PRS PRs (debugging)")
    args = parser.parse_args()
    if args.serve:
        with FakeGitHub() as fake:
            fill(fake, "bench/big", args.serve, rich=False)
            print(fake.url, flush=True)
            while True:
                time.sleep(60)
    requests_benchmark(args.prs)
    requests_benchmark(args.prs, big=True)
    if not args.skip_memory:
        memory_benchmark(args.memory_prs)


if __name__ == "__main__":
    main()
