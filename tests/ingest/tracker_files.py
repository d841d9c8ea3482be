"""Builders of tracker exports as the trackers write them, for the import tests.

Written by these tests, shaped after what real exports contain: Jira Cloud's "Export CSV
(all fields)" (a BOM, CRLF, one column per value for Labels, Sprint, Components, Watchers,
Attachment, Comment and each issue-link type, ``Σ`` columns, ``15/Sep/25 6:42 PM`` dates,
empty cells wherever a field is unset, quoted multi-line descriptions), Jira Data Center
(``15/Sep/2025 18:42``), Linear's export (``Tue Aug 23 2022 13:54:01 GMT+0100 (British
Summer Time)`` dates, ``Bug, Frontend`` labels in one cell, ``'=`` before a formula-like
text) and a GitHub issue list saved as CSV (``gh issue list --json …``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

# Jira Cloud, "Export Excel CSV (all fields)": the columns a software project exports, in
# Jira's order, repeated once per value.
JIRA_HEADER = (
    "Summary",
    "Issue key",
    "Issue id",
    "Issue Type",
    "Status",
    "Project key",
    "Project name",
    "Project type",
    "Project lead",
    "Priority",
    "Resolution",
    "Assignee",
    "Reporter",
    "Creator",
    "Created",
    "Updated",
    "Last Viewed",
    "Resolved",
    "Fix versions",
    "Components",
    "Components",
    "Due date",
    "Votes",
    "Labels",
    "Labels",
    "Labels",
    "Description",
    "Environment",
    "Watchers",
    "Watchers",
    "Original Estimate",
    "Remaining Estimate",
    "Time Spent",
    "Σ Original Estimate",
    "Σ Remaining Estimate",
    "Σ Time Spent",
    "Security Level",
    "Inward issue link (Blocks)",
    "Outward issue link (Blocks)",
    "Outward issue link (Cloners)",
    "Outward issue link (Relates)",
    "Outward issue link (Relates)",
    "Attachment",
    "Attachment",
    "Custom field (Introduced by)",
    "Custom field (Rank)",
    "Custom field (Story point estimate)",
    "Sprint",
    "Sprint",
    "Comment",
    "Comment",
    "Status Category",
    "Status Category Changed",
    "Custom field (Mood 🙂)",
)

# Linear's export, as its own importer reads it (plus the columns added since).
LINEAR_HEADER = (
    "ID",
    "Team",
    "Title",
    "Description",
    "Status",
    "Estimate",
    "Priority",
    "Project ID",
    "Project",
    "Creator",
    "Assignee",
    "Labels",
    "Cycle Number",
    "Cycle Name",
    "Cycle Start",
    "Cycle End",
    "Created",
    "Updated",
    "Started",
    "Triaged",
    "Completed",
    "Canceled",
    "Archived",
    "Due Date",
    "Parent issue",
    "Blocks",
    "Blocked By",
)

GITHUB_HEADER = (
    "number",
    "title",
    "url",
    "state",
    "stateReason",
    "createdAt",
    "updatedAt",
    "closedAt",
    "labels",
    "author",
    "body",
)


def table(header: Sequence[str], rows: Sequence[dict[str, Any]]) -> list[list[str]]:
    """Rows as cells under ``header``: a value for a repeated column may be a list, one
    value per repeat (the rest left empty), exactly as Jira spreads multi-value fields."""
    out = [list(header)]
    for row in rows:
        unknown = set(row) - set(header)
        assert not unknown, f"not in the header: {unknown}"
        cells: list[str] = []
        used: dict[str, int] = {}
        for name in header:
            value = row.get(name, "")
            index = used.get(name, 0)
            used[name] = index + 1
            if isinstance(value, list | tuple):
                cells.append(str(value[index]) if index < len(value) else "")
            else:
                cells.append(str(value) if index == 0 else "")
        out.append(cells)
    return out


def write(
    path: Path,
    rows: list[list[str]],
    *,
    bom: bool = True,
    newline: str = "\r\n",
    delimiter: str = ",",
    encoding: str = "utf-8",
) -> Path:
    """A CSV file of ``rows`` the way an exporter writes it (BOM and CRLF by default)."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator=newline).writerows(rows)
    data = buffer.getvalue().encode(encoding)
    path.write_bytes(("\ufeff".encode(encoding) if bom else b"") + data)
    return path


def jira(path: Path, rows: Sequence[dict[str, Any]], **kw: Any) -> Path:
    """A Jira Cloud export with these rows (unset fields empty, as Jira leaves them)."""
    defaults = {
        "Project key": "PAY",
        "Project name": "Payments",
        "Project type": "software",
        "Project lead": "Ana Lima",
        "Reporter": "Bo Chen",
        "Creator": "Bo Chen",
        "Votes": "0",
        "Status Category": "Done",
        "Custom field (Rank)": "0|i0001:",
    }
    full = []
    for number, row in enumerate(rows, start=1):
        merged = {**defaults, "Issue id": str(10000 + number), **row}
        full.append(merged)
    return write(path, table(JIRA_HEADER, full), **kw)


def linear(path: Path, rows: Sequence[dict[str, Any]], **kw: Any) -> Path:
    """A Linear export with these rows."""
    defaults = {"Team": "Engineering", "Priority": "No priority", "Creator": "ana@acme.test"}
    return write(path, table(LINEAR_HEADER, [{**defaults, **r} for r in rows]), **kw)


def github(path: Path, rows: Sequence[dict[str, Any]], **kw: Any) -> Path:
    """A GitHub issue list saved as CSV (``gh issue list --json …`` through a converter)."""
    kw.setdefault("bom", False)
    kw.setdefault("newline", "\n")
    return write(path, table(GITHUB_HEADER, rows), **kw)
