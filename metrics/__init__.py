"""Metrics layer: store -> numbers, as of a given time. Read-only; never imports Streamlit.

Public API (small on purpose; pages, reports and the CLI call only these):

* :func:`compute` — the aggregates of METRICS.md per (group, period), with coverage;
* :func:`pr_facts`, :func:`defect_facts` — the per-PR and per-defect facts behind them;
* :func:`red_flags` — the framework's red flags, with evidence;
* :data:`REGISTRY`, :data:`REFUSED`, :func:`refuse_if_refused` — what is measured and
  what is refused (with its reason);
* :data:`SUMMARIES`, :func:`definition` — the declared figures that are not per-(group,
  period) aggregates (:mod:`metrics.skills`, :mod:`metrics.groups`,
  :mod:`metrics.person_review`, :mod:`metrics.compare`);
* :func:`snapshot` — one read session with one fact build, for a report's many reads.
"""

import importlib
from typing import Any

# Each public name's module, imported on first use: a command that only saves the facts
# (the CLI after it wrote data: metrics.saved_facts) then loads neither these modules nor
# the pandas and pyarrow they import (about 80 MB, a quarter of an ingest's budget).
_HOMES = {
    **dict.fromkeys(
        ("COVERAGE_COLUMNS", "GROUPINGS", "ORG_GROUP", "PERIODS", "compute"), "aggregates"
    ),
    **dict.fromkeys(
        ("BadAsOfError", "defect_facts", "parse_as_of", "pr_facts", "snapshot"), "facts"
    ),
    **dict.fromkeys(("RedFlag", "red_flags", "unreadable_dimensions"), "flags"),
    **dict.fromkeys(
        (
            "METRICS",
            "REFUSED",
            "REGISTRY",
            "Metric",
            "Refused",
            "RefusedMetricError",
            "UnknownMetricError",
            "refuse_if_refused",
        ),
        "registry",
    ),
    **dict.fromkeys(("SUMMARIES", "Summary", "definition"), "summaries"),
}

__all__ = sorted(_HOMES)


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'metrics' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"metrics.{home}"), name)
    globals()[name] = value
    return value
