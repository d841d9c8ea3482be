"""Metrics layer: a text cell made safe for a spreadsheet (formula injection). Pure.

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or a
carriage return before one) as a formula: a team called ``=HYPERLINK("http://…")`` in a
CSV would become a live link, or worse. Such a cell is written after a ``'``, which
spreadsheets show as the text itself (OWASP's advice for CSV files). A plain number with
a unit (``-5 pts``, ``+3.0 h``, ``-12%``) is a figure, not a formula, and stays as it is.
"""

from __future__ import annotations

import re

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FIGURE = re.compile(r"^[+-]?\d+(?:[.,]\d+)?(?: ?(?:%|h|pts|per PR))?$")


def formula_safe(value: object) -> object:
    """``value``, with a ``'`` before it when it is text a spreadsheet would run."""
    if isinstance(value, str) and value.startswith(_FORMULA_START) and not _FIGURE.match(value):
        return "'" + value
    return value
