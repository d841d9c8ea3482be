"""What a newcomer meets in a fresh clone: the README's two set-up commands, the scripts
behind them, CI, where the database is, and who can reach the dashboard.

The set-up scripts run here for real, in a copy of them under tmp_path, with fake
``python3``, ``apt-get``, ``sudo``, ``id`` and ``npm`` on a PATH of their own: each branch
(no venv support, root, sudo, neither, no apt at all) is taken without touching this
machine's packages.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import re
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

import store

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def setup_commands() -> list[str]:
    """The commands in the README's "Set up" section, one per fenced bash block."""
    section = README.split("## Set up", 1)[1].split("\n## ", 1)[0]
    return [block.strip() for block in re.findall(r"```bash\n(.*?)```", section, re.DOTALL)]


# -- the README and CI ------------------------------------------------------------------------


def test_the_readme_sets_up_with_two_one_line_commands_in_a_venv() -> None:
    first, second = setup_commands()
    for command in (first, second):
        assert "\n" not in command
        assert "pip install" not in command  # PEP 668: never outside the venv
        script = command.split(" && ")[0]
        assert (ROOT / script).is_file() and os.access(ROOT / script, os.X_OK), script
    assert first.endswith(".venv/bin/python -m streamlit run app.py")
    assert second.endswith(".venv/bin/python -m pytest")


def test_ci_runs_the_readmes_test_command_word_for_word() -> None:
    _, test_command = setup_commands()
    lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert test_command in lines


def test_the_readme_names_every_debian_package_the_test_setup_installs() -> None:
    script = (ROOT / "scripts" / "setup-tests.sh").read_text(encoding="utf-8")
    installed = set(re.findall(r"missing\+=\(([a-z0-9.-]+)\)", script))
    assert installed == {
        "chromium",
        "poppler-utils",
        "libreoffice-impress",
        "fonts-dejavu-core",
        "fonts-noto-color-emoji",
        "libatomic1",
        "nodejs",
        "npm",
    }
    for package in installed | {"python3-venv"}:
        assert f"`{package}`" in README, package


def test_git_ignores_the_venv_and_the_schema_cache() -> None:
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert ".venv/" in ignored and ".cache/" in ignored


def test_nothing_in_the_project_reads_the_folder_beside_the_checkout() -> None:
    beside = re.compile(r"\.\./shared|/work/s[h]ared|[\"']shared[\"']\s*/")
    skip = {".git", ".venv", ".cache", "__pycache__", ".pytest_cache", ".ruff_cache"}
    found = []
    for path in ROOT.rglob("*"):
        relative = path.relative_to(ROOT)
        if skip & set(relative.parts) or not path.is_file():
            continue
        if path.suffix in {".png", ".duckdb", ".pdf", ".pptx", ".tgz"}:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        if beside.search(text):
            found.append(str(relative))
    assert found == []


# -- the database and the dashboard ---------------------------------------------------------


def teamlens(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "teamlens", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def elsewhere(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A folder with a data/teamlens.duckdb of its own, and an environment without $TEAMLENS_DB."""
    (tmp_path / "data").mkdir()
    store.ensure_store(tmp_path / "data" / "teamlens.duckdb")
    env = {k: v for k, v in os.environ.items() if k != "TEAMLENS_DB"}
    env["PYTHONPATH"] = str(ROOT)
    return tmp_path, env


def test_help_states_the_default_database(elsewhere: tuple[Path, dict[str, str]]) -> None:
    cwd, env = elsewhere
    done = teamlens("db", "info", "--help", cwd=cwd, env=env)
    assert done.returncode == 0, done.stderr
    assert str(store.DEFAULT_DB) in " ".join(done.stdout.split())


def test_db_info_names_the_file_it_opened_and_why(elsewhere: tuple[Path, dict[str, str]]) -> None:
    cwd, env = elsewhere
    local = (cwd / "data" / "teamlens.duckdb").resolve()
    # From a folder with its own data/teamlens.duckdb, the default is still the checkout's.
    done = teamlens("db", "info", cwd=cwd, env=env)
    said = done.stdout + done.stderr
    assert str(store.DEFAULT_DB) in said
    assert str(cwd) not in said
    if done.returncode == 0:  # a database is there already (a developer's checkout)
        assert done.stdout.splitlines()[0].endswith("(the default: data/ in the teamlens checkout)")
    else:  # a fresh clone: none yet
        assert done.returncode == 2 and f"no database at {store.DEFAULT_DB}" in done.stderr
    done = teamlens("db", "info", "--db", "data/teamlens.duckdb", cwd=cwd, env=env)
    assert done.stdout.splitlines()[0] == f"database        {local} (--db)"
    done = teamlens("db", "info", cwd=cwd, env={**env, "TEAMLENS_DB": str(local)})
    assert done.stdout.splitlines()[0] == f"database        {local} (from $TEAMLENS_DB)"


def test_streamlit_reads_the_loopback_address_from_the_checkouts_config(tmp_path: Path) -> None:
    # Streamlit reads .streamlit/config.toml from the folder `streamlit run` starts in; the
    # browser test checks the socket itself. A fresh HOME: no user config to mask the project's.
    code = (
        "from streamlit import config\n"
        "config.get_config_options(force_reparse=True)\n"
        "print(config.get_option('server.address'))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**os.environ, "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "127.0.0.1"


# -- the set-up scripts, in a sandbox -------------------------------------------------------

TOOLS = ("bash", "env", "dirname", "rm", "mkdir", "mv", "cat", "awk", "find", "head", "mktemp")
TOOLS += ("tar", "gzip", "touch", "chmod", "cp")


class Sandbox:
    """A copy of the scripts, a PATH of real basic tools plus fakes, and a log of calls."""

    def __init__(self, root: Path) -> None:
        self.checkout = root / "checkout"
        self.bin = root / "bin"
        self.log = root / "calls.log"
        self.state = root / "state"
        for folder in (self.checkout / "scripts", self.bin, self.state):
            folder.mkdir(parents=True)
        for name in (
            "setup.sh",
            "setup-tests.sh",
            "lib.sh",
            "fetch-github-schema.sh",
            "fetch-oidc-provider.sh",
        ):
            shutil.copy2(ROOT / "scripts" / name, self.checkout / "scripts" / name)
        pin = self.checkout / "tests" / "ingest" / "github"
        pin.mkdir(parents=True)
        shutil.copy2(ROOT / "tests" / "ingest" / "github" / "schema.pin", pin)
        for tool in TOOLS:
            found = shutil.which(tool)
            assert found, tool
            (self.bin / tool).symlink_to(found)
        self.log.touch()

    def fake(self, name: str, body: str) -> None:
        path = self.bin / name
        path.write_text(f'#!/bin/bash\necho "{name} $*" >> "{self.log}"\n{body}\n')
        path.chmod(0o755)

    def run(self, script: str, *args: str) -> subprocess.CompletedProcess[str]:
        env = {"PATH": str(self.bin), "HOME": str(self.state), "STATE": str(self.state)}
        return subprocess.run(
            [str(self.checkout / "scripts" / script), *args],
            cwd=self.state,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )

    def calls(self, name: str) -> list[str]:
        lines = self.log.read_text().splitlines()
        return [line.split(" ", 1)[1] for line in lines if line.split(" ", 1)[0] == name]


# A Debian python3 without python3.11-venv: `import ensurepip` fails until apt installs it.
FAKE_PYTHON = r"""
case "$*" in
  *"import ensurepip, venv"*) [ -e "$STATE/venv-installed" ] ;;
  *"sys.version_info < (3, 11)"*) exit 0 ;;
  *'print("%d.%d"'*) echo 3.11 ;;
  -V) echo "Python 3.11.2" ;;
  "-m venv .venv")
    mkdir -p .venv/bin
    printf '#!/bin/bash\necho "venv-python $*" >> "%s"\n' "$LOG" > .venv/bin/python
    chmod +x .venv/bin/python ;;
  *) exit 3 ;;
esac
"""
FAKE_APT = r'[ "$1" = install ] && touch "$STATE/venv-installed"; exit 0'


@pytest.fixture
def sandbox(tmp_path: Path) -> Sandbox:
    box = Sandbox(tmp_path)
    box.fake("python3", f'LOG="{box.log}"\n{FAKE_PYTHON}')
    return box


def test_without_venv_support_root_installs_it_with_apt_then_makes_the_venv(sandbox) -> None:
    sandbox.fake("id", "echo 0")
    sandbox.fake("apt-get", FAKE_APT)
    done = sandbox.run("setup.sh")
    assert done.returncode == 0, done.stderr
    assert sandbox.calls("apt-get") == [
        "update -qq",
        "install -y -qq --no-install-recommends python3.11-venv",
    ]
    assert "-m venv .venv" in sandbox.calls("python3")
    assert sandbox.calls("venv-python")[-1] == (
        "-m pip install -q --disable-pip-version-check -e ."
    )


def test_without_venv_support_a_user_with_sudo_installs_it_through_sudo(sandbox) -> None:
    sandbox.fake("id", "echo 1000")
    sandbox.fake("apt-get", FAKE_APT)
    sandbox.fake("sudo", 'exec "$@"')
    done = sandbox.run("setup.sh", "--test")
    assert done.returncode == 0, done.stderr
    assert sandbox.calls("sudo") == [
        "apt-get update -qq",
        "apt-get install -y -qq --no-install-recommends python3.11-venv",
    ]
    assert sandbox.calls("venv-python")[-1].endswith("-e .[test]")


def test_without_venv_support_or_sudo_it_says_exactly_what_to_install(sandbox) -> None:
    sandbox.fake("id", "echo 1000")
    sandbox.fake("apt-get", FAKE_APT)
    done = sandbox.run("setup.sh")
    assert done.returncode == 1
    assert "run `sudo apt-get install python3.11-venv` as an administrator" in done.stderr
    assert sandbox.calls("apt-get") == []
    assert not (sandbox.checkout / ".venv").exists()


def test_without_apt_at_all_it_names_the_package_for_another_package_manager(sandbox) -> None:
    sandbox.fake("id", "echo 0")
    done = sandbox.run("setup.sh")
    assert done.returncode == 1
    assert "python3.11-venv (Debian/Ubuntu package names)" in done.stderr


def test_a_working_venv_is_reused_and_nothing_is_installed_with_apt(sandbox) -> None:
    sandbox.fake("id", "echo 0")
    sandbox.fake("apt-get", FAKE_APT)
    venv = sandbox.checkout / ".venv" / "bin"
    venv.mkdir(parents=True)
    (venv / "python").write_text(f'#!/bin/bash\necho "venv-python $*" >> "{sandbox.log}"\n')
    (venv / "python").chmod(0o755)
    done = sandbox.run("setup.sh")
    assert done.returncode == 0, done.stderr
    assert sandbox.calls("apt-get") == []
    assert sandbox.calls("venv-python") == [
        "-m pip --version",
        "-m pip install -q --disable-pip-version-check -e .",
    ]


def test_the_test_setup_installs_what_is_missing_then_the_venv_and_the_schema(sandbox) -> None:
    sandbox.fake("id", "echo 0")
    sandbox.fake("apt-get", "exit 0")
    # tested on their own (the OpenID provider's by the sign-in test that uses it)
    for script in ("setup.sh", "fetch-github-schema.sh", "fetch-oidc-provider.sh"):
        path = sandbox.checkout / "scripts" / script
        path.write_text(f'#!/bin/bash\necho "{script} $*" >> "{sandbox.log}"\n')
    done = sandbox.run("setup-tests.sh")  # this PATH has no chromium, poppler or npm
    assert done.returncode == 0, done.stderr
    install = sandbox.calls("apt-get")[-1].split()
    assert install[:4] == ["install", "-y", "-qq", "--no-install-recommends"]
    assert {"chromium", "poppler-utils", "nodejs", "npm"} <= set(install[4:])
    assert sandbox.calls("setup.sh") == ["--test"]
    assert sandbox.calls("fetch-github-schema.sh") == [""]
    assert sandbox.calls("fetch-oidc-provider.sh") == [""]


def fake_package(schema: bytes) -> bytes:
    """An npm tarball holding package/schema.graphql."""
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as tar:
        info = tarfile.TarInfo("package/schema.graphql")
        info.size = len(schema)
        tar.addfile(info, io.BytesIO(schema))
    return out.getvalue()


@pytest.mark.parametrize("matches", [True, False], ids=["pinned", "tampered"])
def test_the_schema_is_fetched_with_npm_pack_and_checked_against_its_pin(
    sandbox, matches: bool
) -> None:
    (sandbox.bin / "python3").unlink()
    (sandbox.bin / "python3").symlink_to(sys.executable)
    tarball = fake_package(b"type Query { viewer: String }\n")
    (sandbox.state / "package.tgz").write_bytes(tarball)
    digest = base64.b64encode(hashlib.sha512(tarball).digest()).decode()
    pin = sandbox.checkout / "tests" / "ingest" / "github" / "schema.pin"
    text = pin.read_text()
    pinned = re.search(r"^integrity (\S+)$", text, re.M).group(1)
    pin.write_text(text.replace(pinned, f"sha512-{digest}" if matches else pinned))
    # npm pack --pack-destination DIR SPEC: "downloads" the tarball into DIR
    sandbox.fake("npm", 'cp "$STATE/package.tgz" "$5/octokit-graphql-schema.tgz"')
    done = sandbox.run("fetch-github-schema.sh")
    version = re.search(r"^version (\S+)$", text, re.M).group(1)
    cached = sandbox.checkout / ".cache" / "github-schema" / version / "schema.graphql"
    (call,) = sandbox.calls("npm")
    assert call.startswith("pack --silent --no-update-notifier --pack-destination ")
    assert call.endswith(f" @octokit/graphql-schema@{version}")
    if matches:
        assert done.returncode == 0, done.stderr
        assert cached.read_bytes() == b"type Query { viewer: String }\n"
        again = sandbox.run("fetch-github-schema.sh")  # cached: npm is not asked again
        assert again.returncode == 0 and len(sandbox.calls("npm")) == 1
    else:
        assert done.returncode == 1
        assert f"is not the pinned {pinned}" in done.stderr
        assert not cached.exists()
