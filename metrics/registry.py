"""Metrics layer: the one explicit registry of metrics and of refused metrics. No SQL runs here.

Every metric of METRICS.md is one :class:`Metric` in :data:`REGISTRY` (id, title, unit,
which direction is better, a short meaning that quotes the settings it depends on); its
SQL is the column of the same name in ``metrics/sql/aggregates.sql`` (a test holds the two
together). The refused metrics are declared beside them in :data:`REFUSED`, each with its
reason; asking for one anywhere (API, CLI, page) raises :class:`RefusedMetricError`
quoting that reason. Nothing registers itself by import.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Literal

from settings import InputError, Settings, settings

Better = Literal["lower", "higher", "neither"]


@dataclass(frozen=True)
class Metric:
    """One aggregate per (group, period)."""

    id: str
    title: str
    unit: str  # "hours", "ratio", "share", "count"
    better: Better
    about: str  # its meaning; {name} quotes a setting (see :meth:`describe`)
    dimension: str = "Productivity"  # the framework's evaluation dimension it informs
    is_phase: bool = False  # a median of a cycle-time phase (the per-PR fields of METRICS.md)
    # A part of a contract metric (the parts sum to it): declared here, not in the contract.
    part_of: str = ""

    def describe(self, config: Settings | None = None) -> str:
        """The metric's meaning in words, quoting the settings in force (or ``config``)."""
        return self.about.format(**asdict(config or settings()))

    @property
    def meaning(self) -> str:
        """:meth:`describe` with the settings of this process."""
        return self.describe()


@dataclass(frozen=True)
class Refused:
    """A metric teamlens never computes, with the reason it quotes when asked."""

    id: str
    title: str
    reason: str


class UnknownMetricError(InputError):
    """A metric id that is neither in the registry nor refused."""


class RefusedMetricError(InputError):
    """A refused metric was asked for; the message quotes its reason."""


REGISTRY: tuple[Metric, ...] = (
    Metric(
        "merged_prs",
        "Merged pull requests",
        "count",
        "neither",
        "How many pull requests by people (bots excluded) were merged in the period. It says "
        "how much data the other figures rest on; it is not a productivity score.",
    ),
    Metric(
        "cycle_time_p50_h",
        "Cycle time, median",
        "hours",
        "lower",
        "From a PR's first authored commit (or its opening, if earlier) to its merge: the "
        "median over the period's merged PRs. Speed alone; read it beside QACT.",
    ),
    Metric(
        "cycle_time_p90_h",
        "Cycle time, 90th percentile",
        "hours",
        "lower",
        "The cycle time that 90% of the period's merged PRs beat: the slow tail.",
    ),
    Metric(
        "qact_p50_h",
        "Quality-adjusted cycle time (QACT), median",
        "hours",
        "lower",
        "How long it took to deliver a change correctly: its cycle time plus the cycle time "
        "of the PRs that fixed or reverted it, plus the open repair time of its unfixed "
        "defects. Speed the team paid for later is not rewarded.",
        "Code Quality",
    ),
    Metric(
        "qact_p90_h",
        "Quality-adjusted cycle time (QACT), 90th percentile",
        "hours",
        "lower",
        "The QACT that 90% of the period's merged PRs beat: the slow, reworked tail.",
        "Code Quality",
    ),
    Metric(
        "quality_tax",
        "Quality tax",
        "ratio",
        "lower",
        "Extra time spent on rework as a share of the original work: Σ QACT / Σ cycle time "
        "- 1 over the period's merged PRs. 0 means no rework; 0.25 means a quarter more "
        "time went into fixing and reverting.",
        "Code Quality",
    ),
    Metric(
        "quality_tax_follow_up",
        "Quality tax from follow-up PRs",
        "ratio",
        "lower",
        "The part of the quality tax spent in follow-up PRs — the earliest fix of each "
        "attributed defect and every revert, each counted once per PR they follow up: "
        "Σ their cycle time / Σ cycle time. With quality_tax_open_defects it sums to the "
        "quality tax.",
        "Code Quality",
        part_of="quality_tax",
    ),
    Metric(
        "quality_tax_open_defects",
        "Quality tax from defects without a fix PR",
        "ratio",
        "lower",
        "The part of the quality tax that attributed defects with no merged fix PR carry: "
        "their repair time so far (to the as-of time while still open, to their resolution "
        "if closed without a PR) / Σ cycle time. A few defects left open for months can "
        "make most of the tax.",
        "Code Quality",
        part_of="quality_tax",
    ),
    Metric(
        "defect_rate",
        "Defect rate",
        "defects per PR",
        "lower",
        "Defects attributed to the period's merged PRs, per merged PR (a defect naming two "
        "PRs counts for each).",
        "Code Quality",
    ),
    Metric(
        "change_failure_rate",
        "Change failure rate",
        "share",
        "lower",
        "Share of the period's merged PRs that later had a defect attributed to them or were "
        "reverted.",
        "Code Quality",
    ),
    Metric(
        "defects_reported",
        "Defects reported",
        "count",
        "lower",
        "Bug reports opened in the period. A defect belongs to the team of the PR it names, "
        "else to the team owning its repository, else to Unassigned.",
        "Code Quality",
    ),
    Metric(
        "repair_time_p50_h",
        "Repair time, median",
        "hours",
        "lower",
        "Median time to repair the defects reported in the period: the cycle time of the "
        "first merged fix PR, else reported → resolved, else reported → as-of (still open).",
        "Code Quality",
    ),
    Metric(
        "unreviewed_merge_rate",
        "Unreviewed merge rate",
        "share",
        "lower",
        "Share of merged PRs that nobody but the author (or a bot) reviewed before the merge.",
        "Responsibility",
    ),
    Metric(
        "rubber_stamp_rate",
        "Rubber-stamp rate",
        "share",
        "lower",
        "Share of reviewed merged PRs whose only reviews were bare approvals (no text, no "
        "inline comments, no change request) of a large change (≥ {rubber_stamp_min_lines} "
        "changed lines), the first approval within {rubber_stamp_window_min:g} minutes of "
        "the PR being ready.",
        "Code Quality",
    ),
    Metric(
        "dismissed_review_merges",
        "Merges after a dismissed change request",
        "count",
        "lower",
        "Merged PRs on which a reviewer's request for changes was dismissed before the merge.",
        "Responsibility",
    ),
    Metric(
        "failing_check_merges",
        "Merges over failing checks",
        "count",
        "lower",
        "Merged PRs whose head commit's combined check state was FAILURE or ERROR at merge.",
        "Responsibility",
    ),
    Metric(
        "security_bypass_merges",
        "Merges over failing security checks",
        "count",
        "lower",
        "The merges over failing checks where a failing check is a security check (CodeQL, "
        "Snyk, Semgrep, Gitleaks, Trivy, Dependabot, secret scanning, SAST…).",
        "Responsibility",
    ),
    Metric(
        "ai_defect_rate",
        "Defect rate of AI-assisted code",
        "defects per PR",
        "lower",
        "The defect rate over the group's AI-assisted PRs only, to compare with the group's "
        "own defect rate. Shown only for groups with at least {ai_split_min_authors} authors "
        "and {ai_split_min_prs} AI-assisted PRs in the period.",
        "Code Quality",
    ),
    Metric(
        "ai_change_failure_rate",
        "Change failure rate of AI-assisted code",
        "share",
        "lower",
        "The change failure rate over the group's AI-assisted PRs only (same minimum data).",
        "Code Quality",
    ),
    Metric(
        "ai_rubber_stamp_rate",
        "Rubber-stamp rate of AI-assisted code",
        "share",
        "lower",
        "The rubber-stamp rate over the group's reviewed AI-assisted PRs only (same minimum "
        "data): is AI output reviewed as carefully as the rest?",
        "Code Quality",
    ),
    Metric(
        "coding_time_p50_h",
        "Coding time, median",
        "hours",
        "lower",
        "Cycle-time phase: from start to ready for review (never negative).",
        is_phase=True,
    ),
    Metric(
        "pickup_time_p50_h",
        "Pickup time, median",
        "hours",
        "lower",
        "Cycle-time phase: from ready for review to the first review by someone else, over "
        "reviewed PRs (floored at 0 when drafts were reviewed early).",
        is_phase=True,
    ),
    Metric(
        "review_time_p50_h",
        "Review time, median",
        "hours",
        "lower",
        "Cycle-time phase: from the first review to the merge, over reviewed PRs.",
        is_phase=True,
    ),
)

REFUSED: tuple[Refused, ...] = (
    Refused(
        "ai_usage_frequency",
        "AI usage frequency",
        "Some tasks are better done by hand; counting AI use per person or team punishes "
        "good judgment.",
    ),
    Refused(
        "lines_of_code",
        "Lines of code",
        "Rewards volume over value (as an output or productivity figure, for anyone).",
    ),
    Refused(
        "ai_suggestions_accepted",
        "AI suggestions accepted",
        "A high acceptance count or rate may mean insufficient review.",
    ),
    Refused(
        "ai_task_speed",
        "Speed of AI-assisted tasks",
        "Fast is only valuable when also correct and secure; AI-assisted speed alone (for "
        "example cycle time of AI-assisted PRs vs others) is not shown.",
    ),
    Refused(
        "ai_user_vs_nonuser",
        "AI users vs non-users",
        "Developers have different optimal workflows; grouping people by whether they use "
        "AI is not meaningful.",
    ),
)

METRICS: dict[str, Metric] = {m.id: m for m in REGISTRY}
REFUSED_BY_ID: dict[str, Refused] = {r.id: r for r in REFUSED}
# Other names people ask for the refused metrics by: each answers with the reason.
REFUSED_ALIASES: dict[str, str] = {
    "loc": "lines_of_code",
    "sloc": "lines_of_code",
    "lines": "lines_of_code",
    "lines_changed": "lines_of_code",
    "ai_acceptance_rate": "ai_suggestions_accepted",
    "suggestions_accepted": "ai_suggestions_accepted",
    "acceptance_rate": "ai_suggestions_accepted",
    "ai_suggestion_acceptance": "ai_suggestions_accepted",
    "ai_usage": "ai_usage_frequency",
    "ai_usage_count": "ai_usage_frequency",
}
# The metrics METRICS.md names as aggregates (the phase medians are extra, for the charts;
# the parts of a contract metric are extra, to show what it is made of).
CONTRACT_IDS: tuple[str, ...] = tuple(m.id for m in REGISTRY if not m.is_phase and not m.part_of)


def refuse_if_refused(ids: Iterable[str]) -> None:
    """Raise if any id is a refused metric (quoting its reason) or an unknown one.

    Raises:
        RefusedMetricError: the first refused id, with METRICS.md's reason.
        UnknownMetricError: an id that is neither a metric nor refused.
    """
    for metric_id in ids:
        key = str(metric_id).strip().lower().replace("-", "_").replace(" ", "_")
        refused = REFUSED_BY_ID.get(REFUSED_ALIASES.get(key, key))
        if refused is not None:
            asked = "" if key == refused.id else f" (asked for as {str(metric_id).strip()!r})"
            raise RefusedMetricError(
                f"metric {refused.id!r}{asked} is refused and never computed: {refused.reason}"
            )
    for metric_id in ids:
        if metric_id not in METRICS:
            known = ", ".join(METRICS)
            raise UnknownMetricError(f"unknown metric {metric_id!r}; known metrics: {known}")


def resolve_ids(ids: Iterable[str] | None) -> tuple[str, ...]:
    """The metric ids to produce, in registry order; all of them when ``ids`` is None."""
    if ids is None:
        return tuple(METRICS)
    wanted = list(ids)
    refuse_if_refused(wanted)
    chosen = set(wanted)
    return tuple(m for m in METRICS if m in chosen)


def _names(values: tuple[str, ...]) -> str:
    return ", ".join(values)


# Choices METRICS.md leaves open, as teamlens makes them (shown on How we measure and in
# docs/how-we-measure.md; each is tested with hand-computed numbers). {name} quotes a setting.
_CHOICES: tuple[tuple[str, str], ...] = (
    (
        "Reviews at the merge second",
        "A review counts when submitted at or before merged_at: GitHub times are whole "
        "seconds and auto-merge fires on the approval itself.",
    ),
    (
        "Draft with no ready event",
        "A PR opened as a draft with no ready-for-review event recorded is ready at "
        "created_at; a ready event after the merge is capped at merged_at.",
    ),
    (
        "Team at merge",
        "A PR's team is its author's membership on the merge date (valid_from ≤ day < "
        "valid_to; the latest start wins if two overlap). Deleted accounts ('ghost') count "
        "for the repository's owning team (first by name if several), else Unassigned.",
    ),
    (
        "Attribution targets",
        "A defect is attributed only to merged, non-bot PRs merged by the as-of time. A "
        "defect naming only a bot's PR, an issue or an unmerged PR counts as not attributed.",
    ),
    (
        "A defect's team",
        "The store keeps no order of mention, so a defect's 'first named PR' is the earliest "
        "merged of its attributed PRs; else the repository's owning team; else Unassigned. "
        "With the person grouping, an unattributed defect counts for 'Unassigned'.",
    ),
    (
        "Revert by title",
        'Revert "<title>" names the latest PR of the same repository with exactly that '
        "title merged strictly before the revert.",
    ),
    (
        "Repair time",
        "A resolution after the as-of time has not happened yet: such a defect is open, and "
        "its repair time runs to the as-of time.",
    ),
    (
        "Dismissed change requests",
        "A change request counts for dismissed_review_merges when its dismissal happened at "
        "or before the merge. A review whose state is DISMISSED keeps the state it was "
        "submitted with (from the dismissal event) for every other rule.",
    ),
    (
        "Organization and filters",
        "The organization's group is named 'organization'. A team filter applies to PRs and "
        "defects before grouping.",
    ),
    (
        "Too little data",
        "Rows under {min_prs} merged PRs carry is_low_data; pages leave their medians and "
        "rates out and say so. Repair-time medians need {min_defects} defects on the pages. "
        "The CLI and API return the numbers with the coverage beside them.",
    ),
    (
        "Which tracker rows are defects",
        "An imported Jira row is a defect when its Issue Type is one of the bug_issue_types "
        "setting ({bug_issue_types}); a Linear or GitHub row when one of "
        "its labels is one of bug_labels, the setting the GitHub ingest uses "
        "({bug_labels}). Whole names, any case. A report resolved as "
        "one of not_defect_resolutions ({not_defect_resolutions}) was "
        "never a defect: it is skipped. One resolved as one of unfixed_resolutions "
        "({unfixed_resolutions}) stays a defect, closed at its "
        "resolution (the resolved date, else when it was canceled, else its last update): "
        "its repair time ends there instead of running on forever.",
    ),
    (
        "Negation in text",
        "'not caused by #5' still names #5: METRICS.md's rule is textual. Code blocks and "
        "inline code are ignored; a Markdown link reads as its URL when that is a PR URL.",
    ),
)


def documented_choices(config: Settings | None = None) -> list[tuple[str, str]]:
    """(title, text) of each choice METRICS.md leaves open, quoting the settings in force."""
    values = {
        name: _names(value) if isinstance(value, tuple) else value
        for name, value in asdict(config or settings()).items()
    }
    return [(title, text.format(**values)) for title, text in _CHOICES]
