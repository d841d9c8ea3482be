"""Reports layer: the board summary as a 16:9 PPTX (python-pptx, offline).

Slide 1 is the one-pager (figures with direction and coverage, the two charts, the
narrative); slide 2 holds the details a board member may ask for (groups, skill growth,
how to read the figures). Groups only: no person is named. Charts are the figures of
:mod:`reports.charts` rendered to PNG, the same ones the page and the PDF show.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR
from pptx.util import Emu, Inches, Pt

from reports import charts, images
from reports.board import GROUP_COLUMNS, BoardFigure, BoardSummary, group_cells
from reports.format import change_text, value_text

INK = RGBColor(0x21, 0x25, 0x29)
MUTED = RGBColor(0x6C, 0x75, 0x7D)
TILE = RGBColor(0xF8, 0xF9, 0xFB)
EDGE = RGBColor(0xD2, 0xD6, 0xDC)
DIRECTION = {
    "improved": ("▲ improved", RGBColor(0x2C, 0xA0, 0x2C)),
    "worsened": ("▼ worsened", RGBColor(0xD6, 0x27, 0x28)),
    "unchanged": ("● unchanged", MUTED),
    "no comparison": ("○ no comparison", MUTED),
}
WIDTH, HEIGHT = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.4)


def _text(
    slide,
    left: int,
    top: int,
    width: int,
    height: int,
    lines: Sequence[tuple[str, float, bool, RGBColor]],
    *,
    name: str | None = None,
):
    """A text box of paragraphs (text, size pt, bold, colour)."""
    box = slide.shapes.add_textbox(left, top, width, height)
    if name:
        box.name = name
    frame = box.text_frame
    frame.word_wrap = True
    for i, (text, size, bold, colour) in enumerate(lines):
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        run = para.add_run()
        run.text = text
        run.font.size = Pt(size)
        run.font.bold = bold
        run.font.color.rgb = colour
    return box


def _tile(slide, fig: BoardFigure, left: int, top: int, width: int, height: int) -> None:
    shape = slide.shapes.add_shape(MSO_SHAPE.ROUNDED_RECTANGLE, left, top, width, height)
    shape.name = f"figure {fig.id}"
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
    words, colour = DIRECTION.get(fig.direction, (fig.direction, MUTED))
    delta = change_text(fig.value, fig.previous, fig.unit)
    previous = f"previous {fig.previous_text}" + (f" ({delta})" if delta else "")
    value_size = 24 if len(fig.value_text) <= 6 else 17
    lines = [
        (fig.title, 9, True, INK),
        (fig.value_text, value_size, True, INK),
        (words, 9, True, colour),
        (previous, 8, False, MUTED),
    ]
    if fig.companion:
        lines.append((fig.companion, 8, False, INK))
    lines.append((fig.coverage, 7, False, MUTED))
    for i, (text, size, bold, tint) in enumerate(lines):
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        run = para.add_run()
        run.text = text
        run.font.size = Pt(size)
        run.font.bold = bold
        run.font.color.rgb = tint


def _table(slide, left, top, width, header, rows, widths, *, name: str, size: float = 10):
    shape = slide.shapes.add_table(
        len(rows) + 1, len(header), left, top, width, Inches(0.3) * (len(rows) + 1)
    )
    shape.name = name
    table = shape.table
    total = sum(widths)
    for i, share in enumerate(widths):
        table.columns[i].width = Emu(int(width * share / total))
    for r, row in enumerate([header, *rows]):
        for c, value in enumerate(row):
            cell = table.cell(r, c)
            cell.text = value
            for para in cell.text_frame.paragraphs:
                for run in para.runs:
                    run.font.size = Pt(size)
                    run.font.bold = r == 0
    return shape


def board_pptx(board: BoardSummary, *, with_charts: bool = True) -> bytes:
    """The executive summary as PPTX bytes (two 16:9 slides)."""
    deck = Presentation()
    deck.slide_width, deck.slide_height = WIDTH, HEIGHT
    deck.core_properties.title = f"Executive summary {board.quarter.label}"
    deck.core_properties.author = "teamlens"
    blank = deck.slide_layouts[6]
    inner = WIDTH - 2 * MARGIN

    slide = deck.slides.add_slide(blank)
    _text(
        slide,
        MARGIN,
        Inches(0.25),
        inner,
        Inches(0.8),
        [
            (f"Executive summary {board.quarter.label} — {board.organization}", 26, True, INK),
            (
                f"As of {board.as_of:%d %b %Y}, compared with {board.previous.label}. Groups "
                'only: no individual appears; teams under 5 people are merged into "Other".',
                11,
                False,
                MUTED,
            ),
        ],
        name="title",
    )
    count = len(board.figures)
    gap = Inches(0.1)
    tile_w = int((inner - gap * (count - 1)) / count)
    for i, fig in enumerate(board.figures):
        _tile(slide, fig, MARGIN + i * (tile_w + gap), Inches(1.15), tile_w, Inches(2.05))
    chart_top = Inches(3.3)
    chart_w = int((inner - Inches(0.2)) / 2)
    chart_h = int(chart_w * 340 / 720)
    if with_charts:
        for i, fig in enumerate((charts.board_delivery(board), charts.board_skills(board))):
            picture = slide.shapes.add_picture(
                io.BytesIO(images.png(fig, 720, 340)),
                MARGIN + i * (chart_w + Inches(0.2)),
                chart_top,
                width=chart_w,
                height=chart_h,
            )
            picture.name = ("chart delivery", "chart skills")[i]
    narrative_top = chart_top + chart_h + Inches(0.05)
    _text(
        slide,
        MARGIN,
        narrative_top,
        inner,
        HEIGHT - narrative_top - Inches(0.1),
        [(f"• {sentence}", 10, False, INK) for sentence in board.narrative],
        name="narrative",
    )
    slide.notes_slide.notes_text_frame.text = "\n".join([*board.narrative, "", *board.method_notes])

    slide = deck.slides.add_slide(blank)
    _text(
        slide,
        MARGIN,
        Inches(0.25),
        inner,
        Inches(0.6),
        [(f"{board.quarter.label}: by group and skill growth", 24, True, INK)],
        name="title",
    )
    half = int((inner - Inches(0.3)) / 2)
    _text(
        slide,
        MARGIN,
        Inches(1.0),
        half,
        Inches(0.35),
        [("By group (alphabetical)", 13, True, INK)],
    )
    groups = _table(
        slide,
        MARGIN,
        Inches(1.4),
        half,
        list(GROUP_COLUMNS),
        group_cells(board.groups),
        (1.6, 0.8, 1.2, 1.2, 1.3, 1.1),
        name="groups",
    )
    _text(
        slide,
        MARGIN,
        groups.top + groups.height + Inches(0.1),
        half,
        Inches(0.6),
        [(board.group_note, 10, False, MUTED)],
        name="group note",
    )
    right = MARGIN + half + Inches(0.3)
    _text(
        slide,
        right,
        Inches(1.0),
        half,
        Inches(0.35),
        [("Skill growth: AI-augmented competencies", 13, True, INK)],
    )
    _table(
        slide,
        right,
        Inches(1.4),
        half,
        ["Competency", "Level 2+", "Level 3+", f"2+ in {board.previous.label}", "Assessed"],
        [
            [
                s.name,
                value_text(s.share_2, "share"),
                value_text(s.share_3, "share"),
                value_text(s.share_2_before, "share"),
                f"{s.assessed} of {s.people}",
            ]
            for s in board.skills
        ],
        (2.2, 0.9, 0.9, 1.1, 1.0),
        name="skills",
    )
    _text(
        slide,
        MARGIN,
        Inches(5.3),
        inner,
        Inches(2.0),
        [("How to read this", 12, True, INK)]
        + [(f"• {note}", 10, False, MUTED) for note in board.method_notes],
        name="method",
    )
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()
