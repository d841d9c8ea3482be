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

ROOT = Path(__file__).resolve().parents[2]
CONTRACT = ROOT / "docs" / "metrics.md"  # the metric contract, kept in the project
TESTS = Path(__file__).parent


def section(text: str, heading: str) -> str:
    """The text under a ``## heading`` of the contract, up to the next ``## ``."""
    parts = re.split(r"^## ", text, flags=re.M)
    found = [p for p in parts if p.startswith(heading)]
    assert len(found) == 1, f"the contract has no single section {heading!r}"
    return found[0]


def table_ids(text: str) -> set[str]:
    """Every id in the first column of the section's tables (`a`, `b` cells included)."""
    ids: set[str] = set()
    for line in text.splitlines():
        cells = line.split("|")
        if line.startswith("|") and len(cells) > 2:
            ids.update(re.findall(r"`([a-z0-9_]+)`", cells[1]))
    return ids


def contract_ids() -> tuple[set[str], set[str]]:
    """(aggregate ids, refused ids) as docs/metrics.md declares them."""
    text = CONTRACT.read_text(encoding="utf-8")
    aggregates = section(text, "Aggregates per (group, period)")
    # the AI split names its ids in the prose: `ai_...` ids written there
    ai_split = set(re.findall(r"`(ai_[a-z_]+_rate)`", aggregates))
    return table_ids(aggregates) | ai_split, table_ids(section(text, "Refused metrics"))


METRICS_MD_IDS, REFUSED_MD_IDS = contract_ids()


def test_the_contract_is_in_the_project():
    assert CONTRACT.read_text(encoding="utf-8").splitlines()[0].startswith("<!-- The metric")
    # a parse that found nothing would make the tests below vacuous
    assert len(METRICS_MD_IDS) >= 18 and len(REFUSED_MD_IDS) >= 5


def test_registry_ids_are_the_contract_both_ways():
    registry = set(CONTRACT_IDS)
    assert registry - METRICS_MD_IDS == set(), "in the registry, not in docs/metrics.md"
    assert METRICS_MD_IDS - registry == set(), "in docs/metrics.md, not in the registry"
    refused = {r.id for r in metrics.REFUSED}
    assert refused == REFUSED_MD_IDS, (refused - REFUSED_MD_IDS, REFUSED_MD_IDS - refused)
    assert not set(metrics.METRICS) & REFUSED_MD_IDS


def test_a_part_of_a_metric_names_a_contract_metric_of_its_unit():
    parts = [m for m in metrics.REGISTRY if m.part_of]
    assert {m.id for m in parts} == {"quality_tax_follow_up", "quality_tax_open_defects"}
    for part in parts:
        whole = metrics.METRICS[part.part_of]
        assert whole.id in CONTRACT_IDS and part.id not in CONTRACT_IDS
        assert (part.unit, part.better) == (whole.unit, whole.better)


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
