"""Ingest layer: defects from issue-tracker CSV exports (Jira, Linear, GitHub, any via --map).

Computes no metric. The file is streamed (:mod:`ingest.csv_files`): each record is read,
judged (:mod:`ingest.tracker_exports`: only bugs become defects) and checked, and defects
are written in chunks of :data:`CHUNK_ROWS` inside one :func:`store.write_transaction`, so
memory does not grow with the file. All or nothing: any bad row (a missing key, a date no
form reads, a duplicate key, an introduced-by naming no known pull request) stops the
writing, every later row is still checked, the first :data:`MAX_LISTED` problems are listed
with a count of the rest, and the transaction is rolled back: nothing is written. Row
numbers are a spreadsheet's: the header is row 1.

A re-import replaces each defect by key; a row skipped now (a Story, a Duplicate) removes
the defect an earlier import stored under its key.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from ingest import references, writer
from ingest.bad_rows import BadRow, RowsRefusedError
from ingest.csv_files import CsvFile, cells, open_csv
from ingest.tracker_dates import EXAMPLES, DateFormat, NeedsOrder, infer_order, read_date
from ingest.tracker_exports import (
    DATE_FIELDS,
    FIELDS,
    LIST_FIELDS,
    TEXT_FIELDS,
    Columns,
    Rules,
    guess_preset,
    judge,
    parse_mappings,
    parse_preset,
    resolve_columns,
)
from settings import InputError, Settings, settings
from store import write_transaction

CHUNK_ROWS = 2000  # rows written together (memory stays flat) …
CHUNK_TEXT = 8_000_000  # … or fewer, when their text passes this many characters
DUCKDB_MEMORY = "128MB"  # see import_defects (benchmarks/bench_import.py measures the peak)
MAX_LISTED = 100  # problems listed in full; the rest are counted
_GITHUB_URL = re.compile(r"https?://[^/\s]+/([^/\s]+)/([^/\s]+)/(?:issues|pull)/(\d+)/?$")
_FORMULA = re.compile(r"^'(?=[=+\-@])")


class DefectsRefusedError(RowsRefusedError):
    """A defects file with bad rows was refused (header problems are on row 1)."""


@dataclass
class ImportSummary:
    """What an import did, for the summary line and the JSON result."""

    file: str
    preset: str
    imported: int = 0
    unfixed: int = 0
    rows: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    rule: str = "all"

    def line(self) -> str:
        """``imported 11 defects from jira.csv; skipped 109 rows: 80 Story, 20 Task, 9 Epic``."""
        noun = "defect" if self.imported == 1 else "defects"
        text = f"imported {self.imported} {noun} from {self.file}"
        if self.unfixed:
            text += f" ({self.unfixed} closed without a fix)"
        total = sum(self.skipped.values())
        if total:
            reasons = ", ".join(f"{n} {why}" for why, n in self.skipped.most_common())
            text += f"; skipped {total} row{'' if total == 1 else 's'}: {reasons}"
        if not self.imported and total:
            hint = {"type": "bug_issue_types", "labels": "bug_labels"}.get(self.rule)
            if hint:
                text += f" (no row is a bug by the {hint} setting)"
        return text

    def as_dict(self) -> dict[str, Any]:
        """The JSON printed on stdout."""
        return {
            "file": self.file,
            "rows": self.imported,
            "preset": self.preset,
            "closed_without_fix": self.unfixed,
            "skipped": dict(self.skipped.most_common()),
            "summary": self.line(),
        }


def _key_and_repo(raw_key: str, repo: str, url: str) -> tuple[str, str | None, str | None]:
    """The defect key, its GitHub repository and URL (a GitHub issue URL becomes owner/repo#N)."""
    m = _GITHUB_URL.match(raw_key)
    if m:
        full = f"{m.group(1)}/{m.group(2)}"
        return f"{full}#{m.group(3)}", full, raw_key
    if repo and raw_key.isdigit():
        return f"{repo}#{raw_key}", repo, url or None
    m = re.fullmatch(r"([\w.-]+/[\w.-]+)#(\d+)", raw_key)
    if m:
        return raw_key, m.group(1), url or None
    return raw_key, repo or None, url or None


class _Dates:
    """Reads a file's dates; learns its day/month order from the whole file when first needed."""

    def __init__(self, fmt: DateFormat, scan: Callable[[], str]) -> None:
        self.fmt = fmt
        self._scan = scan

    def read(self, text: str) -> datetime | None:
        try:
            return read_date(text, self.fmt)
        except NeedsOrder:
            self.fmt = DateFormat(order=self._scan(), pattern=self.fmt.pattern)
            return read_date(text, self.fmt)


@dataclass
class _Pending:
    """Checked rows waiting to be written in one chunk."""

    defects: list[dict[str, Any]] = field(default_factory=list)
    refs: list[tuple[int, str, references.Ref, str]] = field(default_factory=list)
    not_defects: list[str] = field(default_factory=list)
    text: int = 0  # characters of title and body held

    @property
    def full(self) -> bool:
        return len(self.defects) + len(self.not_defects) >= CHUNK_ROWS or self.text >= CHUNK_TEXT


class _Importer:
    """One import: the columns, the rules, and what has been seen so far."""

    def __init__(
        self, table: CsvFile, columns: Columns, rules: Rules, dates: _Dates, summary: ImportSummary
    ) -> None:
        self.table = table
        self.columns = columns
        self.rules = rules
        self.dates = dates
        self.summary = summary
        self.width = len(table.header.names)
        self.seen: dict[str, int] = {}
        self.problems: list[BadRow] = []
        self.bad_rows: set[int] = set()

    # -- problems --------------------------------------------------------------------

    def bad(self, problem: BadRow) -> None:
        self.bad_rows.add(problem.row or 0)
        if len(self.problems) < MAX_LISTED:
            self.problems.append(problem)

    @property
    def unlisted_rows(self) -> int:
        return len(self.bad_rows - {p.row or 0 for p in self.problems})

    # -- one record ------------------------------------------------------------------

    def values(self, number: int, record: list[str]) -> dict[str, Any]:
        """Each mapped field's value; a field read from repeated columns reads them all."""
        out: dict[str, Any] = {}
        quotes = self.columns.preset.quotes_formulas
        for name, where in self.columns.positions.items():
            found = cells(record, where)
            if name in LIST_FIELDS:
                out[name] = found
            elif name in TEXT_FIELDS:
                parts = [_FORMULA.sub("", v) if quotes else v for v in found if v]
                out[name] = "\n\n".join(parts)
            else:
                present = [v for v in found if v]
                if len(set(present)) > 1:
                    column = self.columns.names[name]
                    self.bad(BadRow(number, name, " | ".join(present), f"one value in {column!r}"))
                out[name] = present[0] if present else ""
        if len(record) > self.width and any(c.strip() for c in record[self.width :]):
            self.bad(
                BadRow(
                    number,
                    "row",
                    f"{len(record)} cells",
                    f"at most {self.width} cells, as the header has (a comma left unquoted?)",
                )
            )
        return out

    def labels(self, raw: list[str]) -> list[str]:
        # Jira's "all fields" export repeats the Labels column once per label; Linear and
        # GitHub (and Jira's "current fields") write one column, "Bug, Auth".
        separators = self.columns.label_separators
        values = [part for value in raw for part in re.split(separators, value)]
        return [v.strip() for v in values if v.strip()]

    def date(self, number: int, name: str, text: str, *, required: bool) -> datetime | None:
        if not text:
            if required:
                self.bad(BadRow(number, name, "", EXAMPLES))
            return None
        parsed = self.dates.read(text)
        if parsed is None:
            self.bad(BadRow(number, name, text, EXAMPLES + (" or empty" if not required else "")))
        return parsed

    def row(self, number: int, record: list[str], pending: _Pending) -> None:
        """Judge and check one record; a defect goes to ``pending``."""
        cell = self.values(number, record)
        labels = self.labels(cell.get("labels") or [""])
        verdict = judge(
            self.rules,
            self.columns.rule,
            cell.get("type", ""),
            labels,
            cell.get("resolution", ""),
            cell.get("status", ""),
        )
        raw_key = cell.get("key", "")
        key, repo, url = _key_and_repo(raw_key, cell.get("repo", ""), cell.get("url", ""))
        if raw_key:
            if key in self.seen:
                self.bad(
                    BadRow(
                        number,
                        "key",
                        raw_key,
                        f"a key not already used (same as row {self.seen[key]})",
                    )
                )
            else:
                self.seen[key] = number
        if not verdict.is_defect:
            self.summary.skipped[verdict.skip_reason] += 1
            if raw_key:
                pending.not_defects.append(key)
            return
        if not raw_key:
            self.bad(BadRow(number, "key", "", "a non-empty key"))
        reported = self.date(number, "reported", cell.get("reported", ""), required=True)
        resolved = self.date(number, "resolved", cell.get("resolved", ""), required=False)
        if verdict.unfixed and resolved is None and not cell.get("resolved"):
            resolved = self.closed_at(number, cell)
        if resolved and reported and resolved < reported:
            shown = cell.get("resolved", "")
            self.bad(BadRow(number, "resolved", shown, "a date on or after reported"))
        for text in (t for v in cell.get("introduced-by", []) for t in re.split(r"[\s,;]+", v)):
            if not text:
                continue
            ref = references.parse_ref(text, repo)
            if ref is None or ref.repo is None:
                expected = "owner/repo#N or a pull request URL"
                self.bad(BadRow(number, "introduced-by", text, expected))
            else:
                pending.refs.append((number, key, ref, text))
        self.summary.unfixed += verdict.unfixed
        pending.text += len(cell.get("title") or "") + len(cell.get("body") or "")
        pending.defects.append(
            {
                "defect_id": key,
                "key": key,
                "repo": repo,
                "title": cell.get("title") or None,
                "body": cell.get("body") or None,
                "reported_at": reported,
                "resolved_at": resolved,
                "severity": cell.get("severity") or None,
                "labels": labels,
                "url": url,
            }
        )

    def closed_at(self, number: int, cell: dict[str, Any]) -> datetime | None:
        """When a defect closed without a fix closed: canceled, else last updated."""
        for name in ("canceled", "updated"):
            if cell.get(name):
                return self.date(number, name, cell[name], required=False)
        outcome = cell.get("resolution") or cell.get("status")
        self.bad(
            BadRow(
                number,
                "resolved",
                "",
                f"a resolved date ({outcome!r} closes the defect; or a canceled or updated column)",
            )
        )
        return None

    # -- chunks ----------------------------------------------------------------------

    def flush(self, conn: duckdb.DuckDBPyConnection, pending: _Pending, provenance: dict) -> None:
        """Check a chunk's introduced-by PRs; write it while no row has been bad."""
        targets = sorted({ref.target for _n, _k, ref, _t in pending.refs})
        known = _known_prs(conn, targets)
        links: list[dict[str, Any]] = []
        for number, key, ref, text in pending.refs:
            if ref.target not in known:
                self.bad(
                    BadRow(
                        number,
                        "introduced-by",
                        text,
                        f"a pull request in the store ({ref.target} is not; ingest it first)",
                    )
                )
                continue
            links.append(
                {
                    "link_type": "introduced_by",
                    "from_id": key,
                    "target": ref.target,
                    "target_repo": ref.repo,
                    "target_number": ref.number,
                    "method": "import",
                }
            )
        if not self.problems:
            if pending.not_defects:
                writer.delete_where_in(conn, "defects", "defect_id", pending.not_defects)
                writer.delete_where_in(conn, "links", "from_id", pending.not_defects)
            self.summary.imported += writer.replace_defects(
                conn, pending.defects, extra_links=links, provenance=provenance
            )


def _known_prs(conn: duckdb.DuckDBPyConnection, ids: list[str]) -> set[str]:
    if not ids:
        return set()
    conn.register("_ids", pd.DataFrame({"pr_id": ids}))
    try:
        rows = conn.execute(
            "select pr_id from pull_requests where pr_id in (select pr_id from _ids)"
        ).fetchall()
    finally:
        conn.unregister("_ids")
    return {r[0] for r in rows}


def _scan_dates(file: Path, columns: Columns) -> Iterator[tuple[int, str, str]]:
    """Every date cell of the file, as ``(row, column, text)`` (a second pass, streamed)."""
    with open_csv(file) as table:
        where = [
            (columns.names[name], i)
            for name in DATE_FIELDS
            if name in columns.positions
            for i in columns.positions[name]
        ]
        for number, record in table.records():
            for column, i in where:
                if i < len(record) and record[i].strip():
                    yield number, column, record[i]


def import_defects(
    file: str | Path,
    db: Any = None,
    *,
    preset: str | None = None,
    mappings: Sequence[str] = (),
    date_format: str | None = None,
    config: Settings | None = None,
    progress: Callable[[str], None] = lambda _line: None,
) -> dict[str, Any]:
    """Import a tracker export's bugs into ``defects`` (and ``links``), all or nothing.

    Args:
        preset: 'jira', 'linear', 'github' or 'none'; guessed from the header when None.
        mappings: ``COLUMN=FIELD`` overrides (fields: :data:`FIELDS`).
        date_format: ``day-first``, ``month-first`` or a ``strptime`` pattern, for numeric
            dates whose order the file does not tell.
        config: the settings deciding which rows are bugs; defaults to ``settings()``.
        progress: receives a line now and then on a large file.

    Returns:
        :meth:`ImportSummary.as_dict` (``rows`` is the number of defects imported).

    Raises:
        InputError: an unreadable or empty file, a bad option, a file that is not the
            tracker's export, dates whose order cannot be told.
        DefectsRefusedError: bad rows (the first are listed, the rest counted); nothing is
            written.
    """
    path = Path(file)
    chosen_preset = parse_preset(preset)
    overrides = parse_mappings(mappings)
    fmt = DateFormat.parse(date_format)
    rules = Rules.of(config or settings())
    with open_csv(path) as table:
        chosen = chosen_preset or guess_preset(table.header)
        columns, header_problems = resolve_columns(str(path), table.header, chosen, overrides)
        if header_problems:
            raise DefectsRefusedError(
                str(path), [BadRow(1, f, value, expected) for f, value, expected in header_problems]
            )
        summary = ImportSummary(file=str(file), preset=chosen, rule=columns.rule)
        dates = _Dates(fmt, lambda: infer_order(str(path), _scan_dates(path, columns)))
        importer = _Importer(table, columns, rules, dates, summary)
        provenance = {"source": "import", "source_url": str(file), "fetched_at": writer.utc_now()}
        records = table.records()
        first = next(records, None)
        if first is None:
            raise InputError(f"{path}: a header row and nothing under it: no rows to import")
        with write_transaction(db) as conn:
            # DuckDB holds a transaction's new rows in memory, and by default may use most
            # of the machine's: capped, it spills them to <db>.tmp and the import stays small.
            conn.execute(f"set memory_limit = '{DUCKDB_MEMORY}'")
            pending = _Pending()
            for number, record in itertools.chain([first], records):
                summary.rows += 1
                importer.row(number, record, pending)
                if pending.full:
                    importer.flush(conn, pending, provenance)
                    pending = _Pending()
                if summary.rows % 50_000 == 0:
                    progress(f"  {summary.rows} rows read, {summary.imported} defects so far")
            importer.flush(conn, pending, provenance)
            if importer.problems:
                importer.problems.sort(
                    key=lambda p: (p.row or 0, FIELDS.index(p.field) if p.field in FIELDS else 0)
                )
                raise DefectsRefusedError(
                    str(path), importer.problems, unlisted_rows=importer.unlisted_rows
                )
            writer.set_sync_state(
                conn,
                source="import:defects",
                scope=path.name,
                stream="rows",
                status="complete",
                detail=summary.line(),
            )
    return summary.as_dict()
