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
# Figures shown as percentages (shares, ratios) change in percentage points, and are read
# in points: a change under POINTS_TOLERANCE (1 point), taken as shown to POINTS_DIGITS
# decimals of a fraction (0.1 point), is unchanged. So "+0.6 pts" never reads as a worsening
# and "+1.4 pts" never as no change, whatever the earlier value.
PERCENT_UNITS = ("share", "ratio")
POINTS_TOLERANCE = 0.01
POINTS_DIGITS = 3
DIRECTIONS = ("improved", "worsened", "unchanged", "no comparison", "up", "down")
MOVED = ("improved", "worsened", "up", "down")  # directions that show their change


@dataclass(frozen=True)
class Comparison:
    """A figure now and before, the change (now - before) and which way it went."""

    value: float | None
    previous: float | None
    change: float | None  # None when either side has no value
    direction: str  # one of DIRECTIONS ("up"/"down" for a figure with no better side)

    @property
    def shown_change(self) -> float | None:
        """The change to print beside the figure: None when it is within the tolerance
        (an unchanged figure shows no "+0.0"), or when there is nothing to compare."""
        return self.change if self.direction in MOVED else None


def number(value: Any) -> float | None:
    """A float, or None for None, NaN, pandas' NA and anything that is not a number."""
    if value is None or value is pd.NA:
        return None
    try:
        out = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(out) else out


def compare(
    value: Any, previous: Any, better: str, unit: str = "", tolerance: float = TOLERANCE
) -> Comparison:
    """``value`` against ``previous`` for a figure whose ``better`` side is lower, higher or
    neither, in ``unit`` (a registry unit).

    No comparison when a side has no value. A percentage (``unit`` share or ratio) is
    unchanged within :data:`POINTS_TOLERANCE` points, its change taken to 0.1 point; any
    other figure within ``tolerance`` of the earlier value (relative; absolute
    :data:`NEAR_ZERO` for values near 0).
    """
    now, then = number(value), number(previous)
    if now is None or then is None:
        return Comparison(now, then, None, "no comparison")
    delta = now - then
    if unit in PERCENT_UNITS:
        delta = round(delta, POINTS_DIGITS)
        unchanged = abs(delta) < POINTS_TOLERANCE
    else:
        unchanged = abs(delta) <= max(abs(then) * tolerance, NEAR_ZERO)
    if unchanged:
        direction = "unchanged"
    elif better == "neither":
        direction = "up" if delta > 0 else "down"
    else:
        good = delta < 0 if better == "lower" else delta > 0
        direction = "improved" if good else "worsened"
    return Comparison(now, then, delta, direction)


def tolerance_rule() -> str:
    """The rule in words, for every page and export that shows a direction."""
    return (
        f"a change smaller than {TOLERANCE:.0%} of the earlier value (for a percentage: "
        f"smaller than {POINTS_TOLERANCE * 100:.0f} percentage point) reads as unchanged"
    )


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


def period_rows(frame: pd.DataFrame, period: str) -> dict[str, dict[str, Any]]:
    """:func:`period_values` of every group of ``frame`` at once, by group: one pass over
    the frame, where a call per group scans it once each (hundreds of teams at 1M PRs)."""
    part = frame[frame["period"] == period].drop_duplicates("group")
    return {
        row["group"]: {name: _plain(value) for name, value in row.items()}
        for row in part.to_dict("records")
    }


def pick(row: Mapping[str, Any], columns: Iterable[str]) -> dict[str, Any]:
    """``columns`` of a :func:`period_rows` row (None where missing; {} for no row), as
    :func:`period_values` with ``columns`` gives them."""
    return {name: row.get(name) for name in columns} if row else {}


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
