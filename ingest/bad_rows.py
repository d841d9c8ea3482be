"""Ingest layer: how every importer reports a refused file. No store access, no metric.

A file import is all-or-nothing: the importer collects every problem as a :class:`BadRow`
(row number, field, value, what was expected) and raises :class:`RowsRefusedError`, which
the CLI prints one line per problem before exiting 2. Rows are numbered as a spreadsheet
shows them: the header is row 1. ``row`` None means a form field or the file as a whole.
"""

from __future__ import annotations

from dataclasses import dataclass

from settings import InputError


@dataclass(frozen=True)
class BadRow:
    """One problem with one value of one row."""

    row: int | None
    field: str
    value: str
    expected: str

    def __str__(self) -> str:
        where = f"row {self.row}, " if self.row is not None else ""
        return f"{where}{self.field} = {self.value!r}: expected {self.expected}"


class RowsRefusedError(InputError):
    """A file (or form entry) with bad rows: nothing was written. ``problems`` lists them all.

    A streaming importer may list only the first problems of a huge file: ``unlisted_rows``
    counts the bad rows left out of ``problems`` (they are in the count of the message).
    """

    def __init__(self, source: str, problems: list[BadRow], *, unlisted_rows: int = 0):
        self.source = source
        self.problems = problems
        self.unlisted_rows = unlisted_rows
        count = len({p.row for p in problems}) + unlisted_rows
        noun = "bad row" if count == 1 else "bad rows"
        first = problems[0] if problems else ""
        more = f"; {unlisted_rows} more not listed" if unlisted_rows else ""
        super().__init__(f"{source}: {count} {noun}, nothing written (first: {first}){more}")
