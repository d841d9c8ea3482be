"""Reports layer: the one formatting module — numbers with their units, chart axes, period
labels, counted nouns, and untrusted text made inert — the same way on every page and in
every export.

Formatting only: the numbers (changes and directions included) come from ``metrics``.
A unit is one of the registry's (:attr:`metrics.registry.Metric.unit`): ``hours``,
``share``, ``ratio``, ``defects per PR``, ``count``, ``level``. Each has one way to be
written as text (:func:`value_text`), as a change (:func:`change_text`), on a chart axis
(:func:`axis`) and in a chart's hover label (:func:`hover`).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date
from urllib.parse import quote

NO_DATA = "no data"
NO_CHANGE = "no change"


@dataclass(frozen=True)
class Unit:
    """How one unit is written: as text, as a change, on an axis, in a hover label."""

    name: str
    axis: str  # what an axis of it is titled after its subject: "hours", "% of merged PRs"
    tick: str  # d3 format of its axis ticks
    hover: str  # d3 format of a value in a hover label
    suffix: str = ""  # after a value in a hover label: " h", " per PR"
    percent: bool = False  # a share or ratio in [0, 1], written as a percentage


UNITS: dict[str, Unit] = {
    u.name: u
    for u in (
        Unit("hours", "hours", ",.0f", ".1f", " h"),
        Unit("share", "% of merged PRs", ".0%", ".0%", percent=True),
        Unit("ratio", "% of cycle time", ".0%", ".0%", percent=True),
        Unit("defects per PR", "defects per merged PR", ".2f", ".2f", " per PR"),
        Unit("count", "count", ",d", ",d"),
        Unit("level", "level", ".1f", ".1f"),
    )
}


def unit(name: str) -> Unit:
    """The :class:`Unit` of a registry unit name.

    Raises:
        KeyError: an unknown unit, naming the known ones (a new unit needs a line here).
    """
    try:
        return UNITS[name]
    except KeyError:
        raise KeyError(f"unknown unit {name!r}: known units are {', '.join(UNITS)}") from None


def is_number(value: float | None) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value))


def value_text(value: float | None, unit_name: str) -> str:
    """A figure with its unit: '12.5 h', '8%', '0.14 per PR', '1,204'; 'no data' for null."""
    if not is_number(value):
        return NO_DATA
    assert value is not None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if unit_name == "hours":
        return f"{value:,.0f} h" if abs(value) >= 100 else f"{value:.1f} h"
    if unit_name in ("share", "ratio"):
        return f"{value * 100:.0f}%"
    if unit_name == "defects per PR":
        return f"{value:.2f} per PR"
    if unit_name == "count":
        return f"{value:,.0f}"
    if unit_name == "level":
        return f"{value:.1f}"
    return f"{value:.2f}"


def change_text(change: float | None, unit_name: str) -> str:
    """A change (now - before, from :func:`metrics.compare.compare`) in the figure's unit
    ('+3.0 h', '-5.0 pts', '+0.02'); 'no change' when it rounds to nothing at the
    precision it is written with (never '+0.0 h'); '' when there is no change to show."""
    if not is_number(change):
        return ""
    assert change is not None
    if unit_name in ("share", "ratio"):
        points = change * 100
        # to 0.1 point, as metrics.compare reads it (a 1-point change is the tolerance)
        text = f"{points:+.1f} pts" if abs(points) < 9.95 else f"{points:+.0f} pts"
    elif unit_name == "hours":
        text = f"{change:+,.0f} h" if abs(change) >= 100 else f"{change:+.1f} h"
    elif unit_name == "defects per PR":
        text = f"{change:+.2f}"  # its label names the unit ('Defects per change')
    elif unit_name == "level":
        text = f"{change:+.1f}"
    else:
        text = f"{change:+,.0f}"
    digits = re.sub(r"[^0-9]", "", text)
    return NO_CHANGE if not digits.strip("0") else text


ARROWS = {
    "improved": "▲ improved",
    "worsened": "▼ worsened",
    "unchanged": "● unchanged",
    "no comparison": "○ no comparison",
    "up": "up",
    "down": "down",
}


def count_text(n: int | float | None, noun: str, plural: str | None = None) -> str:
    """A count with its noun in the right number: '1 PR', '3 PRs', '1 check-in',
    '0 defects' — never 'PR(s)'. ``plural`` when the noun does not take an 's'."""
    if not is_number(n):
        return f"{NO_DATA} ({plural or noun + 's'})"
    assert n is not None
    word = noun if n == 1 else (plural or f"{noun}s")
    return f"{n:,.0f} {word}"


def day_text(day: date | None) -> str:
    return f"{day:%d %b %Y}" if day else "—"


def text_or_dash(value: object) -> str:
    """A table cell: the value as text, '—' for a null (never 'None', 'nan' or 'NaT')."""
    if value is None:
        return "—"
    try:
        if value != value:  # NaN, NaT
            return "—"
    except (TypeError, ValueError):
        pass
    text = str(value)
    return "—" if text in ("", "None", "nan", "NaT", "<NA>") else text


_QUARTER = re.compile(r"^(\d{4})-?Q([1-4])$", re.IGNORECASE)


def period_text(label: str) -> str:
    """A period label as every page and export writes it (METRICS.md's forms: 2026-07,
    2026-W05, 2026-Q3): a quarter written 2026Q3 (the CLI's form) becomes 2026-Q3."""
    text = str(label).strip()
    found = _QUARTER.match(text)
    return f"{found.group(1)}-Q{found.group(2)}" if found else text


def periods_text(labels: list[str]) -> str:
    """Periods in a sentence, in the order given (newest first, where they come from
    flags): '2026-11, 2026-10, 2026-08'; at most 6 named, then '… and N earlier'."""
    shown = [period_text(x) for x in labels[:6]]
    rest = len(labels) - len(shown)
    return ", ".join(shown) + (f" … and {rest} earlier" if rest > 0 else "")


# --- charts ------------------------------------------------------------------------------


def axis_title(subject: str, unit_name: str) -> str:
    """An axis title that names its unit: 'Quality tax (% of cycle time)', 'Hours'."""
    u = unit(unit_name)
    if not subject:
        return u.axis[:1].upper() + u.axis[1:]
    return f"{subject} ({u.axis})"


def axis(subject: str, unit_name: str, unit_text: str | None = None) -> dict:
    """A plotly axis of ``unit_name``: its title naming the unit (``unit_text`` instead of
    the unit's own words; on two lines when long), tick format, and a range from zero."""
    u = unit(unit_name)
    title = f"{subject} ({unit_text})" if unit_text else axis_title(subject, unit_name)
    if len(title) > 22 and " (" in title:
        title = title.replace(" (", "<br>(", 1)
    spec = {"title": {"text": title}, "tickformat": u.tick}
    spec["rangemode"] = "tozero"
    return spec


def hover(name: str, unit_name: str, value: str = "y") -> str:
    """A plotly hovertemplate for one trace: 'QACT median: 12.5 h'. ``name`` is untrusted
    text (a team's name), made inert for plotly."""
    u = unit(unit_name)
    return f"{plotly_text(name)}: %{{{value}:{u.hover}}}{u.suffix}<extra></extra>"


# Plotly renders a few HTML tags in any text (<b>, <a href>, <br>…) and, with MathJax on a
# page, $…$ as LaTeX: untrusted text goes in as entities, so it shows literally.
_PLOTLY_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "$": "&#36;"}


def plotly_text(text: object) -> str:
    """Untrusted text for a plotly title, label, legend or hover: shown as written."""
    flat = " ".join(str(text if text is not None else "").split())
    return "".join(_PLOTLY_ENTITIES.get(ch, ch) for ch in flat)


# --- untrusted text in Markdown ------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~$])")


def md(text: object) -> str:
    """Untrusted text made inert in Markdown: no markup, no HTML, no LaTeX ($), one line."""
    flat = " ".join(str(text or "").split())
    return _MD_SPECIAL.sub(r"\\\1", flat)


_ASCII_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


def st_text(text: object) -> str:
    """Untrusted text for a Streamlit label, caption or Markdown line (an expander's label,
    a caption naming a team): every ASCII punctuation mark backslash-escaped (CommonMark
    lets any be), so no link, image, emphasis, HTML, ``:colour[…]`` directive or ``$…$``
    LaTeX survives; one line."""
    flat = " ".join(str(text if text is not None else "").split())
    return _ASCII_PUNCTUATION.sub(r"\\\1", flat)


def safe_url(url: str | None) -> str | None:
    """An http(s) URL with characters that would break a Markdown link escaped; else None."""
    if not url or not re.match(r"^https?://", url, re.IGNORECASE):
        return None
    return quote(url.strip(), safe=":/?#@!$&'*+,;=%~-._")


def table(frame, units: dict[str, str] | None = None):
    """A table for a page or an export, every cell as text: the columns named in ``units``
    written with their unit (:func:`value_text`), booleans as yes/no, and every null as
    '—' (never 'None' or 'nan')."""
    out = frame.copy()
    for column in out.columns:
        unit_name = (units or {}).get(column)
        if unit_name:
            out[column] = [value_text(v, unit_name) for v in out[column]]
        elif out[column].dtype == bool:
            out[column] = out[column].map({True: "yes", False: "no"})
        else:
            out[column] = [text_or_dash(v) for v in out[column]]
    return out
