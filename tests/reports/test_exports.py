"""Exports parse back: PDF (pdftotext / pdfinfo / pdftoppm), PPTX (python-pptx), Markdown.

Chart rendering (kaleido) costs about 0.25 s an image after a ~2 s start: only one PDF
of each kind and the PPTX render charts; the rest are built without them. The renderers
know blocks, not reports: they are handed the builders' documents.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from pptx import Presentation

import metrics
from metrics.calendar import Quarter
from reports import board, pdf, review
from reports import pptx as pptx_export
from reports.document import Document, Tiles, plain
from tests.reports.conftest import PERSON_NAMES

Q3 = Quarter(2026, 3)
POPPLER = ("pdftotext", "pdfinfo", "pdftoppm")


def require_poppler() -> None:
    """poppler-utils reads the PDFs back; without it these tests fail (a skip would hide it)."""
    missing = [tool for tool in POPPLER if shutil.which(tool) is None]
    if missing:
        pytest.fail(
            f"{', '.join(missing)} missing: run ./scripts/setup-tests.sh (Debian's poppler-utils)"
        )


@pytest.fixture(scope="module")
def packet(org_db: Path) -> Document:
    return review.build_packet(org_db, "ana", Q3)


@pytest.fixture(scope="module")
def summary(org_db: Path) -> Document:
    return board.build_board(org_db, Q3)


@pytest.fixture(scope="module")
def board_pdf(summary, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("pdf") / "board.pdf"
    path.write_bytes(pdf.render(summary))  # with its two charts
    return path


def pdf_text(path: Path) -> str:
    done = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    )
    return done.stdout


def pdf_pages(path: Path) -> int:
    done = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    line = next(x for x in done.stdout.splitlines() if x.startswith("Pages:"))
    return int(line.split()[1])


def test_review_pdf_parses_back_with_every_section(packet, tmp_path: Path) -> None:
    require_poppler()
    path = tmp_path / "ana.pdf"
    path.write_bytes(pdf.render(packet))  # with its two charts
    text = pdf_text(path)
    assert "Ana Ångström" in text  # embedded Unicode font
    for heading in (
        "Competency levels",
        "Evaluation dimensions",
        "Code Quality",
        "Responsibility",
        "Red flag: Code merged without review",
        "Recognitions this quarter",
        "Review cycle",
        "Conversation guide",
        "What is not evaluated, and why",
    ):
        assert heading in text, heading
    for refused in metrics.REFUSED:
        assert refused.title in text
    assert "Hotfix <b>config</b> without review" in text  # a title stays literal text
    subprocess.run(
        ["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "2", str(path), str(tmp_path / "p")],
        check=True,
    )
    assert sorted(p.name for p in tmp_path.glob("p-*.png")) == ["p-1.png", "p-2.png"]


def page_text(path: Path, page: int) -> str:
    done = subprocess.run(
        ["pdftotext", "-layout", "-f", str(page), "-l", str(page), str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def test_board_pdf_one_page_per_slide_without_names_or_small_teams(board_pdf: Path) -> None:
    require_poppler()
    # landscape A4, like the slides: one page per message
    assert pdf_pages(board_pdf) == 6
    pages = [page_text(board_pdf, n) for n in range(1, 7)]
    assert "Executive summary 2026Q3" in pages[0] and "Quality tax" in pages[0]
    assert "Delivery figures rest on 38 merged changes" in pages[0]
    assert "in brief" in pages[1] and "38 changes merged in 2026Q3" in pages[1]
    assert "By group, 2026Q3" in pages[2] and "Rubber" in pages[2]
    assert "Quality tax by group" in pages[3]
    assert "Skill growth" in pages[4] and "How to read this" in pages[5]
    text = "\n".join(pages)
    assert "Other" in text and "Alpha" in text
    for team in ("Beta", "Gamma"):
        assert team not in text
    for name in PERSON_NAMES:
        assert name.split()[-1] not in text
    for refused in metrics.REFUSED:
        assert refused.id not in text
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(board_pdf), str(board_pdf.with_suffix(""))])
    assert board_pdf.with_name("board-1.png").stat().st_size > 10_000


def test_board_pptx_slides_and_shapes(summary) -> None:
    deck = Presentation(io.BytesIO(pptx_export.render(summary)))
    assert len(deck.slides) == 6
    first, brief, by_group, tax, skills, _ = deck.slides
    names = [shape.name for shape in first.shapes]
    [figures] = summary.of_type(Tiles)
    assert [n for n in names if n.startswith("figure ") and n.count(" ") == 1] == [
        f"figure {t.name}" for t in figures.tiles
    ]
    assert {"title", "subtitle", "coverage"} <= set(names)
    assert {"chart delivery", "narrative"} <= {s.name for s in brief.shapes}
    assert "chart tax" in {s.name for s in tax.shapes}
    assert "chart skills" in {s.name for s in skills.shapes}
    pictures = [s for slide in deck.slides for s in slide.shapes if s.shape_type == 13]
    assert len(pictures) == 3 and all(p.image.content_type == "image/png" for p in pictures)
    # the charts carry their alt text
    assert all(p._element.nvPicPr.cNvPr.get("descr") for p in pictures)
    text = []
    for slide in deck.slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                text.append(shape.text_frame.text)
            if shape.has_table:
                text.extend(cell.text for row in shape.table.rows for cell in row.cells)
        text.append(slide.notes_slide.notes_text_frame.text if slide.has_notes_slide else "")
    joined = "\n".join(text)
    groups = next(s for s in by_group.shapes if s.name == "groups").table
    assert [groups.cell(r, 0).text for r in range(len(groups.rows))] == ["Group", "Alpha", "Other"]
    for name in PERSON_NAMES:
        assert name.split()[-1] not in joined
    for team in ("Beta", "Gamma"):
        assert team not in joined
    for refused in metrics.REFUSED:
        assert refused.id not in joined
    assert plain(summary.find("narrative").items[0]) in joined
    # the presenter's notes of the first slide hold the narrative
    assert plain(summary.find("narrative").items[0]) in first.notes_slide.notes_text_frame.text
    assert "How to read this" in joined


def test_pdf_without_the_unicode_font_falls_back_to_latin1(packet, monkeypatch) -> None:
    monkeypatch.setattr(pdf, "FONT_DIR", Path("/nonexistent"))
    data = pdf.render(packet, with_charts=False)
    assert data.startswith(b"%PDF-") and b"/Helvetica" in data
