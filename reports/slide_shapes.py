"""Reports layer: the shapes of a slide — text boxes sized to their text, figure tiles,
tables — for :mod:`reports.pptx`. Knows blocks, not reports.

Every size here is what the slide shows: no text below :data:`MIN_PT`, every paragraph at
an exact line spacing (:data:`reports.slide_text.LINE`), every box as tall as its text
wrapped at its width, so nothing overflows its shape and a viewer's layout matches ours.
"""

from __future__ import annotations

from collections.abc import Sequence

from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

from reports import slide_text as st
from reports.document import Span, Table, Tile, Tiles
from reports.format import ARROWS, safe_url

INK = RGBColor(0x21, 0x25, 0x29)
MUTED = RGBColor(0x5A, 0x63, 0x6B)
RED = RGBColor(0xC0, 0x1F, 0x20)
LINK = RGBColor(0x1F, 0x5F, 0xA8)
TILE_FILL = RGBColor(0xF4, 0xF6, 0xF9)
CALLOUT_FILL = RGBColor(0xFF, 0xF4, 0xD6)
HEAD_FILL = RGBColor(0x2F, 0x55, 0x8A)
BAND_FILL = RGBColor(0xEE, 0xF2, 0xF7)
EDGE = RGBColor(0xD2, 0xD6, 0xDC)
DIRECTION_COLOUR = {"improved": RGBColor(0x1E, 0x7B, 0x34), "worsened": RED}
WIDTH, HEIGHT = Inches(13.333), Inches(7.5)
MARGIN, TOP = Inches(0.5), Inches(0.35)
FOOTER_PT = 12
FOOTER_H = Inches(0.4)  # the footer band at the bottom of every slide
GAP = Inches(0.14)  # between stacked blocks
COLUMN_GAP = Inches(0.35)
INSET = Inches(0.05)  # a text box's inner margin, every side
CELL_X, CELL_Y = Inches(0.08), Inches(0.04)  # a table cell's inner margins
TILE_GAP, TILE_PAD = Inches(0.15), Inches(0.1)
SLOT_PAD = Inches(0.03)  # below each line of a tile
MIN_PT = 12  # no text on a slide is smaller
TITLE_PT = 28
HEADING_PT = {1: TITLE_PT, 2: 20, 3: 18}
ASIDE_PT = 16  # a title's aside (the organization), on the title's line
TABLE_PT = 14
BULLET_INDENT = Pt(16)
BULLET_SPACE = Pt(5)  # between the items of a list
# (size pt, bold, colour) by paragraph style
STYLES = {
    "body": (16, False, INK),
    "strong": (16, True, INK),
    "flag": (16, True, RED),
    "small": (14, False, INK),
    "muted": (14, False, MUTED),
}
# A tile's lines, top to bottom: (slot, size pt, bold)
TILE_SLOTS = (
    ("label", 14, True),
    ("value", 30, True),
    ("moved", 13, True),
    ("previous", 12, False),
    ("detail", 12, False),
    ("note", 12, True),
)
MIN_CHART_SCALE = 0.45


def pt(emu: float) -> float:
    """EMU in points."""
    return emu / 12700


def box_height(paragraphs: Sequence[tuple[str, float, bool]], width: int, indent: int = 0) -> int:
    """The height of a text box of ``width`` EMU holding ``paragraphs`` (text, pt, bold)."""
    room = pt(width - 2 * INSET - indent)
    text = sum(st.height(t, size, room, bold) for t, size, bold in paragraphs)
    spacing = pt(BULLET_SPACE) * (len(paragraphs) - 1) if indent else 0
    return int(Pt(text + spacing) + 2 * INSET)


def fill(shape, colour: RGBColor, edge: RGBColor | None) -> None:
    shape.fill.solid()
    shape.fill.fore_color.rgb = colour
    if edge is None:
        shape.line.fill.background()
    else:
        shape.line.color.rgb = edge
    shape.shadow.inherit = False


def frame(text_frame, inset: int = INSET) -> None:
    """Wrap at the box's width, never resize it, text from the top, ``inset`` all round."""
    text_frame.word_wrap = True
    text_frame.auto_size = None
    text_frame.vertical_anchor = MSO_ANCHOR.TOP
    for side in ("margin_left", "margin_right", "margin_top", "margin_bottom"):
        setattr(text_frame, side, inset)


def runs(para, parts: Sequence[Span], size: float, bold: bool, colour: RGBColor) -> None:
    para.line_spacing = Pt(size * st.LINE)
    para.space_before = Pt(0)
    for span in parts:
        run = para.add_run()
        run.text = span.text
        font = run.font
        font.name = st.FONT_NAME
        font.size = Pt(size)
        font.bold = bold or span.strong
        font.italic = span.emphasis or None
        url = safe_url(span.url)
        font.color.rgb = LINK if url else colour
        if url:
            run.hyperlink.address = url


def text_box(shapes, left, top, width, height, paragraphs, name="", *, bullets=False):
    """A text box of paragraphs: (runs, size pt, bold, colour); bullets hang their lines."""
    box = shapes.add_textbox(left, top, width, height)
    if name:
        box.name = name
    frame(box.text_frame)
    for i, (parts, size, bold, colour) in enumerate(paragraphs):
        para = box.text_frame.paragraphs[0] if i == 0 else box.text_frame.add_paragraph()
        runs(para, parts, size, bold, colour)
        if bullets:
            para.space_after = BULLET_SPACE
            props = para._p.get_or_add_pPr()
            props.set("marL", str(BULLET_INDENT))
            props.set("indent", str(-BULLET_INDENT))
            char = props.makeelement(qn("a:buChar"), {"char": "•"})
            props.append(char)
    return box


class TileLayout:
    """Figure tiles in rows, each line in a slot of the same height across every tile."""

    def __init__(self, block: Tiles, width: int) -> None:
        self.block = block
        self.rows = block.rows()
        self.per_row = block.per_row or len(block.tiles)
        self.tile_w = int((width - TILE_GAP * (self.per_row - 1)) / self.per_row)
        room = pt(self.tile_w - 2 * TILE_PAD - 2 * INSET)
        self.slots: list[tuple[str, int, bool, int]] = []  # (slot, pt, bold, height EMU)
        for slot, size, bold in TILE_SLOTS:
            texts = [self.text(tile, slot) for tile in block.tiles]
            if slot != "value" and not any(texts):
                continue
            count = max(st.lines(t, size, room, bold) for t in texts) if slot != "value" else 1
            self.slots.append((slot, size, bold, int(Pt(count * size * st.LINE) + SLOT_PAD)))
        self.tile_h = sum(h for *_, h in self.slots) + 2 * TILE_PAD
        self.coverage_h = box_height([(block.coverage, 14, False)], width) if block.coverage else 0
        self.width = width
        self.height = len(self.rows) * (self.tile_h + TILE_GAP) - TILE_GAP
        if self.coverage_h:
            self.height += GAP + self.coverage_h

    def text(self, tile: Tile, slot: str) -> str:
        if slot == "moved":
            words = ARROWS.get(tile.direction, tile.direction)
            return f"{words}  {tile.change}" if tile.change else words
        if slot == "previous":
            return f"{self.block.previous_label}: {tile.previous}"
        if slot == "detail":
            return " · ".join(x for x in (tile.detail, tile.coverage) if x)
        return getattr(tile, slot)

    def draw(self, shapes, left: int, top: int) -> None:
        y = top
        for row in self.rows:
            for i, tile in enumerate(row):
                self.tile(shapes, tile, left + i * (self.tile_w + TILE_GAP), y)
            y += self.tile_h + TILE_GAP
        if self.coverage_h:
            text_box(
                shapes, left, y - TILE_GAP + GAP, self.width, self.coverage_h,
                [((Span(self.block.coverage),), 14, False, MUTED)], "coverage",
            )  # fmt: skip

    def tile(self, shapes, tile: Tile, left: int, top: int) -> None:
        shape = shapes.add_shape(MSO_SHAPE.ROUNDED_RECTANGLE, left, top, self.tile_w, self.tile_h)
        shape.name = f"figure {tile.name}"
        shape.adjustments[0] = 0.05
        fill(shape, TILE_FILL, EDGE)
        inner = self.tile_w - 2 * TILE_PAD
        y = top + TILE_PAD
        for slot, size, bold, height in self.slots:
            text = self.text(tile, slot)
            if text:
                colour = {
                    "moved": DIRECTION_COLOUR.get(tile.direction, MUTED),
                    "previous": MUTED,
                    "coverage": MUTED,
                    "note": RED,
                }.get(slot, INK)
                if slot == "value":
                    room = pt(inner - 2 * INSET)
                    while size > 18 and st.width(text, size, True) > room:
                        size -= 1
                box = text_box(
                    shapes, left + TILE_PAD, y, inner, height,
                    [((Span(text),), size, bold, colour)], f"figure {tile.name} {slot}",
                )  # fmt: skip
                box.text_frame.margin_top = box.text_frame.margin_bottom = 0
            y += height


class Grid:
    """A table whose columns are never narrower than their longest word."""

    def __init__(self, block: Table, width: int) -> None:
        self.block = block
        self.width = width
        pad = pt(2 * CELL_X)

        def measure(text: str, bold: bool) -> float:
            return Pt(st.width(text, TABLE_PT, bold) + pad + 2)

        self.widths = [int(w) for w in block.widths(width, measure)]
        self.row_heights = []
        for r, row in enumerate((block.header, *block.rows)):
            lines = max(
                st.lines(str(cell), TABLE_PT, pt(w - 2 * CELL_X) - 2, r == 0)
                for cell, w in zip(row, self.widths, strict=True)
            )
            self.row_heights.append(int(Pt(lines * TABLE_PT * st.LINE) + 2 * CELL_Y + Inches(0.04)))

    def draw(self, shapes, left: int, top: int) -> None:
        block = self.block
        shape = shapes.add_table(
            len(block.rows) + 1, len(block.header), left, top, self.width, sum(self.row_heights)
        )
        if block.name:
            shape.name = block.name
        table = shape.table
        for i, width in enumerate(self.widths):
            table.columns[i].width = Emu(width)
        for r, row in enumerate([block.header, *block.rows]):
            table.rows[r].height = Emu(self.row_heights[r])
            for c, value in enumerate(row):
                cell = table.cell(r, c)
                for side, inset in (
                    ("left", CELL_X),
                    ("right", CELL_X),
                    ("top", CELL_Y),
                    ("bottom", CELL_Y),
                ):
                    setattr(cell, f"margin_{side}", inset)
                cell.vertical_anchor = MSO_ANCHOR.MIDDLE
                para = cell.text_frame.paragraphs[0]
                runs(
                    para,
                    (Span(str(value)),),
                    TABLE_PT,
                    r == 0,
                    RGBColor(0xFF, 0xFF, 0xFF) if r == 0 else INK,
                )
                if block.roles[c] == "figure" and r:
                    para.alignment = PP_ALIGN.LEFT
                cell.fill.solid()
                cell.fill.fore_color.rgb = (
                    HEAD_FILL
                    if r == 0
                    else (BAND_FILL if r % 2 == 0 else RGBColor(0xFF, 0xFF, 0xFF))
                )
