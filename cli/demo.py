"""CLI wiring: `teamlens demo` (the demo organization) and `teamlens db info` (the store)."""

from __future__ import annotations

import json
import time

import click

from cli.common import BadInput, db_option, echo_err


@click.command()
@db_option
@click.option("--seed", default=7, show_default=True, help="Random seed of the demo organization.")
@click.option(
    "--force",
    is_flag=True,
    help="Build even if the database already holds data from other sources.",
)
def demo(db: str | None, seed: int, force: bool) -> None:
    """Build the demo organization (about 40 people, 5 teams, 12 months of PRs)."""
    from ingest import demo as demo_builder

    started = time.perf_counter()
    try:
        summary = demo_builder.build_demo(db, seed=seed, force=force, progress=echo_err)
    except demo_builder.RealDataPresent as exc:
        raise BadInput(str(exc)) from None
    elapsed = time.perf_counter() - started
    echo_err(f"demo built in {elapsed:.1f} s")
    click.echo(json.dumps(summary, indent=2, default=str))


@click.group("db")
def db_group() -> None:
    """Inspect the store."""


@db_group.command("info")
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
