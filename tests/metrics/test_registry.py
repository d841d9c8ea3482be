"""The registry holds METRICS.md: every id, a meaning, a golden test; refused ids refused."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import metrics
from metrics.registry import CONTRACT_IDS, REFUSED_BY_ID
from tests.metrics.builders import t

# The aggregate ids of METRICS.md ("Aggregates per (group, period)" and the AI split).
METRICS_MD_IDS = {
    "merged_prs",
    "cycle_time_p50_h",
    "cycle_time_p90_h",
    "qact_p50_h",
    "qact_p90_h",
    "quality_tax",
    "defect_rate",
    "change_failure_rate",
    "defects_reported",
    "repair_time_p50_h",
    "unreviewed_merge_rate",
    "rubber_stamp_rate",
    "dismissed_review_merges",
    "failing_check_merges",
    "security_bypass_merges",
    "ai_defect_rate",
    "ai_change_failure_rate",
    "ai_rubber_stamp_rate",
}
REFUSED_MD_IDS = {
    "ai_usage_frequency",
    "lines_of_code",
    "ai_suggestions_accepted",
    "ai_task_speed",
    "ai_user_vs_nonuser",
}
SHARED_METRICS_MD = Path(__file__).resolve().parents[3] / "shared" / "METRICS.md"
TESTS = Path(__file__).parent


def test_registry_ids_are_the_contract():
    assert set(CONTRACT_IDS) == METRICS_MD_IDS
    assert {r.id for r in metrics.REFUSED} == REFUSED_MD_IDS
    assert not set(metrics.METRICS) & REFUSED_MD_IDS


def test_ids_match_the_shared_metrics_md():
    # the contract lives beside the repository, like the GitHub schema (DESIGN.md)
    assert SHARED_METRICS_MD.exists(), f"{SHARED_METRICS_MD} is missing"
    text = SHARED_METRICS_MD.read_text()
    aggregates = text.split("## Aggregates per (group, period)")[1].split("## Refused")[0]
    named = set(re.findall(r"`([a-z0-9_]+)`", aggregates))
    assert named >= METRICS_MD_IDS
    refused = text.split("## Refused metrics")[1].split("## Edge rules")[0]
    assert set(re.findall(r"^\| `([a-z_]+)` \|", refused, re.M)) == REFUSED_MD_IDS


def test_every_metric_has_a_meaning_unit_and_a_golden_test():
    golden = "".join(p.read_text() for p in TESTS.glob("test_*.py") if p.name != "test_registry.py")
    for metric in metrics.REGISTRY:
        assert len(metric.meaning) > 40, metric.id
        assert metric.unit and metric.title and metric.better in {"lower", "higher", "neither"}
        assert f'"{metric.id}"' in golden, f"{metric.id} has no golden test"
    for refused in metrics.REFUSED:
        assert len(refused.reason) > 20


@pytest.mark.parametrize("refused_id", sorted(REFUSED_MD_IDS))
def test_asking_for_a_refused_metric_quotes_its_reason(tmp_path, refused_id):
    with pytest.raises(metrics.RefusedMetricError) as err:
        metrics.compute(tmp_path / "none.duckdb", metric_ids=["merged_prs", refused_id])
    assert REFUSED_BY_ID[refused_id].reason in str(err.value)
    with pytest.raises(metrics.RefusedMetricError):
        metrics.refuse_if_refused([refused_id.upper()])


def test_unknown_metric_is_an_input_error(tmp_path):
    with pytest.raises(metrics.UnknownMetricError, match="unknown metric 'velocity'"):
        metrics.compute(tmp_path / "none.duckdb", metric_ids=["velocity"])


@given(
    st.lists(st.sampled_from(sorted(METRICS_MD_IDS)), max_size=4),
    st.sampled_from(sorted(REFUSED_MD_IDS)),
    st.integers(min_value=0, max_value=4),
)
def test_property_a_refused_metric_can_never_be_produced(allowed, refused, position):
    ids = list(allowed)
    ids.insert(min(position, len(ids)), refused)
    with pytest.raises(metrics.RefusedMetricError):
        metrics.refuse_if_refused(ids)


def test_no_refused_id_is_a_column_anywhere(store):
    store.person("alice")
    store.pr(1, created=t(2, 9), merged=t(2, 10))
    path = store.write()
    columns = set(metrics.compute(path, as_of=t(31)).columns)
    columns |= set(metrics.compute(path, as_of=t(31), by="person").columns)
    columns |= set(metrics.pr_facts(path, t(31)).columns)
    columns |= set(metrics.defect_facts(path, t(31)).columns)
    assert not columns & REFUSED_MD_IDS
    assert "lines_of_code" not in columns and "changed_lines" in columns  # context only
