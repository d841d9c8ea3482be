"""Benchmark: how long the demo organization takes to build (and to generate at scale).

Run by hand, never as a test:

    python benchmarks/bench_demo.py                  # build the demo into a temporary db
    python benchmarks/bench_demo.py --n-prs 1000000  # also time generate() at 1M merged PRs

Prints the wall-clock times and the rows per table.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ingest import demo


def _print_counts(counts: dict[str, int]) -> None:
    for table, n in counts.items():
        print(f"  {table:<24}{n:>12,}")


def bench_build(seed: int, repeat: int) -> None:
    times = []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as folder:
            started = time.perf_counter()
            summary = demo.build_demo(Path(folder) / "demo.duckdb", seed=seed)
            times.append(time.perf_counter() - started)
    print(
        f"build_demo(seed={seed}): best {min(times):.2f} s, worst {max(times):.2f} s "
        f"over {repeat} run(s)"
    )
    _print_counts(summary["counts"])


def bench_generate(seed: int, n_prs: int) -> None:
    started = time.perf_counter()
    data = demo.generate(seed, n_prs=n_prs)
    elapsed = time.perf_counter() - started
    merged = int(data["pull_requests"]["merged_at"].notna().sum())
    print(f"generate(seed={seed}, n_prs={n_prs:,}): {elapsed:.1f} s, {merged:,} merged PRs")
    _print_counts(data.counts())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3, help="build runs (best is reported)")
    parser.add_argument("--n-prs", type=int, default=None, help="also time generate() at this size")
    args = parser.parse_args()
    bench_build(args.seed, args.repeat)
    if args.n_prs:
        bench_generate(args.seed, args.n_prs)


if __name__ == "__main__":
    main()
