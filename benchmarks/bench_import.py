"""Benchmark: `teamlens import defects` on a large Jira export (run by hand; never a test).

Generates a realistic Jira Cloud "Export CSV (all fields)" file of about 200 MB — a BOM,
CRLF, repeated Labels / Sprint / Components / Watchers / Attachment / Comment / issue-link
columns, Σ columns, long multi-line descriptions and comments, empty cells, about one row
in four a Bug — then, each in a separate process so that each peak is its own, prints:

* the baseline: reading the same file with ``csv.reader`` alone (rows/s, peak RSS);
* ``teamlens import defects`` into a fresh database (rows/s, peak RSS, database size).

Peak RSS is VmHWM (Linux carries ru_maxrss across fork+exec, so a child would report this
process's). Target (issue 10): peak under 500 MB for a 200 MB export.

Usage: python benchmarks/bench_import.py [--mb 200] [--bugs 0.25] [--keep FILE]
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

HEADER = [
    "Summary",
    "Issue key",
    "Issue id",
    "Issue Type",
    "Status",
    "Project key",
    "Project name",
    "Project type",
    "Priority",
    "Resolution",
    "Assignee",
    "Reporter",
    "Creator",
    "Created",
    "Updated",
    "Last Viewed",
    "Resolved",
    "Fix versions",
    "Components",
    "Components",
    "Due date",
    "Votes",
    "Labels",
    "Labels",
    "Labels",
    "Description",
    "Environment",
    "Watchers",
    "Watchers",
    "Watchers",
    "Original Estimate",
    "Remaining Estimate",
    "Time Spent",
    "Σ Original Estimate",
    "Σ Remaining Estimate",
    "Σ Time Spent",
    "Security Level",
    "Inward issue link (Blocks)",
    "Outward issue link (Blocks)",
    "Outward issue link (Cloners)",
    "Outward issue link (Relates)",
    "Outward issue link (Relates)",
    "Attachment",
    "Attachment",
    "Attachment",
    "Custom field (Epic Link)",
    "Custom field (Rank)",
    "Custom field (Story point estimate)",
    "Sprint",
    "Sprint",
    "Custom field (Development)",
    "Comment",
    "Comment",
    "Comment",
    "Comment",
    "Comment",
    "Status Category",
    "Status Category Changed",
]
TYPES = ["Story", "Task", "Sub-task", "Epic"]
SENTENCE = (
    "the checkout page fails when a coupon is applied twice and the basket total goes "
    "negative after refresh; steps to reproduce: open cart, add item, apply SAVE10, "
    "reload, see {code}NullPointerException{code} in PaymentService.total() — expected "
    "the discount once, got it twice, customers are charged zero (é, ü, 😀)"
)
WORDS = SENTENCE.split(" ")


def _jira_date(moment: datetime) -> str:
    return moment.strftime("%d/%b/%y %I:%M %p").lstrip("0")


def _text(rnd: random.Random, paragraphs: int) -> str:
    lines = []
    for _ in range(paragraphs):
        lines.append(" ".join(rnd.choice(WORDS) for _ in range(rnd.randint(8, 40))))
        if rnd.random() < 0.3:
            lines.append("")
    return "\r\n".join(lines)


def generate(path: Path, target_mb: float, bug_share: float, seed: int = 10) -> int:
    """Write the export; return its number of rows."""
    rnd = random.Random(seed)
    base = datetime(2024, 1, 1, 9, 0, tzinfo=UTC)
    limit = target_mb * 1e6
    rows = 0
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        out = csv.writer(handle, lineterminator="\r\n")
        out.writerow(HEADER)
        while handle.tell() < limit:
            rows += 1
            created = base + timedelta(minutes=37 * rows)
            bug = rnd.random() < bug_share
            kind = "Bug" if bug else rnd.choice(TYPES)
            done = rnd.random() < 0.7
            outcomes = ["Done", "Done", "Done", "Won't Do", "Duplicate"]
            resolution = rnd.choice(outcomes) if done else ""
            resolved = _jira_date(created + timedelta(hours=rnd.randint(1, 400))) if done else ""
            comments = [
                f"{_jira_date(created + timedelta(hours=i))};557058:{rnd.randint(1, 99)};"
                + _text(rnd, rnd.randint(1, 4))
                if rnd.random() < 0.6
                else ""
                for i in range(5)
            ]
            out.writerow(
                [
                    _text(rnd, 1)[:120],
                    f"PAY-{rows}",
                    str(10000 + rows),
                    kind,
                    "Done" if done else rnd.choice(["To Do", "In Progress", "In Review"]),
                    "PAY",
                    "Payments",
                    "software",
                    rnd.choice(["Highest", "High", "Medium", "Low"]),
                    resolution,
                    "Ana Lima",
                    "Bo Chen",
                    "Bo Chen",
                    _jira_date(created),
                    _jira_date(created + timedelta(hours=500)),
                    "",
                    resolved,
                    "",
                    "backend",
                    rnd.choice(["", "payments"]),
                    "",
                    "0",
                    rnd.choice(["", "regression", "customer"]),
                    rnd.choice(["", "checkout"]),
                    "",
                    _text(rnd, rnd.randint(3, 30)) if rnd.random() < 0.9 else "",
                    "",
                    "ana",
                    rnd.choice(["", "bo"]),
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    rnd.choice(["", f"PAY-{max(1, rows - 3)}"]),
                    "",
                    "",
                    rnd.choice(["", f"PAY-{max(1, rows - 1)}"]),
                    "",
                    rnd.choice(["", f"{_jira_date(created)};ana;screenshot.png;https://x/1"]),
                    "",
                    "",
                    "",
                    f"0|i00{rows:05d}:",
                    rnd.choice(["", "3", "5"]),
                    rnd.choice(["Sprint 41", ""]),
                    rnd.choice(["Sprint 42", ""]),
                    "{}",
                    *comments,
                    "Done" if done else "In Progress",
                    _jira_date(created + timedelta(hours=3)),
                ]
            )
    return rows


_PEAK = (
    "hwm = [l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')]\n"
    "print('PEAK_KB', hwm[0], file=sys.stderr)\n"
)
_BASELINE = (
    "import csv, sys\n"
    "csv.field_size_limit(2**31 - 1)\n"
    "n = 0\n"
    "with open(sys.argv[1], encoding='utf-8-sig', newline='') as f:\n"
    "    for row in csv.reader(f):\n"
    "        n += 1\n"
    "print('ROWS', n - 1, file=sys.stderr)\n" + _PEAK
)
_IMPORT = "import sys, teamlens\nrc = teamlens.main(sys.argv[1:])\n" + _PEAK + "sys.exit(rc)\n"


def _run(code: str, *args: str) -> tuple[float, int, str]:
    """(seconds, peak KB, stderr) of ``python -c code args`` in its own process."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=ROOT,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        print(done.stderr[-3000:])
        raise SystemExit("benchmark run failed")
    peak = next(int(x.split()[1]) for x in done.stderr.splitlines() if x.startswith("PEAK_KB"))
    return elapsed, peak, done.stderr


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=200.0, help="size of the export")
    parser.add_argument("--bugs", type=float, default=0.25, help="share of rows that are bugs")
    parser.add_argument("--keep", type=Path, default=None, help="write the export here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        export = args.keep or Path(tmp) / "jira.csv"
        started = time.perf_counter()
        rows = generate(export, args.mb, args.bugs)
        size_mb = export.stat().st_size / 1e6
        print(
            f"generated {export.name}: {size_mb:.0f} MB, {rows} rows, "
            f"{len(HEADER)} columns, in {time.perf_counter() - started:.0f} s"
        )
        seconds, peak, _err = _run(_BASELINE, str(export))
        print(
            f"baseline csv.reader alone: {rows / seconds:,.0f} rows/s "
            f"({seconds:.1f} s), peak {peak / 1024:.0f} MB (VmHWM)"
        )
        db = Path(tmp) / "bench.duckdb"
        seconds, peak, err = _run(_IMPORT, "import", "defects", str(export), "--db", str(db))
        summary = next((x for x in err.splitlines() if x.startswith("imported")), "")
        print(
            f"teamlens import defects: {rows / seconds:,.0f} rows/s ({seconds:.1f} s, "
            f"{size_mb / seconds:.1f} MB/s), peak {peak / 1024:.0f} MB (VmHWM); "
            f"target < 500 MB"
        )
        print(f"  {summary}")
        print(f"  database file: {db.stat().st_size / 1e6:.0f} MB")


if __name__ == "__main__":
    main()
