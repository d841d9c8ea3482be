"""Reports layer: numbers and untrusted text as words, the same way in every export."""

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


def change_text(now: float | None, then: float | None, unit: str) -> str:
    """The difference now - then in the figure's unit ('+3.0 h', '-5 pts'), or ''."""
    if not (is_number(now) and is_number(then)):
        return ""
    assert now is not None and then is not None
    delta = now - then
    if unit in ("share", "ratio"):
        return f"{delta * 100:+.0f} pts"
    if unit == "hours":
        return f"{delta:+.1f} h"
    if unit == "defects per PR":
        return f"{delta:+.2f}"
    return f"{delta:+.0f}"


def direction(now: float | None, then: float | None, better: str, tolerance: float = 0.02) -> str:
    """'improved', 'worsened', 'unchanged', or 'no comparison' (a side without data).

    Changes within ``tolerance`` of the earlier value (relative; absolute 0.005 for values
    near 0) read as unchanged.
    """
    if not (is_number(now) and is_number(then)):
        return "no comparison"
    assert now is not None and then is not None
    delta = now - then
    if abs(delta) <= max(abs(then) * tolerance, 0.005):
        return "unchanged"
    if better == "neither":
        return "up" if delta > 0 else "down"
    good = delta < 0 if better == "lower" else delta > 0
    return "improved" if good else "worsened"


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


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")


def md(text: object) -> str:
    """Untrusted text made inert in Markdown: no markup, no HTML, one line."""
    flat = " ".join(str(text or "").split())
    return _MD_SPECIAL.sub(r"\\\1", flat)


def safe_url(url: str | None) -> str | None:
    """An http(s) URL with characters that would break a Markdown link escaped; else None."""
    if not url or not re.match(r"^https?://", url, re.IGNORECASE):
        return None
    return quote(url.strip(), safe=":/?#@!$&'*+,;=%~-._")
