"""Reports layer: any document as Markdown (no HTML, ever). Knows blocks, not reports.

Untrusted text (names, PR titles, notes) goes through :func:`reports.format.md`, so it
shows as text in any Markdown viewer; links only keep http(s) URLs. Tables are
GitHub-flavoured Markdown. Charts are left out (their numbers are in the tables), as are
page breaks and speaker notes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from reports.document import (
    Block,
    Bullets,
    Callout,
    Cell,
    Document,
    Heading,
    Paragraph,
    Row,
    Span,
    Table,
    Text,
    Tiles,
    spans,
)
from reports.format import ARROWS, md, safe_url


def _span(span: Span) -> str:
    core = md(span.text)
    if not core:
        return " " if span.text[:1].isspace() else ""
    if span.url and safe_url(span.url):
        core = f"[{core}]({safe_url(span.url)})"
    if span.strong:
        core = f"**{core}**"
    elif span.emphasis:
        core = f"*{core}*"
    lead = " " if span.text[:1].isspace() else ""
    trail = " " if span.text[-1:].isspace() else ""
    return f"{lead}{core}{trail}"


def inline(text: Text) -> str:
    """Inline text as Markdown: every run escaped, marks and links added around it."""
    out = "".join(_span(span) for span in spans(text))
    return " ".join(out.split())


def cell(value: Cell) -> str:
    return md(value) if isinstance(value, str) else str(value)


def table(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> list[str]:
    lines = ["| " + " | ".join(md(h) for h in header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(c) or " " for c in row) + " |" for row in rows]
    return [*lines, ""]


def heading(block: Heading) -> str:
    if block.level == 1:
        text = f"{block.kicker}: {block.text}" if block.kicker else block.text
        if block.aside:
            text += f" — {block.aside}"
        return f"# {md(text)}"
    return "#" * block.level + " " + md(block.text)


def tiles(block: Tiles) -> list[str]:
    header = ["Figure", block.now_label, block.previous_label, "Change", "Direction"]
    notes = any(t.coverage or t.note for t in block.tiles)
    rows = [
        [
            t.label + (f" — {t.detail}" if t.detail else ""),
            t.value,
            t.previous,
            t.change or "—",
            ARROWS.get(t.direction, t.direction),
            *(["; ".join(x for x in (t.note, t.coverage) if x)] if notes else []),
        ]
        for t in block.tiles
    ]
    lines = table([*header, *(["Notes"] if notes else [])], rows)
    return [*lines, md(block.coverage), ""] if block.coverage else lines


def block_lines(block: Block) -> list[str]:
    """One block as Markdown lines (a blank line after it); [] for what text cannot show."""
    if isinstance(block, Heading):
        return [heading(block), ""]
    if isinstance(block, Paragraph):
        text = inline(block.text)
        return [f"**{text}**" if block.style in ("strong", "flag") and text else text, ""]
    if isinstance(block, Callout):
        return [f"> {inline(block.text)}", ""]
    if isinstance(block, Table):
        return table(block.header, block.rows)
    if isinstance(block, Tiles):
        return tiles(block)
    if isinstance(block, Bullets):
        return [*(f"- {inline(item)}" for item in block.items), ""]
    if isinstance(block, Row):
        return [line for column in block.columns for b in column for line in block_lines(b)]
    return []  # Chart, PageBreak, SpeakerNotes


def render_text(document: Document, *, title: bool = True) -> str:
    """The document as Markdown text.

    Args:
        title: keep the level-1 headings (a page that has its own title leaves them out).
    """
    out: list[str] = []
    for block in document.blocks:
        if not title and isinstance(block, Heading) and block.level == 1:
            continue
        out += block_lines(block)
    return "\n".join(out)


def render(document: Document, *, with_charts: bool = True) -> bytes:
    """The renderer of :data:`reports.formats.FORMATS`: UTF-8 Markdown."""
    return render_text(document).encode("utf-8")
