"""Metrics layer: a figure beside its previous value — the change and its direction. Pure.

Every "improved / worsened" an export shows comes from :func:`compare`, so the rule (and
its tolerance) is written once. Also the small readers that turn one row of
:func:`metrics.compute` into plain numbers (NaN and missing are None, never 0).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

# A change within this share of the earlier value reads as unchanged; for values near 0
# (where any share is tiny) a change within NEAR_ZERO does.
TOLERANCE = 0.02
NEAR_ZERO = 0.005
DIRECTIONS = ("improved", "worsened", "unchanged", "no comparison", "up", "down")


@dataclass(frozen=True)
class Comparison:
    """A figure now and before, the change (now - before) and which way it went."""

    value: float | None
    previous: float | None
    change: float | None  # None when either side has no value
    direction: str  # one of DIRECTIONS ("up"/"down" for a figure with no better side)


def number(value: Any) -> float | None:
    """A float, or None for None, NaN, pandas' NA and anything that is not a number."""
    if value is None or value is pd.NA:
        return None
    try:
        out = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(out) else out


def compare(value: Any, previous: Any, better: str, tolerance: float = TOLERANCE) -> Comparison:
    """``value`` against ``previous`` for a figure whose ``better`` side is lower, higher or
    neither.

    No comparison when a side has no value. Within ``tolerance`` of the earlier value
    (relative; absolute :data:`NEAR_ZERO` for values near 0) the figure is unchanged.
    """
    now, then = number(value), number(previous)
    if now is None or then is None:
        return Comparison(now, then, None, "no comparison")
    delta = now - then
    if abs(delta) <= max(abs(then) * tolerance, NEAR_ZERO):
        direction = "unchanged"
    elif better == "neither":
        direction = "up" if delta > 0 else "down"
    else:
        good = delta < 0 if better == "lower" else delta > 0
        direction = "improved" if good else "worsened"
    return Comparison(now, then, delta, direction)


def period_values(
    frame: pd.DataFrame, group: str, period: str, columns: Iterable[str] | None = None
) -> dict[str, Any]:
    """One (group, period) row of :func:`metrics.compute` as a dict ({} when absent).

    Numbers come back as float or None (NaN is None); booleans as bool; text as text.
    """
    part = frame[(frame["group"] == group) & (frame["period"] == period)]
    if part.empty:
        return {}
    row = part.iloc[0].to_dict()
    wanted = list(columns) if columns is not None else list(row)
    return {name: _plain(row.get(name)) for name in wanted}


def _plain(value: Any) -> Any:
    if value is None or value is pd.NA:
        return None
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | float | np.integer | np.floating):
        return number(value)
    return value


def values_of(row: Mapping[str, Any], ids: Iterable[str]) -> dict[str, float | None]:
    """The numbers of ``ids`` in a row (None where missing)."""
    return {metric_id: number(row.get(metric_id)) for metric_id in ids}
