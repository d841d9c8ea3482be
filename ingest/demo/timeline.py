"""Ingest layer (demo): when things happen to a pull request, vectorised over many PRs.

Pure numpy; no store, no metric. Given a batch of PRs (kind, team, day, creation time, size,
whether it gets a rubber stamp) it draws the first commit, the draft period, the first
review and its outcome, dismissals, the final approval and the merge — the raw facts from
which METRICS.md's cycle time, pickup and review times follow.
"""

from __future__ import annotations

import numpy as np

from ingest.demo import org

H = float(org.HOUR_S)
MIN = 60.0

# PR kinds.
BASE, FIX, REVERT, BOT, GHOST = 0, 1, 2, 3, 4
# Review states of the first review.
APPROVED, CHANGES_REQUESTED, COMMENTED = 0, 1, 2
STATE_NAMES = np.array(["APPROVED", "CHANGES_REQUESTED", "COMMENTED"], dtype=object)

# Per kind (BASE, FIX, REVERT, BOT, GHOST).
P_DRAFT = np.array([0.15, 0.05, 0.0, 0.0, 0.15])
PICKUP_MEDIAN_H = np.array([2.5, 1.0, 0.3, 20.0, 2.5])
P_UNREVIEWED = np.array([0.03, 0.05, 0.4, 0.5, 0.03])
P_CLOSED = np.array([0.03, 0.0, 0.03, 0.2, 0.0])
P_ABANDONED = np.array([0.012, 0.0, 0.0, 0.04, 0.0])  # left open, never merged
FIRST_STATE_P = np.array(
    [[0.58, 0.18, 0.24], [0.7, 0.1, 0.2], [0.9, 0.0, 0.1], [0.9, 0.0, 0.1], [0.58, 0.18, 0.24]]
)
P_DISMISS_CR = 0.05  # a CHANGES_REQUESTED review dismissed, then merged without re-review
P_STALE = 0.015  # an approval dismissed as stale after new commits, then re-approved


def lognormal(
    rng: np.random.Generator, median: np.ndarray | float, sigma: float, n: int
) -> np.ndarray:
    """Lognormal draws with the given median(s)."""
    return np.asarray(median) * np.exp(sigma * rng.standard_normal(n))


def timeline(
    rng: np.random.Generator,
    kind: np.ndarray,
    created: np.ndarray,
    cycle: np.ndarray,
    rubber: np.ndarray,
) -> dict[str, np.ndarray]:
    """Draw every PR's timeline (seconds since the epoch, float).

    Args:
        kind: PR kind per PR (BASE, FIX, REVERT, BOT, GHOST).
        created: creation time per PR.
        cycle: the team's cycle-time multiplier on the PR's day (the dip, the speed-up).
        rubber: the PR gets a rubber-stamp approval (fast, empty, no comments).

    Returns:
        first_commit, ready, is_opened_as_draft, reviewed, first_state, t1 (first review),
        dismiss ('' / 'cr' / 'stale' as 0/1/2), t_dismiss, t2 (re-approval, nan if none),
        done (merge or close time), is_closed (closed without merge), merged_ok (merged by
        END), is_open.
    """
    n = len(kind)
    before = rng.random(n) < np.where((kind == REVERT) | (kind == BOT), 1.0, 0.8)
    lead = np.where(
        (kind == REVERT) | (kind == BOT),
        rng.uniform(1, 5, n) * MIN,
        lognormal(rng, 3 * H, 1.0, n) * cycle,
    )
    first_commit = np.where(before, created - lead, created + rng.uniform(2, 30, n) * MIN)
    draft = rng.random(n) < P_DRAFT[kind]
    ready = created + np.where(draft, lognormal(rng, 16 * H, 0.8, n) * cycle, 0.0)
    reviewed = rubber | (rng.random(n) >= P_UNREVIEWED[kind])
    pickup = np.where(
        rubber,
        rng.uniform(1, 9, n) * MIN,
        lognormal(rng, PICKUP_MEDIAN_H[kind] * H, 1.1, n) * cycle,
    )
    t1 = ready + pickup
    cum = FIRST_STATE_P[kind].cumsum(axis=1)
    u = rng.random(n)
    first_state = np.where(
        u < cum[:, 0], APPROVED, np.where(u < cum[:, 1], CHANGES_REQUESTED, COMMENTED)
    )
    first_state = np.where(rubber, APPROVED, first_state)
    rework = (
        np.where(
            first_state == CHANGES_REQUESTED,
            lognormal(rng, 6 * H, 0.8, n),
            lognormal(rng, 2 * H, 0.8, n),
        )
        * cycle
    )
    v = rng.random(n)
    dismiss = np.zeros(n, dtype=np.int8)
    dismiss[reviewed & (first_state == CHANGES_REQUESTED) & (v < P_DISMISS_CR)] = 1
    dismiss[reviewed & (first_state == APPROVED) & ~rubber & (v < P_STALE)] = 2
    t_dismiss = np.where(dismiss == 1, t1 + rework * 0.5, t1 + rework)
    t_dismiss = np.where(dismiss > 0, t_dismiss, np.nan)
    needs_second = reviewed & (((first_state != APPROVED) & (dismiss != 1)) | (dismiss == 2))
    t2 = np.where(
        needs_second,
        np.where(dismiss == 2, t_dismiss + lognormal(rng, 1 * H, 0.8, n), t1 + rework),
        np.nan,
    )
    last = np.where(needs_second, t2, np.where(dismiss == 1, t_dismiss, t1))
    merge_delay = np.where(
        rubber, lognormal(rng, 0.4 * H, 0.8, n), lognormal(rng, 1.2 * H, 1.0, n) * cycle
    )
    done = np.where(reviewed, last, ready) + np.where(
        reviewed, merge_delay, lognormal(rng, 2 * H, 1.0, n) * cycle
    )
    # A commit authored after opening the PR still predates the first review and the merge.
    first_commit = np.where(
        before, first_commit, np.minimum(first_commit, np.minimum(t1, done) - 60.0)
    )
    first_commit = np.maximum(first_commit, np.where(before, -np.inf, created - 3600.0))
    end = float(org.END_S)
    w = rng.random(n)
    is_closed = (w < P_CLOSED[kind]) & (done <= end)
    abandoned = (w >= P_CLOSED[kind]) & (w < P_CLOSED[kind] + P_ABANDONED[kind])
    merged_ok = ~is_closed & ~abandoned & (done <= end)
    return {
        "first_commit": np.minimum(first_commit, end),
        "ready": ready,
        "is_opened_as_draft": draft,
        "reviewed": reviewed,
        "first_state": first_state,
        "t1": t1,
        "dismiss": dismiss,
        "t_dismiss": t_dismiss,
        "t2": t2,
        "done": done,
        "is_closed": is_closed,
        "merged_ok": merged_ok,
        "is_open": ~is_closed & ~merged_ok,
    }
