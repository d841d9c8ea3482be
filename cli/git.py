"""CLI wiring: `teamlens ingest git` and `teamlens szz` (git history, SZZ; logic in ingest/git/)."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime

import click

from cli.common import BadInput, db_option, echo_err, save_facts


def _parse_moment(value: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise BadInput(f"--reported-at {value!r}: expected a date like 2026-01-31") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


@click.command("git", short_help="Read a local git clone's history (no network).")
@click.option(
    "--path",
    "path",
    required=True,
    type=click.Path(file_okay=False),
    help="A local clone (bare or not); only its object database is read.",
)
@click.option(
    "--repo",
    "repo_name",
    default=None,
    help="OWNER/NAME to file it under (default: the origin remote's, else the folder name).",
)
@db_option
def ingest_git_command(path: str, repo_name: str | None, db: str | None) -> None:
    """Read a local git clone's history (no token, no network) and trace its fixes.

    Stores commits (parents, author, dates, message, trailers) and each commit's changed
    line ranges, ties commits to pull requests, then runs SZZ on the commits that may be
    fixes. Incremental and resumable: a re-run reads only commits not yet stored and
    analyses only fixes not yet analysed.
    """
    from ingest.git import sync as git_sync

    if repo_name is not None and not git_sync.looks_like_repo_name(repo_name):
        raise BadInput(f"--repo {repo_name!r}: expected OWNER/NAME")
    started = time.perf_counter()
    summary = git_sync.ingest_git(path, repo_name=repo_name, db=db, progress=echo_err)
    echo_err(f"git history of {summary.repo} ingested in {time.perf_counter() - started:.1f} s")
    save_facts(db)
    click.echo(json.dumps(summary.as_dict(), indent=2))


@click.command("szz", short_help="The commits a fix commit repairs (SZZ).")
@click.option(
    "--repo-path",
    "repo_path",
    required=True,
    type=click.Path(),
    help="A local clone (bare or not) holding the fix commits.",
)
@click.option("--fix", "fixes", multiple=True, required=True, help="A fix commit (repeatable).")
@click.option(
    "--reported-at",
    "reported_at",
    default=None,
    help="When the defect was reported (ISO date-time, UTC when it has no zone): commits "
    "made after it are not blamed.",
)
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def szz_command(
    repo_path: str, fixes: tuple[str, ...], reported_at: str | None, db: str | None, as_json: bool
) -> None:
    """The commits that introduced what the given fix commits changed (SZZ), with evidence.

    For each fix: the commits blamed, each with a confidence in (0, 1], its pull request
    (from the store's ties when a database is there, else the commit's message, else the
    merge that brought it in) and the lines that lead to it. A fix that only adds lines
    is reported as untraceable.
    """
    from ingest.git import explain, prs
    from ingest.git.repo import Repo
    from ingest.git.szz import analyse_many
    from store import resolve_db

    moment = _parse_moment(reported_at) if reported_at else None
    with Repo(repo_path) as repo:
        results = analyse_many(
            repo, list(fixes), reported_at=dict.fromkeys(fixes, moment) if moment else None
        )
        for result in results:
            if isinstance(result, Exception):
                raise result
        blamed = [c.sha for r in results for c in r.candidates]
        db_path = resolve_db(db)
        numbers = prs.resolve(repo, blamed, db_path if db_path.is_file() else None)
    if as_json:
        click.echo(json.dumps(explain.as_json(results, numbers), indent=2))
    else:
        click.echo(explain.as_text(results, numbers), nl=False)
