"""`teamlens demo --prs N`: sizes as people write them, one line and exit 2 for a size the
demo does not build (nothing written), the summary on stdout and progress on stderr."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import store
import teamlens
from cli.demo import PrCount


@pytest.mark.parametrize(
    ("text", "n"),
    [("12000", 12_000), ("250_000", 250_000), ("250,000", 250_000), ("12k", 12_000), ("1M", 10**6)],
)
def test_sizes_as_people_write_them(text: str, n: int) -> None:
    assert PrCount().convert(text, None, None) == n


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("50", "50: the demo builds from 100 to 5,000,000 merged PRs"),
        ("10M", "10M: the demo builds from 100 to 5,000,000"),
        ("5000001", "5000001: the demo builds from 100"),
        ("1.5", "'1.5' is not a whole number of merged PRs (from 100 to 5,000,000)"),
        ("abc", "'abc' is not a whole number"),
        ("-5", "'-5' is not a whole number"),
        ("1e6", "'1e6' is not a whole number"),
        ("1,00", "'1,00' is not a whole number"),
        ("", "'' is not a whole number"),
    ],
)
def test_a_bad_size_is_one_line_and_writes_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, value: str, says: str
) -> None:
    db = tmp_path / "demo.duckdb"
    code = teamlens.main(["demo", "--db", str(db), "--prs", value])
    captured = capsys.readouterr()
    assert code == 2, captured.err
    assert captured.err.count("\n") == 1 and "Traceback" not in captured.err
    assert "--prs" in captured.err and says in captured.err
    assert captured.out == ""
    assert not db.exists()


def test_help_documents_the_option_and_the_naming(capsys: pytest.CaptureFixture[str]) -> None:
    assert teamlens.main(["demo", "--help"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "--prs N" in out and "5,000,000" in out
    assert "'Payments 002' at 167 copies" in out
    assert "Only the first copy has a git history" in out


def test_a_small_organization(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    db = tmp_path / "small.duckdb"
    assert teamlens.main(["demo", "--db", str(db), "--prs", "300"]) == 0
    captured = capsys.readouterr()
    summary = json.loads(captured.out)
    assert summary["copies"] == 1 and len(summary["teams"]) == 5
    assert "demo built in" in captured.err
    with store.read_connection(db) as conn:
        merged = conn.execute(
            "select count(*) from pull_requests where merged_at is not null"
        ).fetchone()[0]
        people = conn.execute("select count(*) from people where not is_bot").fetchone()[0]
    assert 250 <= merged <= 350  # about 300: the 40 people, fewer PRs each
    assert people == 40
