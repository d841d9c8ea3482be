"""The `teamlens` command: the click group and main(); the commands live in ``cli/``.

Wires ingest, metrics and reports together and holds no logic of its own. Contract
(DESIGN.md): results on stdout, progress and errors on stderr; exit 0 on success, 2 on
bad input (one line naming the file/row/field), 1 on anything unexpected.
"""

from __future__ import annotations

import os
import sys
import traceback

import click

from cli import demo, git, imports, ingest, metrics, report
from cli.common import echo_err
from settings import InputError
from store import DEFAULT_DB

# Every command and group of `teamlens`, in the order `--help` lists them.
COMMANDS: tuple[click.Command, ...] = (
    demo.demo,
    demo.db_group,
    imports.import_group,
    ingest.ingest_group,
    metrics.metrics_command,
    report.report_group,
    git.szz_command,
)
ingest.ingest_group.add_command(git.ingest_git_command)


@click.group(
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog=f"Every command reads and writes one database: --db PATH, else $TEAMLENS_DB, "
    f"else {DEFAULT_DB}.",
)
@click.version_option(package_name="teamlens")
def cli() -> None:
    """teamlens: honest engineering metrics for AI-augmented teams.

    Quality-adjusted cycle time, defect rates and review health from your pull requests,
    next to your team's competency levels. Never lines of code, AI usage counts or
    AI suggestion acceptance.
    """


for _command in COMMANDS:
    cli.add_command(_command)


def _usage_line(exc: click.UsageError) -> str:
    """A usage error as one line, with where to read more (click prints four)."""
    command = exc.ctx.command_path if exc.ctx else "teamlens"
    message = " ".join(exc.format_message().split())
    return f"{command}: {message} (see '{command} --help')"


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
        echo_err(_usage_line(exc))
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
