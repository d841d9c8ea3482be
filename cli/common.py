"""CLI wiring: what every command shares — the bad-input error, ``--db``, stderr output.

Contract (DESIGN.md): results on stdout, progress and errors on stderr; exit 0 on
success, 2 on bad input (one line naming the file/row/field), 1 on anything unexpected.
"""

from __future__ import annotations

from typing import Any

import click

from store import DEFAULT_DB

DB_HELP = f"DuckDB database file (default: $TEAMLENS_DB if set, else {DEFAULT_DB})."


class BadInput(click.ClickException):
    """Bad input from the user: exit 2 with one line."""

    exit_code = 2


def db_option(func: Any) -> Any:
    """The `--db PATH` option every command takes."""
    return click.option("--db", "db", type=click.Path(dir_okay=True), default=None, help=DB_HELP)(
        func
    )


def echo_err(message: str) -> None:
    """Progress and diagnostics go to stderr."""
    click.echo(message, err=True)
