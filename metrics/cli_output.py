"""Metrics layer: the JSON and CSV renderings of :func:`metrics.compute` for the CLI.

JSON contract (DESIGN.md): ``{"as_of", "period", "by", "rows": [{"group", "period",
<metric id>: value, ..., "coverage": {...}}]}``; values are JSON numbers or null, never NaN.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from datetime import UTC, datetime

import pandas as pd

from metrics.aggregates import COVERAGE_COLUMNS, to_records
from metrics.cells import formula_safe


def iso_utc(moment: datetime) -> str:
    """``2026-07-01T00:00:00Z``: ISO 8601 in UTC."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def to_json(
    frame: pd.DataFrame, metric_ids: Iterable[str], *, as_of: datetime, period: str, by: str
) -> str:
    """The JSON document of the `teamlens metrics` contract."""
    document = {
        "as_of": iso_utc(as_of),
        "period": period,
        "by": by,
        "rows": to_records(frame, metric_ids),
    }
    return json.dumps(document, indent=2, allow_nan=False)


def to_csv(frame: pd.DataFrame, metric_ids: Iterable[str]) -> str:
    """CSV: group, period, the metric ids, then the coverage columns; empty cell for null.

    A text cell a spreadsheet would run as a formula (a team named ``=cmd…``) is written
    after a ``'`` (:func:`metrics.cells.formula_safe`).
    """
    columns = ["group", "period", *metric_ids, *COVERAGE_COLUMNS]
    buffer = io.StringIO()
    out = frame[columns].copy()
    for column in out.columns:
        if not pd.api.types.is_numeric_dtype(out[column]):
            out[column] = out[column].map(formula_safe)
    out.to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue()
