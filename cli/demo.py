"""CLI wiring: `teamlens demo` (the demo organization), `teamlens db info` (the store) and
`teamlens db save-facts` (the dashboard's saved facts)."""

from __future__ import annotations

import json
import re
import time

import click

from cli.common import BadInput, db_option, echo_err, save_facts, saved_text

# A size as people write it: 250000, 250_000, 250,000, 250k, 1M.
_SIZE = re.compile(r"(?P<digits>\d{1,3}(?:[,_]\d{3})+|\d+)(?P<unit>[kKmM]?)")


class PrCount(click.ParamType):
    """--prs: a whole number of merged PRs (separators and a k/M suffix allowed), within
    the demo's bounds; anything else is one line, exit 2."""

    name = "N"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None):
        if isinstance(value, int):
            return value
        from ingest import demo as demo_builder

        text = str(value).strip()
        m = _SIZE.fullmatch(text)
        bounds = f"from {demo_builder.MIN_PRS:,} to {demo_builder.MAX_PRS:,}"
        if m is None:
            self.fail(f"{value!r} is not a whole number of merged PRs ({bounds})", param, ctx)
        unit = {"": 1, "k": 1_000, "m": 1_000_000}[m["unit"].lower()]
        n = int(re.sub(r"[,_]", "", m["digits"])) * unit
        try:
            return demo_builder.check_prs(n)
        except demo_builder.BadSize:
            self.fail(f"{text}: the demo builds {bounds} merged PRs", param, ctx)


@click.command(short_help="Build the demo organization (synthetic data).")
@db_option
@click.option("--seed", default=7, show_default=True, help="Random seed of the demo organization.")
@click.option(
    "--prs",
    "n_prs",
    type=PrCount(),
    default=None,
    help=(
        "About how many merged PRs (100 to 5,000,000; 250000, 250_000, 250k and 1M all "
        "work). Default: the demo's 6,000. Above it the organization is copies of itself "
        "(round(N / 6,000)), each with its own five teams, repositories and 40 people: "
        "'Payments 2', 'acme/payments-api-2', 'priya-raman-2', the number zero-padded to "
        "the copy count's width ('Payments 002' at 167 copies) so sorted lists keep "
        "them in order. Only the first copy has a git history; the other copies' bug "
        "reports name their causes."
    ),
)
# --force once built the demo beside real data; it is still accepted (scripts use it) and
# changes nothing: the demo never writes into a store that holds another source's rows.
@click.option("--force", is_flag=True, hidden=True)
def demo(db: str | None, seed: int, n_prs: int | None, force: bool) -> None:
    """Build the demo organization (about 40 people, 5 teams, 12 months of PRs).

    With --prs N, an organization of about N merged PRs: --prs 1000000 builds 167
    copies (6,680 people in 835 teams) in a few minutes, progress on stderr.

    A rebuild replaces the earlier demo. A database holding data from any other source
    (GitHub, git, imported files, the app's forms) is refused, --force or not: use
    another --db.
    """
    from ingest import demo as demo_builder

    started = time.perf_counter()
    try:
        summary = demo_builder.build_demo(db, seed=seed, n_prs=n_prs, progress=echo_err)
    except demo_builder.RealDataPresent as exc:
        also = " (--force does not change that)" if force else ""
        raise BadInput(f"{exc}{also}") from None
    elapsed = time.perf_counter() - started
    echo_err(f"demo built in {elapsed:.1f} s")
    save_facts(db)
    click.echo(json.dumps(summary, indent=2, default=str))


@click.group("db", short_help="Inspect the store; save the dashboard's facts.")
def db_group() -> None:
    """Inspect the store; save the dashboard's facts."""


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


@db_group.command("save-facts", short_help="Save the facts the dashboard's pages start from.")
@db_option
def db_save_facts(db: str | None) -> None:
    """Save the facts every page starts from, at the dashboard's default as-ofs (the end of
    the last day with data, and of the last complete quarter), with the settings in force.

    Commands that write data do this themselves; run it after changing teamlens.toml, whose
    settings the saved facts are kept with (until then the pages build in memory)."""
    from metrics import saved_facts
    from store import check_path, resolve_db

    check_path(resolve_db(db), must_exist=True)  # never a new, empty store
    echo_err("saving the dashboard's facts...")
    click.echo(saved_text(saved_facts.save(db)))
