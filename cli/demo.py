"""CLI wiring: `teamlens demo` (the demo organization) and `teamlens db info` (the store)."""

from __future__ import annotations

import json
import time

import click

from cli.common import BadInput, db_option, echo_err


@click.command(short_help="Build the demo organization (synthetic data).")
@db_option
@click.option("--seed", default=7, show_default=True, help="Random seed of the demo organization.")
# --force once built the demo beside real data; it is still accepted (scripts use it) and
# changes nothing: the demo never writes into a store that holds another source's rows.
@click.option("--force", is_flag=True, hidden=True)
def demo(db: str | None, seed: int, force: bool) -> None:
    """Build the demo organization (about 40 people, 5 teams, 12 months of PRs).

    A rebuild replaces the earlier demo. A database holding data from any other source
    (GitHub, git, imported files, the app's forms) is refused, --force or not: use
    another --db.
    """
    from ingest import demo as demo_builder

    started = time.perf_counter()
    try:
        summary = demo_builder.build_demo(db, seed=seed, progress=echo_err)
    except demo_builder.RealDataPresent as exc:
        also = " (--force does not change that)" if force else ""
        raise BadInput(f"{exc}{also}") from None
    elapsed = time.perf_counter() - started
    echo_err(f"demo built in {elapsed:.1f} s")
    click.echo(json.dumps(summary, indent=2, default=str))


@click.group("db", short_help="Inspect the store.")
def db_group() -> None:
    """Inspect the store."""


@db_group.command("info", short_help="Tables, rows, date ranges and syncs of the store.")
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def db_info(db: str | None, as_json: bool) -> None:
    """Tables, row counts, date ranges, schema version and last sync per source."""
    from metrics import inventory

    info = inventory.describe(db)
    if as_json:
        click.echo(json.dumps(info, indent=2, default=str))
        return
    click.echo(inventory.format_text(info))
