"""Benchmark of each page's data path on a big store: the page run by Streamlit's AppTest
(its loaders, metrics and reports; no browser), beside a bare scan and the fact build.

Run by hand (never as a test), on a store built by ``benchmarks/bench_metrics.py`` or
``teamlens demo --prs N``:

    python benchmarks/bench_page_data.py --db /tmp/teamlens-bench/bench-1000000.duckdb

For every page, in a fresh process of its own:

* ``cold``: the page's first run (the process's fact build included);
* ``warm``: the same page again with Streamlit's caches cleared: the shared fact build
  (metrics.fact_cache) reused, as when another page or another user built it first;
* ``filter``: one filter changed (a team, a person or a quarter), as a user does.

Then one process tours every page (cold, in the navigation's order) and reports its peak
memory: the app's memory after touring every page. Times are also printed as ratios to
the bare scan of the PR table timed in the same process. The browser benchmark
(benchmarks/bench_pages.py) measures what a user sees; this one the data path alone.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PAGES = (
    "team_trends",
    "executive_summary",
    "quarterly_review",
    "person",
    "data_sources",
    "how_we_measure",
)


def _peak_mib() -> int:
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss over exec from the parent
    status = Path("/proc/self/status").read_text()
    line = next(x for x in status.splitlines() if x.startswith("VmHWM"))
    return round(int(line.split()[1]) / 1024)


def bare_scan(db: str) -> float:
    """Seconds for one scan of the merged PRs (count and a sum), the yardstick."""
    from metrics import parse_as_of
    from store import read_connection

    started = time.perf_counter()
    with read_connection(db) as conn:
        conn.execute(
            "select count(*), sum(epoch(merged_at - created_at)) from pull_requests "
            "where merged_at <= $as_of and not is_author_bot",
            {"as_of": parse_as_of(None)},
        ).fetchall()
    return time.perf_counter() - started


def fact_build(db: str) -> float:
    """Seconds for the fact build alone (on its own connection, outside any cache, never
    reading saved facts)."""
    from metrics import parse_as_of, sqlfiles
    from settings import settings
    from store import read_connection

    started = time.perf_counter()
    with read_connection(db) as conn:
        sqlfiles.build_facts(conn, parse_as_of(None), settings(), saved=False)
    return time.perf_counter() - started


def _run(at) -> float:
    started = time.perf_counter()
    at.run()
    if at.exception:
        raise RuntimeError(str(at.exception[0].message))
    return time.perf_counter() - started


def _change_filter(page: str, at) -> None:
    """Change the filter a user of ``page`` would change first."""
    if page == "person":
        box = at.selectbox(key="person_login")
        box.set_value(box.options[1] if len(box.options) > 1 else box.options[0])
    elif page in ("executive_summary", "quarterly_review"):
        box = at.selectbox(key="board_quarter" if page == "executive_summary" else "review_quarter")
        box.set_value(box.options[1])
    elif page == "team_trends":
        teams = at.sidebar.multiselect[0]
        teams.set_value([teams.options[0]])
    else:
        period = at.sidebar.selectbox[0]
        period.set_value("week")


def page_child(db: str, page: str) -> dict:
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    os.environ["TEAMLENS_DB"] = db
    scan = min(bare_scan(db) for _ in range(3))
    at = AppTest.from_file(str(ROOT / "pages" / f"{page}.py"), default_timeout=600)
    cold = _run(at)
    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "pages" / f"{page}.py"), default_timeout=600)
    warm = _run(at)
    _change_filter(page, at)
    changed = _run(at)
    return {
        "page": page,
        "scan": scan,
        "cold": cold,
        "warm": warm,
        "filter": changed,
        "rss": _peak_mib(),
    }


def tour_child(db: str) -> dict:
    from streamlit.testing.v1 import AppTest

    os.environ["TEAMLENS_DB"] = db
    times = {}
    for page in PAGES:
        path = str(ROOT / "pages" / f"{page}.py")
        times[page] = _run(AppTest.from_file(path, default_timeout=600))
    return {"times": times, "rss": _peak_mib()}


def build_child(db: str) -> dict:
    scan = min(bare_scan(db) for _ in range(3))
    build = min(fact_build(db) for _ in range(2))
    return {"scan": scan, "build": build, "rss": _peak_mib()}


def _child(*args: str) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", *args], capture_output=True, text=True, check=False
    )
    if out.returncode:
        raise SystemExit(f"{args}: {out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="/tmp/teamlens-bench/bench-1000000.duckdb")
    parser.add_argument("--pages", nargs="+", default=list(PAGES), choices=PAGES)
    parser.add_argument("--no-tour", action="store_true")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, db, *rest = args.child
        result = {"build": build_child, "page": page_child, "tour": tour_child}[kind](db, *rest)
        print(json.dumps(result))
        return
    print(f"cores: {os.cpu_count()}  store: {args.db}")
    base = _child("build", args.db)
    scan = base["scan"]
    print(
        f"  bare scan {scan:6.3f} s   fact build {base['build']:6.3f} s "
        f"({base['build'] / scan:4.1f}x the scan)   peak RSS {base['rss']} MiB"
    )
    print(f"  {'page':<18} {'cold':>16} {'warm':>16} {'filter change':>16}  peak RSS")
    for page in args.pages:
        r = _child("page", args.db, page)
        cells = [f"{r[k]:6.2f} s {r[k] / r['scan']:5.1f}x" for k in ("cold", "warm", "filter")]
        print(f"  {page:<18} {cells[0]:>16} {cells[1]:>16} {cells[2]:>16}  {r['rss']:5} MiB")
    if not args.no_tour:
        tour = _child("tour", args.db)
        line = ", ".join(f"{p} {s:.2f} s" for p, s in tour["times"].items())
        print(f"  tour of every page in one process: {line}")
        print(f"  app memory after the tour (peak RSS): {tour['rss']} MiB")


if __name__ == "__main__":
    main()
