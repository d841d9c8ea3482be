"""Which database file a command opens: --db, else $TEAMLENS_DB, else the checkout's data/."""

from __future__ import annotations

from pathlib import Path

import pytest

import store

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run from a folder that has a data/teamlens.duckdb of its own, with no $TEAMLENS_DB."""
    monkeypatch.delenv("TEAMLENS_DB", raising=False)
    (tmp_path / "data").mkdir()
    store.ensure_store(tmp_path / "data" / "teamlens.duckdb")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_the_default_is_the_checkouts_data_folder_wherever_the_command_runs(
    elsewhere: Path,
) -> None:
    assert store.DEFAULT_DB == ROOT / "data" / "teamlens.duckdb"
    assert store.DEFAULT_DB.is_absolute()
    assert store.resolve_db(None) == store.DEFAULT_DB  # not ./data/teamlens.duckdb here
    assert store.resolve_db("") == store.DEFAULT_DB
    assert store.db_origin(None) == "default"


def test_teamlens_db_wins_over_the_default(
    elsewhere: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TEAMLENS_DB", "data/teamlens.duckdb")
    assert store.resolve_db(None) == Path("data/teamlens.duckdb")  # relative to where it runs
    assert store.db_origin(None) == "$TEAMLENS_DB"


def test_an_explicit_path_wins_over_everything(
    elsewhere: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TEAMLENS_DB", "/somewhere/else.duckdb")
    assert store.resolve_db("mine.duckdb") == Path("mine.duckdb")
    assert store.db_origin("mine.duckdb") == "argument"
