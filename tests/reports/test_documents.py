"""The document model: one snapshot per builder, one table of formats, renderers that know
blocks and nothing of packets or boards — so a new format is one module and one line."""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

import metrics.sqlfiles
import store.connection
import teamlens
from metrics import fact_cache
from metrics.calendar import Quarter
from reports import board, formats, review

ROOT = Path(__file__).resolve().parents[2]
Q3 = Quarter(2026, 3)
RENDERERS = ("reports/markdown.py", "reports/pdf.py", "reports/pptx.py", "ui_document.py")
# The document model: the blocks, the builders, the renderers, the table of formats.
DOCUMENT_MODULES = (
    "document.py",
    "formats.py",
    "review.py",
    "dimensions.py",
    "board.py",
    "charts.py",
    "format.py",
    "markdown.py",
    "pdf.py",
    "pptx.py",
    "images.py",
)

PLAIN_TEXT = '''
    """A plain-text renderer: written for a test, registered in the format table only."""

    from reports.document import Bullets, Callout, Heading, Paragraph, Row, Table, Tiles, plain


    def lines(blocks):
        for block in blocks:
            if isinstance(block, Heading):
                yield block.text.upper() if block.level == 1 else block.text
            elif isinstance(block, (Paragraph, Callout)):
                yield plain(block.text)
            elif isinstance(block, Bullets):
                yield from ("* " + plain(item) for item in block.items)
            elif isinstance(block, Table):
                yield from ("  ".join(map(str, row)) for row in (block.header, *block.rows))
            elif isinstance(block, Tiles):
                yield from (f"{t.label}: {t.value}" for t in block.tiles)
            elif isinstance(block, Row):
                for column in block.columns:
                    yield from lines(column)


    def render(document, *, with_charts=True):
        return "\\n".join(lines(document.blocks)).encode("utf-8")
'''


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    counts = {"fact builds": 0, "connections": 0}
    build, connect = metrics.sqlfiles.build_facts, store.connection._connect

    def counted_build(*args, **kwargs):
        counts["fact builds"] += 1
        return build(*args, **kwargs)

    def counted_connect(*args, **kwargs) -> duckdb.DuckDBPyConnection:
        counts["connections"] += 1
        return connect(*args, **kwargs)

    monkeypatch.setattr(metrics.sqlfiles, "build_facts", counted_build)
    monkeypatch.setattr(store.connection, "_connect", counted_connect)
    return counts


def test_each_builder_reads_the_one_shared_fact_build(org_db, counted) -> None:
    fact_cache.clear()
    review.build_packet(org_db, "ana", Q3)
    # the store is attached read-only to the process's in-memory instance: no file opened
    assert counted == {"fact builds": 1, "connections": 0}
    board.build_board(org_db, Q3)  # the same instant (Q3's end): the same build
    assert counted == {"fact builds": 1, "connections": 0}
    review.build_packet(org_db, "ana", Q3.previous())  # another instant: its own build
    assert counted == {"fact builds": 2, "connections": 0}


def test_renderers_know_blocks_not_reports() -> None:
    for name in RENDERERS:
        tree = ast.parse((ROOT / name).read_text())
        found = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                found |= {node.module, *(f"{node.module}.{a.name}" for a in node.names)}
            elif isinstance(node, ast.Import):
                found |= {a.name for a in node.names}
        bad = {
            n
            for n in found
            if n.startswith(("reports.review", "reports.board", "reports.charts", "metrics"))
            or n in ("framework", "store")
        }
        assert not bad, f"{name} imports {sorted(bad)}"


def test_the_format_table_names_what_each_kind_of_document_can_be() -> None:
    assert [f.suffix for f in formats.for_kind("review")] == [".pdf", ".md"]
    assert [f.suffix for f in formats.for_kind("board")] == [".pdf", ".pptx", ".md"]
    assert formats.by_suffix(".PDF", "review").media_type == "application/pdf"
    with pytest.raises(formats.UnknownFormatError, match=r"ending in \.pdf, \.md$"):
        formats.by_suffix(".pptx", "review")
    with pytest.raises(formats.UnknownFormatError, match=r"\.pdf, \.pptx, \.md"):
        formats.by_suffix(".docx")


@pytest.fixture
def plain_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> formats.Format:
    """A new format: one renderer module and one line in the table, nothing else."""
    folder = tmp_path / "renderers"
    folder.mkdir()
    (folder / "plain_text.py").write_text(textwrap.dedent(PLAIN_TEXT))
    monkeypatch.syspath_prepend(str(folder))
    fmt = formats.Format(".txt", "Plain text", "text/plain", "plain_text")
    monkeypatch.setattr(formats, "FORMATS", (*formats.FORMATS, fmt))
    return fmt


def test_a_new_format_is_one_module_and_one_line(plain_text, org_db, tmp_path, capsys) -> None:
    out = tmp_path / "ana.txt"
    code = teamlens.main(
        [
            "report",
            "review",
            "--db",
            str(org_db),
            "--person",
            "ana",
            "--quarter",
            "2026Q3",
            "--out",
            str(out),
        ]
    )
    assert code == 0, capsys.readouterr().err
    text = out.read_text()
    assert text.startswith("ANA ÅNGSTRÖM")
    assert "Competency  Group  Last quarter  Now  Goal  What the level looks like" in text
    assert "* acme/app#67 Hotfix <b>config</b> without review" in text
    assert "What is not evaluated, and why" in text
    board_out = tmp_path / "board.txt"
    assert (
        teamlens.main(
            ["report", "board", "--db", str(org_db), "--quarter", "2026Q3", "--out", str(board_out)]
        )
        == 0
    )
    assert "Change failure rate: 3%" in board_out.read_text()


def test_the_pages_offer_every_format_of_the_table(plain_text, org_db, monkeypatch) -> None:
    monkeypatch.setenv("TEAMLENS_DB", str(org_db))
    page = AppTest.from_file(str(ROOT / "pages" / "quarterly_review.py"), default_timeout=60)
    page.run()
    assert not page.exception
    buttons = page.get("download_button")
    assert [b.proto.label for b in buttons][-1] == "⬇️ Review packet (Plain text)"


@pytest.mark.parametrize("name", DOCUMENT_MODULES)
def test_reports_hold_no_sql_and_no_data_arithmetic(name: str) -> None:
    # every number comes from metrics: no store access, no frames to compute on
    source = (ROOT / "reports" / name).read_text()
    tree = ast.parse(source)
    imported = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    imported |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    assert not {"duckdb", "pandas", "numpy"} & {m.split(".")[0] for m in imported}
    from_store = {
        a.name
        for n in ast.walk(tree)
        if isinstance(n, ast.ImportFrom) and (n.module or "").startswith("store")
        for a in n.names
    }
    assert from_store <= {"DbPath"}, from_store  # a path to pass on, never a connection
    assert "read_connection" not in source and "sqlfiles" not in source
    strings = [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant)]
    assert not any(
        isinstance(s, str) and s.lower().lstrip().startswith(("select ", "with ")) for s in strings
    )
