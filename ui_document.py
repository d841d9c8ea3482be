"""Streamlit shell: any document of reports/ drawn on a page. Knows blocks, not reports.

The screen's renderer, beside ui.py (the reports layer never imports Streamlit).
The pages show the very document the exports lay out: text through the Markdown
renderer with the page's strict escaping (:func:`reports.markdown.page_text`: untrusted
text stays text — no markup, HTML, LaTeX, link or Streamlit directive), tables with
``st.table``, figure tiles with ``st.metric``, charts with ``st.plotly_chart``. The
page's own title replaces the document's level-1 headings; speaker notes are left out.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import pandas as pd
import streamlit as st

import ui
from reports import markdown
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
    Table,
    Tile,
    Tiles,
)
from reports.format import ARROWS
from reports.markdown import page_text

TILES_PER_ROW = 4
DELTA_COLOUR = {"improved": "green", "worsened": "red"}


def _tile(tile: Tile, previous_label: str) -> None:
    """One figure in a bordered box: its label in full (a metric's own label is cut to
    one line), the value, and the change only when there is one."""
    with st.container(border=True):
        st.markdown(f"**{page_text(tile.label)}**")
        arrow = "down" if tile.change.startswith("-") else "up"
        st.metric(
            tile.label,
            tile.value,
            delta=tile.change or None,
            delta_color=DELTA_COLOUR.get(tile.direction, "off"),
            delta_arrow=arrow if tile.change else "off",
            label_visibility="collapsed",
        )
        arrow_text = ARROWS.get(tile.direction, tile.direction)
        lines = [f"{arrow_text} · {previous_label}: {page_text(tile.previous)}"]
        lines += [page_text(x) for x in (tile.detail, tile.coverage) if x]
        st.caption("  \n".join(lines))
        if tile.note:
            st.caption(f"⚠️ {page_text(tile.note)}")


def _in_columns(items: Sequence, per_row: int) -> Iterator[tuple[Any, Any]]:
    """Each item with its column: ``per_row`` columns a row, a new row when one is full."""
    for start in range(0, len(items), per_row):
        yield from zip(st.columns(per_row), items[start : start + per_row], strict=False)


def _tiles(block: Tiles) -> None:
    per_row = block.per_row or TILES_PER_ROW
    for row in block.rows() if block.per_row else [block.tiles]:
        for column, tile in _in_columns(row, per_row):
            with column:
                _tile(tile, block.previous_label)
    if block.coverage:
        st.caption(page_text(block.coverage))


def count_tiles(counts: Mapping[str, int], per_row: int = TILES_PER_ROW) -> None:
    """Counts as metric tiles, ``per_row`` a row (seven in a row cut "1,766,878" short)."""
    for column, (label, value) in _in_columns(list(counts.items()), per_row):
        column.metric(label.capitalize(), f"{value:,}")


def _table(block: Table) -> None:
    frame = pd.DataFrame(
        [[page_text(c) if isinstance(c, str) else c for c in row] for row in block.rows],
        columns=[page_text(h) for h in block.header],
    )
    st.table(frame, hide_index=True)


def show(blocks: Sequence[Block]) -> None:
    """Draw blocks in order."""
    for block in blocks:
        if isinstance(block, Heading):
            if block.level > 1:
                st.markdown(markdown.heading(block, page_text))
        elif isinstance(block, Paragraph):
            text = markdown.block_lines(block, page_text)[0]
            if block.style in ("muted", "small"):
                st.caption(text)
            else:
                st.markdown(text)
        elif isinstance(block, Callout):
            st.info(markdown.inline(block.text, page_text))
        elif isinstance(block, Bullets):
            st.markdown("\n".join(markdown.block_lines(block, page_text)))
        elif isinstance(block, Table):
            _table(block)
        elif isinstance(block, Tiles):
            _tiles(block)
        elif isinstance(block, Chart):
            ui.chart(block.figure)
        elif isinstance(block, Row):
            weights = [block.share(i) for i in range(len(block.columns))]
            for column, blocks_of in zip(st.columns(weights), block.columns, strict=True):
                with column:
                    show(blocks_of)
        elif isinstance(block, PageBreak):
            st.divider()


def show_document(document: Document) -> None:
    show(document.blocks)
