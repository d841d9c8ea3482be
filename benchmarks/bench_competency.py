"""Benchmark of the Competencies page's data path and of the board report's level reads, on
a store built by ``benchmarks/bench_metrics.py`` (1M PRs: ~6,700 people).

Run by hand (never as a test):

    python benchmarks/bench_competency.py --db /tmp/teamlens-bench/bench-1000000.duckdb
    python benchmarks/bench_competency.py --db STORE --code /work/main   # another checkout

``--code`` imports teamlens from another checkout (main, for the figures before a change):
a measurement that checkout has no function for is printed as "n/a". Each measurement runs
in a fresh process so its peak memory (VmHWM, DuckDB included) is its own. The store is
only read.

Measurements, whole organization and one team (the largest, ~1,300 people at 1M PRs):

* ``four_calls`` — level_matrix, change_matrix, level_distribution, change_summary one
  after the other on the path (what the page did before it had one call);
* ``page_data`` — the page's one call (:func:`metrics.competency.competency_page`);
* ``heatmap`` — the page's call and the level heatmap of the first page of people;
* ``board_levels`` — the board report's four level reads (skill shares, goals on track
  now and a quarter before) in one read session.

``--apptest`` runs the page itself with Streamlit's AppTest on the store instead (whole
organization): the first run (cold cache; the modules imported beforehand, as in a running
server), the heatmap's next page, the change view, then the team filter set to the largest
team (a new data load), each timed.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
AS_OF = "2026-11-21T00:00:00Z"
BEFORE = "2026-09-30T23:59:59Z"


def largest_team(db: str) -> str:
    from store import read_connection

    with read_connection(db) as conn:
        (team,) = conn.execute(
            "select team from team_memberships where valid_to is null "
            "group by team order by count(*) desc, team limit 1"
        ).fetchone()
    return team


def measure(db: str, what: str, scope: str, repeat: int) -> dict:
    """Run one measurement ``repeat`` times in this process; report times and peak RSS."""
    from metrics import competency as mc
    from store import read_session

    teams = () if scope == "org" else (largest_team(db),)

    def four_calls() -> None:
        mc.level_matrix(db, AS_OF, teams)
        mc.change_matrix(db, AS_OF, teams)
        mc.level_distribution(db, AS_OF, teams)
        mc.change_summary(db, AS_OF, teams)

    def page_data() -> object:
        return mc.competency_page(db, AS_OF, teams)

    def heatmap() -> None:
        from framework import framework
        from reports import competency_view, figures

        data = page_data()
        fw = framework()
        shown = competency_view.people_pages(data.matrix.index)[0]
        figures.level_matrix(shown.rows(data.matrix), fw).to_json()

    def board_levels() -> None:
        from metrics import skills

        with read_session(db) as snap:
            skills.skill_shares(snap, AS_OF, BEFORE)
            skills.goals_on_track(snap, AS_OF)
            skills.goals_on_track(snap, BEFORE)

    calls = {
        "four_calls": four_calls,
        "page_data": page_data,
        "heatmap": heatmap,
        "board_levels": board_levels,
    }
    if what in ("page_data", "heatmap") and not hasattr(mc, "competency_page"):
        return {"what": what, "scope": scope, "missing": True}
    times = []
    for _ in range(repeat):
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
        "scope": f"{scope} ({', '.join(teams)})" if teams else scope,
        "best_s": round(min(times), 3),
        "median_s": round(statistics.median(times), 3),
        "peak_rss_mib": round(peak_kib / 1024),
    }


def apptest(db: str) -> dict:
    """Time the Competencies page under AppTest on ``db`` (this process: one cold start)."""
    os.environ["TEAMLENS_DB"] = db
    from streamlit.testing.v1 import AppTest

    team = largest_team(db)
    # a running server has imported these already: the page's first render is timed apart
    started = time.perf_counter()
    import plotly.graph_objects  # noqa: F401

    import ui  # noqa: F401
    import ui_access  # noqa: F401
    import ui_forms  # noqa: F401
    from reports import competency_view, figures, tables  # noqa: F401

    imports_s = round(time.perf_counter() - started, 2)
    app = AppTest.from_file(str(Path.cwd() / "pages" / "competencies.py"), default_timeout=600)
    steps = {}

    def step(name: str, action) -> None:
        started = time.perf_counter()
        action()
        steps[name] = round(time.perf_counter() - started, 2)
        if app.exception:
            raise SystemExit(f"{name}: {app.exception[0].message}")

    step("first_render_org", app.run)
    picker = app.selectbox(key="cm_page")
    steps["people_pages"] = len(picker.options)
    steps["first_page"] = picker.options[0]
    step("next_people_page", lambda: picker.select_index(1).run())
    view = app.radio(key="cm_view")
    step("change_view", lambda: view.set_value(view.options[1]).run())
    step(f"team_filter_{team}", lambda: app.multiselect(key="tl_teams").select(team).run())
    steps["team_first_page"] = app.selectbox(key="cm_page").options[0]
    status = Path("/proc/self/status").read_text()
    peak_kib = int(
        next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM"))
    )
    return {"imports_before_s": imports_s} | steps | {"peak_rss_mib": round(peak_kib / 1024)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="/tmp/teamlens-bench/bench-1000000.duckdb")
    parser.add_argument("--code", default=str(ROOT), help="the teamlens checkout to import")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--only", nargs="+", default=["four_calls", "page_data", "heatmap", "board_levels"]
    )
    parser.add_argument("--scopes", nargs="+", default=["org", "team"])
    parser.add_argument("--apptest", action="store_true", help="time the page in AppTest")
    parser.add_argument("--child", nargs=3, metavar=("DB", "WHAT", "SCOPE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        sys.path.insert(0, args.code)
        if args.child[1] == "apptest":
            print(json.dumps(apptest(args.child[0])))
        else:
            print(json.dumps(measure(*args.child, args.repeat)))
        return
    if args.apptest:  # a fresh process: its peak memory is the page's own
        out = subprocess.run(
            [sys.executable, __file__, "--code", args.code, "--child", args.db, "apptest", "org"],
            capture_output=True,
            text=True,
            check=True,
            cwd=args.code,
        )
        result = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"Competencies page under AppTest, store {args.db}:")
        for key, value in result.items():
            print(f"   {key:<28} {value}")
        return
    print(
        f"cores: {os.cpu_count()}  as_of: {AS_OF}  repeat: {args.repeat} (best and median)\n"
        f"store: {args.db}\ncode: {args.code}"
    )
    for scope in args.scopes:
        for what in args.only:
            if what == "board_levels" and scope != "org":
                continue  # the board report reads the whole organization only
            out = subprocess.run(
                [
                    *(sys.executable, __file__, "--code", args.code),
                    *("--repeat", str(args.repeat), "--child", args.db, what, scope),
                ],
                capture_output=True,
                text=True,
                check=True,
                cwd=args.code,
            )
            r = json.loads(out.stdout.strip().splitlines()[-1])
            if r.get("missing"):
                print(f"   {what:<14} {scope:<22} n/a (not in this checkout)")
                continue
            print(
                f"   {r['what']:<14} {r['scope']:<22} best {r['best_s']:>7.3f} s  "
                f"median {r['median_s']:>7.3f} s  peak RSS {r['peak_rss_mib']:>5} MiB"
            )


if __name__ == "__main__":
    main()
