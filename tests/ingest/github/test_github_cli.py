"""`teamlens ingest github`: exit codes, progress, secrets, and killed runs that resume exactly."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from fake_github import TOKEN, FakeGitHub, primary_rate_limit
from github_testkit import make_client, populate, snapshot

import teamlens
from ingest.github import sync

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    with FakeGitHub() as server:
        populate(server, prs=260, issues=6)
        populate(server, repo="acme/web", prs=70, issues=2)
        yield server


def cli(
    args: list[str], capsys: pytest.CaptureFixture[str], monkeypatch, token: str | None = TOKEN
) -> tuple[int, str, str]:
    if token is None:
        monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    else:
        monkeypatch.setenv("GITHUB_TOKEN", token)
    code = teamlens.main(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_ingest_prints_progress_and_a_summary(
    fake: FakeGitHub, tmp_path: Path, capsys, monkeypatch
) -> None:
    db = tmp_path / "t.duckdb"
    args = ["ingest", "github", "--repo", "acme/api", "--repo", "acme/web"]
    code, out, err = cli([*args, "--api-url", fake.url, "--db", str(db)], capsys, monkeypatch)
    assert code == 0, err
    assert '"pull_requests": 330' in out
    assert "[2/2] acme/web" in err
    assert "requests" in err and "rate limit remaining" in err
    assert TOKEN not in out + err


def test_rate_limit_wait_is_explained(fake: FakeGitHub, tmp_path: Path, capsys, monkeypatch):
    fake.faults.append(primary_rate_limit(ahead_s=1))
    db = tmp_path / "t.duckdb"
    code, _out, err = cli(
        ["ingest", "github", "--repo", "acme/web", "--api-url", fake.url, "--db", str(db)],
        capsys,
        monkeypatch,
    )
    assert code == 0
    assert "waiting" in err and "primary rate limit" in err


def test_token_file(fake: FakeGitHub, tmp_path: Path, capsys, monkeypatch) -> None:
    token_file = tmp_path / "token"
    token_file.write_text(TOKEN + "\n")
    db = tmp_path / "t.duckdb"
    code, _out, err = cli(
        [
            "ingest",
            "github",
            "--repo",
            "acme/web",
            "--token-file",
            str(token_file),
            "--api-url",
            fake.url,
            "--db",
            str(db),
        ],
        capsys,
        monkeypatch,
        token=None,
    )
    assert code == 0, err


@pytest.mark.parametrize(
    ("args", "token", "message"),
    [
        (["--repo", "acme/api"], "ghp_badbadbadbad", "bad credentials"),
        (["--repo", "acme/missing"], TOKEN, "repository acme/missing was not found"),
        (["--org", "ghosts"], TOKEN, "organization ghosts was not found"),
        (["--repo", "acme/api"], None, "no GitHub token"),
        (["--repo", "not-a-repo"], TOKEN, "expected OWNER/NAME"),
        ([], TOKEN, "nothing to ingest"),
        (["--repo", "acme/api", "--since", "last week"], TOKEN, "--since"),
    ],
)
def test_bad_input_exits_2_with_one_clear_line(
    fake: FakeGitHub, tmp_path: Path, capsys, monkeypatch, args, token, message
) -> None:
    db = tmp_path / "t.duckdb"
    code, out, err = cli(
        ["ingest", "github", *args, "--api-url", fake.url, "--db", str(db)],
        capsys,
        monkeypatch,
        token=token,
    )
    assert code == 2, err
    assert message in err
    assert TOKEN not in out + err and "ghp_badbadbadbad" not in out + err


def test_malformed_answer_exits_1(fake: FakeGitHub, tmp_path: Path, capsys, monkeypatch) -> None:
    from fake_github import Fault

    fake.faults.append(Fault(body="{not json", status=200))
    db = tmp_path / "t.duckdb"
    code, _out, err = cli(
        ["ingest", "github", "--repo", "acme/api", "--api-url", fake.url, "--db", str(db)],
        capsys,
        monkeypatch,
    )
    assert code == 1
    assert "not valid JSON" in err and "nothing" in err


# -- killed and resumed ----------------------------------------------------------------------


def _command(fake: FakeGitHub, db: Path) -> list[str]:
    return [
        sys.executable,
        "-c",
        "import sys, teamlens; sys.exit(teamlens.main())",
        "ingest",
        "github",
        "--repo",
        "acme/api",
        "--repo",
        "acme/web",
        "--api-url",
        fake.url,
        "--db",
        str(db),
    ]


def _env() -> dict[str, str]:
    env = dict(os.environ, GITHUB_TOKEN=TOKEN)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def _reference(tmp_path: Path) -> dict:
    with FakeGitHub() as clean:
        populate(clean, prs=260, issues=6)
        populate(clean, repo="acme/web", prs=70, issues=2)
        db = tmp_path / "reference.duckdb"
        client = make_client(clean)
        sync.sync_github(client, repos=["acme/api", "acme/web"], db=db)
        client.close()
    return snapshot(db)


@pytest.mark.slow
def test_killed_between_pages_resumes_to_exactly_the_uninterrupted_rows(
    fake: FakeGitHub, tmp_path: Path
) -> None:
    db = tmp_path / "t.duckdb"
    for hang_at in (3, 4, 2):  # counted from each run's first request
        fake.seen.clear()
        fake.hanging.clear()
        fake.release = threading.Event()
        fake.hang_at = hang_at
        proc = subprocess.Popen(
            _command(fake, db),
            cwd=ROOT,
            env=_env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        assert fake.hanging.wait(60), proc.stderr.read() if proc.stderr else ""
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
        fake.hang_at = None
        fake.release.set()
    fake.seen.clear()
    done = subprocess.run(_command(fake, db), cwd=ROOT, env=_env(), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    # 260 + 70 PRs = 6 + 2 pages and 2 issue pages: the kills cost at most the pages in flight
    assert snapshot(db) == _reference(tmp_path)
    assert TOKEN not in done.stdout + done.stderr
    assert TOKEN.encode() not in db.read_bytes()


@pytest.mark.slow
def test_killed_at_random_moments_resumes_to_exactly_the_uninterrupted_rows(
    fake: FakeGitHub, tmp_path: Path
) -> None:
    db = tmp_path / "t.duckdb"
    rng = random.Random(5)
    for _ in range(4):
        proc = subprocess.Popen(
            _command(fake, db),
            cwd=ROOT,
            env=_env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            proc.wait(rng.uniform(1.0, 2.5))
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)
            proc.wait(30)
    done = subprocess.run(_command(fake, db), cwd=ROOT, env=_env(), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert snapshot(db) == _reference(tmp_path)
    # and running again changes nothing
    again = subprocess.run(_command(fake, db), cwd=ROOT, env=_env(), capture_output=True, text=True)
    assert again.returncode == 0
    assert snapshot(db) == _reference(tmp_path)


@pytest.mark.parametrize(
    ("cursor", "problem"),
    [
        ("{not json", "not JSON"),
        ('["a", "list"]', "not a JSON object"),
        ('{"since": "yesterday"}', "since should be a date-time"),
        ('{"since": null, "after": 12}', "after should be a page cursor"),
    ],
)
def test_a_corrupt_cursor_says_so_and_asks_for_full(
    fake: FakeGitHub, tmp_path: Path, capsys, monkeypatch, cursor, problem
) -> None:
    import store
    from ingest import writer

    db = tmp_path / "t.duckdb"
    args = ["ingest", "github", "--repo", "acme/web", "--api-url", fake.url, "--db", str(db)]
    assert cli(args, capsys, monkeypatch)[0] == 0
    whole = snapshot(db)
    with store.write_transaction(db) as conn:
        writer.set_sync_state(
            conn, source="github", scope="acme/web", stream="pull_requests", status="complete",
            cursor=cursor,
        )  # fmt: skip
    requests = len(fake.seen)
    code, out, err = cli(args, capsys, monkeypatch)
    assert code == 2, err
    [line] = [x for x in err.splitlines() if x.startswith("teamlens:")]
    assert "acme/web (pull_requests) is unreadable" in line and problem in line
    assert "--full" in line and out == ""
    assert len(fake.seen) == requests, "nothing was fetched before asking"
    # asked for, the full re-sync ends with the same rows and a readable cursor
    code, _out, err = cli([*args, "--full"], capsys, monkeypatch)
    assert code == 0, err
    assert snapshot(db) == whole
    assert cli(args, capsys, monkeypatch)[0] == 0
