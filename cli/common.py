"""CLI wiring: what every command shares — the bad-input error, ``--db``, stderr output.

Contract (DESIGN.md): results on stdout, progress and errors on stderr; exit 0 on
success, 2 on bad input (one line naming the file/row/field), 1 on anything unexpected.
"""

from __future__ import annotations

from datetime import UTC, datetime
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


def known_teams(db: str | None, teams: tuple[str, ...]) -> tuple[str, ...]:
    """The teams named by ``--team``, spelled as stored (any case); exit 2 on one that is
    not in the store, naming the known teams."""
    from metrics import inventory

    if not teams:
        return teams
    stored = inventory.teams(db)
    by_key = {team.casefold(): team for team in stored}
    for team in teams:
        if team.casefold() not in by_key:
            known = ", ".join(stored) if stored else "none yet (teamlens import teams FILE.csv)"
            raise BadInput(f"--team {team!r}: no such team; known teams: {known}")
    return tuple(by_key[team.casefold()] for team in teams)


def check_as_of(db: str | None, moment: datetime, text: str | None) -> None:
    """Exit 2 when an explicit ``--as-of`` falls outside the data's years (from the first
    year with data to this year, or the data's last year if later)."""
    from metrics import inventory

    if text is None:
        return
    first, last = inventory.activity_span(db)
    if first is None or last is None:
        return  # an empty store: nothing to compare with
    low, high = first.year, max(last.year, datetime.now(UTC).year)
    if not low <= moment.year <= high:
        raise BadInput(
            f"--as-of {text}: outside the data's years ({low} to {high}); the data runs "
            f"from {first:%Y-%m-%d} to {last:%Y-%m-%d}"
        )


def echo_err(message: str) -> None:
    """Progress and diagnostics go to stderr."""
    click.echo(message, err=True)


def save_facts(db: str | None) -> None:
    """After a command that wrote data: keep the dashboard's fact tables in the store at
    the as-ofs its pages open at (metrics.saved_facts), so their first render reads them
    instead of building; one line on stderr. A save that fails leaves the command's own
    write standing (exit 0): the pages then build the facts in memory, as before."""
    from metrics import saved_facts

    echo_err("saving the dashboard's facts...")
    try:
        saved = saved_facts.save(db)
    except Exception as exc:  # the data is written: say so and go on
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        echo_err(f"could not save the dashboard's facts ({first}); the pages will build them")
        return
    echo_err(saved_text(saved))


def saved_text(saved: Any) -> str:
    """What a save of the dashboard's facts kept (a metrics.saved_facts.Saved), one line."""
    if not saved.moments:
        return "no activity yet: no facts to save"
    moments = " and ".join(f"{m:%Y-%m-%d}" for m in saved.moments)
    return f"saved the dashboard's facts as of the end of {moments} in {saved.seconds:.1f} s"
