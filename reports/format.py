"""Reports layer: numbers and untrusted text as words, the same way in every export.

Formatting only: the numbers (changes and directions included) come from ``metrics``.
"""

from __future__ import annotations

import math
import re
from datetime import date
from urllib.parse import quote

NO_DATA = "no data"


def is_number(value: float | None) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value))


def value_text(value: float | None, unit: str) -> str:
    """A figure with its unit: '12.5 h', '8%', '0.14 per PR', '3'; 'no data' for null."""
    if not is_number(value):
        return NO_DATA
    assert value is not None
    if unit == "hours":
        return f"{value:.0f} h" if abs(value) >= 100 else f"{value:.1f} h"
    if unit in ("share", "ratio"):
        return f"{value * 100:.0f}%"
    if unit == "defects per PR":
        return f"{value:.2f} per PR"
    if unit == "count":
        return f"{value:.0f}"
    if unit == "level":
        return f"{value:.1f}"
    return f"{value:.2f}"


def change_text(change: float | None, unit: str) -> str:
    """A change (now - before, from :func:`metrics.compare.compare`) in the figure's unit
    ('+3.0 h', '-5 pts'), or '' when there is none."""
    if not is_number(change):
        return ""
    assert change is not None
    if unit in ("share", "ratio"):
        points = change * 100
        # to 0.1 point, as metrics.compare reads it (a 1-point change is the tolerance)
        return f"{points:+.1f} pts" if abs(points) < 9.95 else f"{points:+.0f} pts"
    if unit == "hours":
        return f"{change:+.1f} h"
    if unit == "defects per PR":
        return f"{change:+.2f}"
    return f"{change:+.0f}"


def count_text(count: int, singular: str, plural: str = "") -> str:
    """'1 merged PR', '3 merged PRs': a count with its noun, never 'PR(s)'."""
    return f"{count:,} {singular if count == 1 else plural or singular + 's'}"


ARROWS = {
    "improved": "▲ improved",
    "worsened": "▼ worsened",
    "unchanged": "● unchanged",
    "no comparison": "○ no comparison",
    "up": "up",
    "down": "down",
}


def day_text(day: date | None) -> str:
    return f"{day:%d %b %Y}" if day else "—"


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~$])")


def md(text: object) -> str:
    """Untrusted text made inert in Markdown: no markup, no HTML, no LaTeX ($), one line."""
    flat = " ".join(str(text or "").split())
    return _MD_SPECIAL.sub(r"\\\1", flat)


def safe_url(url: str | None) -> str | None:
    """An http(s) URL with characters that would break a Markdown link escaped; else None."""
    if not url or not re.match(r"^https?://", url, re.IGNORECASE):
        return None
    return quote(url.strip(), safe=":/?#@!$&'*+,;=%~-._")
