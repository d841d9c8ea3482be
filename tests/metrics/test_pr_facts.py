"""Golden numbers of the per-PR facts: start, cycle time and its phases, team, bots, ghosts."""

from __future__ import annotations

import math

import pytest

import metrics
from tests.metrics.builders import t

AS_OF = t(31)


def facts(store, as_of=AS_OF):
    path = store.write()
    return metrics.pr_facts(path, as_of).set_index("pr_id")


def test_phases_drafts_self_review_bots_and_late_reviews(store):
    store.person("alice").person("bob").person("carol")
    store.person("review-bot", None, is_bot=True)
    # PR 1: first commit 08:00, opened as draft 09:00, ready 11:00, bob reviews 13:00,
    # merged 17:00 -> cycle 9h, coding 3h, pickup 2h, review 4h
    p1 = store.pr(1, created=t(2, 9), merged=t(2, 17), first_commit=t(2, 8), draft_ready=t(2, 11))
    store.review(p1, "bob", t(2, 13), "COMMENTED")
    # PR 2: self-review, a bot's review, a PENDING one and a review after the merge count
    # for nothing -> unreviewed; no commits recorded -> start = created; cycle 3h
    p2 = store.pr(2, created=t(3, 9), merged=t(3, 12))
    store.review(p2, "alice", t(3, 10))
    store.review(
        p2,
        "review-bot",
        t(
            3,
            10,
        ),
        "COMMENTED",
    )
    store.review(p2, "dependabot[bot]", t(3, 10.5))
    store.review(p2, "carol", t(3, 11), "PENDING")
    store.review(p2, "bob", t(3, 13))
    # PR 3: carol reviews the draft at 10:00, before it is ready at 12:00 -> pickup -2h
    p3 = store.pr(3, created=t(4, 9), merged=t(4, 14), draft_ready=t(4, 12))
    store.review(p3, "carol", t(4, 10), "CHANGES_REQUESTED")
    # PR 4: a commit authored after the PR was opened: start = created 09:00, cycle 2h
    p4 = store.pr(4, created=t(5, 9), merged=t(5, 11), first_commit=t(5, 10))
    # PR 5: review exactly at the merge second counts (auto-merge on approval)
    p5 = store.pr(5, created=t(6, 9), merged=t(6, 10))
    store.review(p5, "bob", t(6, 10))
    f = facts(store)

    assert f.loc[
        p1, ["cycle_time_h", "coding_time_h", "pickup_time_h", "review_time_h"]
    ].tolist() == [
        9.0,
        3.0,
        2.0,
        4.0,
    ]
    assert f.loc[p1, "start_at"] == t(2, 8)
    assert f.loc[p2, "cycle_time_h"] == 3.0
    assert f.loc[p2, "coding_time_h"] == 0.0
    assert not f.loc[p2, "is_reviewed"]
    assert math.isnan(f.loc[p2, "pickup_time_h"]) and math.isnan(f.loc[p2, "review_time_h"])
    # 12:00 ready - 09:00 start = 3h coding; 10:00 review - 12:00 ready = -2h pickup
    assert f.loc[
        p3, ["cycle_time_h", "coding_time_h", "pickup_time_h", "review_time_h"]
    ].tolist() == [
        5.0,
        3.0,
        -2.0,
        4.0,
    ]
    assert f.loc[p4, "cycle_time_h"] == 2.0
    assert f.loc[p5, "is_reviewed"] and f.loc[p5, "review_time_h"] == 0.0

    agg = metrics.compute(store.path, as_of=AS_OF).iloc[0]
    # cycle [1, 2, 3, 5, 9]: median 3; p90 at rank 3.6 -> 5 + 0.6 * (9 - 5) = 7.4
    assert agg["cycle_time_p50_h"] == 3.0
    assert agg["cycle_time_p90_h"] == pytest.approx(7.4)
    # coding [3, 0, 3, 0, 0] -> median 0; pickup [2, -2, 1] -> median 1
    assert agg["coding_time_p50_h"] == 0.0
    assert agg["pickup_time_p50_h"] == 1.0
    # review [4, 4, 0] -> 4
    assert agg["review_time_p50_h"] == 4.0
    # unreviewed: PRs 2 and 4 of 5
    assert agg["unreviewed_merge_rate"] == pytest.approx(2 / 5)


def test_negative_pickup_is_kept_per_pr_and_floored_in_aggregates(store):
    store.person("alice").person("bob")
    p = store.pr(1, created=t(2, 9), merged=t(2, 15), draft_ready=t(2, 12))
    store.review(p, "bob", t(2, 10))  # a review of the draft, 2h before ready
    assert facts(store).loc[p, "pickup_time_h"] == -2.0
    agg = metrics.compute(store.path, as_of=AS_OF).iloc[0]
    assert agg["pickup_time_p50_h"] == 0.0  # median -2h floored at 0


def test_draft_without_ready_event_and_not_a_draft(store):
    store.person("alice")
    # opened as draft but no ready event recorded: ready_at falls back to created_at
    p1 = store.pr(1, created=t(2, 9), merged=t(2, 12), opened_as_draft=True, first_commit=t(2, 7))
    f = facts(store)
    assert f.loc[p1, "ready_at"] == t(2, 9)
    assert f.loc[p1, "coding_time_h"] == 2.0  # 09:00 - 07:00


def test_team_at_merge_ghosts_bots_and_unmapped(store):
    store.person("alice", "Payments", valid_to="2026-03-04")
    store.person("alice", "Platform", valid_from="2026-03-04")
    store.person("renovate", None, is_bot=True)
    store.owns("Mobile", "acme/app")
    a1 = store.pr(1, created=t(3, 9), merged=t(3, 23))  # 3 March: Payments
    a2 = store.pr(
        2, created=t(3, 9), merged=t(4, 0)
    )  # 4 March 00:00: Platform (valid_to exclusive)
    g1 = store.pr(3, created=t(3, 9), merged=t(3, 10), author="ghost")  # ghost -> repo owner
    g2 = store.pr(4, created=t(3, 9), merged=t(3, 10), author="ghost", repo="acme/other")
    z = store.pr(5, created=t(3, 9), merged=t(3, 10), author="zed")  # not in any team
    store.pr(6, created=t(3, 9), merged=t(3, 10), author="dependabot[bot]")
    store.pr(7, created=t(3, 9), merged=t(3, 10), author="renovate")  # people.is_bot
    store.pr(8, created=t(3, 9), merged=t(3, 10), author="github-actions", author_bot=True)
    store.pr(9, created=t(3, 9), merged=None)  # never merged
    f = facts(store)
    assert sorted(f.index) == sorted([a1, a2, g1, g2, z])
    assert f.loc[a1, "team"] == "Payments"
    assert f.loc[a2, "team"] == "Platform"
    assert f.loc[g1, "team"] == "Mobile"
    assert f.loc[g2, "team"] == "Unassigned"
    assert f.loc[z, "team"] == "Unassigned"
    rows = metrics.compute(store.path, as_of=AS_OF)
    assert dict(zip(rows["group"], rows["merged_prs"], strict=True)) == {
        "Mobile": 1,
        "Payments": 1,
        "Platform": 1,
        "Unassigned": 2,
    }


def test_merge_exactly_at_as_of_exists_and_a_second_later_does_not(store):
    store.person("alice")
    store.pr(1, created=t(2, 9), merged=t(2, 12))
    store.pr(2, created=t(2, 9), merged=t(2, 12) + __import__("datetime").timedelta(seconds=1))
    assert len(facts(store, as_of=t(2, 12))) == 1
    assert len(facts(store, as_of=t(2, 13))) == 2
