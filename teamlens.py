"""The `teamlens` command: wires ingest, metrics and reports together; holds no logic of its own.

Contract (DESIGN.md): results on stdout, progress and errors on stderr; exit 0 on
success, 2 on bad input (one line naming the file/row/field), 1 on anything unexpected.
Each command section below belongs to one capability; keep them thin.
"""

from __future__ import annotations

import json
import os
import sys
import time
import traceback
from typing import Any

import click

from settings import InputError
from store import DEFAULT_DB

DB_HELP = f"DuckDB database file (default: $TEAMLENS_DB or {DEFAULT_DB})."


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


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="teamlens")
def cli() -> None:
    """teamlens: honest engineering metrics for AI-augmented teams.

    Quality-adjusted cycle time, defect rates and review health from your pull requests,
    next to your team's competency levels. Never lines of code, AI usage counts or
    AI suggestion acceptance.
    """


# --- demo and db (Foundation) -------------------------------------------------------


@cli.command()
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


@cli.group("db")
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


# --- import group ---------------------------------------------------------------------


@cli.group("import")
def import_group() -> None:
    """Import people, teams, assessments, recognitions and defects from CSV files."""


# --- import people, teams, assessments, recognitions (Competencies) ----------------------


def _run_import(kind: str, file: str, db: str | None) -> None:
    from ingest import people_import

    try:
        result = people_import.IMPORTERS[kind](file, db)
    except people_import.ImportRefusedError as exc:
        for problem in exc.problems:
            echo_err(f"{exc.source}: {problem}")
        raise BadInput(str(exc)) from None
    echo_err(f"imported {result.rows} {kind} from {file}")
    click.echo(json.dumps({"kind": kind, "file": file, "rows": result.rows, **result.details}))


_IMPORT_HELP = {
    "people": "Columns login,name,team,level,started_on (level: junior, mid, senior, staff).",
    "teams": "Columns team,ai_adoption_date,repos (repos: space-separated owner/name).",
    "assessments": "Columns login,competency,level,assessed_on,assessor,evidence.",
    "recognitions": "Columns login,behaviour,format,recognized_on,note,pr_url.",
}


def _import_command(kind: str) -> None:
    @import_group.command(
        kind,
        help=f"Import {kind} from a CSV file. {_IMPORT_HELP[kind]} All or nothing: any bad "
        "row refuses the whole file and every bad row is listed.",
    )
    @click.argument("file", type=click.Path(dir_okay=False))
    @db_option
    def command(file: str, db: str | None) -> None:
        _run_import(kind, file, db)


for _kind in ("people", "teams", "assessments", "recognitions"):
    _import_command(_kind)


# --- ingest github (GitHub ingest) -------------------------------------------------------


@cli.group("ingest")
def ingest_group() -> None:
    """Fetch data from a source (GitHub) into the store, incrementally."""


def _read_token(token_file: str | None) -> str:
    if token_file:
        try:
            with open(token_file, encoding="utf-8") as handle:
                token = handle.read().strip()
        except OSError as exc:
            raise BadInput(f"--token-file {token_file}: {exc.strerror or 'cannot read'}") from None
        if not token:
            raise BadInput(f"--token-file {token_file} is empty")
        return token
    token = os.environ.get("GITHUB_TOKEN", "").strip()
    if not token:
        raise BadInput("no GitHub token: set GITHUB_TOKEN or pass --token-file FILE")
    return token


def _parse_since(value: str | None) -> Any:
    if not value:
        return None
    from datetime import UTC, datetime

    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise BadInput(f"--since {value!r}: expected a date like 2026-01-31") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


@ingest_group.command("github")
@click.option("--repo", "repos", multiple=True, help="OWNER/NAME (repeatable).")
@click.option("--org", default=None, help="Every repository of this organization.")
@click.option("--since", default=None, help="Ignore anything last updated before this date.")
@click.option(
    "--token-file",
    type=click.Path(dir_okay=False),
    default=None,
    help="Read the token from this file instead of $GITHUB_TOKEN.",
)
@click.option(
    "--api-url",
    default="https://api.github.com",
    show_default=True,
    help="GitHub's API; https://HOST/api/v3 for GitHub Enterprise.",
)
@click.option(
    "--max-wait",
    type=float,
    default=60.0,
    show_default=True,
    help="Longest wait for a rate-limit reset, in minutes; longer stops (re-run resumes).",
)
@db_option
def ingest_github(
    repos: tuple[str, ...],
    org: str | None,
    since: str | None,
    token_file: str | None,
    api_url: str,
    max_wait: float,
    db: str | None,
) -> None:
    """Fetch pull requests (commits, reviews, checks, events) and bug issues from GitHub.

    Incremental: a re-run fetches only what changed since the last sync of each
    repository, and a stopped run resumes from its last saved page. The token comes from
    $GITHUB_TOKEN or --token-file and is never stored or printed.
    """
    from ingest.github import client as gh_client
    from ingest.github import sync as gh_sync

    if not repos and not org:
        raise BadInput("nothing to ingest: pass --repo OWNER/NAME (repeatable) or --org ORG")
    for repo in repos:
        gh_sync.check_repo_name(repo)
    token = _read_token(token_file)
    started = time.perf_counter()
    client = gh_client.GitHubClient(
        token,
        api_url,
        policy=gh_client.RetryPolicy(max_rate_limit_wait_s=max_wait * 60),
        progress=echo_err,
    )
    try:
        summary = gh_sync.sync_github(
            client,
            repos=list(repos),
            org=org,
            db=db,
            since=_parse_since(since),
            progress=echo_err,
        )
    except gh_client.GitHubError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        client.close()
    echo_err(
        f"synced {len(summary.repositories)} repositories in "
        f"{time.perf_counter() - started:.1f} s using {summary.requests} requests"
    )
    click.echo(json.dumps(summary.as_dict(), indent=2))


# --- import defects (GitHub ingest) ------------------------------------------------------


@import_group.command("defects")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option(
    "--preset",
    type=click.Choice(["jira", "linear", "github", "none"]),
    default=None,
    help="The export's column names (default: guessed from the header).",
)
@click.option(
    "--map",
    "mappings",
    multiple=True,
    metavar="COLUMN=FIELD",
    help="Read FIELD from COLUMN (fields: key, title, body, reported, resolved, severity, "
    "labels, introduced-by, repo, url). Repeatable; overrides the preset.",
)
@db_option
def import_defects(
    file: str, preset: str | None, mappings: tuple[str, ...], db: str | None
) -> None:
    """Import defects from an issue tracker's CSV export (Jira, Linear, GitHub, or --map).

    All or nothing: any bad row (missing required value, unparseable date, duplicate key,
    introduced-by naming no known PR) refuses the whole file and every bad row is listed.
    """
    from ingest import defects_csv

    try:
        result = defects_csv.import_defects(file, db, preset=preset, mappings=mappings)
    except defects_csv.DefectsRefusedError as exc:
        for problem in exc.problems:
            echo_err(f"{file}: {problem}")
        raise BadInput(str(exc)) from None
    echo_err(f"imported {result['rows']} defects from {file} (preset {result['preset']})")
    click.echo(json.dumps(result))


# --- metrics ---------------------------------------------------------------------------


@cli.command("metrics")
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
    help="A metric id of METRICS.md (repeatable, or comma-separated). Default: all.",
)
@click.option("--team", "teams", multiple=True, help="Only this team (repeatable).")
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
    """Print the metrics of METRICS.md per (group, period) as JSON or CSV.

    A refused metric (lines_of_code, ai_usage_frequency, ...) is never computed: asking for
    one exits with status 2 and its reason.
    """
    import metrics
    from metrics import cli_output

    if as_json and as_csv:
        raise BadInput("choose one of --json and --csv")
    wanted = [part.strip() for item in metric_ids for part in item.split(",") if part.strip()]
    metrics.refuse_if_refused(wanted)  # before touching the store: refused is refused
    moment = metrics.parse_as_of(as_of)
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


# --- report ---------------------------------------------------------------------------


@cli.group("report")
def report_group() -> None:
    """Review packets and the board-ready executive summary (PDF, PPTX, Markdown)."""


def _out_format(out: str | None, kind: str) -> Any:
    """The format the --out suffix names (Markdown when there is no --out), refused before
    any work is done."""
    from pathlib import Path

    from reports import formats

    if out is None:
        return formats.by_suffix(".md")
    path = Path(out)
    try:
        fmt = formats.by_suffix(path.suffix, kind)
    except formats.UnknownFormatError as exc:
        raise BadInput(f"--out {out}: {exc}") from None
    if not path.parent.is_dir():
        raise BadInput(f"--out {out}: folder {path.parent} does not exist")
    return fmt


def _write_report(document: Any, fmt: Any, out: str | None) -> None:
    """Render in the chosen format; to the --out file, or (Markdown) to stdout."""
    from pathlib import Path

    if out is None:
        click.echo(fmt.render(document).decode("utf-8"), nl=False)
        return
    started = time.perf_counter()
    Path(out).write_bytes(fmt.render(document))
    echo_err(f"{document.title} written to {out} in {time.perf_counter() - started:.1f} s")
    click.echo(out)


def _suffixes(kind: str) -> str:
    from reports import formats

    return ", ".join(f"FILE{f.suffix}" for f in formats.for_kind(kind))


@report_group.command("review")
@db_option
@click.option("--person", "login", required=True, help="The person's login.")
@click.option("--quarter", required=True, help="The quarter, like 2026Q3.")
@click.option(
    "--out",
    default=None,
    help=f"Write to {_suffixes('review')} (by the suffix); without it, Markdown goes to stdout.",
)
def report_review(db: str | None, login: str, quarter: str, out: str | None) -> None:
    """A person's quarterly review packet: levels, the six dimensions with evidence, the
    review cycle, the conversation guide, and what is not evaluated and why."""
    from reports import review
    from reports.quarters import parse_quarter

    fmt = _out_format(out, "review")
    _write_report(review.build_packet(db, login, parse_quarter(quarter)), fmt, out)


@report_group.command("board")
@db_option
@click.option("--quarter", required=True, help="The quarter, like 2026Q3.")
@click.option(
    "--out",
    default=None,
    help=f"Write to {_suffixes('board')} (by the suffix); without it, Markdown goes to stdout.",
)
def report_board(db: str | None, quarter: str, out: str | None) -> None:
    """The board-ready executive summary of a quarter: organization figures with their
    direction and coverage, skill growth, groups big enough to show, a narrative."""
    from reports import board
    from reports.quarters import parse_quarter

    fmt = _out_format(out, "board")
    _write_report(board.build_board(db, parse_quarter(quarter)), fmt, out)


# --- entry point ----------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    """Run the CLI and map every failure to the documented exit codes."""
    try:
        cli.main(args=argv, prog_name="teamlens", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return int(exc.exit_code or 0)
    except click.exceptions.Abort:
        echo_err("teamlens: aborted")
        return 1
    except click.UsageError as exc:
        exc.show()
        return 2
    except click.ClickException as exc:
        echo_err(f"teamlens: {exc.format_message()}")
        return exc.exit_code
    except InputError as exc:
        echo_err(f"teamlens: {exc}")
        return 2
    except BrokenPipeError:
        return 0
    except Exception as exc:
        if os.environ.get("TEAMLENS_DEBUG"):
            traceback.print_exc()
        echo_err(f"teamlens: unexpected error: {type(exc).__name__}: {exc}")
        echo_err("set TEAMLENS_DEBUG=1 to see the traceback")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
