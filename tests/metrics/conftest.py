"""Fixtures of the metrics tests: a StoreBuilder writing a real DuckDB file under tmp_path."""

from __future__ import annotations

import pytest

from tests.metrics.builders import StoreBuilder


@pytest.fixture
def store(tmp_path) -> StoreBuilder:
    return StoreBuilder(tmp_path / "teamlens.duckdb")
