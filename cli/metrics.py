"""CLI wiring: `teamlens metrics` — the aggregates of the metric contract as JSON or CSV."""

from __future__ import annotations

import time

import click

from cli.common import BadInput, check_as_of, db_option, echo_err, known_teams


class _MetricsCommand(click.Command):
    """`teamlens metrics`, whose --help lists the metric ids (read only when asked)."""

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        from metrics.registry import METRICS, REFUSED

        with formatter.section("Metric ids (their meaning: the How we measure page)"):
            formatter.write_text(", ".join(METRICS))
        with formatter.section("Refused, never computed (asking for one exits 2)"):
            formatter.write_text(", ".join(r.id for r in REFUSED))
        super().format_epilog(ctx, formatter)


@click.command(
    "metrics", cls=_MetricsCommand, short_help="Metrics per (group, period) as JSON or CSV."
)
@db_option
@click.option(
    "--as-of",
    "as_of",
    default=None,
    help="Compute as of this ISO date-time (UTC when it has no zone) or date (start of that "
    "day, UTC). Default: now.",
)
@click.option(
    "--period",
    type=click.Choice(["week", "month", "quarter"]),
    default="month",
    show_default=True,
    help="Bucket merged PRs by merge time and defects by report time (week = ISO week).",
)
@click.option(
    "--by",
    type=click.Choice(["team", "org"]),
    default="team",
    show_default=True,
    help="One row per team, or for the whole organization (group 'organization').",
)
@click.option(
    "--metric",
    "metric_ids",
    multiple=True,
    metavar="ID",
    help="A metric id, listed below (repeatable, or comma-separated). Default: all.",
)
@click.option(
    "--team", "teams", multiple=True, help="Only this team (repeatable; a known team's name)."
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON (the default).")
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV instead of JSON.")
def metrics_command(
    db: str | None,
    as_of: str | None,
    period: str,
    by: str,
    metric_ids: tuple[str, ...],
    teams: tuple[str, ...],
    as_json: bool,
    as_csv: bool,
) -> None:
    """Print the metrics per (group, period) as JSON or CSV.

    A refused metric (lines_of_code, ai_usage_frequency, ...) is never computed: asking for
    one exits with status 2 and its reason. In CSV, a cell starting with = + - or @ is
    written after a ' so a spreadsheet shows it as text, never runs it as a formula.
    """
    import metrics
    from metrics import cli_output

    if as_json and as_csv:
        raise BadInput("choose one of --json and --csv")
    wanted = [part.strip() for item in metric_ids for part in item.split(",") if part.strip()]
    metrics.refuse_if_refused(wanted)  # before touching the store: refused is refused
    moment = metrics.parse_as_of(as_of)
    check_as_of(db, moment, as_of)
    teams = known_teams(db, teams)
    started = time.perf_counter()
    frame = metrics.compute(
        db,
        as_of=moment,
        period=period,
        by=by,
        metric_ids=wanted or None,
        teams=teams or None,
    )
    echo_err(f"{len(frame)} rows in {time.perf_counter() - started:.2f} s")
    ids = [c for c in frame.columns if c in metrics.METRICS]
    if as_csv:
        click.echo(cli_output.to_csv(frame, ids), nl=False)
    else:
        click.echo(cli_output.to_json(frame, ids, as_of=moment, period=period, by=by))
