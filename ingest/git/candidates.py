"""Ingest layer: what SZZ finds for a fix — traced lines, candidate commits, their weights.

Pure data and two small rules, shared by :mod:`ingest.git.szz` (which fills them) and the
sync that stores them: the tangle factor and the recency window. No git, no store.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from settings import SZZ_RECENCY_SLACK_DAYS

FOCUSED_FILES = 8  # up to this many traced files, a fix is not down-weighted for its size
FOCUSED_CANDIDATES = 10  # up to this many candidates, likewise
RECENCY_SLACK_S = SZZ_RECENCY_SLACK_DAYS * 86400  # the window's allowance beyond 2 x least lag


@dataclass
class TracedLine:
    """A line the fix deleted or changed, at its parent, and where blame led it."""

    path: str
    line: int  # 0: the whole file was skipped
    blamed_sha: str | None = None
    blamed_path: str | None = None
    blamed_line: int | None = None
    skip_reason: str | None = None


@dataclass
class Candidate:
    """A commit the fix's lines lead to."""

    sha: str
    lines: int
    confidence: float
    committed_at: datetime
    authored_at: datetime
    evidence: list[TracedLine] = field(default_factory=list)
    in_window: bool = True  # within the recency window (see mark_recency_window)


@dataclass
class FixAnalysis:
    """What SZZ found for one fix commit."""

    fix: str
    status: str  # one of STATUSES
    reason: str
    files_changed: int = 0
    files_traced: int = 0
    lines_traced: int = 0
    tangle_factor: float = 1.0
    all_candidates: list[Candidate] = field(default_factory=list)  # every commit, by
    # confidence (after the reported-date filter); the blamed ones are `candidates`
    lines: list[TracedLine] = field(default_factory=list)
    dropped: dict[str, str] = field(default_factory=dict)  # sha -> why it is not a candidate
    note: str = ""

    @property
    def candidates(self) -> list[Candidate]:
        """The commits SZZ blames: every candidate inside the recency window."""
        return [c for c in self.all_candidates if c.in_window]


def tangle_factor(files_traced: int, candidates: int) -> float:
    """1 for a focused fix; smaller as it spreads over more files or more candidate commits.

    ``min(1, 8 / files) * min(1, 10 / candidates)``: a fix traced through 16 files to 20
    commits weighs 0.5 * 0.5 = 0.25, so none of its candidates reads as certain.
    """
    f = min(1.0, FOCUSED_FILES / files_traced) if files_traced else 1.0
    c = min(1.0, FOCUSED_CANDIDATES / candidates) if candidates else 1.0
    return f * c


def mark_recency_window(candidates: Sequence[Candidate], fix_time: datetime) -> None:
    """Keep the candidates committed close to the fix's most recent one.

    A candidate is in the window when its lag behind the fix is at most twice the
    smallest lag among the fix's candidates, plus 30 days. R-SZZ (blame only the most
    recent candidate) is the most precise single choice in Rosa et al. (ICSE 2021); the
    window keeps its precision without dropping a second cause made the same weeks.
    """
    if not candidates:
        return
    lags = [max(0.0, (fix_time - c.committed_at).total_seconds()) for c in candidates]
    limit = 2 * min(lags) + RECENCY_SLACK_S
    for candidate, lag in zip(candidates, lags, strict=True):
        candidate.in_window = lag <= limit
