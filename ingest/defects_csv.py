"""Ingest layer: defects from issue-tracker CSV exports (Jira, Linear, GitHub, any via --map).

Computes no metric. All or nothing: the whole file is read and every row checked before
one :func:`store.write_transaction`; any bad row (a missing required value, an
unparseable date, a duplicate key, an introduced-by naming no known pull request) refuses
the file, every bad row is listed (row number, field, value, what was expected) and
nothing is written. Row numbers are a spreadsheet's: the header is row 1.

Fields: ``key`` and ``reported`` are required; ``title``, ``body``, ``resolved``,
``severity``, ``labels``, ``introduced-by``, ``repo``, ``url`` are optional. A preset names
the columns of a tracker's export; ``--map COLUMN=FIELD`` names others (and overrides).
``introduced-by`` holds one or more pull requests (``owner/repo#N`` or a PR URL; ``#N``
when the row has a repo), each of which must already be in the store.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from ingest import references, writer
from ingest.bad_rows import BadRow, RowsRefusedError
from settings import InputError
from store import read_connection, resolve_db, write_transaction

FIELDS = (
    "key",
    "title",
    "body",
    "reported",
    "resolved",
    "severity",
    "labels",
    "introduced-by",
    "repo",
    "url",
)
REQUIRED = ("key", "reported")

# Column names of each tracker's CSV export, by field (first present wins; matched
# case-insensitively). Jira repeats a multi-value column (``Labels``) once per value.
PRESETS: dict[str, dict[str, tuple[str, ...]]] = {
    "jira": {
        "key": ("Issue key",),
        "title": ("Summary",),
        "body": ("Description",),
        "reported": ("Created",),
        "resolved": ("Resolved",),
        "severity": ("Custom field (Severity)", "Severity", "Priority"),
        "labels": ("Labels",),
        "introduced-by": ("Custom field (Introduced by)", "Introduced by"),
    },
    "linear": {
        "key": ("ID",),
        "title": ("Title",),
        "body": ("Description",),
        "reported": ("Created",),
        "resolved": ("Completed",),
        "severity": ("Priority",),
        "labels": ("Labels",),
        "introduced-by": ("Introduced by",),
    },
    "github": {
        "key": ("url", "html_url", "number"),
        "title": ("title",),
        "body": ("body",),
        "reported": ("created_at", "createdAt"),
        "resolved": ("closed_at", "closedAt"),
        "labels": ("labels",),
        "repo": ("repository", "repo"),
        "url": ("url", "html_url"),
        "introduced-by": ("introduced_by", "introduced-by"),
    },
    "none": {},
}

_DATE_FORMATS = (
    "%d/%b/%y %I:%M %p",  # Jira's default export: 12/Mar/26 10:15 AM
    "%d/%b/%Y %I:%M %p",
    "%d/%b/%y %H:%M",
    "%d/%b/%y",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y %I:%M %p",
    "%m/%d/%Y",
    "%a %b %d %Y %H:%M:%S",  # Linear: Tue Mar 05 2024 10:00:00 GMT+0000 (…)
)
_GITHUB_URL = re.compile(r"https?://[^/\s]+/([^/\s]+)/([^/\s]+)/(?:issues|pull)/(\d+)/?$")


class DefectsRefusedError(RowsRefusedError):
    """A defects file with bad rows was refused (header problems are on row 1)."""


def parse_date(text: str) -> datetime | None:
    """A tracker's date or date-time as aware UTC; None when it cannot be read."""
    value = text.strip()
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        parsed = None
    if parsed is None:
        head = re.sub(r"\s+GMT.*$", "", value)  # Linear's JavaScript date string
        for fmt in _DATE_FORMATS:
            try:
                parsed = datetime.strptime(head, fmt)  # noqa: DTZ007  (UTC is set below)
                break
            except ValueError:
                continue
    if parsed is None:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _parse_mappings(mappings: Sequence[str]) -> dict[str, str]:
    chosen: dict[str, str] = {}
    for item in mappings:
        column, sep, name = item.rpartition("=")
        name = name.strip().lower().replace("_", "-")
        if not sep or not column.strip():
            raise InputError(f"--map {item!r}: expected COLUMN=FIELD")
        if name not in FIELDS:
            raise InputError(
                f"--map {item!r}: unknown field {name!r} (fields: {', '.join(FIELDS)})"
            )
        chosen[name] = column.strip()
    return chosen


def guess_preset(header: Sequence[str]) -> str:
    """The tracker whose export this header looks like ('none' when unsure)."""
    lowered = {h.strip().lower() for h in header}
    if "issue key" in lowered:
        return "jira"
    if {"id", "title", "created"} <= lowered:
        return "linear"
    if "title" in lowered and "created_at" in lowered:
        return "github"
    return "none"


def _columns(
    header: list[str], preset: str, overrides: dict[str, str]
) -> tuple[dict[str, list[int]], list[BadRow]]:
    """Field -> the column indexes it reads; problems for required fields not found."""
    index: dict[str, list[int]] = {}
    for i, name in enumerate(header):
        index.setdefault(name.strip().lower(), []).append(i)
    found: dict[str, list[int]] = {}
    problems: list[BadRow] = []
    for name in FIELDS:
        if name in overrides:
            column = overrides[name]
            if column.lower() not in index:
                problems.append(BadRow(1, name, column, f"a column named {column!r} (from --map)"))
                continue
            found[name] = index[column.lower()]
            continue
        for column in PRESETS[preset].get(name, ()):
            if column.lower() in index:
                found[name] = index[column.lower()]
                break
    for name in REQUIRED:
        if name not in found and name not in overrides:
            candidates = PRESETS[preset].get(name, ())
            expected = (
                "a column " + " or ".join(repr(c) for c in candidates)
                if candidates
                else f"a column for {name} (use --map COLUMN={name})"
            )
            problems.append(BadRow(1, name, "(missing)", expected))
    return found, problems


def _cell(row: list[str], idx: list[int] | None) -> str:
    if not idx:
        return ""
    return " ".join(row[i].strip() for i in idx[:1] if i < len(row))


def _labels(row: list[str], idx: list[int] | None) -> list[str]:
    if not idx:
        return []
    values = [row[i] for i in idx if i < len(row)]
    if len(values) == 1:
        values = re.split(r"[,;]", values[0])
    return [v.strip() for v in values if v.strip()]


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


def _known_prs(db: Any, ids: set[str]) -> set[str]:
    if not ids:
        return set()
    path = resolve_db(db)
    if not path.exists():
        return set()
    with read_connection(path) as conn:
        conn.register("_ids", pd.DataFrame({"pr_id": sorted(ids)}))
        try:
            rows = conn.execute(
                "select pr_id from pull_requests where pr_id in (select pr_id from _ids)"
            ).fetchall()
        finally:
            conn.unregister("_ids")
    return {r[0] for r in rows}


def read_defects(
    file: str | Path, db: Any = None, *, preset: str | None = None, mappings: Sequence[str] = ()
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], str]:
    """Read and check a tracker export: ``(defect rows, introduced_by links, preset)``.

    Raises:
        InputError: an unreadable file or a bad ``--map``.
        DefectsRefusedError: any bad row (every one is listed).
    """
    path = Path(file)
    overrides = _parse_mappings(mappings)
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            table = list(csv.reader(handle))
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InputError(f"{path}: cannot read as UTF-8 CSV ({exc})") from None
    if not table:
        raise DefectsRefusedError(str(path), [BadRow(1, "header", "", "a header row")])
    header, body = table[0], table[1:]
    chosen = preset or guess_preset(header)
    columns, problems = _columns(header, chosen, overrides)
    if problems:
        raise DefectsRefusedError(str(path), problems)

    pending: list[tuple[int, dict[str, Any], list[tuple[references.Ref, str]]]] = []
    seen: dict[str, int] = {}
    for offset, row in enumerate(body):
        number = offset + 2
        if not any(cell.strip() for cell in row):
            continue  # blank lines at the end of an export
        cell = {name: _cell(row, columns.get(name)) for name in FIELDS if name != "labels"}
        bad: list[BadRow] = []
        raw_key = cell["key"]
        if not raw_key:
            bad.append(BadRow(number, "key", raw_key, "a non-empty key"))
        key, repo, url = _key_and_repo(raw_key, cell["repo"], cell["url"])
        if raw_key and key in seen:
            bad.append(
                BadRow(number, "key", raw_key, f"a key not already used (same as row {seen[key]})")
            )
        reported = parse_date(cell["reported"])
        if reported is None:
            bad.append(
                BadRow(number, "reported", cell["reported"], "a date like 2026-03-01T10:15:00Z")
            )
        resolved = parse_date(cell["resolved"]) if cell["resolved"] else None
        if cell["resolved"] and resolved is None:
            bad.append(
                BadRow(number, "resolved", cell["resolved"], "a date like 2026-03-05 or empty")
            )
        elif resolved and reported and resolved < reported:
            bad.append(BadRow(number, "resolved", cell["resolved"], "a date on or after reported"))
        refs: list[tuple[references.Ref, str]] = []
        for text in re.split(r"[\s,;]+", cell["introduced-by"]):
            if not text:
                continue
            ref = references.parse_ref(text, repo)
            if ref is None or ref.repo is None:
                bad.append(
                    BadRow(number, "introduced-by", text, "owner/repo#N or a pull request URL")
                )
            else:
                refs.append((ref, text))
        if raw_key and key not in seen:
            seen[key] = number
        problems.extend(bad)
        defect = {
            "defect_id": key,
            "key": key,
            "repo": repo,
            "title": cell["title"] or None,
            "body": cell["body"] or None,
            "reported_at": reported,
            "resolved_at": resolved,
            "severity": cell["severity"] or None,
            "labels": _labels(row, columns.get("labels")),
            "url": url,
        }
        pending.append((number, defect, refs))

    known = _known_prs(db, {ref.target for _n, _d, refs in pending for ref, _t in refs})
    links: list[dict[str, Any]] = []
    for number, defect, refs in pending:
        for ref, text in refs:
            if ref.target not in known:
                problems.append(
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
                    "from_id": defect["defect_id"],
                    "target": ref.target,
                    "target_repo": ref.repo,
                    "target_number": ref.number,
                    "method": "import",
                }
            )
    if problems:
        problems.sort(key=lambda p: (p.row or 0, FIELDS.index(p.field) if p.field in FIELDS else 0))
        raise DefectsRefusedError(str(path), problems)
    return [d for _n, d, _r in pending], links, chosen


def import_defects(
    file: str | Path, db: Any = None, *, preset: str | None = None, mappings: Sequence[str] = ()
) -> dict[str, Any]:
    """Import a tracker export into ``defects`` (and ``links``), all or nothing.

    Returns:
        ``{"file", "rows", "preset"}``.

    Raises:
        InputError, DefectsRefusedError: as :func:`read_defects`; nothing is written.
    """
    defects, links, chosen = read_defects(file, db, preset=preset, mappings=mappings)
    provenance = {"source": "import", "source_url": str(file), "fetched_at": writer.utc_now()}
    with write_transaction(db) as conn:
        written = writer.replace_defects(conn, defects, extra_links=links, provenance=provenance)
        writer.set_sync_state(
            conn,
            source="import:defects",
            scope=Path(file).name,
            stream="rows",
            status="complete",
            detail=f"{written} defects ({chosen})",
        )
    return {"file": str(file), "rows": written, "preset": chosen}
