"""Reports layer: how much room text takes on a slide — widths from the font's own metrics.

The slides are set in DejaVu Sans, the font the charts are drawn in, so a slide and its
charts look alike. Text is measured with the font file's advance widths (fontTools), and
wrapped at spaces the way a slide viewer wraps it, so a box is made as tall as its text
and no text overflows its shape. Without the font files an average glyph width is used,
generously. Pure: no slide is drawn here.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

FONT_NAME = "DejaVu Sans"
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT_FILES = {False: "DejaVuSans.ttf", True: "DejaVuSans-Bold.ttf"}
LINE = 1.2  # line height in em: every paragraph on a slide is set at this exact spacing
FALLBACK_EM = 0.62  # average advance of a glyph in em when the font file is missing
SAFETY = 1.04  # viewers differ a little in kerning and rounding: leave room for it


@cache
def _advances(bold: bool) -> tuple[dict[int, float], float] | None:
    """(advance in em by code point, the em of a missing glyph), or None without the font."""
    path = FONT_DIR / FONT_FILES[bold]
    if not path.exists():
        return None
    from fontTools.ttLib import TTFont

    font = TTFont(str(path), lazy=True)
    units = font["head"].unitsPerEm
    metrics = font["hmtx"].metrics
    table = font.getBestCmap()
    out = {code: metrics[name][0] / units for code, name in table.items()}
    return out, metrics[".notdef"][0] / units


def width(text: str, size: float, bold: bool = False) -> float:
    """The width of ``text`` at ``size`` pt, in pt."""
    found = _advances(bold)
    if found is None:
        return len(text) * size * FALLBACK_EM * SAFETY
    advances, missing = found
    return sum(advances.get(ord(ch), missing) for ch in text) * size * SAFETY


def wrap(text: str, size: float, room: float, bold: bool = False) -> list[str]:
    """``text`` broken into lines no wider than ``room`` pt, at spaces only (a viewer may
    also break after a hyphen, which only ever saves room). A word wider than the room
    stays whole on its own line: :func:`longest_word` lets a caller widen the room."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        current = ""
        for word in paragraph.split():
            candidate = f"{current} {word}" if current else word
            if current and width(candidate, size, bold) > room:
                lines.append(current)
                current = word
            else:
                current = candidate
        lines.append(current)
    return lines


def lines(text: str, size: float, room: float, bold: bool = False) -> int:
    return len(wrap(text, size, room, bold))


def height(text: str, size: float, room: float, bold: bool = False) -> float:
    """The height in pt of ``text`` wrapped in ``room`` pt, at :data:`LINE` spacing."""
    return lines(text, size, room, bold) * size * LINE


def longest_word(text: str, size: float, bold: bool = False) -> float:
    """The width in pt of the widest word of ``text`` (no box may be narrower)."""
    return max((width(word, size, bold) for word in text.split()), default=0.0)
