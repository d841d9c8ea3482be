"""What a test can see of a deck rendered by LibreOffice: shapes from the PPTX, words and
their boxes from the PDF LibreOffice made of it (poppler's ``pdftotext -bbox``).

A slide viewer that lays text out differently from teamlens's own measure shows up here:
a word outside the shape it belongs to (text overflowing its box), a word broken in two
("Peopl" / "e"), a run smaller than 12 pt, two text boxes on top of each other.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.util import Emu

EMU_PER_PT = 12700
_WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>'
)
_PAGE = re.compile(r"<page [^>]*>(.*?)</page>", re.S)
_BREAKS = re.compile("(?<=[-/\\u2013\\u2014])")  # a viewer may break a line after these
BULLET = "•"  # a list's bullet: drawn by the viewer, not part of the text


@dataclass(frozen=True)
class Box:
    left: float
    top: float
    right: float
    bottom: float

    def holds(self, x: float, y: float) -> bool:
        return self.left <= x <= self.right and self.top <= y <= self.bottom

    def overlaps(self, other: Box, slack: float = 0.5) -> bool:
        return (
            self.left < other.right - slack
            and other.left < self.right - slack
            and self.top < other.bottom - slack
            and other.top < self.bottom - slack
        )


@dataclass(frozen=True)
class Word:
    text: str
    box: Box

    @property
    def centre(self) -> tuple[float, float]:
        return (self.box.left + self.box.right) / 2, (self.box.top + self.box.bottom) / 2


@dataclass(frozen=True)
class TextShape:
    """A shape's text (or one table cell's) and where it sits, in points."""

    name: str
    text: str
    box: Box


def soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if not found:
        pytest.fail("LibreOffice is not installed (apt-get install libreoffice-impress)")
    return found


def to_pdf(decks: list[Path], out: Path) -> list[Path]:
    """Convert PPTX decks with LibreOffice (its own profile, so a running office is no
    obstacle); returns the PDFs."""
    profile = out / "lo-profile"
    subprocess.run(
        [
            soffice(),
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            *map(str, decks),
        ],
        check=True,
        capture_output=True,
        timeout=240,
    )
    pdfs = [out / f"{deck.stem}.pdf" for deck in decks]
    for pdf in pdfs:
        assert pdf.exists(), f"LibreOffice wrote no {pdf.name}"
    return pdfs


def png_pages(pdf: Path, out: Path) -> list[Path]:
    subprocess.run(
        ["pdftoppm", "-r", "50", "-png", str(pdf), str(out / pdf.stem)], check=True, timeout=120
    )
    return sorted(out.glob(f"{pdf.stem}-*.png"))


def pdf_words(pdf: Path) -> list[list[Word]]:
    """The words of each page with their boxes (points, from the top left)."""
    done = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    )
    pages = []
    for page in _PAGE.findall(done.stdout):
        pages.append(
            [
                Word(html.unescape(t), Box(float(a), float(b), float(c), float(d)))
                for a, b, c, d, t in _WORD.findall(page)
            ]
        )
    return pages


def _box(shape) -> Box:
    return Box(
        shape.left / EMU_PER_PT,
        shape.top / EMU_PER_PT,
        (shape.left + shape.width) / EMU_PER_PT,
        (shape.top + shape.height) / EMU_PER_PT,
    )


def text_shapes(slide) -> list[TextShape]:
    """Every text of a slide: text boxes and shapes with text, and each table cell."""
    out = []
    for shape in slide.shapes:
        if shape.has_text_frame and shape.text_frame.text.strip():
            out.append(TextShape(shape.name, shape.text_frame.text, _box(shape)))
        if shape.has_table:
            table = shape.table
            top = shape.top
            for r, row in enumerate(table.rows):
                left = shape.left
                for c, column in enumerate(table.columns):
                    text = table.cell(r, c).text_frame.text
                    box = Box(
                        left / EMU_PER_PT,
                        top / EMU_PER_PT,
                        (left + column.width) / EMU_PER_PT,
                        (top + row.height) / EMU_PER_PT,
                    )
                    if text.strip():
                        out.append(TextShape(f"{shape.name}[{r},{c}]", text, box))
                    left += column.width
                top += row.height
    return out


def font_sizes(deck_path: Path) -> list[tuple[str, float]]:
    """(text, size pt) of every run on every slide (notes excluded)."""
    deck = Presentation(str(deck_path))
    out = []
    for slide in deck.slides:
        for shape in slide.shapes:
            frames = []
            if shape.has_text_frame:
                frames.append(shape.text_frame)
            if shape.has_table:
                frames += [cell.text_frame for row in shape.table.rows for cell in row.cells]
            for frame in frames:
                for para in frame.paragraphs:
                    for run in para.runs:
                        size = run.font.size
                        out.append((run.text, Emu(size).pt if size is not None else 0.0))
    return out


def pieces(text: str) -> Counter[str]:
    """The words of a text, and the parts a viewer may break them into at hyphens."""
    out: Counter[str] = Counter()
    for word in text.split():
        out[word] += 1
        for part in _BREAKS.split(word):
            if part and part != word:
                out[part] += 1
    return out


def check_slide(slide, words: list[Word]) -> list[str]:
    """Every problem a viewer's rendering shows on one slide (empty when it is right)."""
    problems = []
    shapes = text_shapes(slide)
    for a_index, a in enumerate(shapes):
        for b in shapes[a_index + 1 :]:
            if a.box.overlaps(b.box):
                problems.append(f"{a.name!r} overlaps {b.name!r}")
    claimed: set[int] = set()
    for shape in shapes:
        inside = [i for i, w in enumerate(words) if shape.box.holds(*w.centre)]
        claimed.update(inside)
        inside = [i for i in inside if words[i].text != BULLET]
        shown = "".join(words[i].text for i in inside)
        wanted = "".join(shape.text.split())
        if Counter(shown) != Counter(wanted):
            problems.append(f"{shape.name!r}: shows {shown!r}, holds {wanted!r}")
        allowed = pieces(shape.text)
        for i in inside:
            if words[i].text not in allowed:
                problems.append(f"{shape.name!r}: word broken or foreign: {words[i].text!r}")
    for i, word in enumerate(words):
        if i not in claimed:
            problems.append(f"word outside every shape: {word.text!r} at {word.box}")
    return problems
