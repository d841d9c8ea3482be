"""CLI wiring: `teamlens report review|board` — review packets and the executive summary.

The file's suffix picks the format from the one table of formats (reports.formats).
"""

from __future__ import annotations

import time
from typing import Any

import click

from cli.common import BadInput, db_option, echo_err


@click.group("report", short_help="Review packets and the executive summary.")
def report_group() -> None:
    """Review packets and the board-ready executive summary (PDF, PPTX, Markdown)."""


def _out_format(out: str | None, kind: str, force: bool = False) -> Any:
    """The format the --out suffix names (Markdown when there is no --out), refused before
    any work is done: a folder, an existing file without --force, a folder that does not
    exist or cannot be written."""
    import os
    from pathlib import Path

    from reports import formats

    if out is None:
        return formats.by_suffix(".md")
    path = Path(out)
    if path.is_dir():
        raise BadInput(f"--out {out}: is a folder; name a file, like {path / 'report.pdf'}")
    try:
        fmt = formats.by_suffix(path.suffix, kind)
    except formats.UnknownFormatError as exc:
        raise BadInput(f"--out {out}: {exc}") from None
    folder = path.parent
    if not folder.is_dir():
        raise BadInput(f"--out {out}: folder {folder} does not exist")
    if path.exists() and not force:
        raise BadInput(f"--out {out}: the file exists; pass --force to overwrite it")
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise BadInput(f"--out {out}: cannot write there (permission denied)")
    return fmt


_FORCE_HELP = "Overwrite the --out file if it exists."


def _write_report(document: Any, fmt: Any, out: str | None) -> None:
    """Render in the chosen format; to the --out file, or (Markdown) to stdout."""
    from pathlib import Path

    if out is None:
        click.echo(fmt.render(document).decode("utf-8"), nl=False)
        return
    started = time.perf_counter()
    try:
        Path(out).write_bytes(fmt.render(document))
    except OSError as exc:
        raise BadInput(f"--out {out}: cannot write it ({exc.strerror or exc})") from None
    echo_err(f"{document.title} written to {out} in {time.perf_counter() - started:.1f} s")
    click.echo(out)


def _suffixes(kind: str) -> str:
    from reports import formats

    return ", ".join(f"FILE{f.suffix}" for f in formats.for_kind(kind))


QUARTER_HELP = (
    "The quarter, like 2026Q3 (default: the last complete quarter before --as-of; a quarter "
    "still running is labelled partial)."
)
AS_OF_HELP = "Figures as of this ISO date or date-time (default: now)."


def _quarter_and_moment(quarter: str | None, as_of: str | None) -> tuple[Any, Any]:
    """The quarter asked for (or the default) and the instant of the report."""
    import metrics
    from metrics.calendar import parse_quarter
    from reports.quarters import default_quarter

    moment = metrics.parse_as_of(as_of)
    chosen = parse_quarter(quarter, now=moment) if quarter else default_quarter(moment)
    return chosen, moment


@report_group.command("review", short_help="A person's quarterly review packet.")
@db_option
@click.option("--person", "login", required=True, help="The person's login.")
@click.option("--quarter", default=None, help=QUARTER_HELP)
@click.option("--as-of", "as_of", default=None, help=AS_OF_HELP)
@click.option(
    "--out",
    default=None,
    help=f"Write to {_suffixes('review')} (by the suffix); without it, Markdown goes to stdout.",
)
@click.option("--force", is_flag=True, help=_FORCE_HELP)
def report_review(
    db: str | None,
    login: str,
    quarter: str | None,
    as_of: str | None,
    out: str | None,
    force: bool,
) -> None:
    """A person's quarterly review packet: levels, the six dimensions with evidence, the
    review cycle, the conversation guide, and what is not evaluated and why."""
    from reports import review

    fmt = _out_format(out, "review", force)
    chosen, moment = _quarter_and_moment(quarter, as_of)
    _write_report(review.build_packet(db, login, chosen, as_of=moment), fmt, out)


@report_group.command("board", short_help="The board-ready executive summary.")
@db_option
@click.option("--quarter", default=None, help=QUARTER_HELP)
@click.option("--as-of", "as_of", default=None, help=AS_OF_HELP)
@click.option(
    "--out",
    default=None,
    help=f"Write to {_suffixes('board')} (by the suffix); without it, Markdown goes to stdout.",
)
@click.option("--force", is_flag=True, help=_FORCE_HELP)
def report_board(
    db: str | None, quarter: str | None, as_of: str | None, out: str | None, force: bool
) -> None:
    """The board-ready executive summary of a quarter: organization figures with their
    direction and coverage, groups big enough to show, skill growth, a narrative."""
    from reports import board

    fmt = _out_format(out, "board", force)
    chosen, moment = _quarter_and_moment(quarter, as_of)
    _write_report(board.build_board(db, chosen, as_of=moment), fmt, out)
