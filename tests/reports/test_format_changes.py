"""reports.format: changes in points to 0.1 (as metrics.compare reads them), counts with
their noun."""

from __future__ import annotations

import pytest

from reports.format import change_text, count_text


@pytest.mark.parametrize(
    ("change", "unit", "text"),
    [
        (0.012, "share", "+1.2 pts"),  # 1.2 points: shown to 0.1 like the tolerance
        (-0.005, "ratio", "-0.5 pts"),
        (0.74, "ratio", "+74 pts"),  # large changes need no decimal
        (-2.0, "hours", "-2.0 h"),
        (None, "share", ""),  # nothing to show (no comparison, or unchanged)
    ],
)
def test_change_text(change, unit, text) -> None:
    assert change_text(change, unit) == text


def test_count_text() -> None:
    assert count_text(1, "merged PR") == "1 merged PR"
    assert count_text(66, "merged PR") == "66 merged PRs"
    assert count_text(0, "check-in") == "0 check-ins"
    assert count_text(2, "person", "people") == "2 people"
