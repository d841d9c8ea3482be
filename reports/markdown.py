"""Reports layer: any document as Markdown (no HTML, ever). Knows blocks, not reports.

Untrusted text (names, PR titles, notes) goes through :func:`reports.format.md`, so it
shows as text in any Markdown viewer (no emphasis, link, image, HTML or LaTeX); links only
keep http(s) URLs. A Streamlit page reads more into Markdown than a viewer does
(directives like ``:red[…]``, bare URLs as links): its text goes through the stricter
:func:`page_text`, passed as ``escape`` to the functions below. Tables are
GitHub-flavoured Markdown. Charts are left out (their numbers are in the tables), as are
page breaks and speaker notes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence

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

Escape = Callable[[object], str]

# Marks that make markup anywhere in a line, in CommonMark, GFM or LaTeX ($). CommonMark
# lets each be backslash-escaped: it then shows as itself.
_INLINE_MARKS = re.compile(r"([\\`*_\[\]<>|~$])")
# ':' where it starts a Streamlit directive or code (:red[…], :material/x:, :tada:); '&'
# where it starts an entity (&lt;).
_CONTEXT_MARKS = re.compile(r"(:)(?=[A-Za-z][\w/-]*[\[:])|(&)(?=#?\w+;)")
# GFM turns bare URLs and e-mail addresses into links after parsing, on the text itself,
# so no backslash stops it: an invisible word joiner (U+2060) before '://', after 'www'
# and before '@' does, and the text still reads the same.
_AUTOLINKS = re.compile(r"(?<=[A-Za-z])(?=://)|(?<=\bwww)(?=\.)|(?<=[\w.+-])(?=@[\w-])", re.I)
_JOINER = "\u2060"
# Marks that only make markup at the start of a line: a list item, a heading, a quote.
_LINE_START = re.compile(r"^([-+=#])|^(\d+)([.)])")


def page_text(text: object) -> str:
    """Untrusted text made inert in a Streamlit page's Markdown, one line: no emphasis,
    link, image, HTML, LaTeX, table, list, bare-URL or e-mail link, or Streamlit directive
    is left, and it shows as the very characters. Marks that make nothing where they
    stand are left alone, so dates, times, numbers and sentences read as written."""
    flat = " ".join(str("" if text is None else text).split())
    out = _INLINE_MARKS.sub(r"\\\1", flat)
    out = _CONTEXT_MARKS.sub(lambda m: "\\" + m[0], out)
    out = _AUTOLINKS.sub(_JOINER, out)
    return _LINE_START.sub(lambda m: f"\\{m[1]}" if m[1] else f"{m[2]}\\{m[3]}", out)


def _span(span: Span, escape: Escape = md) -> str:
    core = escape(span.text)
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


def inline(text: Text, escape: Escape = md) -> str:
    """Inline text as Markdown: every run escaped, marks and links added around it."""
    out = "".join(_span(span, escape) for span in spans(text))
    return " ".join(out.split())


def cell(value: Cell, escape: Escape = md) -> str:
    return escape(value) if isinstance(value, str) else str(value)


def table(header: Sequence[str], rows: Iterable[Sequence[Cell]], escape: Escape = md) -> list[str]:
    lines = ["| " + " | ".join(escape(h) for h in header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(c, escape) or " " for c in row) + " |" for row in rows]
    return [*lines, ""]


def heading(block: Heading, escape: Escape = md) -> str:
    if block.level == 1:
        text = f"{block.kicker}: {block.text}" if block.kicker else block.text
        if block.aside:
            text += f" — {block.aside}"
        return f"# {escape(text)}"
    return "#" * block.level + " " + escape(block.text)


def tiles(block: Tiles, escape: Escape = md) -> list[str]:
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
    lines = table([*header, *(["Notes"] if notes else [])], rows, escape)
    return [*lines, escape(block.coverage), ""] if block.coverage else lines


def block_lines(block: Block, escape: Escape = md) -> list[str]:
    """One block as Markdown lines (a blank line after it); [] for what text cannot show.

    Args:
        escape: how untrusted text is made inert (:func:`page_text` on a page).
    """
    if isinstance(block, Heading):
        return [heading(block, escape), ""]
    if isinstance(block, Paragraph):
        text = inline(block.text, escape)
        return [f"**{text}**" if block.style in ("strong", "flag") and text else text, ""]
    if isinstance(block, Callout):
        return [f"> {inline(block.text, escape)}", ""]
    if isinstance(block, Table):
        return table(block.header, block.rows, escape)
    if isinstance(block, Tiles):
        return tiles(block, escape)
    if isinstance(block, Bullets):
        return [*(f"- {inline(item, escape)}" for item in block.items), ""]
    if isinstance(block, Row):
        return [line for column in block.columns for b in column for line in block_lines(b, escape)]
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
