"""Reports layer: the one table of export formats — the CLI and the pages both read it.

A format is a file suffix, a label, a media type and the module whose
``render(document, *, with_charts=True) -> bytes`` lays a document out. A new format is
one renderer module plus one line in :data:`FORMATS`. Renderers are imported when used:
fpdf2, python-pptx and kaleido cost nothing to a command that writes Markdown.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, replace

from reports.document import Block, Document, Row, Table
from settings import InputError


class UnknownFormatError(InputError):
    """A file suffix no format writes (for that kind of document)."""


@dataclass(frozen=True)
class Format:
    suffix: str  # ".pdf", lower case, with its dot
    label: str  # what a button or a message calls it
    media_type: str
    module: str  # the renderer module (has ``render``)
    # The kinds of document it lays out (Document.kind); None: every kind.
    kinds: tuple[str, ...] | None = None

    def render(self, document: Document, *, with_charts: bool = True) -> bytes:
        """The document in this format; its table cells safe for a spreadsheet they are
        pasted into (:func:`spreadsheet_safe`)."""
        renderer = importlib.import_module(self.module)
        return renderer.render(spreadsheet_safe(document), with_charts=with_charts)

    def lays_out(self, kind: str) -> bool:
        return self.kinds is None or kind in self.kinds


FORMATS: tuple[Format, ...] = (
    Format(".pdf", "PDF", "application/pdf", "reports.pdf"),
    Format(
        ".pptx",
        "PPTX",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "reports.pptx",
        # slides: for documents whose pages fit a slide (a packet's long tables do not)
        kinds=("board",),
    ),
    Format(".md", "Markdown", "text/markdown", "reports.markdown"),
)


def spreadsheet_safe(document: Document) -> Document:
    """The document with every table cell a spreadsheet would run as a formula (``=…``,
    ``+…``, ``-…``, ``@…``) written after a ``'`` (:func:`metrics.cells.formula_safe`):
    a table copied from an export into a spreadsheet stays text."""
    # here, not at the top: the CLI reads this table for its --help, and the metrics
    # package brings pandas into commands that need none (`teamlens ingest github`)
    from metrics.cells import formula_safe

    def clean(block: Block) -> Block:
        if isinstance(block, Table):
            rows = tuple(tuple(formula_safe(c) for c in row) for row in block.rows)
            header = tuple(str(formula_safe(h)) for h in block.header)
            return replace(block, header=header, rows=rows)
        if isinstance(block, Row):
            columns = tuple(tuple(clean(b) for b in column) for column in block.columns)
            return replace(block, columns=columns)
        return block

    return replace(document, blocks=tuple(clean(b) for b in document.blocks))


def for_kind(kind: str) -> tuple[Format, ...]:
    """The formats that lay out documents of ``kind``, in the table's order."""
    return tuple(f for f in FORMATS if f.lays_out(kind))


def by_suffix(suffix: str, kind: str | None = None) -> Format:
    """The format written to files ending in ``suffix`` (case-insensitive).

    Raises:
        UnknownFormatError: no such format (for ``kind``); the message names the known
            suffixes.
    """
    known = for_kind(kind) if kind else FORMATS
    for fmt in known:
        if fmt.suffix == suffix.lower():
            return fmt
    names = ", ".join(f.suffix for f in known)
    raise UnknownFormatError(f"expected a file ending in {names}")


def file_name(document: Document, fmt: Format) -> str:
    return f"{document.file_stem}{fmt.suffix}"
