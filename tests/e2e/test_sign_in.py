"""Sign-in through a real OpenID Connect provider, in headless Chromium, for each role.

The provider is the certified npm package ``oidc-provider`` (scripts/fetch-oidc-provider.sh
installs it into .cache/), started here on 127.0.0.1 with one user per role and one
account that is on no access list. The app runs with an ``[auth]`` section pointing at
it (a secrets file of the test's own), so Streamlit's ``st.login`` does the real code
flow: the browser is sent to the provider's login form, signs in, and comes back through
/oauth2callback with the ID token's e-mail. Each role then opens pages by URL, including
links to another person's page and packet, and the test reads what the browser shows and
the audit rows the store holds. Neither server nor browser is left running.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

import ui_access
from ingest import people_import as pi
from store import read_connection
from tests import processes
from tests.conftest import build_small_store
from tests.e2e.test_browser import _free_port, _settle, browser  # noqa: F401 (a fixture)

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "tests" / "e2e" / "screenshots"
OIDC = ROOT / "tests" / "e2e" / "oidc"
VERSION = json.loads((OIDC / "package.json").read_text())["dependencies"]["oidc-provider"]
MODULES = ROOT / ".cache" / "oidc-provider" / VERSION / "node_modules"
SECRET = "teamlens-e2e-client-secret"
# login at the provider -> the ID token's claims
USERS = {
    "ana": {"email": "Ana@Example.com", "email_verified": True},  # engineer (any case)
    "lead": {"email": "lead@example.com", "email_verified": True},  # manager of Beta
    "exec": {"email": "exec@example.com", "email_verified": True},  # executive
    "root": {"email": "root@example.com", "email_verified": True},  # admin
    "stranger": {"email": "stranger@example.com", "email_verified": True},  # no access row
}
ACCESS = """
email,role,login,teams
ana@example.com,engineer,ana,
lead@example.com,manager,,Beta
exec@example.com,executive,,
root@example.com,admin,,
"""
DONE = "[data-testid=stApp][data-test-script-state=notRunning]"


def _wait_http(url: str, proc: subprocess.Popen, log: Path, what: str) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            pytest.fail(f"{what} did not start:\n{log.read_text()}")
        time.sleep(0.3)


def _stop(proc: subprocess.Popen) -> None:
    started = processes.children(proc.pid)
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)
    assert processes.survivors(started) == {}, "a server left processes behind"


@pytest.fixture(scope="module")
def signed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """(the app's URL, its database): the OpenID provider and the app, both on 127.0.0.1."""
    node = shutil.which("node")
    if node is None or not (MODULES / "oidc-provider" / "package.json").is_file():
        pytest.fail(f"oidc-provider is not installed in {MODULES}: run scripts/setup-tests.sh")
    folder = tmp_path_factory.mktemp("e2e-sign-in")
    db = build_small_store(folder / "teamlens.duckdb")
    (folder / "access.csv").write_text(textwrap.dedent(ACCESS).lstrip())
    pi.import_access(folder / "access.csv", db)
    app_port, oidc_port = _free_port(), _free_port()
    app_url, issuer = f"http://127.0.0.1:{app_port}", f"http://127.0.0.1:{oidc_port}"
    secrets = folder / "secrets.toml"
    secrets.write_text(
        textwrap.dedent(
            f"""
            [auth]
            redirect_uri = "{app_url}/oauth2callback"
            cookie_secret = "an-e2e-cookie-secret-long-enough-0123456789"
            client_id = "teamlens"
            client_secret = "{SECRET}"
            server_metadata_url = "{issuer}/.well-known/openid-configuration"
            client_kwargs = {{ prompt = "login" }}
            """
        )
    )
    oidc_log, app_log = folder / "oidc.log", folder / "streamlit.log"
    env = {
        **os.environ,
        "OIDC_MODULES": str(MODULES),
        "OIDC_PORT": str(oidc_port),
        "OIDC_USERS": json.dumps(USERS),
        "OIDC_CLIENT_SECRET": SECRET,
        "OIDC_REDIRECT_URI": f"{app_url}/oauth2callback",
    }
    with oidc_log.open("w") as out:
        oidc = subprocess.Popen(
            [node, str(OIDC / "provider.mjs")], env=env, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        _wait_http(f"{issuer}/.well-known/openid-configuration", oidc, oidc_log, "oidc-provider")
        with app_log.open("w") as out:
            app = subprocess.Popen(
                [
                    sys.executable, "-m", "streamlit", "run", "app.py",
                    "--server.headless=true", f"--server.port={app_port}",
                    "--browser.gatherUsageStats=false", "--server.fileWatcherType=none",
                    f"--secrets.files={secrets}",
                ],
                cwd=ROOT, env={**os.environ, "TEAMLENS_DB": str(db)}, stdout=out,
                stderr=subprocess.STDOUT,
            )  # fmt: skip
        try:
            _wait_http(f"{app_url}/_stcore/health", app, app_log, "streamlit")
            yield app_url, db
        finally:
            _stop(app)
            if os.environ.get("TEAMLENS_E2E_LOG"):
                shutil.copy(app_log, os.environ["TEAMLENS_E2E_LOG"])
    finally:
        _stop(oidc)


def sign_in(chromium, url: str, login: str):
    """A new browser context signed in as ``login`` at the provider; its page on the app."""
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(url, timeout=120_000)
    _settle(page, timeout_s=120)
    assert page.locator("[data-testid=stSidebar] [data-testid=stMultiSelect]").count() == 0
    page.get_by_role("button", name="Sign in").click()
    # the provider's own login form (oidc-provider's development interactions)
    page.wait_for_url(re.compile(r".*/interaction/.*"), timeout=60_000)
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", "any")
    page.locator("button[type=submit]").click()
    page.wait_for_load_state()
    if "/interaction/" in page.url:  # the consent step
        page.locator("button[type=submit]", has_text=re.compile("Continue")).click()
    page.wait_for_url(f"{url}/**", timeout=60_000)
    _settle(page)
    return context, page


def visit(page, url: str, path: str, login: str) -> str:
    page.goto(f"{url}/{path}", timeout=60_000)
    _settle(page)
    page.wait_for_timeout(800)
    _settle(page)
    SHOTS.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"\W+", "-", path) or "overview"
    page.screenshot(path=str(SHOTS / f"sign-in-{login}-{name}.png"), full_page=True)
    assert page.locator("[data-testid=stException]").count() == 0, path
    return text_of(page, "stMain")


def text_of(page, testid: str) -> str:
    """What a reader sees in the part of the page (the invisible word joiners left out)."""
    text = page.locator(f"[data-testid={testid}]").first.inner_text()
    return " ".join(text.replace("\u2060", "").split())


def nav(page) -> list[str]:
    links = page.locator("[data-testid=stSidebarNav] a")
    # the link's text without its icon
    texts = [" ".join(links.nth(i).inner_text().split()) for i in range(links.count())]
    return [re.sub(r"^\W+", "", text) for text in texts]


def people_in(text: str) -> set[str]:
    """The small store's people a page's text names (by name or login, as whole words)."""
    return {p for p in ("ana", "ben", "cy") if re.search(rf"\b{p}\b", text, re.IGNORECASE)}


def audit_rows(db: Path) -> list[tuple[str, str, str]]:
    with read_connection(db) as conn:
        return conn.execute('select email, action, subject from audit order by "at"').fetchall()


def test_each_role_signs_in_and_sees_exactly_its_own(signed, browser) -> None:  # noqa: F811
    url, db = signed

    # --- the engineer: their own Person page and packet, nothing of anyone else -------
    context, page = sign_in(browser, url, "ana")
    assert set(nav(page)) == {
        "Overview", "Team trends", "Competencies", "Person", "Quarterly review",
        "How we measure",
    }  # fmt: skip
    text = visit(page, url, "person", "ana")
    assert "Signed in as ana@example.com (engineer)" in text_of(page, "stSidebar")
    assert "Local mode" not in text
    assert people_in(text) == {"ana"}
    for path in ("person?person=ben", "quarterly_review?person=cy&quarter=2026Q2"):
        text = visit(page, url, path, "ana")
        assert ui_access.REFUSED_PERSON in text, path
        assert people_in(text) == set(), path
        assert page.locator("[data-testid=stDownloadButton]").count() == 0, path
    text = visit(page, url, "executive_summary", "ana")  # not in their navigation at all
    assert "Executive summary (" not in text
    assert page.locator("[data-testid=stDownloadButton]").count() == 0
    text = visit(page, url, "quarterly_review?quarter=2026Q2", "ana")
    assert "ana · team Alpha" in text and people_in(text) == {"ana"}
    with page.expect_download() as download:
        page.locator("[data-testid=stDownloadButton] button").first.click()
    assert download.value.suggested_filename.endswith(".pdf")
    text = visit(page, url, "team_trends?team=Beta", "ana")
    assert "Beta" not in text  # another team in the link: ignored without naming it
    context.close()

    # --- the manager of Beta: cy, and no one on Alpha --------------------------------
    context, page = sign_in(browser, url, "lead")
    assert "Executive summary" not in nav(page) and "Data sources" not in nav(page)
    text = visit(page, url, "person", "lead")
    assert people_in(text) == {"cy"}
    text = visit(page, url, "quarterly_review?person=ana&quarter=2026Q2", "lead")
    assert ui_access.REFUSED_PERSON in text and people_in(text) == set()
    context.close()

    # --- the executive: the summary and how we measure, no person ----------------------
    context, page = sign_in(browser, url, "exec")
    assert set(nav(page)) == {"Overview", "Executive summary", "How we measure"}
    text = visit(page, url, "executive_summary", "exec")
    assert page.locator("[data-testid=stDownloadButton]").count() >= 1
    for path in ("person?person=ana", "quarterly_review?person=ana&quarter=2026Q2"):
        text = visit(page, url, path, "exec")
        assert people_in(text) == set(), path
        assert page.locator("[data-testid=stDownloadButton]").count() == 0, path
    context.close()

    # --- an account on no access list: the 'ask your admin' page and nothing else ----
    context, page = sign_in(browser, url, "stranger")
    text = visit(page, url, "person?person=ana", "stranger")
    assert "Ask your admin" in text and people_in(text) == set()
    assert people_in(text_of(page, "stApp")) == set()
    assert page.locator("[data-testid=stSidebar] [data-testid=stMultiSelect]").count() == 0
    context.close()

    # --- the admin: everything, and the audit of what the others did -----------------
    context, page = sign_in(browser, url, "root")
    assert "Data sources" in nav(page) and "Executive summary" in nav(page)
    text = visit(page, url, "data_sources", "root")
    assert "Access and audit" in text and "stranger" not in text
    context.close()

    rows = audit_rows(db)
    assert ("ana@example.com", "person page opened", "ana") in rows
    assert ("ana@example.com", "packet opened", "ana 2026Q2") in rows
    assert ("ana@example.com", "packet exported", "ana 2026Q2 .pdf") in rows
    assert ("lead@example.com", "person page opened", "cy") in rows
    # nobody opened anything of another person
    assert not [r for r in rows if r[0] == "ana@example.com" and not r[2].startswith("ana")]
    assert not [r for r in rows if r[0] in ("exec@example.com", "stranger@example.com")]
