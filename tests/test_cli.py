"""The `teamlens` command's contract: exit codes, stdout/stderr split, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

import teamlens
from store import schema

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    """The real console entry point in a child process, as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "teamlens", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_db_info_prints_tables_counts_ranges_and_syncs(small_db: Path) -> None:
    result = run("db", "info", "--db", str(small_db))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert f"schema version  {schema.SCHEMA_VERSION}" in out
    assert "pull_requests" in out and "2026-05-04 .. 2026-06-10" in out
    assert "test" in out.split("source")[-1]


def test_db_info_json(small_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert teamlens.main(["db", "info", "--db", str(small_db), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    rows = {t["table"]: t["rows"] for t in info["tables"]}
    assert rows["pull_requests"] == 4
    assert rows["reviews"] == 3
    assert rows["defects"] == 1
    # the defect's "Introduced by #1" became a link row at write time
    assert rows["links"] == 1
    (source,) = info["sources"]
    assert source["source"] == "test"
    assert source["counts"]["pull requests"] == 4
    assert source["last_synced_at"] is not None


@pytest.mark.parametrize(
    ("setup", "expected"),
    [
        (lambda p: p.mkdir(), "is a directory"),
        (lambda p: p.write_text("login,name\n"), "is not a DuckDB database file"),
        (lambda p: None, "no database at"),
    ],
)
def test_bad_db_exits_2_with_one_line(tmp_path: Path, setup, expected: str) -> None:
    path = tmp_path / "bad.duckdb"
    setup(path)
    result = run("db", "info", "--db", str(path))
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and expected in lines[0]


def test_newer_schema_exits_2(small_db: Path) -> None:
    conn = duckdb.connect(str(small_db))
    conn.execute("insert into schema_migrations values (99, 'future', now())")
    conn.close()
    result = run("db", "info", "--db", str(small_db))
    assert result.returncode == 2
    assert "newer teamlens" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_usage_error_exits_2() -> None:
    result = run("db", "info", "--no-such-flag")
    assert result.returncode == 2
    assert "No such option" in result.stderr


def test_unexpected_error_exits_1(
    small_db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from metrics import inventory

    def boom(*_args, **_kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(inventory, "describe", boom)
    assert teamlens.main(["db", "info", "--db", str(small_db)]) == 1
    err = capsys.readouterr().err
    assert "unexpected error: RuntimeError: disk on fire" in err


def test_every_command_has_help() -> None:
    def walk(group, prefix):
        for name, command in group.commands.items():
            yield (*prefix, name), command
            if hasattr(command, "commands"):
                yield from walk(command, (*prefix, name))

    for path, command in walk(teamlens.cli, ()):
        assert command.help, f"`teamlens {' '.join(path)}` has no help text"
        result = run(*path, "--help")
        assert result.returncode == 0, path
        readme = (ROOT / "README.md").read_text()
        if not hasattr(command, "commands"):
            assert f"teamlens {' '.join(path)}" in readme, f"{path} is not in the README"
