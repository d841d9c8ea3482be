"""Reports layer: any document as an A4 PDF (fpdf2, offline). Knows blocks, not reports.

Text is set in DejaVu Sans (Debian ``fonts-dejavu-core``), embedded, so any name or title
prints as written; without that font the core Helvetica is used and text is reduced to
Latin-1 safely. Charts are rendered to PNG (:mod:`reports.images`). Untrusted text
(names, titles, notes) is only ever written as text; links keep http(s) URLs only.
Blocks flow down the page (portrait, or landscape when the document asks), a heading is
kept with what follows it, a :class:`~reports.document.Row` sets its columns side by side.
"""

from __future__ import annotations

import io
import unicodedata
from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import FontFace

from reports import images
from reports.document import (
    Block,
    Bullets,
    Callout,
    Chart,
    Document,
    Heading,
    PageBreak,
    Paragraph,
    Row,
    Span,
    Table,
    Text,
    Tile,
    Tiles,
    spans,
)
from reports.format import ARROWS, safe_url

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT_FILES = {
    "": "DejaVuSans.ttf",
    "B": "DejaVuSans-Bold.ttf",
    "I": "DejaVuSans-Oblique.ttf",
    "BI": "DejaVuSans-BoldOblique.ttf",
}
INK = (33, 37, 41)
MUTED = (108, 117, 125)
LINK = (31, 119, 180)
RED = (214, 39, 40)
HEAD_FILL = (232, 238, 246)
DIRECTION_COLOUR = {"improved": (44, 160, 44), "worsened": RED}
# Paragraph styles: (size pt, font style, colour)
STYLES = {
    "body": (10.0, "", INK),
    "small": (9.0, "", INK),
    "muted": (9.0, "", MUTED),
    "strong": (10.0, "B", INK),
    "flag": (10.0, "B", RED),
}
HEADINGS = {2: 13.0, 3: 11.5}
MAX_CHART_W = 175.0  # mm
TILE_H = 38.0
TILE_NOTE_H = 5.0  # a tile's note line (a partial quarter, a figure not traceable)
GAP = 5.0  # between the columns of a Row
# Latin-1 stand-ins for the few non-Latin-1 characters teamlens itself writes.
_LATIN = str.maketrans(
    {"—": "-", "\u2013": "-", "…": "...", "▲": "^", "▼": "v", "●": "=", "○": "o", "→": "->"}
)


class Page(FPDF):
    """An A4 document with teamlens's fonts, footer and a few writing helpers."""

    def __init__(self, title: str, footer: str, orientation: str = "P") -> None:
        super().__init__(orientation=orientation, unit="mm", format="A4")
        self.footer_text = footer
        self.unicode = all((FONT_DIR / name).exists() for name in FONT_FILES.values())
        if self.unicode:
            for style, name in FONT_FILES.items():
                self.add_font("DejaVu", style, str(FONT_DIR / name))
            self.family_name = "DejaVu"
        else:
            self.family_name = "helvetica"
        self.set_title(self.t(title))
        self.set_creator("teamlens")
        self.set_author("teamlens")
        if orientation == "L":
            self.set_margins(10, 9, 10)
            self.set_auto_page_break(True, margin=14)
        else:
            self.set_margins(15, 14, 15)
            self.set_auto_page_break(True, margin=16)
        self.alias_nb_pages()

    def t(self, text: object) -> str:
        """Text the current font can print (control characters dropped)."""
        clean = "".join(
            ch if ch in "\n" or unicodedata.category(ch)[0] != "C" else " " for ch in str(text)
        )
        if self.unicode:
            return clean
        return clean.translate(_LATIN).encode("latin-1", "replace").decode("latin-1")

    def font(self, size: float, style: str = "", colour: tuple[int, int, int] = INK) -> None:
        self.set_font(self.family_name, style, size)
        self.set_text_color(*colour)

    def footer(self) -> None:
        self.set_y(-11)
        self.font(7, colour=MUTED)
        text = f"{self.footer_text} · page {self.page_no()}/{{nb}}"
        self.cell(0, 5, self.t(text), align="C")

    @property
    def room(self) -> float:
        """Height left on this page above the bottom margin."""
        return self.h - self.b_margin - self.get_y()


class _Writer:
    def __init__(self, doc: Page, with_charts: bool) -> None:
        self.doc = doc
        self.with_charts = with_charts

    # --- inline text ------------------------------------------------------------------

    def rich(self, text: Text, size: float, style: str, colour, *, indent: float = 0) -> None:
        """Inline runs that wrap inside the margins (links coloured and clickable)."""
        doc = self.doc
        height = size * 0.51
        left = doc.l_margin
        doc.set_left_margin(left + indent)
        doc.set_x(left + indent)
        for span in spans(text):
            face = style + ("B" if span.strong and "B" not in style else "")
            face += "I" if span.emphasis else ""
            url = safe_url(span.url)
            doc.font(size, "".join(sorted(set(face))), LINK if url else colour)
            doc.write(height, doc.t(span.text), link=url or "")
        doc.ln(height)
        doc.set_left_margin(left)
        doc.set_x(left)

    # --- blocks -----------------------------------------------------------------------

    def heading(self, block: Heading, following: Block | None) -> None:
        doc = self.doc
        if block.level == 1:
            if block.kicker:
                doc.font(9, colour=MUTED)
                doc.cell(0, 5, doc.t(block.kicker), new_x="LMARGIN", new_y="NEXT")
            if block.aside:
                doc.font(18, "B")
                doc.cell(doc.epw * 0.6, 8, doc.t(block.text))
                doc.font(10, colour=MUTED)
                doc.cell(0, 8, doc.t(block.aside), align="R", new_x="LMARGIN", new_y="NEXT")
            else:
                doc.font(20, "B")
                doc.multi_cell(0, 9, doc.t(block.text), new_x="LMARGIN", new_y="NEXT")
            return
        size = HEADINGS.get(block.level, 10.0)
        if doc.room < self.need(following) + size:
            doc.add_page()  # keep the heading with what follows it
        doc.ln(2.5)
        doc.font(size, "B")
        doc.multi_cell(0, size * 0.5, doc.t(block.text), new_x="LMARGIN", new_y="NEXT")
        doc.ln(1)

    def need(self, block: Block | None) -> float:
        """The room to leave under a heading for (the start of) the block after it."""
        if isinstance(block, Chart):
            return self.chart_height(block, self.doc.epw) if self.with_charts else 20.0
        if isinstance(block, Row):
            charts = [b for column in block.columns for b in column if isinstance(b, Chart)]
            if charts and self.with_charts:
                width = self.doc.epw * block.share(0) - GAP
                return max(self.chart_height(c, width) for c in charts)
        if isinstance(block, Tiles):
            return TILE_H
        return 28.0

    def paragraph(self, block: Paragraph) -> None:
        size, style, colour = STYLES.get(block.style, STYLES["body"])
        self.rich(block.text, size, style, colour)
        self.doc.ln(0.6)

    def callout(self, block: Callout) -> None:
        self.rich(block.text, 8.5, "I", MUTED)
        self.doc.ln(0.6)

    def bullets(self, block: Bullets) -> None:
        size, style, colour = STYLES.get(block.style, STYLES["body"])
        style = style.replace("B", "")  # a list is never all bold
        for item in block.items:
            self.rich((Span("• "), *spans(item)), size, style, colour, indent=3)
        self.doc.ln(1)

    def table(self, block: Table) -> None:
        doc = self.doc
        size = 8.0 if doc.epw >= 120 else 7.0

        def measure(text: str, bold: bool) -> float:
            doc.font(size, "B" if bold else "")
            return doc.get_string_width(doc.t(text)) + 2.6  # padding and rule

        widths = block.widths(doc.epw, measure)
        doc.font(size)
        with doc.table(
            col_widths=tuple(widths),
            width=doc.epw,
            align="LEFT",
            text_align="LEFT",
            line_height=size * 0.5,
            headings_style=FontFace(emphasis="BOLD", fill_color=HEAD_FILL),
            borders_layout="HORIZONTAL_LINES",
            padding=0.8,
        ) as grid:
            for row in (block.header, *block.rows):
                grid.row([doc.t(cell) for cell in row])
        doc.ln(2)

    def chart_height(self, block: Chart, width: float) -> float:
        return min(width, MAX_CHART_W) * block.height / block.width

    def chart(self, block: Chart) -> None:
        if not self.with_charts:
            return
        doc = self.doc
        width = min(doc.epw, MAX_CHART_W)
        height = self.chart_height(block, doc.epw)
        if height > doc.room:
            doc.add_page()
        png = images.png(block.figure, block.width, block.height)
        doc.image(io.BytesIO(png), x=doc.l_margin, w=width, h=height, alt_text=block.alt)
        doc.ln(1.5)

    def tiles(self, block: Tiles) -> None:
        doc = self.doc
        gap = 3.0
        for row in block.rows():
            height = TILE_H + (TILE_NOTE_H if any(t.note for t in row) else 0)
            if doc.room < height:
                doc.add_page()
            count = block.per_row or len(row)
            width = (doc.epw - gap * (count - 1)) / count
            top = doc.get_y() + 1
            for i, tile in enumerate(row):
                self.tile(
                    tile, block.previous_label, doc.l_margin + i * (width + gap), top, width, height
                )
            doc.set_xy(doc.l_margin, top + height + gap)
        if block.coverage:
            self.rich(block.coverage, STYLES["muted"][0], "", MUTED)
            doc.ln(1)

    def tile(self, tile: Tile, previous_label: str, x: float, y: float, w: float, h: float) -> None:
        """A figure at fixed heights inside its box, so the tiles of a row line up."""
        doc = self.doc
        doc.set_draw_color(210, 214, 220)
        doc.set_fill_color(248, 249, 251)
        doc.rect(x, y, w, h, style="DF")
        inner = w - 5

        def line(top: float, text: str, size: float, style: str = "", colour=INK) -> None:
            doc.set_xy(x + 2.5, y + top)
            doc.font(size, style, colour)
            doc.multi_cell(inner, size * 0.45, doc.t(text), new_x="LEFT", new_y="NEXT", align="L")

        line(2.5, tile.label, 10, "B")
        size = 22.0
        doc.font(size, "B")
        while size > 11 and doc.get_string_width(doc.t(tile.value)) > inner:
            size -= 1
            doc.font(size, "B")
        doc.set_xy(x + 2.5, y + 9)
        doc.cell(inner, 10, doc.t(tile.value))
        moved = ARROWS.get(tile.direction, tile.direction) + (
            f"  {tile.change}" if tile.change else ""
        )
        line(20.5, moved, 9, "B", DIRECTION_COLOUR.get(tile.direction, MUTED))
        line(25, f"{previous_label}: {tile.previous}", 8.5, colour=MUTED)
        below = [text for text in (tile.detail, tile.coverage) if text]
        if below:
            line(29.5, " · ".join(below), 8.5)
        if tile.note:
            line(TILE_H - 1, tile.note, 8, "I", RED)

    def row(self, block: Row) -> None:
        doc = self.doc
        left, right = doc.l_margin, doc.r_margin
        total = doc.epw
        if doc.room < self.need(block):
            doc.add_page()
        top, bottom, offset = doc.get_y(), doc.get_y(), 0.0
        for i, column in enumerate(block.columns):
            width = total * block.share(i) - (GAP if i < len(block.columns) - 1 else 0)
            doc.set_left_margin(left + offset)
            doc.set_right_margin(doc.w - (left + offset + width))
            doc.set_xy(left + offset, top)
            self.blocks(column)
            bottom = max(bottom, doc.get_y())
            offset += total * block.share(i)
        doc.set_left_margin(left)
        doc.set_right_margin(right)
        doc.set_xy(left, bottom)

    def blocks(self, blocks: tuple[Block, ...]) -> None:
        for i, block in enumerate(blocks):
            following = blocks[i + 1] if i + 1 < len(blocks) else None
            if isinstance(block, Heading):
                self.heading(block, following)
            elif isinstance(block, Paragraph):
                self.paragraph(block)
            elif isinstance(block, Callout):
                self.callout(block)
            elif isinstance(block, Bullets):
                self.bullets(block)
            elif isinstance(block, Table):
                self.table(block)
            elif isinstance(block, Chart):
                self.chart(block)
            elif isinstance(block, Tiles):
                self.tiles(block)
            elif isinstance(block, Row):
                self.row(block)
            elif isinstance(block, PageBreak):
                self.doc.add_page()


def render(document: Document, *, with_charts: bool = True) -> bytes:
    """The renderer of :data:`reports.formats.FORMATS`: the document as PDF bytes."""
    doc = Page(document.title, document.footer, "L" if document.landscape else "P")
    doc.add_page()
    _Writer(doc, with_charts).blocks(document.blocks)
    return bytes(doc.output())
