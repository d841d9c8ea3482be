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

from metrics.aggregates import COVERAGE_COLUMNS, GROUPINGS, ORG_GROUP, PERIODS, compute
from metrics.facts import BadAsOfError, defect_facts, parse_as_of, pr_facts, snapshot
from metrics.flags import RedFlag, red_flags, unreadable_dimensions
from metrics.registry import (
    METRICS,
    REFUSED,
    REGISTRY,
    Metric,
    Refused,
    RefusedMetricError,
    UnknownMetricError,
    refuse_if_refused,
)
from metrics.summaries import SUMMARIES, Summary, definition

__all__ = [
    "COVERAGE_COLUMNS",
    "GROUPINGS",
    "METRICS",
    "ORG_GROUP",
    "PERIODS",
    "REFUSED",
    "REGISTRY",
    "SUMMARIES",
    "BadAsOfError",
    "Metric",
    "RedFlag",
    "Refused",
    "RefusedMetricError",
    "Summary",
    "UnknownMetricError",
    "compute",
    "defect_facts",
    "definition",
    "parse_as_of",
    "pr_facts",
    "red_flags",
    "refuse_if_refused",
    "snapshot",
    "unreadable_dimensions",
]
