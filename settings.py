"""Settings: thresholds, labels and patterns from METRICS.md, overridable per organization.

Pure and importable by every layer. Defaults follow METRICS.md; an organization may put
a ``teamlens.toml`` in the working directory (or name one in ``$TEAMLENS_SETTINGS``)
with any of these keys at top level, for example::

    bug_labels = ["bug", "incident"]
    rubber_stamp_min_lines = 300
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, fields, replace
from functools import cache
from pathlib import Path


class InputError(Exception):
    """Bad input from the user (a file, a row, a flag): the CLI exits 2 with this one line.

    Every layer raises a subclass of this for problems the user can fix.
    """


class SettingsError(InputError, ValueError):
    """A settings file that cannot be used."""


@dataclass(frozen=True)
class Settings:
    """Every tunable of teamlens, with METRICS.md's defaults."""

    # A GitHub issue is a defect when one of its labels is one of these (whole name,
    # case-insensitive: `not-a-bug` is not a bug).
    bug_labels: tuple[str, ...] = ("bug", "defect", "regression")
    # Tracker exports (`teamlens import defects`), names matched whole, case-insensitively.
    # A Jira row is a defect when its Issue Type is one of these; Linear and GitHub rows go
    # by `bug_labels` above.
    bug_issue_types: tuple[str, ...] = ("Bug",)
    # A resolution (Jira's Resolution, else the row's status; Linear's status; GitHub's
    # state reason) saying the report was never a defect: the row is skipped.
    not_defect_resolutions: tuple[str, ...] = (
        "Duplicate",
        "Cannot Reproduce",
        "Not a Bug",
        "Invalid",
        "Works as Designed",
    )
    # A resolution closing a defect without a fix: it stays a defect, resolved at its
    # close (the resolved date, else when it was canceled, else its last update).
    unfixed_resolutions: tuple[str, ...] = (
        "Won't Do",
        "Won't Fix",
        "Canceled",
        "Cancelled",
        "Declined",
        "Not Planned",
    )
    # A PR carrying one of these labels is AI-assisted.
    ai_labels: tuple[str, ...] = ("ai-assisted", "ai-generated", "copilot")
    # Names in a `Co-authored-by:` trailer that mark a PR as AI-assisted (substring,
    # case-insensitive), and the tool names of "Generated with …" footers.
    ai_agents: tuple[str, ...] = (
        "copilot",
        "claude",
        "cursor",
        "devin",
        "codex",
        "gemini",
        "aider",
        "chatgpt",
        "openai",
        "codewhisperer",
        "amazon q",
        "tabnine",
        "windsurf",
        "codeium",
        "sweep",
        "jules",
    )
    # A failing check whose name contains one of these (case-insensitive) bypassed security.
    security_patterns: tuple[str, ...] = (
        "codeql",
        "snyk",
        "semgrep",
        "gitleaks",
        "trivy",
        "dependabot",
        "secret",
        "security",
        "sast",
    )
    rubber_stamp_min_lines: int = 200
    rubber_stamp_window_min: float = 10.0
    # The AI-assisted quality split needs this much data in a (group, period).
    ai_split_min_authors: int = 5
    ai_split_min_prs: int = 10
    # Executive views merge groups smaller than this into "Other".
    small_group_min_people: int = 5
    # Too little data: a (group, period) with fewer merged PRs shows no medians or rates on
    # the pages, and a red flag never compares it; a repair-time median needs this many
    # defects. The CLI and the API still return the numbers, with is_low_data beside them.
    min_prs: int = 5
    min_defects: int = 3
    # Attribution (docs/how-we-measure.md, "Defects traced through git history"). A figure
    # resting on attribution (defect rate, change failure rate, quality tax, QACT, the AI
    # split) is "not traceable" in a (group, period) whose defect_attribution_rate is
    # under this share: the pages and exports say so instead of showing a misleading 0.
    min_attribution_rate: float = 0.5
    # An inferred (SZZ) link attributes a defect to a PR only when at least this share of
    # the fix's traced lines, times the fix's tangle factor, leads to that PR: one stray
    # line among many a fix touched is evidence, not a cause.
    min_inferred_confidence: float = 0.25
    # Red flags (docs/how-we-measure.md and the How we measure page quote these values).
    # Rubber-stamping: at least this many rubber-stamped PRs and this share of reviewed PRs.
    flag_rubber_stamp_min: int = 3
    flag_rubber_stamp_rate: float = 0.25
    # Volume over quality: merged PRs up by this share on the baseline, while the defect
    # rate or the median QACT worsens by at least this fraction of that rise.
    flag_volume_up: float = 0.20
    flag_quality_worse: float = 0.5
    # Unreviewed merges: at least this many, and this share of the period's merged PRs.
    flag_unreviewed_min: int = 2
    flag_unreviewed_rate: float = 0.10
    # Inside the transition window (the framework file's review.transition_dip_weeks), a
    # drop of this share in merged PRs or a rise in median cycle time is the expected dip.
    flag_dip: float = 0.10
    # The competency framework (data/framework.toml unless an organization names its own).
    framework_path: str = "data/framework.toml"


# Which pull request a commit belongs to when ``commit_pull_requests`` ties it to several
# (ingest writes the ties, the metrics layer reads them): the first method wins. The
# original PR of a cherry-pick, then what GitHub says (the PR's own commits, its merge or
# squash commit, a rebased copy), then the subject lines (``Title (#N)``, ``Merge pull
# request #N``). Not a setting an organization changes: one list, read by both layers.
TIE_PREFERENCE: tuple[str, ...] = (
    "cherry_pick",
    "pr_commit",
    "merge_commit",
    "rebased",
    "squash_title",
    "merge_title",
)


# SZZ's recency window (ingest/git/szz.py writes it, the metrics layer recomputes it after
# dropping candidates made after a defect's report): a candidate is blamed when its lag
# behind the fix is at most twice the least lag among the fix's candidates plus this many
# days.
SZZ_RECENCY_SLACK_DAYS: int = 30


# Settings that teamlens no longer reads, with where their value lives now: a file that
# still sets one is refused, so nobody believes a value is in force when it is not.
MOVED: dict[str, str] = {
    "transition_weeks": "the transition window is the framework file's "
    "review.transition_dip_weeks (its longest value)",
}


def _coerce(name: str, value: object, default: object) -> object:
    if isinstance(default, tuple):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise SettingsError(f"setting {name!r} must be a list of strings")
        return tuple(value)
    if isinstance(default, str):
        if not isinstance(value, str):
            raise SettingsError(f"setting {name!r} must be a str")
        return value
    if isinstance(value, bool) or not isinstance(value, type(default) | int):
        raise SettingsError(f"setting {name!r} must be a {type(default).__name__}")
    if value < 0:
        raise SettingsError(f"setting {name!r} must not be negative (got {value})")
    return type(default)(value)


def load_settings(path: str | os.PathLike[str] | None = None) -> Settings:
    """Settings from ``path`` (or ``$TEAMLENS_SETTINGS``, or ./teamlens.toml), else defaults.

    Raises:
        SettingsError: an unknown key or a value of the wrong type, naming the key.
    """
    candidate = path or os.environ.get("TEAMLENS_SETTINGS") or "teamlens.toml"
    file = Path(candidate)
    if not file.is_file():
        if path or os.environ.get("TEAMLENS_SETTINGS"):
            raise SettingsError(f"settings file {file} does not exist")
        return Settings()
    with file.open("rb") as handle:
        raw = tomllib.load(handle)
    defaults = Settings()
    known = {f.name for f in fields(Settings)}
    changes = {}
    for name, value in raw.items():
        if name in MOVED:
            raise SettingsError(f"{file}: setting {name!r} is no longer read: {MOVED[name]}")
        if name not in known:
            raise SettingsError(f"{file}: unknown setting {name!r}")
        changes[name] = _coerce(name, value, getattr(defaults, name))
    return replace(defaults, **changes)


@cache
def settings() -> Settings:
    """The settings of this process (loaded once)."""
    return load_settings()
