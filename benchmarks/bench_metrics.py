"""Benchmark of the metrics layer: the full aggregate table (team x month) and the Team
trends page's data calls, beside a bare scan of the same PR table, from 100k to 1M PRs.

Run by hand (never as a test):

    python benchmarks/bench_metrics.py                     # 100k, 300k, 1M merged PRs
    python benchmarks/bench_metrics.py --sizes 1000000 --dir /tmp/bench

The stores are built with the demo generator scaled up (``ingest.demo.generate(seed,
n_prs=...)``: proportional reviews, commits, events and defects) and written straight
into DuckDB; links are read from the PR and defect texts with the same functions the
writer uses (only the rows whose text could hold a reference are parsed). A store is
built once per size and reused. Each measurement runs in a fresh process so its peak
memory (max RSS, DuckDB included) is its own.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

AS_OF = "2026-11-21T00:00:00Z"
REPEAT = 3


def build_store(path: Path, n_prs: int) -> dict:
    """Generate a scaled demo organization and write it into a new DuckDB file."""
    import pandas as pd

    from ingest import demo, writer
    from store import write_transaction
    from store.schema import PR_KEYS_BACKFILL

    started = time.perf_counter()
    data = demo.generate(7, n_prs=n_prs)
    generated = time.perf_counter() - started
    provenance = {
        "source": "demo",
        "source_url": None,
        "fetched_at": datetime(2026, 1, 1, tzinfo=UTC),
    }
    prs = data["pull_requests"]
    defects = data["defects"]
    # Only texts that could hold a reference are parsed (the rest yield no link anyway).
    maybe = prs["body"].fillna("").str.contains(r"(?i)fix|close|resolv|revert", regex=True) | prs[
        "title"
    ].fillna("").str.startswith("Revert ")
    links = [row for pr in prs[maybe].to_dict("records") for row in writer.pr_links(pr)]
    cause = (defects["title"].fillna("") + " " + defects["body"].fillna("")).str.contains(
        r"(?i)introduced|caused|regress|broken", regex=True
    )
    links += [row for d in defects[cause].to_dict("records") for row in writer.defect_links(d)]
    started_write = time.perf_counter()
    with write_transaction(path) as conn:
        for table in demo.TABLES:
            frame = writer._frame(data[table], provenance)  # provenance columns, refused dropped
            conn.register("_rows", frame)
            conn.execute(f"insert into {table} by name select * from _rows")  # noqa: S608
            conn.unregister("_rows")
        frame = writer._frame(pd.DataFrame(writer._dedupe_links(links)), provenance)
        conn.register("_rows", frame)
        conn.execute("insert into links by name select * from _rows")
        conn.unregister("_rows")
        # rows written straight, not through writer.replace_pull_requests: fill their
        # integer PR keys and first commit times as the writer would (store migration 4)
        conn.execute(PR_KEYS_BACKFILL)
    return {
        "generate_s": round(generated, 1),
        "write_s": round(time.perf_counter() - started_write, 1),
        "rows": {k: int(v) for k, v in data.counts().items()} | {"links": len(links)},
    }


def measure(db: str, what: str) -> dict:
    """Run one measurement ``REPEAT`` times in this process; report times and peak RSS."""
    import metrics
    from metrics import trends
    from store import read_connection

    def bare_scan() -> None:
        with read_connection(db) as conn:
            conn.execute(
                "select count(*), sum(epoch(merged_at - created_at)) from pull_requests "
                "where merged_at <= $as_of and not is_author_bot",
                {"as_of": metrics.parse_as_of(AS_OF)},
            ).fetchall()

    calls = {
        "bare_scan": bare_scan,
        "full_table_team_month": lambda: metrics.compute(
            db, as_of=AS_OF, period="month", by="team"
        ),
        "org_week": lambda: metrics.compute(db, as_of=AS_OF, period="week", by="org"),
        "pr_facts": lambda: metrics.pr_facts(db, AS_OF),
        "red_flags_month": lambda: metrics.red_flags(db, AS_OF, "month"),
        "team_trends_page_one_team": lambda: trends.team_trends(
            db, as_of=AS_OF, period="month", teams=("Mobile",), start=date(2025, 11, 21)
        ),
        "team_trends_page_org": lambda: trends.team_trends(
            db, as_of=AS_OF, period="month", teams=(), start=date(2025, 11, 21)
        ),
    }
    times = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        calls[what]()
        times.append(time.perf_counter() - started)
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss over exec from the (large) parent
    status = Path("/proc/self/status").read_text()
    peak_kib = int(
        next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM"))
    )
    return {
        "what": what,
        "best_s": round(min(times), 3),
        "median_s": round(statistics.median(times), 3),
        "peak_rss_mib": round(peak_kib / 1024),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 300_000, 1_000_000])
    parser.add_argument("--dir", default="/tmp/teamlens-bench")
    parser.add_argument(
        "--only",
        nargs="+",
        default=[
            "bare_scan",
            "full_table_team_month",
            "org_week",
            "red_flags_month",
            "team_trends_page_one_team",
            "team_trends_page_org",
        ],
    )
    parser.add_argument("--child", nargs=2, metavar=("DB", "WHAT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(*args.child)))
        return
    folder = Path(args.dir)
    folder.mkdir(parents=True, exist_ok=True)
    print(f"cores: {os.cpu_count()}  as_of: {AS_OF}  repeat: {REPEAT} (best and median)")
    for size in args.sizes:
        db = folder / f"bench-{size}.duckdb"
        if not db.exists():
            info = build_store(db, size)
            print(f"\n== {size:,} PRs: built in {info['generate_s']} s + {info['write_s']} s write")
            print("   rows: " + ", ".join(f"{k} {v:,}" for k, v in info["rows"].items()))
        else:
            print(f"\n== {size:,} PRs (store reused: {db})")
        for what in args.only:
            out = subprocess.run(
                [sys.executable, __file__, "--child", str(db), what],
                capture_output=True,
                text=True,
                check=True,
            )
            r = json.loads(out.stdout.strip().splitlines()[-1])
            print(
                f"   {r['what']:<28} best {r['best_s']:>7.3f} s  median {r['median_s']:>7.3f} s"
                f"  peak RSS {r['peak_rss_mib']:>5} MiB"
            )


if __name__ == "__main__":
    main()
