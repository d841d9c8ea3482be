"""Benchmark of what users feel: every page's first render and a filter change, in headless
Chromium against a real Streamlit server on a large store, beside a bare scan of the PR
table timed in the same run; and the app's memory after touring every page.

Run by hand (never as a test), from the checkout whose app is measured:

    .venv/bin/python benchmarks/bench_pages.py                   # the 1M-PR store in /tmp
    .venv/bin/python benchmarks/bench_pages.py --db /tmp/bench-small.duckdb --json

What is timed
* A page's **first render**: from navigation start (a fresh browser context, so a fresh
  Streamlit session) until Streamlit's run has finished -- ``stApp``'s
  ``data-test-script-state`` went ``running`` and is back at ``notRunning``, with no
  ``stSpinner``, no stale element and no ``stSkeleton`` (a lazily loaded element such as
  a chart still coming) -- and every ``stPlotlyChart`` holds a drawn ``.main-svg``,
  the whole condition holding for ``--settle`` seconds (a rerun would break it). The time
  is when that stable stretch began. A page that does not get there within ``--timeout``
  is reported as a timeout, not as a number.
* The pages are visited in order (the overview, then ``ui.PAGES``) on **one** server
  process: its caches warm over the tour, so a later page can profit from an earlier one.
  That order is printed. Then each page is revisited ``--repeat`` times (fresh contexts,
  warm caches: best and median). Team trends is also timed once on a **cold process**
  (the server restarted, Team trends its first request).
* A page's **first render in a session**, as a reader gets there: a fresh server, the
  overview opened, then each page's sidebar link clicked in turn, timed from the click (the
  app's code is in the tab already; the server's caches are cold but for the pages before).
* The **floor**: two Streamlit apps that draw almost nothing (a title; a title and one
  3-point plotly chart) timed like a first render, ``--baseline-repeat`` times each, before
  the tour -- what any Streamlit page, and any page with a chart, costs on this machine.
* A **filter change**: on Team trends, one team picked in the sidebar, then the whole
  organization again, then another team (and one team on Competencies), each from the key
  press until the rerun finished and the charts are drawn.
* The **bare scan**: ``count(*)`` and a sum over merged, non-bot PRs up to as-of on a fresh
  read-only connection (as benchmarks/bench_metrics.py), before and after the tour.
* **Memory**: VmRSS and VmHWM of the server process and its descendants, from /proc, after
  the tour and at the end; the tab's JS heap (CDP ``Performance.getMetrics``) and the
  largest Chromium renderer's RSS after each first render.

The app writes audit rows when the Person and Quarterly review pages are opened, so the
server runs on a private copy of the store (made under the store's shared lock), deleted
at the end. The server and the browser are always stopped, even on error.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BENCH_DIR = Path("/tmp/teamlens-bench")
DEFAULT_DBS = (BENCH_DIR / "demo-1000000.duckdb", BENCH_DIR / "bench-1000000.duckdb")
CHROMIUM = os.environ.get("TEAMLENS_CHROMIUM", "/usr/bin/chromium")
TEAM_TRENDS = "team_trends"
TARGET_TEAM_TRENDS_S = 2.0
TARGET_PAGE_S = 3.0
TARGET_FILTER_S = 1.0
TARGET_MEMORY_MIB = 1024

# Installed in every page before its scripts run: records each change of Streamlit's
# script-run state with its time (performance.now(), 0 = navigation start).
OBSERVER = """
window.__tl = {states: [], since: null};
new MutationObserver(records => {
  for (const r of records) {
    const v = r.target.getAttribute('data-test-script-state');
    window.__tl.states.push([performance.now(), v]);
  }
}).observe(document, {
  subtree: true, attributes: true, attributeFilter: ['data-test-script-state'],
});
"""

# Polled by wait_for_function: the time the "run finished, charts drawn" condition began
# holding, once it has held for `settle` ms; false before.
DONE = """([settle, after]) => {
  const tl = window.__tl;
  const now = performance.now();
  const app = document.querySelector('[data-testid=stApp]');
  const ran = tl.states.some(([t, v]) => t >= after && v === 'running');
  const charts = [...document.querySelectorAll('[data-testid=stPlotlyChart]')];
  const ok = app !== null && ran
    && app.getAttribute('data-test-script-state') === 'notRunning'
    && document.querySelector('[data-testid=stSpinner]') === null
    && document.querySelector('[data-testid=stSkeleton], [data-testid=stSkeletonElement]') === null
    && document.querySelector('[data-stale=true]') === null
    && charts.every(c => c.querySelector('.main-svg') !== null);
  if (!ok) { tl.since = null; return false; }
  if (tl.since === null) tl.since = now;
  return now - tl.since >= settle ? tl.since : false;
}"""

CHART_COUNT = """() => {
  const charts = [...document.querySelectorAll('[data-testid=stPlotlyChart]')];
  return [charts.filter(c => c.querySelector('.main-svg') !== null).length, charts.length];
}"""


@dataclass
class Render:
    """One timed render: a page load or a filter change."""

    what: str
    seconds: float | None  # None: timed out or failed
    charts_drawn: int = 0
    charts: int = 0
    timeout: bool = False
    error: str | None = None
    js_heap_mib: float | None = None
    renderer_rss_mib: float | None = None


@dataclass
class Results:
    db: str
    rows: int | None
    as_of: str
    cores: int | None
    load_start: tuple[float, float, float]
    load_end: tuple[float, float, float] | None = None
    bare_scan_s: list[float] = field(default_factory=list)
    order: list[str] = field(default_factory=list)
    first: dict[str, dict] = field(default_factory=dict)
    revisits: dict[str, list[dict]] = field(default_factory=dict)
    filters: list[dict] = field(default_factory=list)
    cold_team_trends: dict | None = None
    navigation: dict[str, dict] = field(default_factory=dict)
    baselines: dict[str, list[dict]] = field(default_factory=dict)
    memory_after_tour: dict | None = None
    memory_at_end: dict | None = None
    notes: list[str] = field(default_factory=list)


def log(message: str) -> None:
    print(f"[bench_pages {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- processes (from /proc) -------------------------------------------------------------


def descendants(pid: int) -> set[int]:
    found: set[int] = set()
    todo = [pid]
    while todo:
        parent = todo.pop()
        for task in Path(f"/proc/{parent}/task").glob("*"):
            try:
                kids = {int(k) for k in (task / "children").read_text().split()}
            except OSError:
                continue
            todo.extend(kids - found)
            found |= kids
    return found


def status_kib(pid: int, key: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def memory(pid: int) -> dict:
    """VmRSS and VmHWM (MiB) of ``pid`` and of its descendants, summed."""
    pids = {pid} | descendants(pid)
    return {
        "processes": len(pids),
        "rss_mib": round(sum(status_kib(p, "VmRSS") for p in pids) / 1024),
        "hwm_mib": round(sum(status_kib(p, "VmHWM") for p in pids) / 1024),
    }


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def largest_renderer_mib() -> float | None:
    """The RSS of the biggest Chromium renderer under this process (one tab is open)."""
    sizes = [
        status_kib(p, "VmRSS")
        for p in descendants(os.getpid())
        if "chrom" in cmdline(p).lower() and "--type=renderer" in cmdline(p)
    ]
    return round(max(sizes) / 1024) if sizes else None


# --- the store ----------------------------------------------------------------------------


def default_db() -> Path:
    return next((p for p in DEFAULT_DBS if p.exists()), DEFAULT_DBS[-1])


def private_copy(source: Path, folder: Path) -> Path:
    """Copy the store (and a WAL, if any) under its shared lock: no writer mid-copy."""
    from store import locks

    target = folder / source.name
    with locks.shared(source):
        shutil.copyfile(source, target)
        wal = source.with_name(source.name + ".wal")
        if wal.exists():
            shutil.copyfile(wal, target.with_name(target.name + ".wal"))
    return target


def pr_rows(db: Path) -> int | None:
    from store import read_connection

    with read_connection(db) as conn:
        return int(conn.execute("select count(*) from pull_requests").fetchall()[0][0])


def bare_scan(db: Path, as_of: datetime, repeat: int) -> list[float]:
    """The bare scan of the PR table, each on a fresh read-only connection."""
    from store import read_connection

    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        with read_connection(db) as conn:
            conn.execute(
                "select count(*), sum(epoch(merged_at - created_at)) from pull_requests "
                "where merged_at <= $as_of and not is_author_bot",
                {"as_of": as_of},
            ).fetchall()
        times.append(time.perf_counter() - started)
    return times


# --- the server ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``streamlit run app.py`` on the store copy; stop() ends it and anything it started."""

    def __init__(self, db: Path, log_path: Path, script: Path = ROOT / "app.py") -> None:
        self.db = db
        self.log_path = log_path
        self.script = script
        self.proc: subprocess.Popen | None = None
        self.url = ""

    def start(self) -> None:
        port = free_port()
        env = {**os.environ, "TEAMLENS_DB": str(self.db)}
        with self.log_path.open("a") as out:
            self.proc = subprocess.Popen(
                [
                    sys.executable, "-m", "streamlit", "run", str(self.script),
                    "--server.headless=true", f"--server.port={port}",
                    "--browser.gatherUsageStats=false", "--server.fileWatcherType=none",
                ],
                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
            )  # fmt: skip
        self.url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                tail = self.log_path.read_text()[-3000:]
                raise RuntimeError(f"streamlit did not start:\n{tail}")
            time.sleep(0.3)

    def memory(self) -> dict:
        assert self.proc is not None
        return memory(self.proc.pid)

    def stop(self) -> None:
        if self.proc is None:
            return
        started = descendants(self.proc.pid)
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=15)
        for pid in started:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        self.proc = None


# --- the browser --------------------------------------------------------------------------


def launch(playwright):
    return playwright.chromium.launch(
        executable_path=CHROMIUM,
        headless=True,
        args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update",
            "--disable-sync",
        ],
        proxy={"server": "http://127.0.0.1:9", "bypass": "127.0.0.1,localhost"},
    )  # fmt: skip


def wait_done(page, after_ms: float, timeout_s: float, settle_s: float) -> float | None:
    """performance.now() (ms) when the run finished with its charts drawn; None on timeout."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        handle = page.wait_for_function(
            DONE, arg=[settle_s * 1000, after_ms], polling=50, timeout=timeout_s * 1000
        )
    except PlaywrightTimeout:
        return None
    return float(handle.json_value())


def js_heap_mib(page) -> float | None:
    try:
        cdp = page.context.new_cdp_session(page)
        cdp.send("Performance.enable")
        metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
        cdp.detach()
        return round(metrics["JSHeapUsedSize"] / 2**20)
    except Exception:
        return None


def charts(page) -> tuple[int, int]:
    try:
        drawn, total = page.evaluate(CHART_COUNT)
        return int(drawn), int(total)
    except Exception:
        return 0, 0


def open_page(browser, url: str, what: str, args) -> tuple[Render, object, object]:
    """A fresh context (a new Streamlit session), the page loaded and timed; the caller
    closes the returned context."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.add_init_script(OBSERVER)
    page = context.new_page()
    try:
        page.goto(url, wait_until="commit", timeout=args.timeout * 1000)
        done = wait_done(page, 0, args.timeout, args.settle)
    except Exception as exc:
        return Render(what, None, error=str(exc).splitlines()[0]), context, page
    if done is None:  # the tab may still be busy: asking it more could block for minutes
        return (
            Render(what, None, timeout=True, renderer_rss_mib=largest_renderer_mib()),
            context,
            page,
        )
    drawn, total = charts(page)
    render = Render(
        what,
        round(done / 1000, 3),
        drawn,
        total,
        js_heap_mib=js_heap_mib(page),
        renderer_rss_mib=largest_renderer_mib(),
    )
    return render, context, page


def page_url(base: str, stem: str, as_of: date) -> str:
    return f"{base}/{stem}?{urlencode({'as_of': as_of.isoformat()})}"


def change_teams(page, what: str, action, args) -> Render:
    """Time one action that reruns the app (a filter change, a sidebar link clicked):
    ``action(page)`` presses the key or clicks."""
    try:
        page.evaluate("() => { window.__tl.states = []; window.__tl.since = null; }")
        started = float(page.evaluate("performance.now()"))
        action(page)
        done = wait_done(page, started, args.timeout, args.settle)
    except Exception as exc:
        return Render(what, None, error=str(exc).splitlines()[0])
    if done is None:
        return Render(what, None, timeout=True)
    drawn, total = charts(page)
    return Render(what, round((done - started) / 1000, 3), drawn, total)


def team_box(page):
    return page.locator("[data-testid=stSidebar] [data-testid=stMultiSelect] input").first


def pick(team: str):
    """Type the team's name in the sidebar's team filter and click its exact option."""

    def act(page) -> None:
        box = team_box(page)
        box.click()
        box.fill(team)
        option = page.get_by_role("option", name=team, exact=True).first
        option.wait_for(timeout=10_000)
        option.click()

    return act


def clear_last(page) -> None:
    box = team_box(page)
    box.click()
    page.keyboard.press("Backspace")


def filter_changes(browser, base: str, stem: str, teams: list[str], args, steps) -> list[Render]:
    """Load ``stem`` (not timed), then time each step of the team filter."""
    out = []
    render, context, page = open_page(browser, page_url(base, stem, args.as_of), stem, args)
    try:
        if render.seconds is None:
            why = "timed out" if render.timeout else render.error
            return [Render(f"{stem}: page load before the filter change", None, error=why)]
        for what, action in steps:
            result = change_teams(page, f"{stem}: {what}", action, args)
            log(f"filter {result.what}: {fmt_s(result)}")
            out.append(result)
            page.keyboard.press("Escape")  # close the dropdown (no rerun)
    finally:
        context.close()
    return out


def click_link(title: str):
    def act(page) -> None:
        page.locator("[data-testid=stSidebarNav] a", has_text=title).first.click()

    return act


def navigate(browser, base: str, titles: list[str], args) -> dict[str, Render]:
    """One session, as a reader moves through the app: the overview loaded (not timed),
    then each page's link in the sidebar clicked, timed from the click until its run has
    finished and its charts are drawn (the app's code is loaded once, for the session)."""
    out = {}
    render, context, page = open_page(browser, f"{base}/?as_of={args.as_of}", "Overview", args)
    try:
        if render.seconds is None:
            return {"Overview": render}
        for title in titles:
            result = change_teams(page, title, click_link(title), args)
            log(f"navigate to {title}: {fmt_s(result)}")
            out[title] = result
    finally:
        context.close()
    return out


# The frontend's own floor, measured in the same run: Streamlit apps that draw (almost)
# nothing, so a page's time can be read beside what any Streamlit page costs here.
BASELINE_APPS = {
    "blank Streamlit page": 'import streamlit as st\nst.title("A blank page")\n',
    "one small plotly chart": (
        "import plotly.graph_objects as go\nimport streamlit as st\n"
        'st.title("One chart")\n'
        "st.plotly_chart(go.Figure(go.Scatter(x=[1, 2, 3], y=[1, 3, 2])))\n"
    ),
}


def baselines(browser, work: Path, args) -> dict[str, list[Render]]:
    out = {}
    for name, source in BASELINE_APPS.items():
        script = work / f"baseline_{len(out)}.py"
        script.write_text(source)
        server = Server(work / "none.duckdb", work / "baseline.log", script)
        try:
            server.start()
            for _ in range(args.baseline_repeat):
                render, context, _ = open_page(browser, server.url, name, args)
                context.close()
                out.setdefault(name, []).append(render)
        finally:
            server.stop()
        log(f"baseline, {name}: {', '.join(fmt_s(r) for r in out.get(name, []))}")
    return out


# --- the run ------------------------------------------------------------------------------


def fmt_s(r: Render | dict | None) -> str:
    if r is None:
        return "-"
    r = asdict(r) if isinstance(r, Render) else r
    if r["seconds"] is not None:
        return f"{r['seconds']:.2f} s"
    return "timeout" if r["timeout"] else f"failed ({r['error']})"


def run(args, results: Results, work: Path) -> None:
    from playwright.sync_api import sync_playwright

    import ui
    from metrics import inventory

    as_of_end = datetime.combine(args.as_of, datetime.max.time(), tzinfo=UTC)
    db = private_copy(args.db, work)
    log(f"store copied to {db}")
    results.rows = pr_rows(db)
    teams = inventory.teams(db)
    results.bare_scan_s += bare_scan(db, as_of_end, args.scans)
    log(f"bare scan: {', '.join(f'{t:.3f}' for t in results.bare_scan_s)} s")
    stems = ["", *(e.stem for e in ui.PAGES)]
    titles = {"": "Overview", **{e.stem: e.title for e in ui.PAGES}}
    results.order = [titles[s] for s in stems]
    server = Server(db, work / "streamlit.log")
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            if args.baseline_repeat:
                for name, renders in baselines(browser, work, args).items():
                    results.baselines[name] = [asdict(r) for r in renders]
            server.start()
            log(f"server up at {server.url} (pid {server.proc.pid})")
            for stem in stems:  # the tour: first visits, one server, caches warming
                render, context, _ = open_page(
                    browser, page_url(server.url, stem, args.as_of), titles[stem], args
                )
                context.close()
                results.first[titles[stem]] = asdict(render)
                log(f"first {titles[stem]}: {fmt_s(render)}, charts {render.charts_drawn}/"
                    f"{render.charts}, JS heap {render.js_heap_mib} MiB")  # fmt: skip
            results.memory_after_tour = server.memory()
            log(f"server memory after the tour: {results.memory_after_tour}")
            if teams and TEAM_TRENDS in stems:
                a, b = teams[0], teams[min(1, len(teams) - 1)]
                steps = [
                    (f"whole organization -> {a}", pick(a)),
                    (f"{a} -> whole organization", clear_last),
                    (f"whole organization -> {b}", pick(b)),
                ]
                results.filters += map(
                    asdict, filter_changes(browser, server.url, TEAM_TRENDS, teams, args, steps)
                )
            if args.other_filter and teams and args.other_filter in stems:
                c = teams[min(2, len(teams) - 1)]
                steps = [(f"whole organization -> {c}", pick(c))]
                results.filters += map(
                    asdict,
                    filter_changes(browser, server.url, args.other_filter, teams, args, steps),
                )
            for round_ in range(args.repeat):  # revisits: fresh sessions, warm caches
                for stem in stems:
                    render, context, _ = open_page(
                        browser, page_url(server.url, stem, args.as_of), titles[stem], args
                    )
                    context.close()
                    results.revisits.setdefault(titles[stem], []).append(asdict(render))
                log(f"revisit round done ({round_ + 1}/{args.repeat})")
            results.memory_at_end = server.memory()
            server.stop()
            results.bare_scan_s += bare_scan(db, as_of_end, args.scans)
            if args.cold and TEAM_TRENDS in stems:
                server.start()
                render, context, _ = open_page(
                    browser, page_url(server.url, TEAM_TRENDS, args.as_of), "Team trends", args
                )
                context.close()
                results.cold_team_trends = asdict(render)
                log(f"cold-process Team trends: {fmt_s(render)}")
                server.stop()
            if args.navigate:
                server.start()  # a fresh process: each page's first render in the session
                pages = [titles[s] for s in stems if s]
                for title, render in navigate(browser, server.url, pages, args).items():
                    results.navigation[title] = asdict(render)
        finally:
            server.stop()
            browser.close()


def summary(values: list[dict]) -> tuple[float | None, float | None, int]:
    times = [v["seconds"] for v in values if v["seconds"] is not None]
    if not times:
        return None, None, len(values)
    return min(times), statistics.median(times), len(values) - len(times)


def report(results: Results) -> str:
    scan = statistics.median(results.bare_scan_s) if results.bare_scan_s else None
    lines = []
    load = " ".join(f"{x:.2f}" for x in results.load_start)
    end = " ".join(f"{x:.2f}" for x in results.load_end) if results.load_end else "-"
    rows = f"{results.rows:,}" if results.rows is not None else "?"
    lines.append(f"store: {results.db} ({rows} PRs)  as_of: {results.as_of}")
    lines.append(f"cores: {results.cores}  load average at start: {load}  at end: {end}")
    if scan is not None:
        times = ", ".join(f"{t:.3f}" for t in results.bare_scan_s)
        lines.append(
            f"bare scan: median {scan:.3f} s, best {min(results.bare_scan_s):.3f} s "
            f"({times}; half before the tour, half after); ratios are to the median"
        )
    for name, renders in results.baselines.items():
        best, median, failed = summary(renders)
        lines.append(
            f"floor, {name} (a fresh browser context, as each first render): median "
            f"{fmt_num(median)} s, best {fmt_num(best)} s{f', {failed} failed' if failed else ''}"
        )
    lines.append(
        "first render = first visit of each page on one server, in this order (caches warm "
        "over the tour): " + " -> ".join(results.order)
    )
    lines.append("")
    head = (
        f"{'page':<20} {'first s':>8} {'x scan':>7} {'charts':>7} {'timeout':>7} "
        f"{'target':>7} {'result':>6} {'revisit best':>12} {'median':>7} {'JS heap':>8} "
        f"{'tab RSS':>8}"
    )
    lines += [head, "-" * len(head)]
    for title, r in results.first.items():
        target = TARGET_TEAM_TRENDS_S if title == "Team trends" else TARGET_PAGE_S
        s = r["seconds"]
        best, median, _ = summary(results.revisits.get(title, []))
        lines.append(
            f"{title:<20} {fmt_num(s):>8} {ratio(s, scan):>7} "
            f"{r['charts_drawn']:>3}/{r['charts']:<3} {'yes' if r['timeout'] else 'no':>7} "
            f"{'≤ ' + format(target, 'g'):>7} {verdict(s, target):>6} {fmt_num(best):>12} "
            f"{fmt_num(median):>7} {fmt_mib(r['js_heap_mib']):>8} "
            f"{fmt_mib(r['renderer_rss_mib']):>8}"
        )
        if r["error"]:
            lines.append(f"    failed: {r['error']}")
    if results.cold_team_trends:
        r = results.cold_team_trends
        lines.append(
            f"{'Team trends (cold)':<20} {fmt_num(r['seconds']):>8} {ratio(r['seconds'], scan):>7} "
            f"{r['charts_drawn']:>3}/{r['charts']:<3} {'yes' if r['timeout'] else 'no':>7} "
            f"{'≤ 2':>7} {verdict(r['seconds'], TARGET_TEAM_TRENDS_S):>6}   "
            "(server restarted, this page its first request)"
        )
    lines.append("")
    if results.navigation:
        lines.append(
            "first render in a session: a fresh server; the overview opened, then each page's "
            "sidebar link clicked in turn, timed from the click"
        )
        lines.append(f"{'page':<20} {'s':>7} {'x scan':>7} {'charts':>7} {'target':>6} "
                     f"{'result':>6}")  # fmt: skip
        for title, r in results.navigation.items():
            target = TARGET_TEAM_TRENDS_S if title == "Team trends" else TARGET_PAGE_S
            lines.append(
                f"{title:<20} {fmt_num(r['seconds']):>7} {ratio(r['seconds'], scan):>7} "
                f"{r['charts_drawn']:>3}/{r['charts']:<3} {'≤ ' + format(target, 'g'):>6} "
                f"{verdict(r['seconds'], target):>6}"
            )
            if r["error"]:
                lines.append(f"    failed: {r['error']}")
        lines.append("")
    if results.filters:
        lines.append(f"{'filter change':<52} {'s':>7} {'x scan':>7} {'charts':>7} {'target':>6} "
                     f"{'result':>6}")  # fmt: skip
        for r in results.filters:
            lines.append(
                f"{r['what']:<52} {fmt_num(r['seconds']):>7} {ratio(r['seconds'], scan):>7} "
                f"{r['charts_drawn']:>3}/{r['charts']:<3} {'≤ 1':>6} "
                f"{verdict(r['seconds'], TARGET_FILTER_S, r):>6}"
            )
            if r["error"]:
                lines.append(f"    failed: {r['error']}")
        lines.append("")
    memories = (
        ("after the tour", results.memory_after_tour),
        ("at the end", results.memory_at_end),
    )
    for label, m in memories:
        if m:
            lines.append(
                f"server memory {label}: RSS {m['rss_mib']} MiB, peak (VmHWM) {m['hwm_mib']} MiB "
                f"({m['processes']} process(es)); target RSS ≤ {TARGET_MEMORY_MIB} MiB: "
                f"{'pass' if m['rss_mib'] <= TARGET_MEMORY_MIB else 'miss'}"
            )
    lines += [f"note: {n}" for n in results.notes]
    return "\n".join(lines)


def fmt_num(s: float | None) -> str:
    return "-" if s is None else f"{s:.2f}"


def fmt_mib(m: float | None) -> str:
    return "-" if m is None else f"{m:.0f} MiB"


def ratio(s: float | None, scan: float | None) -> str:
    return "-" if s is None or not scan else f"{s / scan:.1f}x"


def verdict(s: float | None, target: float, r: dict | None = None) -> str:
    return "miss" if s is None or s > target else "pass"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=None, help=f"default: {DEFAULT_DBS}")
    parser.add_argument("--as-of", type=date.fromisoformat, default=date(2026, 11, 20))
    parser.add_argument("--timeout", type=float, default=240, help="seconds per render")
    parser.add_argument("--settle", type=float, default=0.5, help="seconds the end holds")
    parser.add_argument("--repeat", type=int, default=2, help="warm revisits of every page")
    parser.add_argument("--scans", type=int, default=3, help="bare scans before and after")
    parser.add_argument("--no-cold", dest="cold", action="store_false")
    parser.add_argument("--no-navigate", dest="navigate", action="store_false")
    parser.add_argument("--baseline-repeat", type=int, default=3, help="0: no baselines")
    parser.add_argument("--other-filter", default="competencies", help="'' for none")
    parser.add_argument("--work-dir", type=Path, default=Path(tempfile.gettempdir()))
    parser.add_argument("--json", action="store_true", help="print JSON instead of the table")
    parser.add_argument("--report", type=Path, help="print the table of a saved --json output")
    args = parser.parse_args(argv)
    args.db = args.db or default_db()
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.report:
        print(report(Results(**json.loads(args.report.read_text()))))
        return 0
    if not args.db.is_file():
        print(f"no store at {args.db} (build one, or pass --db)", file=sys.stderr)
        return 2
    if not Path(CHROMIUM).exists():
        print(f"Chromium is not installed at {CHROMIUM}", file=sys.stderr)
        return 2
    results = Results(str(args.db), None, args.as_of.isoformat(), os.cpu_count(), os.getloadavg())
    # SIGTERM ends the run like Ctrl-C: the finally blocks stop the server and browser.
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    work = Path(tempfile.mkdtemp(prefix="teamlens-bench-pages-", dir=args.work_dir))
    code = 0
    try:
        run(args, results, work)
    except KeyboardInterrupt:
        results.notes.append("interrupted: the figures are partial")
        code = 1
    except Exception as exc:
        results.notes.append(f"failed: {type(exc).__name__}: {str(exc).splitlines()[0]}")
        code = 1
    finally:
        shutil.rmtree(work, ignore_errors=True)
        results.load_end = os.getloadavg()
        for note in results.notes:
            log(note)
    print(json.dumps(asdict(results), indent=2) if args.json else report(results))
    return code


if __name__ == "__main__":
    sys.exit(main())
