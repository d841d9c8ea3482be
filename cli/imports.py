"""CLI wiring: `teamlens import …` — people, teams, assessments, recognitions and defects."""

from __future__ import annotations

import json

import click

from cli.common import BadInput, db_option, echo_err


@click.group("import")
def import_group() -> None:
    """Import people, teams, assessments, recognitions and defects from CSV files."""


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
