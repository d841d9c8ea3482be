"""Benchmark of the Team trends page's figures: ``reports.team_figures.charts()`` for 1, 5
and 12 teams (the most the page draws at a time), by month and by week, over a year up
to the store's last activity, beside what Streamlit then spends serializing them.

Run by hand (never as a test), on a store built by ``teamlens demo`` (``--prs N`` for a
big organization) or ``benchmarks/bench_metrics.py``:

    teamlens demo --prs 100000 --db /tmp/teamlens-bench/demo-100000.duckdb
    python benchmarks/bench_figures.py --db /tmp/teamlens-bench/demo-100000.duckdb

The page's data (``metrics.trends.team_trends``, as ``pages/team_trends.py`` loads it) is
built first and not timed; then, for each case, the best of ``--repeat`` runs of:

* ``charts()``: the five grids of small multiples, as plotly figures;
* ``to Streamlit``: what ``st.plotly_chart`` does with each figure before sending it
  (``plotly.tools.return_figure_from_figure_or_data``, then ``plotly.io.to_json``), and
  the JSON's size.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import UTC, datetime, timedelta
from datetime import time as clock
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SIZES = (1, 5, 12)
PERIODS = ("month", "week")


def _best(run, arg, repeat: int) -> tuple[float, object]:
    """The fastest of ``repeat`` runs of ``run(arg)``, and its result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        result = run(arg)
        best = min(best, time.perf_counter() - started)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="/tmp/teamlens-bench/demo-100000.duckdb")
    parser.add_argument("--repeat", type=int, default=5, help="runs per case (best kept)")
    args = parser.parse_args()
    if not Path(args.db).exists():
        raise SystemExit(f"{args.db}: no such store (build one: teamlens demo --db {args.db})")

    import plotly.io as pio
    import plotly.tools

    from metrics import inventory, trends
    from reports import team_figures
    from reports import traceability as trace

    def to_streamlit(figures) -> int:
        sent = 0
        for _, fig in figures:
            spec = plotly.tools.return_figure_from_figure_or_data(fig, validate_figure=True)
            sent += len(pio.to_json(spec, validate=False))
        return sent

    _, last = inventory.activity_span(args.db)
    if last is None:
        raise SystemExit(f"{args.db}: the store holds no PRs or defects")
    end = last.date()
    as_of = datetime.combine(end, clock.max, tzinfo=UTC).replace(microsecond=0)
    start = end - timedelta(days=365)
    names = trends.panel_pages(inventory.teams(args.db))[0]
    print(f"cores: {os.cpu_count()}  store: {args.db}")
    print(f"  {start:%d %b %Y} to {end:%d %b %Y}; teams from {names[0]!r}, best of {args.repeat}")
    heads = ("period", "teams", "rows", "charts()", "to Streamlit", "JSON")
    print("  {:<6} {:>5} {:>6} {:>10} {:>13} {:>10}".format(*heads))
    for period in PERIODS:
        for size in SIZES:
            teams = names[:size]
            data = trends.team_trends(args.db, as_of=as_of, period=period, teams=teams, start=start)
            shown = trace.shown_trends(data)  # as the page draws them
            team_figures.charts(shown)  # imports and first-call costs out of the timing
            built, figures = _best(team_figures.charts, shown, args.repeat)
            sent, size_bytes = _best(to_streamlit, figures, args.repeat)
            print(
                f"  {period:<6} {len(data.groups):>5} {len(data.rows):>6} {built:>9.3f}s "
                f"{sent:>12.3f}s {size_bytes / 1024:>7.0f} KiB"
            )


if __name__ == "__main__":
    main()
