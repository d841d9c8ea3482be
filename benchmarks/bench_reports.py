"""Benchmark of the reports layer: how long the review packet and the board summary take to
build on the demo organization, and how many fact builds and connections each one costs.

Run by hand (never as a test):

    python benchmarks/bench_reports.py                         # builds the demo in a temp dir
    python benchmarks/bench_reports.py --db data/teamlens.duckdb --quarter 2026Q3

"Build" is the builder alone (``reports.review.build_packet``, ``reports.board.build_board``):
the store read and the document made, no rendering; ``--render`` also times the Markdown and
chart-free PDF renderings. Fact builds are counted at ``metrics.sqlfiles.build_facts`` (the
temporary fact tables of one as-of) and connections at ``store.connection._connect`` (every
DuckDB open, read or write). The first run of each builder warms the caches and is not
timed; the best and the median of ``--repeat`` runs are printed.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


@contextmanager
def counting() -> Any:
    """Count fact builds and DuckDB connections while the block runs."""
    import metrics.sqlfiles as sqlfiles
    import store.connection as connection

    counts = {"fact builds": 0, "connections": 0}
    build, connect = sqlfiles.build_facts, connection._connect

    def counted_build(*args: Any, **kwargs: Any) -> Any:
        counts["fact builds"] += 1
        return build(*args, **kwargs)

    def counted_connect(*args: Any, **kwargs: Any) -> Any:
        counts["connections"] += 1
        return connect(*args, **kwargs)

    sqlfiles.build_facts, connection._connect = counted_build, counted_connect
    try:
        yield counts
    finally:
        sqlfiles.build_facts, connection._connect = build, connect


def measure(name: str, run: Callable[[], Any], repeat: int) -> Any:
    with counting() as counts:
        result = run()  # warm-up: framework file, SQL files, imports
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    print(
        f"{name:<28} best {min(times) * 1000:7.0f} ms   median "
        f"{statistics.median(times) * 1000:7.0f} ms   "
        f"{counts['fact builds']:>2} fact builds   {counts['connections']:>2} connections"
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=None, help="an existing store (default: demo)")
    parser.add_argument("--quarter", default="2026Q3")
    parser.add_argument("--person", default=None, help="login (default: first alphabetically)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--render", action="store_true", help="also time Markdown and PDF")
    args = parser.parse_args()

    from metrics.calendar import parse_quarter
    from reports import board, review

    with tempfile.TemporaryDirectory() as folder:
        db = args.db
        if db is None:
            from ingest import demo

            db = Path(folder) / "demo.duckdb"
            started = time.perf_counter()
            demo.build_demo(db, seed=7)
            print(f"demo organization built in {time.perf_counter() - started:.1f} s")
        quarter = parse_quarter(args.quarter)
        login = args.person or review.people_choices(db, quarter.as_of())[0][0]
        print(f"store {db}, quarter {quarter.label}, person {login}, {args.repeat} runs")
        packet = measure(
            "review packet (build)",
            lambda: review.build_packet(db, login, quarter),
            args.repeat,
        )
        summary = measure("board summary (build)", lambda: board.build_board(db, quarter), 5)
        if args.render:
            render(packet, summary, args.repeat)


def render(packet: Any, summary: Any, repeat: int) -> None:
    """Markdown and chart-free PDF of both documents (whatever API the reports layer has)."""
    try:
        from reports import formats

        for name, document in (("packet", packet), ("board", summary)):
            for suffix in (".md", ".pdf"):
                fmt = formats.by_suffix(suffix)
                measure(
                    f"{name} {suffix} (render)",
                    lambda fmt=fmt, document=document: fmt.render(document, with_charts=False),
                    repeat,
                )
    except ImportError:  # before the document model: one function per report and format
        from reports import markdown, pdf

        measure("packet .md (render)", lambda: markdown.review_markdown(packet), repeat)
        measure("packet .pdf (render)", lambda: pdf.review_pdf(packet, with_charts=False), repeat)
        measure("board .md (render)", lambda: markdown.board_markdown(summary), repeat)
        measure("board .pdf (render)", lambda: pdf.board_pdf(summary, with_charts=False), repeat)


if __name__ == "__main__":
    main()
