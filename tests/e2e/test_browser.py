"""The whole app in headless Chromium: a fresh server, every page by URL and by navigation.

Recipe from DESIGN.md: Debian's /usr/bin/chromium driven by Playwright's Python package,
a proxy guard so nothing leaves the machine, and Streamlit's own "finished running" mark.
The first request to the fresh server is a page's URL (a bookmark after a restart), with
no database yet, so the demo organization is built on that first request. The server is
started without ``--server.address``: .streamlit/config.toml keeps it on 127.0.0.1. Neither
the server nor the browser leaves a process behind.
"""

from __future__ import annotations

import itertools
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

import ui
from tests import processes

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "tests" / "e2e" / "screenshots"
CHROMIUM = os.environ.get("TEAMLENS_CHROMIUM", "/usr/bin/chromium")
# Every page of the one page list (ui.PAGES), plus the overview at "/": (url path, title).
PAGES = (("", "Overview"), *((entry.stem, entry.title) for entry in ui.PAGES))
# How many plotly charts each page draws on the demo organization (the whole organization,
# the default filters). A page missing from here fails the test, so a new page says what
# it draws.
CHARTS = {
    "": 0,
    "team_trends": 1,  # its first tab's figure; each of the 7 tabs draws one (below)
    "competencies": 2,  # the matrix, people at each level
    "person": 1,  # delivery beside levels
    "quarterly_review": 2,  # competency levels, the person's history
    "executive_summary": 3,  # delivery, the quality tax by group, skills
    "how_we_measure": 0,
    "data_sources": 0,
}
DONE = "[data-testid=stApp][data-test-script-state=notRunning]"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    db = tmp_path_factory.mktemp("e2e") / "teamlens.duckdb"  # does not exist yet
    port = _free_port()
    log = tmp_path_factory.mktemp("log") / "streamlit.log"
    env = {**os.environ, "TEAMLENS_DB": str(db)}
    with log.open("w") as out:
        proc = subprocess.Popen(
            [
                sys.executable, "-m", "streamlit", "run", "app.py",
                "--server.headless=true",
                f"--server.port={port}", "--browser.gatherUsageStats=false",
                "--server.fileWatcherType=none",
            ],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_healthy(proc, url, log)
        yield url
    finally:
        started = processes.children(proc.pid)
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        if os.environ.get("TEAMLENS_E2E_LOG"):
            shutil.copy(log, os.environ["TEAMLENS_E2E_LOG"])
    assert proc.returncode is not None
    assert processes.survivors(started) == {}, "the server left processes behind"


def listening(port: int) -> set[str]:
    """The local addresses of the sockets listening on ``port`` (from /proc/net/tcp*)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.rsplit(":", 1)
            if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                found.add(address)
    return found


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync",
            ],
            proxy={"server": "http://127.0.0.1:9", "bypass": "127.0.0.1,localhost"},
        )  # fmt: skip
        started = processes.browsers()
        yield browser
        browser.close()
    assert started, "Playwright's Chromium runs under this process"
    assert processes.survivors(started) == {}, "the browser left processes behind"


def _wait_until_healthy(proc: subprocess.Popen, url: str, log: Path) -> None:
    """Wait up to 60 s for the Streamlit server at ``url`` to answer its health check."""
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            pytest.fail(f"streamlit did not start:\n{log.read_text()}")
        time.sleep(0.3)


def test_the_server_listens_on_loopback_only(server: str) -> None:
    # .streamlit/config.toml's server.address: the dashboard shows people's assessments.
    port = int(server.rsplit(":", 1)[1])
    assert listening(port) == {"0100007F"}  # 127.0.0.1, and no IPv6 or wildcard socket


def _settle(page, timeout_s: float = 90) -> None:
    """Wait until the app has finished running (and no rerun follows)."""
    page.wait_for_selector(DONE, timeout=timeout_s * 1000)
    page.wait_for_timeout(700)
    page.wait_for_selector(DONE, timeout=timeout_s * 1000)
    # the script is done, but elements whose code the browser is still loading show as
    # skeletons: a page is settled when none is left
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=stSkeleton]')", timeout=timeout_s * 1000
    )


def _check(page, title: str, how: str, path: str | None = None) -> str:
    from playwright.sync_api import expect

    name = title.lower().replace(" ", "_")
    SHOTS.mkdir(parents=True, exist_ok=True)
    sidebar = page.locator("[data-testid=stSidebar]")
    charts = page.locator("[data-testid=stPlotlyChart]")
    # The script has finished, but Streamlit's frontend loads the date inputs' and plotly's
    # code lazily: on a busy machine they appear a few seconds later. Wait for them.
    try:
        expect(sidebar).to_contain_text("As of", timeout=30_000)
        if path is not None:
            expect(charts).to_have_count(CHARTS[path], timeout=60_000)
    finally:
        page.screenshot(path=str(SHOTS / f"{name}-{how}.png"), full_page=True)
    errors = page.locator("[data-testid=stException]")
    assert errors.count() == 0, f"{title} ({how}): {errors.first.inner_text()}"
    assert "Page not found" not in page.content(), f"{title} ({how}): page not found"
    assert "Teams" in sidebar.inner_text(), f"{title} ({how}): the shared filters are missing"
    assert "As of" in sidebar.inner_text()
    heading = page.locator("h1").first.inner_text()
    assert title in heading, f"{title} ({how}) shows {heading!r}"
    if path is not None:
        assert charts.count() == CHARTS[path], f"{title} ({how}): {charts.count()} charts"
        for i in range(charts.count()):  # each chart has drawn its plot, not an empty frame
            charts.nth(i).locator(".main-svg").first.wait_for(timeout=30_000)
    return page.locator("[data-testid=stMain]").inner_text()


def test_every_listed_page_has_its_chart_count() -> None:
    assert set(CHARTS) == {path for path, _ in PAGES}, "say how many charts each page draws"


def test_every_page_by_url_and_by_navigation(server: str, browser) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    # 1. The very first request of the fresh server is a page's URL, with no database yet.
    first = context.new_page()
    first.goto(f"{server}/data_sources", timeout=120_000)
    _settle(first, timeout_s=120)
    text = _check(first, "Data sources", "first-request")
    assert "Demo data" in text, "the demo organization is built and flagged on first start"
    first.close()

    # 2. Every page opened by its URL, each in a new session.
    by_url = {}
    for path, title in PAGES:
        page = context.new_page()
        page.goto(f"{server}/{path}", timeout=60_000)
        _settle(page)
        by_url[title] = _check(page, title, "url", path)
        page.close()

    # 3. Every page through the sidebar navigation, in one session.
    page = context.new_page()
    page.goto(server, timeout=60_000)
    _settle(page)
    for path, title in PAGES:
        links = page.locator("[data-testid=stSidebarNav] a", has_text=title)
        assert links.count(), f"{title} is not in the sidebar navigation"
        links.first.click()
        page.wait_for_url(f"{server}/{path}*" if path else f"{server}/*", timeout=30_000)
        _settle(page)
        by_nav = _check(page, title, "nav", path)
        assert by_nav == by_url[title], f"{title} shows different content by navigation"
    context.close()


# --- hostile text in a real browser ------------------------------------------------------
# A store whose team and person names, PR and defect titles, evidence and notes are
# Markdown, HTML, LaTeX and an image link (tests/hostile.py): each page shows them as the
# very characters, and the browser never asks for the image.


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from tests.hostile import build_hostile_store

    folder = tmp_path_factory.mktemp("e2e-hostile")
    db = build_hostile_store(folder / "teamlens.duckdb", folder / "files")
    port = _free_port()
    log = folder / "streamlit.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [
                sys.executable, "-m", "streamlit", "run", "app.py",
                "--server.headless=true", "--server.address=127.0.0.1",
                f"--server.port={port}", "--browser.gatherUsageStats=false",
                "--server.fileWatcherType=none",
            ],
            cwd=ROOT, env={**os.environ, "TEAMLENS_DB": str(db)}, stdout=out,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_healthy(proc, url, log)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_hostile_names_and_titles_show_literally_and_fetch_nothing(
    hostile_server: str, browser
) -> None:
    import re
    from urllib.parse import urlencode

    from tests.hostile import IMAGE_URL, NAME, PAYLOAD, TEAM

    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    asked: list[str] = []
    context.on("request", lambda request: asked.append(request.url))
    day = {"as_of": "2026-06-11"}
    visits = (
        # (page, its link, a text the page must show as written)
        ("person", {**day, "person": "ana"}, NAME),
        ("quarterly_review", {**day, "person": "ana", "quarter": "2026Q2"}, TEAM),
        ("team_trends", {**day, "team": TEAM, "from": "2026-03-01"}, TEAM),
        ("competencies", {**day, "team": TEAM}, TEAM),
        # the same text typed into a link: ignored, and quoted as written in the notice
        ("person", {**day, "person": PAYLOAD}, PAYLOAD),
    )
    for path, params, literal in visits:
        page = context.new_page()
        page.goto(f"{hostile_server}/{path}?{urlencode(params)}", timeout=60_000)
        _settle(page)
        page.wait_for_timeout(1500)  # let lazily loaded elements (and any image) load
        main = page.locator("[data-testid=stMain]")
        where = f"{path}?{urlencode(params)}"
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"hostile-{len(asked)}-{path}.png"), full_page=True)
        assert page.locator("[data-testid=stException]").count() == 0, where
        # as a reader sees it: the invisible word joiners that keep URLs unlinked left out
        text = " ".join(main.inner_text().replace("\u2060", "").split())
        assert literal in text, f"{where}: {literal!r} is not shown as written"
        # nothing of it became markup: no image, link, bold "x", raw HTML or LaTeX
        # (the app's own links are relative: they may carry the name in their query)
        outside = "img[src*='127.0.0.1:9'], a[href^='http://127.0.0.1:9'], a[href^='http://127']"
        assert main.locator(outside).count() == 0, where
        assert main.locator("b, .katex, .katex-display").count() == 0, where
        bold = main.locator("strong, em", has_text=re.compile(r"^\s*bold\s*$"))
        assert bold.count() == 0, f"{where}: **bold** became bold"
        page.close()
    context.close()
    assert not [u for u in asked if u.startswith(IMAGE_URL.rsplit("/", 1)[0])], asked


# --- Team trends: what only a browser shows ----------------------------------------------

CHART_FACTS = """() => [...document.querySelectorAll('[data-testid=stPlotlyChart]')].map(e => {
  const gd = e.querySelector('.js-plotly-plot');
  const key = [...e.closest('.stElementContainer').classList].find(c => c.startsWith('st-key-'));
  const plots = [...e.querySelectorAll('.nsewdrag')].map(r => r.getBoundingClientRect().top);
  const axes = Object.keys(gd._fullLayout).filter(k => /^xaxis\\d*$/.test(k));
  return {
    key: key ? key.slice(7) : null,
    barmode: gd._fullLayout.barmode,
    band: Math.min(...plots) - e.getBoundingClientRect().top,
    xmax: axes.map(k => gd._fullLayout[k].range[1]),
    xtype: axes.map(k => gd._fullLayout[k].type),
    shapes: gd._fullLayout.shapes.map(s => [s.x0, s.x1, s.fillcolor]),
    notes: gd._fullLayout.annotations.map(a => a.text),
    ticks: [...e.querySelectorAll('.xtick text')].map(t => t.textContent),
  };
})"""
# Per stacked bar of the first panel of the phases chart: [x centre, top, bottom] in px.
PHASE_BARS = """() => {
  const chart = document.querySelector('.st-key-phases [data-testid=stPlotlyChart]');
  const panel = chart.querySelector('.cartesianlayer .subplot.xy');
  return [...panel.querySelectorAll('.barlayer .point path')].map(p => {
    const r = p.getBoundingClientRect();
    return [Math.round(r.left + r.width / 2), r.top, r.bottom];
  }).filter(b => b[2] - b[1] > 0.5);
}"""


def _open(context, url: str):
    """A page with its charts drawn (a first run may rerun once: wait for the charts, then
    for the app to settle)."""
    page = context.new_page()
    page.goto(url, timeout=120_000)
    page.locator("[data-testid=stPlotlyChart] .main-svg").first.wait_for(timeout=120_000)
    _settle(page, timeout_s=120)
    charts = page.locator("[data-testid=stPlotlyChart]")
    for i in range(charts.count()):
        charts.nth(i).locator(".main-svg").first.wait_for(timeout=30_000)
    errors = page.locator("[data-testid=stException]")
    assert errors.count() == 0, errors.first.inner_text()
    return page


def _every_tab(page) -> list[dict]:
    """CHART_FACTS of every Team trends chart: each tab clicked in turn (the page draws
    only the open tab's figure), each waited for until drawn."""
    facts = []
    tabs = page.locator("[data-testid=stTab]")
    assert tabs.count() == 7, tabs.all_inner_texts()
    for i in range(tabs.count()):
        tabs.nth(i).click()
        _settle(page)
        panel = page.locator("[role=tabpanel]:not([hidden])")
        if panel.locator("[data-testid=stPlotlyChart]").count():
            panel.locator("[data-testid=stPlotlyChart] .main-svg").first.wait_for(timeout=60_000)
        facts += page.evaluate(CHART_FACTS)
    return facts


def test_team_trends_stacks_phases_with_two_teams_and_leaves_no_empty_band(server, browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = _open(context, f"{server}/team_trends?team=Mobile&team=Payments")
    facts = {c["key"]: c for c in _every_tab(page)}
    assert set(facts) == {"volume_and_tax", "delivery_time", "phases", "defects", "review",
                          "levels", "traced"}  # fmt: skip
    page.get_by_role("tab", name="Where the time goes").click()
    _settle(page)
    page.locator(".st-key-phases [data-testid=stPlotlyChart] .main-svg").first.wait_for()
    assert facts["phases"]["barmode"] == "stack"
    bars = page.evaluate(PHASE_BARS)
    by_x: dict[int, list[tuple[float, float]]] = {}
    for x, top, bottom in bars:
        by_x.setdefault(x, []).append((top, bottom))
    assert max(len(v) for v in by_x.values()) == 3, "the three phases stand on one another"
    for x, segments in by_x.items():  # stacked: each segment starts where the next ends
        segments.sort()
        for (_, bottom), (top, _) in itertools.pairwise(segments):
            assert bottom <= top + 1.5, f"phase bars overlap at x={x}: {segments}"
    for key, chart in facts.items():
        # the plot area starts right under the title, legend and team names
        assert chart["band"] <= 120, f"{key}: {chart['band']:.0f} px above the plot area"
    context.close()


def test_team_trends_groups_flags_with_their_evidence_one_click_away(server, browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = _open(context, f"{server}/team_trends")
    labels = page.locator("[data-testid=stExpander] summary").all_inner_texts()
    flags = [x.split("🚩", 1)[1].strip() for x in labels if "🚩" in x]
    keys = [tuple(x.split(" · ")[:2]) for x in flags]
    assert len(keys) == len(set(keys)), "a team's repeated flag is one item"
    (stamps,) = [x for x in flags if x.startswith("Platform · Large changes approved")]
    assert "13 months: 2026-11, 2026-10" in stamps and "and 7 earlier" in stamps
    assert len(flags) < 40  # the whole organization once showed about a hundred
    item = page.locator("[data-testid=stExpander]", has_text="Platform · Large changes approved")
    item.locator("summary").click()
    item.locator("[data-testid=stDataFrame]").last.wait_for(timeout=30_000)
    assert "Every period it was raised in" in item.inner_text()
    context.close()


def test_team_trends_as_of_in_2025_draws_nothing_after_it(server, browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = _open(context, f"{server}/team_trends?as_of=2025-12-31&from=2025-11-01")
    facts = _every_tab(page)
    assert len(facts) >= 6, "the charts are drawn"
    last = "2025-12-31 23:59:59"
    for chart in facts:
        if "date" not in chart["xtype"]:
            continue  # the levels chart: quarters, not dates
        assert all(str(x).replace("T", " ") <= last for x in chart["xmax"]), chart["key"]
        for x0, x1, colour in chart["shapes"]:
            assert max(str(x0), str(x1)).replace("T", " ") <= last, (chart["key"], x0, x1)
            if colour == "#b0bec5":  # partial: November (the data begins on the 21st) only;
                # December read at its last second is complete
                assert str(x0).startswith("2025-11-01"), (chart["key"], x0, x1)
        assert "AI adoption" not in chart["notes"], chart["key"]  # every adoption is in 2026
        assert not [t for t in chart["ticks"] if "2026" in t], (chart["key"], chart["ticks"])
    context.close()
