"""CLI wiring: `teamlens ingest github` — GitHub into the store, incrementally."""

from __future__ import annotations

import json
import os
import time
from typing import Any

import click

from cli.common import BadInput, db_option, echo_err, save_facts


@click.group("ingest", short_help="Fetch GitHub or a git clone into the store.")
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


def _check_api_url(value: str) -> str:
    """An http(s) URL with a host, like https://HOST/api/v3; exit 2 on anything else."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(value.strip())
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        raise BadInput(
            f"--api-url {value!r}: expected an http(s) URL like https://api.github.com or "
            "https://HOST/api/v3"
        )
    return value.strip()


def _parse_since(value: str | None) -> Any:
    if not value:
        return None
    from datetime import UTC, datetime

    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise BadInput(f"--since {value!r}: expected a date like 2026-01-31") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


@ingest_group.command("github", short_help="Fetch pull requests and bug issues from GitHub.")
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
    "--full",
    is_flag=True,
    help="Ignore the saved sync state and fetch everything again (from --since if given).",
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
    full: bool,
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
    api_url = _check_api_url(api_url)
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
            full=full,
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
    save_facts(db)
    click.echo(json.dumps(summary.as_dict(), indent=2))
