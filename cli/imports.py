"""CLI wiring: `teamlens import …` — people, teams, assessments, recognitions, defects and
the access list."""

from __future__ import annotations

import json

import click

from cli.common import BadInput, db_option, echo_err, save_facts


@click.group("import", short_help="Import people, teams, assessments, defects (CSV).")
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
    if kind in ("people", "teams"):  # the others change no fact (store.write_transaction)
        save_facts(db)
    click.echo(json.dumps({"kind": kind, "file": file, "rows": result.rows, **result.details}))


_IMPORT_HELP = {
    "people": "Columns login,name,team,level,started_on (level: junior, mid, senior, staff).",
    "teams": "Columns team,ai_adoption_date,repos (repos: space-separated owner/name).",
    "assessments": "Columns login,competency,level,assessed_on,assessor,evidence.",
    "recognitions": "Columns login,behaviour,format,recognized_on,note,pr_url.",
    "access": "Columns email,role,login,teams (role: engineer, manager, executive, admin; "
    "login: a known person, required for an engineer; teams: the known teams a manager "
    "leads, space-separated, or ;-separated when a name has spaces). The file replaces the "
    "whole access list.",
}


def _import_command(kind: str) -> None:
    @import_group.command(
        kind,
        short_help=f"Import {kind} from a CSV file.",
        help=f"Import {kind} from a CSV file. {_IMPORT_HELP[kind]} All or nothing: any bad "
        "row refuses the whole file and every bad row is listed.",
    )
    @click.argument("file", type=click.Path(dir_okay=False))
    @db_option
    def command(file: str, db: str | None) -> None:
        _run_import(kind, file, db)


for _kind in ("people", "teams", "assessments", "recognitions", "access"):
    _import_command(_kind)


@import_group.command("defects", short_help="Import the bugs of a tracker's CSV export.")
@click.argument("file")
@click.option(
    "--preset",
    default=None,
    metavar="jira|linear|github|none",
    help="The export's column names (default: guessed from the header).",
)
@click.option(
    "--map",
    "mappings",
    multiple=True,
    metavar="COLUMN=FIELD",
    help="Read FIELD from COLUMN (fields: key, title, body, reported, resolved, canceled, "
    "updated, type, status, resolution, severity, labels, introduced-by, repo, url). "
    "Repeatable; overrides the preset.",
)
@click.option(
    "--date-format",
    default=None,
    metavar="day-first|month-first|PATTERN",
    help="How to read dates like 06-09-2024 when the file does not tell (a strptime PATTERN "
    "such as '%d.%m.%Y %H:%M' also works).",
)
@db_option
def import_defects(
    file: str,
    preset: str | None,
    mappings: tuple[str, ...],
    date_format: str | None,
    db: str | None,
) -> None:
    """Import the bugs of an issue tracker's CSV export (Jira, Linear, GitHub, or --map).

    Only bugs become defects: Jira rows by Issue Type, Linear and GitHub rows by label
    (settings bug_issue_types, bug_labels); Duplicate, Cannot Reproduce and the like are
    skipped, Won't Do and Canceled close the defect. All or nothing: any bad row (missing
    key, unreadable date, duplicate key, introduced-by naming no known PR) refuses the whole
    file, and the bad rows are listed.
    """
    from ingest import defects_csv

    try:
        result = defects_csv.import_defects(
            file, db, preset=preset, mappings=mappings, date_format=date_format, progress=echo_err
        )
    except defects_csv.DefectsRefusedError as exc:
        if len(exc.problems) > 1:
            for problem in exc.problems:
                echo_err(f"{file}: {problem}")
        raise BadInput(str(exc)) from None
    echo_err(result["summary"])
    save_facts(db)
    click.echo(json.dumps(result))
