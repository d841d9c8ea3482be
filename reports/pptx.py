"""Reports layer: any document of slide-sized pages as 16:9 PPTX (python-pptx, offline).

Knows blocks, not reports. Each page of the document (blocks up to a
:class:`~reports.document.PageBreak`) is one slide; its blocks are stacked from the top,
a :class:`~reports.document.Row` sets its columns side by side, and charts (rendered to
PNG by :mod:`reports.images`) shrink to what is left so a slide never overflows.
:class:`~reports.document.SpeakerNotes` go to the slide's notes. A heading that opens a
slide is its title. Text is written as text runs only.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR
from pptx.util import Emu, Inches, Pt

from reports import images
from reports.document import (
    Block,
    Bullets,
    Callout,
    Chart,
    Document,
    Heading,
    Paragraph,
    Row,
    Span,
    SpeakerNotes,
    Table,
    Tile,
    Tiles,
    plain,
    spans,
)
from reports.format import ARROWS, safe_url

INK = RGBColor(0x21, 0x25, 0x29)
MUTED = RGBColor(0x6C, 0x75, 0x7D)
RED = RGBColor(0xD6, 0x27, 0x28)
LINK = RGBColor(0x1F, 0x77, 0xB4)
TILE = RGBColor(0xF8, 0xF9, 0xFB)
EDGE = RGBColor(0xD2, 0xD6, 0xDC)
DIRECTION_COLOUR = {"improved": RGBColor(0x2C, 0xA0, 0x2C), "worsened": RED}
WIDTH, HEIGHT = Inches(13.333), Inches(7.5)
MARGIN, TOP, BOTTOM = Inches(0.4), Inches(0.25), Inches(0.15)
GAP = Inches(0.08)  # between stacked blocks
COLUMN_GAP = Inches(0.3)
TILE_H = Inches(2.05)
ROW_H = Inches(0.3)  # a table row, at least
TABLE_PT = 10
TABLE_CHAR_W = 0.6  # tables measure generously: a word must never break
CELL_PAD = Inches(0.25)  # a cell's inner margins and rule
BOX_PAD = Inches(0.1)  # a text box's inner margins, top and bottom together
# (size pt, bold, colour) by paragraph style
STYLES = {
    "body": (11, False, INK),
    "small": (10, False, INK),
    "muted": (10, False, MUTED),
    "strong": (11, True, INK),
    "flag": (11, True, RED),
}
HEADINGS = {1: 26, 2: 14, 3: 13}
PAGE_TITLE = 24  # a level-2 heading that opens a slide
CHAR_W = 0.52  # average glyph width in em, for estimating wrapped lines
LINE = 1.15  # line height in em
MIN_CHART_SCALE = 0.5


def _lines(text: str, size: float, width: int) -> int:
    """How many lines ``text`` wraps to at ``size`` pt in a box ``width`` EMU wide."""
    per_line = max(1, int((width - Inches(0.2)) / (Pt(size) * CHAR_W)))
    return sum(max(1, math.ceil(len(part) / per_line)) for part in text.split("\n"))


def _text_height(paragraphs: Sequence[tuple[str, float]], width: int) -> int:
    lines = sum(_lines(text, size, width) * Pt(size) * LINE for text, size in paragraphs)
    return int(lines + BOX_PAD)


class _Slide:
    """Stacks one page's blocks on a slide."""

    def __init__(self, slide, blocks: Sequence[Block], with_charts: bool) -> None:
        self.slide = slide
        self.with_charts = with_charts
        self.first = blocks[0] if blocks else None
        inner = WIDTH - 2 * MARGIN
        fixed = sum(self.height(b, inner, 1.0) for b in blocks) + GAP * (len(blocks) - 1)
        flexible = sum(self.height(b, inner, 1.0) - self.height(b, inner, 0.0) for b in blocks)
        room = HEIGHT - TOP - BOTTOM
        self.scale = 1.0
        if fixed > room and flexible:
            self.scale = max(MIN_CHART_SCALE, 1 - (fixed - room) / flexible)

    # --- measuring --------------------------------------------------------------------

    def size(self, block: Heading) -> float:
        if block.level == 2 and block is self.first:
            return PAGE_TITLE
        return HEADINGS.get(block.level, 12)

    def height(self, block: Block, width: int, scale: float) -> int:
        """The block's height at ``width``, its charts scaled by ``scale``."""
        if isinstance(block, Heading):
            return _text_height([(self.heading_text(block), self.size(block))], width)
        if isinstance(block, Paragraph | Callout):
            size = STYLES.get(getattr(block, "style", "small"), STYLES["body"])[0]
            return _text_height([(plain(block.text), size)], width)
        if isinstance(block, Bullets):
            size = STYLES[block.style][0]
            return _text_height([("• " + plain(item), size) for item in block.items], width)
        if isinstance(block, Tiles):
            return TILE_H
        if isinstance(block, Table):
            return sum(self.row_heights(block, width))
        if isinstance(block, Chart):
            return int(width * block.height / block.width * scale) if self.with_charts else 0
        if isinstance(block, Row):
            return max(
                sum(self.height(b, self.column_width(block, i, width), scale) for b in column)
                + GAP * (len(column) - 1)
                for i, column in enumerate(block.columns)
            )
        return 0

    @staticmethod
    def column_widths(block: Table, width: int) -> list[float]:
        def measure(text: str, bold: bool) -> float:
            return len(text) * Pt(TABLE_PT) * TABLE_CHAR_W * (1.1 if bold else 1.0) + CELL_PAD

        return block.widths(width, measure)

    def row_heights(self, block: Table, width: int) -> list[int]:
        """Each row's height: its most wrapped cell (header included)."""
        widths = self.column_widths(block, width)
        per_char = Pt(TABLE_PT) * CHAR_W
        out = []
        for row in (block.header, *block.rows):
            lines = max(
                math.ceil(len(str(value)) * per_char / max(1.0, w - Inches(0.2))) or 1
                for value, w in zip(row, widths, strict=True)
            )
            out.append(max(ROW_H, int(lines * Pt(TABLE_PT) * 1.2 + Inches(0.1))))
        return out

    def column_width(self, row: Row, index: int, width: int) -> int:
        gaps = COLUMN_GAP * (len(row.columns) - 1)
        return int((width - gaps) * row.share(index))

    @staticmethod
    def heading_text(block: Heading) -> str:
        text = f"{block.kicker}: {block.text}" if block.kicker else block.text
        return f"{text} — {block.aside}" if block.aside else text

    # --- placing ----------------------------------------------------------------------

    def place(self, blocks: Sequence[Block], left: int, top: int, width: int) -> int:
        """Stack ``blocks`` from ``top``; returns the bottom."""
        y = top
        for block in blocks:
            if isinstance(block, SpeakerNotes):
                self.slide.notes_slide.notes_text_frame.text = "\n".join(block.lines)
                continue
            height = self.height(block, width, self.scale)
            if not height:
                continue
            self.draw(block, left, y, width, height)
            y += height + GAP
        return y - GAP

    def draw(self, block: Block, left: int, top: int, width: int, height: int) -> None:
        if isinstance(block, Heading):
            title = block.level == 1 or block is self.first
            size = self.size(block)
            self.box(
                left,
                top,
                width,
                height,
                [((Span(self.heading_text(block)),), size, True, INK)],
                block.name or ("title" if title else ""),
            )
        elif isinstance(block, Paragraph):
            size, bold, colour = STYLES.get(block.style, STYLES["body"])
            self.box(
                left, top, width, height, [(spans(block.text), size, bold, colour)], block.name
            )
        elif isinstance(block, Callout):
            self.box(left, top, width, height, [(spans(block.text), 10, False, MUTED)], block.name)
        elif isinstance(block, Bullets):
            size, _, colour = STYLES[block.style]
            lines = [((Span("• "), *spans(item)), size, False, colour) for item in block.items]
            self.box(left, top, width, height, lines, block.name)
        elif isinstance(block, Tiles):
            self.tiles(block, left, top, width)
        elif isinstance(block, Table):
            self.table(block, left, top, width)
        elif isinstance(block, Chart):
            self.chart(block, left, top, width, height)
        elif isinstance(block, Row):
            x = left
            for i, column in enumerate(block.columns):
                column_width = self.column_width(block, i, width)
                self.place(column, x, top, column_width)
                x += column_width + COLUMN_GAP

    def box(self, left, top, width, height, paragraphs, name: str = "") -> None:
        """A text box of paragraphs: (runs, size pt, bold, colour)."""
        box = self.slide.shapes.add_textbox(left, top, width, height)
        if name:
            box.name = name
        frame = box.text_frame
        frame.word_wrap = True
        for i, (runs, size, bold, colour) in enumerate(paragraphs):
            para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
            for span in runs:
                run = para.add_run()
                run.text = span.text
                run.font.size = Pt(size)
                run.font.bold = bold or span.strong
                run.font.italic = span.emphasis or None
                url = safe_url(span.url)
                run.font.color.rgb = LINK if url else colour
                if url:
                    run.hyperlink.address = url

    def tiles(self, block: Tiles, left: int, top: int, width: int) -> None:
        count = len(block.tiles)
        tile_w = int((width - GAP * (count - 1)) / count)
        for i, tile in enumerate(block.tiles):
            self.tile(tile, left + i * (tile_w + GAP), top, tile_w, TILE_H)

    def tile(self, tile: Tile, left: int, top: int, width: int, height: int) -> None:
        shape = self.slide.shapes.add_shape(MSO_SHAPE.ROUNDED_RECTANGLE, left, top, width, height)
        shape.name = f"figure {tile.name}"
        shape.adjustments[0] = 0.06
        shape.fill.solid()
        shape.fill.fore_color.rgb = TILE
        shape.line.color.rgb = EDGE
        shape.shadow.inherit = False
        frame = shape.text_frame
        frame.word_wrap = True
        frame.vertical_anchor = MSO_ANCHOR.TOP
        for side in ("margin_left", "margin_right", "margin_top", "margin_bottom"):
            setattr(frame, side, Inches(0.07))
        previous = f"previous {tile.previous}" + (f" ({tile.change})" if tile.change else "")
        lines = [
            (tile.label, 9, True, INK),
            (tile.value, 24 if len(tile.value) <= 6 else 17, True, INK),
            (
                ARROWS.get(tile.direction, tile.direction),
                9,
                True,
                DIRECTION_COLOUR.get(tile.direction, MUTED),
            ),
            (previous, 8, False, MUTED),
        ]
        if tile.detail:
            lines.append((tile.detail, 8, False, INK))
        lines.append((tile.coverage, 7, False, MUTED))
        for i, (text, size, bold, tint) in enumerate(lines):
            para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
            run = para.add_run()
            run.text = text
            run.font.size = Pt(size)
            run.font.bold = bold
            run.font.color.rgb = tint

    def table(self, block: Table, left: int, top: int, width: int) -> None:
        heights = self.row_heights(block, width)
        shape = self.slide.shapes.add_table(
            len(block.rows) + 1, len(block.header), left, top, width, sum(heights)
        )
        if block.name:
            shape.name = block.name
        table = shape.table
        for i, share in enumerate(self.column_widths(block, width)):
            table.columns[i].width = Emu(int(share))
        for r, row in enumerate([block.header, *block.rows]):
            table.rows[r].height = Emu(heights[r])
            for c, value in enumerate(row):
                cell = table.cell(r, c)
                cell.text = str(value)
                for para in cell.text_frame.paragraphs:
                    for run in para.runs:
                        run.font.size = Pt(TABLE_PT)
                        run.font.bold = r == 0

    def chart(self, block: Chart, left: int, top: int, room: int, height: int) -> None:
        width = int(height * block.width / block.height)
        png = images.png(block.figure, block.width, block.height)
        left += max(0, (room - width) // 2)  # centred in its column when it shrank
        picture = self.slide.shapes.add_picture(io.BytesIO(png), left, top, width, height)
        if block.name:
            picture.name = block.name
        picture._element.nvPicPr.cNvPr.set("descr", block.alt)


def render(document: Document, *, with_charts: bool = True) -> bytes:
    """The renderer of :data:`reports.formats.FORMATS`: the document as PPTX bytes."""
    deck = Presentation()
    deck.slide_width, deck.slide_height = WIDTH, HEIGHT
    deck.core_properties.title = document.title
    deck.core_properties.author = "teamlens"
    blank = deck.slide_layouts[6]
    for page in document.pages():
        slide = deck.slides.add_slide(blank)
        _Slide(slide, page, with_charts).place(page, MARGIN, TOP, WIDTH - 2 * MARGIN)
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()
