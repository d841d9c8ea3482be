"""Which figures rest on attribution, and rows under one half traced: blanked, counted by
method (metrics.attribution). Golden numbers on tests/metrics/traced_stores.py."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

import metrics
from metrics import attribution
from tests.metrics.traced_stores import AS_OF, traced_store


@pytest.fixture(scope="module")
def rows(tmp_path_factory) -> object:
    db = traced_store(tmp_path_factory.mktemp("traced") / "teamlens.duckdb")
    return metrics.compute(db, as_of=AS_OF, period="quarter", by="team")


def row_of(rows, group: str) -> dict:
    return rows[rows["group"] == group].iloc[0].to_dict()


def test_every_attribution_figure_is_a_metric():
    assert set(attribution.ATTRIBUTION_FIGURES) <= set(metrics.METRICS)
    # speed and review health do not rest on attribution
    for figure in ("cycle_time_p50_h", "unreviewed_merge_rate", "defects_reported"):
        assert not attribution.rests_on_attribution(figure)
    for figure in ("qact_p50_h", "defect_rate", "change_failure_rate", "quality_tax"):
        assert attribution.rests_on_attribution(figure)


def test_traceable_at_one_half(rows):
    core, edge = row_of(rows, "Core"), row_of(rows, "Edge")
    # Core: 1 of 4 defects traced = 0.25 < 0.5; Edge: 2 of 3 = 0.667 >= 0.5
    assert core["defect_attribution_rate"] == pytest.approx(0.25)
    assert not attribution.is_traceable(core)
    assert attribution.is_traceable(edge)
    assert attribution.traceability_note(core).startswith("Only 1 of 4 defects")


def test_blank_untraceable_leaves_gaps_not_zeros(rows):
    core = row_of(rows, "Core")
    # the number stays in compute: 1 attributed defect / 5 merged PRs = 0.2 per PR
    assert core["defect_rate"] == pytest.approx(0.2)
    blanked = attribution.blank_untraceable(rows)
    core_b, edge_b = row_of(blanked, "Core"), row_of(blanked, "Edge")
    for figure in ("defect_rate", "change_failure_rate", "qact_p50_h", "quality_tax"):
        assert math.isnan(core_b[figure])
    # Edge: 2 attributed defects / 5 PRs = 0.4; its cycle time (4 h) untouched everywhere
    assert edge_b["defect_rate"] == pytest.approx(0.4)
    assert core_b["cycle_time_p50_h"] == pytest.approx(4.0)


def test_method_counts_sum_to_the_defects(rows):
    counts = attribution.method_counts(rows)
    core = counts[counts["group"] == "Core"]
    # Core: 1 by text, 0 import, 0 inferred, 3 untraced = its 4 defects
    assert core["method"].tolist() == ["text", "import", "inferred", "untraced"]
    assert core["defects"].tolist() == [1, 0, 0, 3]
    edge = counts[counts["group"] == "Edge"]
    assert edge["defects"].tolist() == [2, 0, 0, 1]  # 2 + 1 = 3


def test_inferred_evidence_is_empty_without_git(tmp_path: Path):
    db = traced_store(tmp_path / "teamlens.duckdb")
    evidence = attribution.inferred_evidence(db, AS_OF)
    assert evidence.empty and "confidence" in evidence.columns
