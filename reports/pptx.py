"""Reports layer: any document of slide-sized pages as a 16:9 PPTX deck (python-pptx).

Knows blocks, not reports. Each page of the document (blocks up to a
:class:`~reports.document.PageBreak`) is one slide — or more, when its text does not fit:
the rest goes on a slide titled "(continued)", never off the slide. The heading that opens
a page is the slide's title; the other blocks are stacked below it, a
:class:`~reports.document.Row` sets its columns side by side, charts shrink to what is
left. Text is set in the charts' font (:mod:`reports.slide_text`), never below 12 pt, at
an exact line spacing, and every box is made as tall as its wrapped text, so nothing
overflows its shape. Figure tiles are drawn slot by slot so their numbers line up.
Charts are rendered (:mod:`reports.images`) at one pixel per point of their place on the
slide, so a chart's 12 px text is 12 pt, like the slide's. Text is written as text runs
only; links keep http(s) URLs only.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, replace

from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import PP_ALIGN
from pptx.util import Inches, Pt

from reports import images
from reports import slide_text as st
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
    Tiles,
    plain,
    spans,
)
from reports.slide_shapes import (
    ASIDE_PT,
    BULLET_INDENT,
    CALLOUT_FILL,
    COLUMN_GAP,
    FOOTER_H,
    FOOTER_PT,
    GAP,
    HEADING_PT,
    HEIGHT,
    INK,
    INSET,
    MARGIN,
    MIN_CHART_SCALE,
    MUTED,
    STYLES,
    TITLE_PT,
    TOP,
    WIDTH,
    Grid,
    TileLayout,
    box_height,
    fill,
    pt,
    text_box,
)


@dataclass
class _Place:
    """Stacks one slide's blocks; ``scale`` shrinks its charts to what is left."""

    slide: object
    first: Block | None
    with_charts: bool
    scale: float = 1.0

    # --- measuring --------------------------------------------------------------------

    def headingpt(self, block: Heading) -> int:
        return TITLE_PT if block is self.first or block.level == 1 else HEADING_PT[block.level]

    def aside_width(self, block: Heading, width: int) -> int:
        """The room of a heading's aside on the title's line (0: it goes after the title)."""
        if not block.aside:
            return 0
        aside = int(Pt(st.width(block.aside, ASIDE_PT) + 4) + 2 * INSET)
        title = int(Pt(st.width(_heading_text(block, False), self.headingpt(block), True)))
        return aside if title + aside + 2 * INSET + COLUMN_GAP <= width else 0

    def height(self, block: Block, width: int, scale: float | None = None) -> int:
        scale = self.scale if scale is None else scale
        if isinstance(block, Heading):
            aside_w = self.aside_width(block, width)
            text = _heading_text(block, with_aside=not aside_w)
            return box_height([(text, self.headingpt(block), True)], width - aside_w)
        if isinstance(block, Paragraph):
            size, bold, _ = STYLES[block.style]
            return box_height([(plain(block.text), size, bold)], width)
        if isinstance(block, Callout):
            return box_height([(plain(block.text), 14, False)], width - 2 * INSET) + 2 * INSET
        if isinstance(block, Bullets):
            size, bold, _ = STYLES[block.style]
            items = [(plain(item), size, bold) for item in block.items]
            return box_height(items, width, BULLET_INDENT)
        if isinstance(block, Tiles):
            return TileLayout(block, width).height
        if isinstance(block, Table):
            return sum(Grid(block, width).row_heights)
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
    def column_width(row: Row, index: int, width: int) -> int:
        return int((width - COLUMN_GAP * (len(row.columns) - 1)) * row.share(index))

    def fit(self, blocks: Sequence[Block], width: int, room: int) -> None:
        """Shrink the charts so the blocks fit ``room`` (down to MIN_CHART_SCALE)."""
        shown = [b for b in blocks if not isinstance(b, SpeakerNotes)]
        gaps = GAP * (len(shown) - 1)
        full = sum(self.height(b, width, 1.0) for b in shown) + gaps
        fixed = sum(self.height(b, width, 0.0) for b in shown) + gaps
        if full > room and full > fixed:
            self.scale = max(MIN_CHART_SCALE, min(1.0, (room - fixed) / (full - fixed)))

    # --- placing ----------------------------------------------------------------------

    def place(self, blocks: Sequence[Block], left: int, top: int, width: int) -> int:
        """Stack ``blocks`` from ``top``; returns the bottom."""
        y = top
        for block in blocks:
            if isinstance(block, SpeakerNotes):
                self.slide.notes_slide.notes_text_frame.text = "\n".join(block.lines)
                continue
            height = self.height(block, width)
            if not height:
                continue
            self.draw(block, left, y, width, height)
            y += height + GAP
        return y - GAP

    def draw(self, block: Block, left: int, top: int, width: int, height: int) -> None:
        shapes = self.slide.shapes
        if isinstance(block, Heading):
            self.heading(block, left, top, width, height)
        elif isinstance(block, Paragraph):
            size, bold, colour = STYLES[block.style]
            text_box(
                shapes,
                left,
                top,
                width,
                height,
                [(spans(block.text), size, bold, colour)],
                block.name,
            )
        elif isinstance(block, Callout):
            band = shapes.add_shape(MSO_SHAPE.RECTANGLE, left, top, width, height)
            fill(band, CALLOUT_FILL, None)
            band.name = f"{block.name or 'callout'} band"
            text_box(
                shapes, left + INSET, top + INSET, width - 2 * INSET, height - 2 * INSET,
                [(spans(block.text), 14, False, INK)], block.name,
            )  # fmt: skip
        elif isinstance(block, Bullets):
            size, bold, colour = STYLES[block.style]
            items = [(spans(item), size, bold, colour) for item in block.items]
            text_box(shapes, left, top, width, height, items, block.name, bullets=True)
        elif isinstance(block, Tiles):
            TileLayout(block, width).draw(shapes, left, top)
        elif isinstance(block, Table):
            Grid(block, width).draw(shapes, left, top)
        elif isinstance(block, Chart):
            self.chart(block, left, top, width, height)
        elif isinstance(block, Row):
            x = left
            for i, column in enumerate(block.columns):
                column_width = self.column_width(block, i, width)
                self.place(column, x, top, column_width)
                x += column_width + COLUMN_GAP

    def heading(self, block: Heading, left: int, top: int, width: int, height: int) -> None:
        shapes = self.slide.shapes
        size = self.headingpt(block)
        name = block.name or ("title" if block is self.first else "")
        aside_w = self.aside_width(block, width)
        text = _heading_text(block, with_aside=not aside_w)
        text_box(
            shapes, left, top, width - aside_w, height, [((Span(text),), size, True, INK)], name
        )
        if aside_w:
            box = text_box(
                shapes,
                left + width - aside_w,
                top + Pt(size - ASIDE_PT),
                aside_w,
                box_height([(block.aside, ASIDE_PT, False)], aside_w),
                [((Span(block.aside),), ASIDE_PT, False, MUTED)],
                f"{name} aside",
            )
            box.text_frame.paragraphs[0].alignment = PP_ALIGN.RIGHT

    def chart(self, block: Chart, left: int, top: int, room: int, height: int) -> None:
        width = int(height * block.width / block.height)
        # one pixel per point of its place on the slide: the chart's 12 px text is 12 pt
        png = images.png(block.figure, round(pt(width)), round(pt(height)), scale=3.0)
        left += max(0, (room - width) // 2)  # centred in its column when it shrank
        picture = self.slide.shapes.add_picture(io.BytesIO(png), left, top, width, height)
        if block.name:
            picture.name = block.name
        picture._element.nvPicPr.cNvPr.set("descr", block.alt)


def _heading_text(block: Heading, with_aside: bool = True) -> str:
    text = f"{block.kicker}: {block.text}" if block.kicker else block.text
    return f"{text} — {block.aside}" if block.aside and with_aside else text


def _pages(document: Document, room: int, with_charts: bool) -> list[tuple[Block, ...]]:
    """The document's pages, each split where its blocks would not fit one slide."""
    out: list[tuple[Block, ...]] = []
    inner = WIDTH - 2 * MARGIN
    for page in document.pages():
        measure = _Place(None, page[0], with_charts)
        title = page[0] if isinstance(page[0], Heading) else None
        current: list[Block] = []
        used = 0
        for block in page:
            need = (
                measure.height(block, inner, MIN_CHART_SCALE)
                if not isinstance(block, SpeakerNotes)
                else 0
            )
            # a slide keeps at least one block beside its title and subtitle: a block too
            # tall on its own stays (its charts shrink) rather than leave a title alone
            has_body = any(not isinstance(b, Heading | Paragraph | SpeakerNotes) for b in current)
            if has_body and need and used + GAP + need > room:
                out.append(tuple(current))
                cont = replace(title, text=f"{title.text} (continued)", name="") if title else None
                current = [cont] if cont else []
                used = measure.height(cont, inner) if cont else 0
            current.append(block)
            used += need + (GAP if need else 0)
        out.append(tuple(current))
    return out


def render(document: Document, *, with_charts: bool = True) -> bytes:
    """The renderer of :data:`reports.formats.FORMATS`: the document as PPTX bytes."""
    deck = Presentation()
    deck.slide_width, deck.slide_height = WIDTH, HEIGHT
    deck.core_properties.title = document.title
    deck.core_properties.author = "teamlens"
    blank = deck.slide_layouts[6]
    inner = WIDTH - 2 * MARGIN
    room = HEIGHT - TOP - FOOTER_H - GAP
    pages = _pages(document, room, with_charts)
    for number, page in enumerate(pages, start=1):
        slide = deck.slides.add_slide(blank)
        placing = _Place(slide, page[0] if page else None, with_charts)
        placing.fit(page, inner, room)
        placing.place(page, MARGIN, TOP, inner)
        _footer(slide, document.footer, f"{number} / {len(pages)}")
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


def _footer(slide, text: str, number: str) -> None:
    top = HEIGHT - FOOTER_H + Inches(0.04)
    height = box_height([(text, FOOTER_PT, False)], WIDTH)
    number_w = Inches(1.2)
    text_box(
        slide.shapes, MARGIN, top, WIDTH - 2 * MARGIN - number_w, height,
        [((Span(text),), FOOTER_PT, False, MUTED)], "footer",
    )  # fmt: skip
    box = text_box(
        slide.shapes, WIDTH - MARGIN - number_w, top, number_w, height,
        [((Span(number),), FOOTER_PT, False, MUTED)], "slide number",
    )  # fmt: skip
    box.text_frame.paragraphs[0].alignment = PP_ALIGN.RIGHT
