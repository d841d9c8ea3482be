"""Benchmark: how long the demo organization takes to build, at its size and at scale.

Run by hand, never as a test:

    python benchmarks/bench_demo.py                    # the demo (6,000 PRs), best of 3
    python benchmarks/bench_demo.py --prs 1000000      # also teamlens demo --prs 1000000
    python benchmarks/bench_demo.py --prs 1000000 --keep /tmp/teamlens-bench/demo-1000000.duckdb

Prints wall-clock times, the git history's share (fast-import, commits, ties, SZZ: what
each copy of the organization would cost if every copy had one), peak memory (VmHWM of a
fresh process per build, DuckDB included), the size on disk and the rows per table.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _print_counts(counts: dict[str, int]) -> None:
    for table, n in counts.items():
        print(f"  {table:<24}{n:>12,}")


def _peak_mib() -> int:
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss over exec from the parent
    status = Path("/proc/self/status").read_text()
    kib = next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM"))
    return round(int(kib) / 1024)


def build(db: str, n_prs: int | None, seed: int) -> dict:
    """One build in this process: times, the git phase, peak memory, size, rows."""
    from ingest import demo

    marks: list[tuple[float, str]] = []
    started = time.perf_counter()

    def progress(message: str) -> None:
        marks.append((time.perf_counter() - started, message))
        print(f"  [{marks[-1][0]:6.1f} s] {message}", file=sys.stderr, flush=True)

    summary = demo.build_demo(db, seed=seed, n_prs=n_prs, progress=progress)
    total = time.perf_counter() - started
    git_from = next(t for t, m in marks if "reading git" in m)
    git_to = next((t for t, m in marks if m.startswith("demo: committing")), total)
    return {
        "seconds": round(total, 1),
        "git_seconds": round(git_to - git_from, 1),
        "peak_mib": _peak_mib(),
        "size_mb": round(Path(db).stat().st_size / 1e6),
        "copies": summary["copies"],
        "counts": summary["counts"],
    }


def _child(db: str, n_prs: int | None, seed: int) -> dict:
    command = [sys.executable, __file__, "--child", db, str(n_prs or 0), str(seed)]
    out = subprocess.run(command, capture_output=False, stdout=subprocess.PIPE, text=True)
    out.check_returncode()
    return json.loads(out.stdout.strip().splitlines()[-1])


def bench_default(seed: int, repeat: int) -> None:
    runs = []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as folder:
            runs.append(_child(str(Path(folder) / "demo.duckdb"), None, seed))
    best = min(runs, key=lambda r: r["seconds"])
    print(
        f"teamlens demo (seed {seed}): best {best['seconds']:.1f} s, worst "
        f"{max(r['seconds'] for r in runs):.1f} s over {repeat} run(s); git history "
        f"{best['git_seconds']:.1f} s of it; peak {best['peak_mib']} MiB; {best['size_mb']} MB"
    )
    _print_counts(best["counts"])


def bench_scale(seed: int, n_prs: int, keep: str | None) -> None:
    with tempfile.TemporaryDirectory() as folder:
        db = keep or str(Path(folder) / f"demo-{n_prs}.duckdb")
        if keep:
            Path(keep).parent.mkdir(parents=True, exist_ok=True)
            for stale in (Path(keep), Path(keep + ".wal")):
                stale.unlink(missing_ok=True)
        r = _child(db, n_prs, seed)
    print(
        f"teamlens demo --prs {n_prs:,} (seed {seed}): {r['seconds']:.1f} s, "
        f"{r['copies']:,} copies; git history (copy 1 only) {r['git_seconds']:.1f} s; "
        f"peak {r['peak_mib']:,} MiB; {r['size_mb']:,} MB on disk" + (f" ({keep})" if keep else "")
    )
    _print_counts(r["counts"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3, help="default builds (best is shown)")
    parser.add_argument("--prs", type=int, default=None, help="also build at this size")
    parser.add_argument("--keep", default=None, help="where to keep the --prs store")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        db, n_prs, seed = args.child
        print(json.dumps(build(db, int(n_prs) or None, int(seed))))
        return
    bench_default(args.seed, args.repeat)
    if args.prs:
        bench_scale(args.seed, args.prs, args.keep)


if __name__ == "__main__":
    main()
