"""Ingest layer: reading CSV files as trackers and spreadsheets really write them. No store.

One reader for every CSV import, so each meets real files the same way:

* refused with one line when it is not CSV text at all: missing, a directory, empty, an
  Excel workbook (``.xlsx``/``.xls`` renamed), binary, or not UTF-8 (UTF-16 with its BOM is
  read, as Excel's "Unicode Text" writes it);
* a UTF-8 BOM is dropped, CRLF and multi-line quoted fields are read as one record, and
  fields of any length are accepted (a Jira description can pass csv's 128 KiB default);
* the delimiter (``,`` ``;`` tab ``|``) is sniffed from the first 64 KiB: the standard
  library's :class:`csv.Sniffer`, on whole records only, checked by how consistently each
  candidate splits those records into the header's width (the Sniffer alone, or the
  ``clevercsv`` package, guess wrong on exports whose long descriptions are full of commas,
  semicolons and quotes);
* repeated columns (Jira writes ``Labels``, ``Sprint``, ``Attachment``, ``Comment`` once per
  value) are kept: :meth:`Header.positions` gives every column of a name;
* records are streamed one at a time (memory does not grow with the file), numbered as a
  spreadsheet shows them: the header is row 1, a multi-line record is one row.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from settings import InputError

SAMPLE_BYTES = 64 * 1024
DELIMITERS = ",;\t|"
_FIELD_LIMIT = 2**31 - 1  # no limit a real export reaches; csv's default is 128 KiB
_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
_UNDECODED = re.compile("[\udc80-\udcff]")


class CsvFileError(InputError):
    """A file that cannot be read as CSV text (one line naming the file)."""


def normalized(name: str) -> str:
    """A column name as matched: whitespace collapsed, case folded."""
    return " ".join(name.split()).casefold()


@dataclass(frozen=True)
class Header:
    """The header row: column names as written, and where each name appears."""

    names: tuple[str, ...]

    def positions(self, name: str) -> list[int]:
        """Every column called ``name`` (case-insensitive), in file order; [] when none."""
        wanted = normalized(name)
        return [i for i, column in enumerate(self.names) if normalized(column) == wanted]

    def has(self, name: str) -> bool:
        """Whether a column called ``name`` exists."""
        return bool(self.positions(name))


def cells(record: list[str], positions: list[int]) -> list[str]:
    """The stripped values of ``record`` at ``positions`` (a short record reads as empty)."""
    return [record[i].strip() if i < len(record) else "" for i in positions]


class CsvFile:
    """An open CSV file: its header, its delimiter and a stream of its records.

    Use :func:`open_csv`; iterate :meth:`records` once.
    """

    def __init__(self, path: Path, handle: IO[str], delimiter: str, encoding: str) -> None:
        self.path = path
        self.delimiter = delimiter
        self.encoding = encoding
        self._handle = handle
        csv.field_size_limit(_FIELD_LIMIT)
        self._reader = csv.reader(handle, delimiter=delimiter, quotechar='"', doublequote=True)
        self._row = 0
        self.header = Header(())
        first = self._next()
        if first is None or not any(c.strip() for c in first):
            raise CsvFileError(f"{path}: row 1 is empty: expected the header row")
        self.header = Header(tuple(c.strip().lstrip("\ufeff").strip() for c in first))

    @property
    def delimiter_name(self) -> str:
        """'comma', 'semicolon', 'tab' or 'pipe'."""
        return _NAMES.get(self.delimiter, repr(self.delimiter))

    def _next(self) -> list[str] | None:
        self._row += 1
        try:
            record = next(self._reader)
        except StopIteration:
            return None
        except csv.Error as exc:
            raise CsvFileError(
                f"{self.path}: row {self._row} cannot be read as CSV ({exc})"
            ) from None
        # Undecodable bytes arrive as lone surrogates (errors="surrogateescape"), so the
        # refusal names the very row (a strict decoder fails a buffer ahead of the reader).
        for index, cell in enumerate(record):
            if _UNDECODED.search(cell):
                names = self.header.names
                column = names[index] if index < len(names) else f"column {index + 1}"
                name = "UTF-16" if self.encoding == "utf-16" else "UTF-8"
                raise CsvFileError(
                    f"{self.path}: row {self._row}, {column}: not {name} text; save the file "
                    f"as CSV UTF-8"
                )
        return record

    def records(self) -> Iterator[tuple[int, list[str]]]:
        """``(row number, cells)`` of every record after the header; blank records skipped."""
        while True:
            record = self._next()
            if record is None:
                return
            if any(cell.strip() for cell in record):
                yield self._row, record


def _open_text(path: Path) -> tuple[bytes, str]:
    """The file's first bytes and the encoding to read it with; refuse what is not text."""
    if path.is_dir():
        raise CsvFileError(f"{path} is a directory, not a CSV file")
    try:
        with path.open("rb") as raw:
            head = raw.read(SAMPLE_BYTES)
    except FileNotFoundError:
        raise CsvFileError(f"{path}: no such file") from None
    except OSError as exc:
        raise CsvFileError(f"{path}: cannot read it ({exc.strerror or exc})") from None
    if not head.strip():
        raise CsvFileError(f"{path} is empty: expected a CSV file with a header row")
    if head.startswith(b"PK\x03\x04"):
        raise CsvFileError(
            f"{path} is a zip file (an Excel workbook?), not CSV: save it as CSV UTF-8"
        )
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise CsvFileError(f"{path} is an Excel 97-2003 workbook, not CSV: save it as CSV UTF-8")
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return head, "utf-16"
    if b"\x00" in head:
        raise CsvFileError(f"{path} is a binary file, not CSV text")
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError as exc:
        raise CsvFileError(
            f"{path} is not UTF-8 text (byte {head[exc.start]:#04x} at offset {exc.start}); "
            f"save it as CSV UTF-8"
        ) from None
    return head, "utf-8-sig"


def _whole_records(text: str) -> str:
    """``text`` up to its last line break outside quotes (a sample cuts records short)."""
    inside = False
    last = -1
    for i, char in enumerate(text):
        if char == '"':
            inside = not inside
        elif char == "\n" and not inside:
            last = i
    return text[: last + 1] if last >= 0 else text


def _consistency(sample: str, delimiter: str) -> tuple[float, int]:
    """(share of records as wide as the header, header width) when split on ``delimiter``."""
    try:
        rows = [r for r in csv.reader(io.StringIO(sample), delimiter=delimiter) if r]
    except csv.Error:
        return 0.0, 0
    if not rows or len(rows[0]) < 2:
        return 0.0, len(rows[0]) if rows else 0
    width = len(rows[0])
    body = rows[1:]
    if not body:
        return 1.0, width
    return sum(1 for r in body if len(r) == width) / len(body), width


def sniff_delimiter(sample: str) -> str:
    """The delimiter of a CSV sample: ``,`` ``;`` tab or ``|`` (``,`` for a single column)."""
    sample = _whole_records(sample)
    try:
        guess: str | None = csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        guess = None
    scores = {d: _consistency(sample, d) for d in DELIMITERS}
    best = max(scores.values())
    if best[1] < 2:
        return ","  # one column whatever the delimiter; the importer names what it expected
    if guess in scores and scores[guess] == best:
        return guess
    return max(DELIMITERS, key=lambda d: scores[d])


def open_csv(file: str | Path) -> _Opened:
    """Open a CSV file for streaming: ``with open_csv(path) as table: table.header …``.

    Raises:
        CsvFileError: missing, a directory, empty, not text, not UTF-8, no header row.
    """
    return _Opened(Path(file))


class _Opened:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._handle: IO[str] | None = None

    def __enter__(self) -> CsvFile:
        head, encoding = _open_text(self.path)
        sample = head.decode("utf-16" if encoding == "utf-16" else "utf-8", errors="ignore")
        delimiter = sniff_delimiter(sample.lstrip("\ufeff"))
        try:
            self._handle = self.path.open(encoding=encoding, errors="surrogateescape", newline="")
        except OSError as exc:
            raise CsvFileError(f"{self.path}: cannot read it ({exc.strerror or exc})") from None
        try:
            return CsvFile(self.path, self._handle, delimiter, encoding)
        except BaseException:
            self._handle.close()
            raise

    def __exit__(self, *exc: object) -> None:
        if self._handle is not None:
            self._handle.close()
