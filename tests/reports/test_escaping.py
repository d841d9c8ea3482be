"""Untrusted text in the exports and on the page: Markdown escapes $ too; the page's
stricter escaping leaves no markup, and the exports of a hostile store hold none."""

from __future__ import annotations

from pathlib import Path

import pytest

from metrics.calendar import parse_quarter
from reports import board, formats, review
from reports.format import md
from reports.markdown import page_text
from tests.hostile import FRAGMENTS, PAYLOAD, build_hostile_store


def test_markdown_escapes_latex_and_markup() -> None:
    assert md("$x^2$ costs $5") == "\\$x^2\\$ costs \\$5"
    assert (
        md(PAYLOAD)
        == "\\*\\*bold\\*\\* !\\[x\\](http://127.0.0.1:9/p.png) \\<b\\>x\\</b\\> \\$x^2\\$"
    )


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        # a bare URL gets an invisible word joiner (U+2060): GFM links it whatever escapes
        (
            PAYLOAD,
            "\\*\\*bold\\*\\* !\\[x\\](http\u2060://127.0.0.1:9/p.png) \\<b\\>x\\</b\\> \\$x^2\\$",
        ),
        # a directive's [ is escaped, so :red[…] is no directive; an icon or emoji code's : is
        (":red[alarm] :material/home: :tada:", ":red\\[alarm\\] \\:material/home: \\:tada:"),
        ("mail a@b.com or www.x.com", "mail a\u2060@b.com or www\u2060.x.com"),
        ("&lt;b&gt; R&D", "\\&lt;b\\&gt; R&D"),
        ("- not a list", "\\- not a list"),
        ("1. not a list", "1\\. not a list"),
        ("# not a heading", "\\# not a heading"),
        # what makes no markup where it stands is left as written
        ("Fixed 2026-03-01 at 10:30: 12.5 h (3 PRs)", "Fixed 2026-03-01 at 10:30: 12.5 h (3 PRs)"),
        ("two\nlines", "two lines"),
    ],
)
def test_page_text(text: str, shown: str) -> None:
    assert page_text(text) == shown


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile-exports")
    return build_hostile_store(folder / "teamlens.duckdb", folder / "files")


def test_markdown_exports_of_a_hostile_store_hold_no_markup(hostile_db: Path) -> None:
    quarter = parse_quarter("2026Q2")
    as_of = quarter.end_instant
    packet = review.build_packet(hostile_db, "ana", quarter, as_of=as_of)
    summary = board.build_board(hostile_db, quarter, as_of=as_of)
    for document in (packet, summary):
        text = formats.by_suffix(".md").render(document).decode()
        assert "bold" in text or document is summary  # the packet names the person
        for fragment in ("**bold**", "![x](", "<b>", "$x^2$"):
            assert fragment not in text, (document.kind, fragment)
    assert FRAGMENTS  # the same payload as the page sweep
