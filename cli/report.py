"""CLI wiring: `teamlens report review|board` — review packets and the executive summary."""

from __future__ import annotations

import time
from typing import Any

import click

from cli.common import BadInput, db_option, echo_err


@click.group("report")
def report_group() -> None:
    """Review packets and the board-ready executive summary (PDF, PPTX, Markdown)."""


def _check_out(out: str | None, suffixes: tuple[str, ...]) -> None:
    """Refuse an --out the command cannot write, before any work is done."""
    from pathlib import Path

    if out is None:
        return
    path = Path(out)
    if path.suffix.lower() not in suffixes:
        raise BadInput(f"--out {out}: expected a file ending in {', '.join(suffixes)}")
    if not path.parent.is_dir():
        raise BadInput(f"--out {out}: folder {path.parent} does not exist")


def _write_report(out: str | None, kinds: dict[str, Any], what: str) -> None:
    """Render by the --out suffix (or Markdown to stdout) and write the file."""
    from pathlib import Path

    if out is None:
        click.echo(kinds[".md"](), nl=False)
        return
    path = Path(out)
    suffix = path.suffix.lower()
    started = time.perf_counter()
    data = kinds[suffix]()
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    echo_err(f"{what} written to {path} in {time.perf_counter() - started:.1f} s")
    click.echo(str(path))


@report_group.command("review")
@db_option
@click.option("--person", "login", required=True, help="The person's login.")
@click.option("--quarter", required=True, help="The quarter, like 2026Q3.")
@click.option(
    "--out",
    default=None,
    help="Write to FILE.pdf (with charts) or FILE.md; without it, Markdown goes to stdout.",
)
def report_review(db: str | None, login: str, quarter: str, out: str | None) -> None:
    """A person's quarterly review packet: levels, the six dimensions with evidence, the
    review cycle, the conversation guide, and what is not evaluated and why."""
    from metrics.calendar import parse_quarter
    from reports import markdown, review

    _check_out(out, (".pdf", ".md"))
    packet = review.build_packet(db, login, parse_quarter(quarter))

    def pdf() -> bytes:
        from reports import pdf as pdf_export

        return pdf_export.review_pdf(packet)

    _write_report(
        out, {".md": lambda: markdown.review_markdown(packet), ".pdf": pdf}, "review packet"
    )


@report_group.command("board")
@db_option
@click.option("--quarter", required=True, help="The quarter, like 2026Q3.")
@click.option(
    "--out",
    default=None,
    help="Write to FILE.pdf, FILE.pptx or FILE.md; without it, Markdown goes to stdout.",
)
def report_board(db: str | None, quarter: str, out: str | None) -> None:
    """The board-ready executive summary of a quarter: organization figures with their
    direction and coverage, skill growth, groups of 5+ people only, a narrative."""
    from metrics.calendar import parse_quarter
    from reports import board, markdown

    _check_out(out, (".pdf", ".pptx", ".md"))
    summary = board.build_board(db, parse_quarter(quarter))

    def pdf() -> bytes:
        from reports import pdf as pdf_export

        return pdf_export.board_pdf(summary)

    def pptx() -> bytes:
        from reports import pptx as pptx_export

        return pptx_export.board_pptx(summary)

    _write_report(
        out,
        {".md": lambda: markdown.board_markdown(summary), ".pdf": pdf, ".pptx": pptx},
        "executive summary",
    )
