"""The executive deck as a viewer shows it: rendered by LibreOffice (soffice --headless
--convert-to pdf), then read back with poppler (pdftotext -bbox, pdftoppm).

Three decks, converted in one LibreOffice run: a complete quarter, a quarter still
running (every figure labelled partial) and an organization too small to show anything.
What is asserted is what a reader would see: the slide count, no text outside its shape,
no word broken in two, no text under 12 pt, the tiles' numbers on one line.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from pptx import Presentation

from metrics.calendar import Quarter
from reports import board
from reports import pptx as pptx_export
from tests.reports import slide_check
from tests.reports.conftest import PEOPLE, build_org

Q3 = Quarter(2026, 3)


@pytest.fixture(scope="module")
def decks(org_db: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    out = tmp_path_factory.mktemp("slides")
    small = build_org(out / "small.duckdb", PEOPLE[6:9])  # Beta's 3 people alone
    documents = {
        "complete": board.build_board(org_db, Q3),
        "partial": board.build_board(org_db, Q3, as_of=datetime(2026, 8, 15, tzinfo=UTC)),
        "small": board.build_board(small, Q3),
    }
    paths = {}
    for name, document in documents.items():
        paths[name] = out / f"{name}.pptx"
        paths[name].write_bytes(pptx_export.render(document))
    pdfs = slide_check.to_pdf(list(paths.values()), out)
    return {
        name: {
            "document": documents[name],
            "pptx": paths[name],
            "deck": Presentation(str(paths[name])),
            "pdf": pdf,
            "words": slide_check.pdf_words(pdf),
            "pngs": slide_check.png_pages(pdf, out),
        }
        for name, pdf in zip(paths, pdfs, strict=True)
    }


def test_one_slide_per_page_and_each_renders(decks) -> None:
    complete = decks["complete"]
    # figures; the quarter in brief; groups; the quality tax; skill growth; how to read it
    assert len(complete["deck"].slides) == len(complete["document"].pages()) == 6
    assert len(complete["pngs"]) == len(complete["words"]) == 6
    assert all(png.stat().st_size > 5_000 for png in complete["pngs"])
    titles = [slide.shapes[0].text_frame.text for slide in complete["deck"].slides]
    assert titles[0] == "Executive summary 2026Q3"
    assert titles[1:] == [
        "2026Q3 in brief",
        "By group, 2026Q3",
        "Quality tax by group, 2026Q3",
        "Skill growth, 2026Q3",
        "How to read this",
    ]


@pytest.mark.parametrize("name", ["complete", "partial", "small"])
def test_no_text_leaves_its_shape_and_no_word_breaks(decks, name) -> None:
    found = decks[name]
    assert len(found["words"]) == len(found["deck"].slides)
    problems = []
    for number, (slide, words) in enumerate(
        zip(found["deck"].slides, found["words"], strict=True), start=1
    ):
        problems += [f"slide {number}: {p}" for p in slide_check.check_slide(slide, words)]
    assert problems == []


@pytest.mark.parametrize("name", ["complete", "partial", "small"])
def test_every_run_is_at_least_12_pt(decks, name) -> None:
    sizes = slide_check.font_sizes(decks[name]["pptx"])
    assert sizes, "no text at all"
    small = [(text, size) for text, size in sizes if size < 12]
    assert small == []


def test_every_shape_and_chart_lies_on_its_slide(decks) -> None:
    deck = decks["complete"]["deck"]
    pictures = 0
    for slide in deck.slides:
        for shape in slide.shapes:
            assert shape.left >= 0 and shape.top >= 0, shape.name
            assert shape.left + shape.width <= deck.slide_width, shape.name
            assert shape.top + shape.height <= deck.slide_height, shape.name
            pictures += shape.shape_type == 13
    assert pictures == 3  # delivery, quality tax by group, skills


def test_tiles_line_up(decks) -> None:
    complete = decks["complete"]
    first = complete["deck"].slides[0]
    tiles = {s.name: s for s in first.shapes if s.name.startswith("figure ")}
    values = [s for name, s in tiles.items() if name.endswith(" value")]
    boxes = [s for name, s in tiles.items() if name.count(" ") == 1]  # "figure <id>"
    assert len(boxes) == len(values) == 8
    rows: dict[int, list] = {}
    for box in boxes:
        rows.setdefault(box.top, []).append(box)
    assert sorted(len(r) for r in rows.values()) == [4, 4]  # two rows of four
    for row in rows.values():
        assert len({(b.width, b.height) for b in row}) == 1  # same size
        value_tops = {tiles[f"{b.name} value"].top - b.top for b in row}
        label_tops = {tiles[f"{b.name} label"].top - b.top for b in row}
        assert len(value_tops) == 1 and len(label_tops) == 1
    # ... and where LibreOffice drew them: each row's numbers sit on one baseline
    words = complete["words"][0]
    by_row: dict[int, set[float]] = {}
    for value in values:
        box = slide_check.text_shapes(first)
        [shape] = [s for s in box if s.name == value.name]
        tops = {round(w.box.bottom, 1) for w in words if shape.box.holds(*w.centre)}
        assert len(tops) == 1, value.name
        by_row.setdefault(value.top, set()).update(tops)
    assert all(len(bottoms) == 1 for bottoms in by_row.values())


def test_a_partial_quarter_is_labelled_on_every_figure(decks) -> None:
    partial = decks["partial"]
    first = partial["deck"].slides[0]
    notes = [s for s in first.shapes if s.name.endswith(" note")]
    assert len(notes) == 8
    assert all(s.text_frame.text == "partial quarter, to 15 Aug" for s in notes)
    titles = [slide.shapes[0].text_frame.text for slide in partial["deck"].slides]
    assert titles[0] == "Executive summary 2026Q3 (partial)"
    everything = " ".join(" ".join(w.text for w in page) for page in partial["words"])
    # said on the first slide and first in the narrative
    assert everything.count("2026Q3 is still running: figures from 1 Jul to 15 Aug 2026 only") == 2
    assert all("(partial)" in title for title in titles[:-1])


def test_an_organization_too_small_shows_no_figure(decks) -> None:
    small = decks["small"]
    text = " ".join(" ".join(w.text for w in page) for page in small["words"])
    assert "The organization has 3 people" in text and "no figure is shown" in text
    shapes = [s for slide in small["deck"].slides for s in slide.shapes]
    assert not [s for s in shapes if s.name.startswith("figure") or s.has_table]
    # no number of the organization anywhere but in how to read it
    figures = [s.text_frame.text for s in shapes if s.has_text_frame and s.name != "method"]
    assert not any("%" in t or " h " in t for t in figures)
