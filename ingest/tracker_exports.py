"""Ingest layer: what each issue tracker's CSV export looks like, and which rows are defects.

Pure: no store, no file, no metric. A :class:`Preset` names a tracker's columns by field
(matched case-insensitively; the first name present wins; every repeat of that column is
read). ``--map COLUMN=FIELD`` names others and overrides a preset.

Which rows are defects (docs/how-we-measure.md, "Which tracker rows are defects"), all
names matched whole and case-insensitively, from settings:

* **Jira** — by ``Issue Type``: one of ``bug_issue_types`` (default ``Bug``). Labels do not
  decide: a Story labelled "bug" is a Story.
* **Linear, GitHub** — by label: one of ``bug_labels``, the same setting the GitHub ingest
  uses, so one setting decides for both.
* **Any file** with ``--map``: by its type column when one is mapped, else by its labels
  column when one is mapped, else every row is a defect (an export of bugs only).

Then the outcome (Jira's ``Resolution``, else the row's status — a Jira team-managed
project has no resolutions, Linear and GitHub write theirs as a status or state reason):

* one of ``not_defect_resolutions`` (Duplicate, Cannot Reproduce, Not a Bug, Invalid, …):
  it was never a defect — skipped, and removed if an earlier import stored it;
* one of ``unfixed_resolutions`` (Won't Do, Won't Fix, Canceled, Not planned, …): still a
  defect, closed at its resolution time: the resolved date, else the time it was canceled
  (Linear's ``Canceled``), else when it was last updated. It does not wait for a fix
  forever, and it is not a fix either: its repair time runs to that close.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ingest.csv_files import Header
from settings import InputError, Settings

FIELDS = (
    "key",
    "title",
    "body",
    "reported",
    "resolved",
    "canceled",
    "updated",
    "type",
    "status",
    "resolution",
    "severity",
    "labels",
    "introduced-by",
    "repo",
    "url",
)
LIST_FIELDS = ("labels", "introduced-by")  # every value of every repeat is read
TEXT_FIELDS = ("title", "body")  # repeats are joined, blank line between
DATE_FIELDS = ("reported", "resolved", "canceled", "updated")


@dataclass(frozen=True)
class Preset:
    """A tracker's CSV export: its column names by field and what it cannot do without."""

    name: str
    title: str
    columns: dict[str, tuple[str, ...]]
    required: tuple[str, ...] = ()
    # Linear writes "'=…" for a text that starts like a spreadsheet formula.
    quotes_formulas: bool = False
    # What separates labels written in one cell ("Bug, Auth"); a Jira label has no spaces.
    label_separators: str = r"[,;]"


PRESETS: dict[str, Preset] = {
    "jira": Preset(
        name="jira",
        title="Jira",
        columns={
            "key": ("Issue key", "Work item key"),
            "title": ("Summary",),
            "body": ("Description",),
            "reported": ("Created",),
            "resolved": ("Resolved",),
            "updated": ("Updated",),
            "type": ("Issue Type", "Work type"),
            "status": ("Status",),
            "resolution": ("Resolution",),
            "severity": ("Custom field (Severity)", "Severity", "Priority"),
            "labels": ("Labels",),
            "introduced-by": ("Custom field (Introduced by)", "Introduced by"),
        },
        required=("key", "type", "reported"),
        label_separators=r"[,;\s]+",
    ),
    "linear": Preset(
        name="linear",
        title="Linear",
        columns={
            "key": ("ID", "Identifier"),
            "title": ("Title",),
            "body": ("Description",),
            "reported": ("Created",),
            "resolved": ("Completed",),
            "canceled": ("Canceled", "Cancelled"),
            "updated": ("Updated",),
            "status": ("Status",),
            "severity": ("Priority",),
            "labels": ("Labels",),
            "introduced-by": ("Introduced by",),
        },
        required=("key", "labels", "reported"),
        quotes_formulas=True,
    ),
    "github": Preset(
        name="github",
        title="GitHub",
        columns={
            "key": ("url", "html_url", "number"),
            "title": ("title",),
            "body": ("body",),
            "reported": ("created_at", "createdAt"),
            "resolved": ("closed_at", "closedAt"),
            "updated": ("updated_at", "updatedAt"),
            "status": ("state",),
            "resolution": ("state_reason", "stateReason"),
            "labels": ("labels",),
            "repo": ("repository", "repo"),
            "url": ("url", "html_url"),
            "introduced-by": ("introduced_by", "introduced-by"),
        },
        required=("key", "labels", "reported"),
    ),
    "none": Preset(name="none", title="", columns={}, required=("key", "reported")),
}


class NotThatExportError(InputError):
    """A file that is plainly not the named tracker's export (its key column is missing)."""


def parse_preset(name: str | None) -> str | None:
    """A ``--preset`` value, checked (None: guess from the header).

    Raises:
        InputError: not one of the known presets.
    """
    if name is None:
        return None
    chosen = name.strip().lower()
    if chosen not in PRESETS:
        raise InputError(f"--preset {name!r}: expected one of {', '.join(PRESETS)}")
    return chosen


def parse_mappings(mappings: Sequence[str]) -> dict[str, str]:
    """``--map COLUMN=FIELD`` options as field -> column.

    Raises:
        InputError: not COLUMN=FIELD, or an unknown field.
    """
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


def guess_preset(header: Header) -> str:
    """The tracker whose export this header looks like ('none' when unsure)."""
    if header.has("issue key") or header.has("work item key"):
        return "jira"
    keyed = header.has("id") or header.has("identifier")
    if keyed and header.has("title") and header.has("created"):
        return "linear"
    if header.has("title") and (header.has("created_at") or header.has("createdat")):
        return "github"
    return "none"


def _expected(preset: Preset) -> str:
    names = [preset.columns[f][0] for f in preset.required if f in preset.columns]
    return ", ".join(names)


def describe_expected() -> str:
    """The columns each tracker's export must have, for a refusal's one line."""
    return "; ".join(f"{p.title}'s {_expected(p)}" for p in PRESETS.values() if p.name != "none")


@dataclass
class Columns:
    """Where each field is read, and the rule that says which rows are defects."""

    preset: Preset
    positions: dict[str, list[int]] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)  # field -> the column it reads
    mapped: set[str] = field(default_factory=set)  # fields named by --map

    @property
    def label_separators(self) -> str:
        """What separates labels in one cell: the preset's, or commas for a --map column."""
        return r"[,;]" if "labels" in self.mapped else self.preset.label_separators

    @property
    def rule(self) -> str:
        """'type', 'labels' or 'all': what decides whether a row is a defect."""
        if "type" in self.positions:
            return "type"
        if "labels" in self.positions:
            return "labels"
        return "all"


def resolve_columns(
    source: str, header: Header, preset_name: str, overrides: dict[str, str]
) -> tuple[Columns, list[tuple[str, str, str]]]:
    """Find each field's columns in ``header``.

    Returns:
        The columns, and the problems of the header as ``(field, value, expected)``: a
        required field not found, a ``--map`` column that does not exist.

    Raises:
        NotThatExportError: the preset's key column is missing (plainly another file).
    """
    preset = PRESETS[preset_name]
    found = Columns(preset)
    problems: list[tuple[str, str, str]] = []
    for name in FIELDS:
        if name in overrides:
            column = overrides[name]
            where = header.positions(column)
            if not where:
                problems.append((name, column, f"a column named {column!r} (from --map)"))
                continue
            found.positions[name], found.names[name] = where, column
            found.mapped.add(name)
            continue
        for column in preset.columns.get(name, ()):
            where = header.positions(column)
            if where:
                found.positions[name], found.names[name] = where, column
                break
    if preset.name == "none":
        missing = [f for f in preset.required if f not in found.positions and f not in overrides]
        if missing:
            raise NotThatExportError(
                f"{source}: not a tracker export teamlens knows (expected "
                f"{describe_expected()}); name the columns with --map COLUMN=FIELD "
                f"(at least {' and '.join(f'COLUMN={m}' for m in missing)})"
            )
    elif "key" not in found.positions and "key" not in overrides:
        shown = ", ".join(header.names[:8]) + (", …" if len(header.names) > 8 else "")
        raise NotThatExportError(
            f"{source} is not a {preset.title} export: expected the columns "
            f"{_expected(preset)} (found {shown})"
        )
    for name in preset.required:
        if name not in found.positions and name not in overrides:
            candidates = " or ".join(repr(c) for c in preset.columns.get(name, ()))
            problems.append((name, "(missing)", f"a column {candidates} (or --map COLUMN={name})"))
    return found, problems


def _norm(value: str) -> str:
    """A type, label or resolution as compared: case folded, ``_`` and curly quotes evened."""
    return " ".join(value.replace("\u2019", "'").replace("_", " ").split()).casefold()


@dataclass(frozen=True)
class Rules:
    """The settings that decide which rows are defects, normalized once."""

    bug_types: frozenset[str]
    bug_labels: frozenset[str]
    not_defect: frozenset[str]
    unfixed: frozenset[str]

    @classmethod
    def of(cls, config: Settings) -> Rules:
        """The rules of ``config``."""
        return cls(
            bug_types=frozenset(_norm(t) for t in config.bug_issue_types),
            bug_labels=frozenset(_norm(t) for t in config.bug_labels),
            not_defect=frozenset(_norm(t) for t in config.not_defect_resolutions),
            unfixed=frozenset(_norm(t) for t in config.unfixed_resolutions),
        )


@dataclass(frozen=True)
class Verdict:
    """Whether a row is a defect; if not, why (counted in the summary line)."""

    is_defect: bool
    skip_reason: str = ""
    unfixed: bool = False  # closed without a fix (Won't Do, Canceled): resolved at the close


def judge(
    rules: Rules, rule: str, kind: str, labels: list[str], resolution: str, status: str
) -> Verdict:
    """Decide one row.

    Args:
        rule: :attr:`Columns.rule`.
        kind: the row's issue type (Jira).
        labels: its labels.
        resolution: its resolution (Jira), else '' — its status is read then.
        status: its status.
    """
    if rule == "type":
        if _norm(kind) not in rules.bug_types:
            return Verdict(False, kind.strip() or "(no issue type)")
    elif rule == "labels" and not any(_norm(label) in rules.bug_labels for label in labels):
        return Verdict(False, "without a bug label")
    verdict = judge_outcome(rules, resolution or status)
    if not verdict.is_defect:
        return Verdict(False, f"resolved {(resolution or status).strip()}")
    return verdict


def judge_outcome(rules: Rules, outcome: str | None) -> Verdict:
    """What a report's outcome (a resolution, a status, GitHub's state reason) makes of it.

    ``Duplicate`` (``not_defect_resolutions``): never a defect. ``Not planned``
    (``unfixed_resolutions``): a defect closed without a fix. Anything else, or nothing:
    an ordinary defect. Compared as :func:`_norm` says, so GitHub's ``NOT_PLANNED`` is
    ``Not Planned``.
    """
    text = _norm(outcome or "")
    if text in rules.not_defect:
        return Verdict(False, f"resolved {(outcome or '').strip()}")
    return Verdict(True, unfixed=text in rules.unfixed)
