"""Reports layer: the document model — the blocks every report is made of. No rendering here.

A builder (:mod:`reports.review`, :mod:`reports.board`) returns a :class:`Document`: a
title and a sequence of frozen blocks. The renderers (:mod:`reports.markdown`,
:mod:`reports.pdf`, :mod:`reports.pptx`, and ``ui_document`` for the pages) lay blocks out and know
nothing of packets or boards, so a new format is one renderer plus a line in
:data:`reports.formats.FORMATS`. All text in a block is plain text (untrusted text
included): each renderer makes it inert in its own way.

Layout hints are few and generic: a heading's level, a paragraph's style, a table's
column roles, a :class:`Row` of columns (side by side on a page or slide, one after the
other in flowing text), a :class:`PageBreak` (a new page or slide; nothing in flowing
text) and :class:`SpeakerNotes` (a presenter's notes; left out where there is no
presenter).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Literal

# A column's role tells a renderer how wide it should be: a label (a name), a figure (a
# short value), a date, or text (a sentence).
Role = Literal["label", "figure", "date", "text"]
Style = Literal["body", "muted", "small", "strong", "flag"]
ROLE_CAPS: dict[str, int] = {"label": 36, "figure": 16, "date": 12, "text": 90}


@dataclass(frozen=True)
class Span:
    """A run of inline text, optionally strong, emphasised, or a link."""

    text: str
    strong: bool = False
    emphasis: bool = False
    url: str | None = None


Text = str | tuple[Span, ...]


def spans(text: Text) -> tuple[Span, ...]:
    """Inline text as runs (a plain string is one run)."""
    return (Span(text),) if isinstance(text, str) else text


def plain(text: Text) -> str:
    """Inline text without its marks."""
    return "".join(span.text for span in spans(text))


@dataclass(frozen=True)
class Heading:
    """A heading: level 1 is the document's (or a page's) title, 2 a section, 3 a part."""

    text: str
    level: int = 2
    kicker: str = ""  # a short line set before a title ("Quarterly review 2026Q3")
    aside: str = ""  # a short label set beside a title (the organization)
    name: str = ""


@dataclass(frozen=True)
class Paragraph:
    text: Text
    style: Style = "body"  # muted: secondary; small: fine print; flag: a warning title
    name: str = ""


@dataclass(frozen=True)
class Callout:
    """A note to the reader, set apart from the text (a quote, a boxed line)."""

    text: Text
    name: str = ""


@dataclass(frozen=True)
class Tile:
    """One headline figure: its value, the previous value, the change and its direction."""

    label: str
    value: str
    previous: str
    change: str  # '' when there is nothing to show (no comparison, or unchanged)
    direction: str  # improved | worsened | unchanged | no comparison | up | down
    coverage: str = ""  # what the figure rests on, when not the Tiles' shared coverage
    detail: str = ""  # a figure read with this one (cycle time beside QACT)
    name: str = ""  # the figure's declared id
    note: str = ""  # what no reader may miss ("partial quarter …", "not traceable …")


@dataclass(frozen=True)
class Tiles:
    """Headline figures compared between two periods, ``per_row`` to a row (0: one row)."""

    tiles: tuple[Tile, ...]
    now_label: str
    previous_label: str
    name: str = "figures"
    per_row: int = 0
    coverage: str = ""  # what the figures without a coverage of their own rest on

    def rows(self) -> list[tuple[Tile, ...]]:
        """The tiles in rows of ``per_row``."""
        step = self.per_row or len(self.tiles) or 1
        return [self.tiles[i : i + step] for i in range(0, len(self.tiles), step)]


Cell = str | int


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    roles: tuple[Role, ...]  # one per column
    name: str = ""

    def __post_init__(self) -> None:
        width = len(self.header)
        if len(self.roles) != width or any(len(row) != width for row in self.rows):
            raise ValueError(f"table {self.name!r}: every row needs {width} cells and roles")

    def widths(self, total: float, measure: Callable[[str, bool], float]) -> list[float]:
        """Column widths summing to ``total`` for a renderer that sets them.

        ``measure(text, bold)`` is the renderer's width of a text (padding included).
        Every column is at least as wide as its longest word (headers bold), so no word
        breaks; the rest of the width goes where the text is long, each column's claim
        capped by its role, so a figure column stays narrow and a text column takes room.
        """
        least, claim = [], []
        for i, role in enumerate(self.roles):
            cells = [str(row[i]) for row in self.rows]
            words = [(w, False) for c in cells for w in c.split()]
            words += [(w, True) for w in self.header[i].split()]
            least.append(max((measure(w, bold) for w, bold in words), default=0.0))
            longest = max([*cells, self.header[i]], key=len)[: ROLE_CAPS[role]]
            claim.append(max(0.0, measure(longest, False) - least[-1]))
        spare = total - sum(least)
        if spare <= 0:
            return [total * w / sum(least) for w in least]
        if not sum(claim):
            return [w + spare / len(least) for w in least]
        return [w + spare * c / sum(claim) for w, c in zip(least, claim, strict=True)]

    def column(self, title: str) -> list[Cell]:
        """The cells of the column headed ``title``."""
        index = self.header.index(title)
        return [row[index] for row in self.rows]


@dataclass(frozen=True)
class Bullets:
    items: tuple[Text, ...]
    style: Style = "body"
    name: str = ""


@dataclass(frozen=True, eq=False)
class Chart:
    """A plotly figure, drawn at ``width`` x ``height`` CSS pixels where it is an image."""

    figure: Any  # plotly.graph_objects.Figure
    alt: str  # what the chart shows, in words (for readers who cannot see it)
    width: int = 900
    height: int = 520
    name: str = ""


@dataclass(frozen=True)
class Row:
    """Blocks side by side (on a page or slide); one after the other in flowing text."""

    columns: tuple[tuple[Block, ...], ...]
    weights: tuple[float, ...] = ()  # relative widths (default: equal)
    name: str = ""

    def share(self, index: int) -> float:
        weights = self.weights or (1.0,) * len(self.columns)
        return weights[index] / sum(weights)


@dataclass(frozen=True)
class SpeakerNotes:
    lines: tuple[str, ...]


@dataclass(frozen=True)
class PageBreak:
    pass


Block = (
    Heading | Paragraph | Callout | Tiles | Table | Bullets | Chart | Row | SpeakerNotes | PageBreak
)


@dataclass(frozen=True, eq=False)
class Document:
    """A report as blocks.

    ``kind`` names what the document is ("review", "board") so the format table can say
    which formats lay it out; renderers never read it.
    """

    kind: str
    title: str
    blocks: tuple[Block, ...]
    footer: str = ""
    file_stem: str = "report"  # file name without its suffix
    landscape: bool = False

    def walk(self) -> Iterator[Block]:
        """Every block, depth first (the blocks of a Row's columns after the Row)."""
        yield from _walk(self.blocks)

    def find(self, name: str) -> Block:
        """The first block named ``name``.

        Raises:
            KeyError: no block of that name.
        """
        for block in self.walk():
            if getattr(block, "name", "") == name:
                return block
        raise KeyError(name)

    def named(self, prefix: str) -> list[Block]:
        """Every block whose name starts with ``prefix``, in order."""
        return [b for b in self.walk() if getattr(b, "name", "").startswith(prefix)]

    def of_type(self, kind: type) -> list[Any]:
        return [b for b in self.walk() if isinstance(b, kind)]

    def pages(self) -> list[tuple[Block, ...]]:
        """The blocks split at each :class:`PageBreak`."""
        out: list[list[Block]] = [[]]
        for block in self.blocks:
            if isinstance(block, PageBreak):
                out.append([])
            else:
                out[-1].append(block)
        return [tuple(page) for page in out if page]


def _walk(blocks: tuple[Block, ...]) -> Iterator[Block]:
    for block in blocks:
        yield block
        if isinstance(block, Row):
            for column in block.columns:
                yield from _walk(column)
