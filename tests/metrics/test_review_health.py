"""Golden numbers of review health: rubber stamps, dismissed change requests, checks."""

from __future__ import annotations

import pytest

import metrics
from tests.metrics.builders import t

AS_OF = t(31)


def test_rubber_stamps_dismissals_and_failing_checks(store):
    store.person("alice").person("bob").person("carol")
    big = {"additions": 250, "deletions": 50}  # 300 changed lines
    # PR 1: bare approval 5 min after ready on 300 lines -> rubber stamp
    p1 = store.pr(1, created=t(2, 9), merged=t(2, 10), **big)
    store.review(p1, "bob", t(2, 9 + 5 / 60))
    # PR 2: the approval has a body; a stale approval dismissed does not count as a
    # dismissed change request
    p2 = store.pr(2, created=t(2, 9), merged=t(2, 10), **big)
    store.review(p2, "bob", t(2, 9 + 5 / 60), body_empty=False)
    stale = store.review(p2, "carol", t(2, 9 + 6 / 60), "DISMISSED")
    store.event(p2, "review_dismissed", t(2, 9.5), previous="APPROVED", review_id=stale)
    # PR 3: carol requested changes, the request was dismissed, bob approved bare -> not a
    # rubber stamp (a change request existed), and a merge after a dismissed change request
    p3 = store.pr(3, created=t(2, 9), merged=t(2, 10), **big)
    cr = store.review(p3, "carol", t(2, 9 + 2 / 60), "DISMISSED")
    store.event(p3, "review_dismissed", t(2, 9.5), previous="CHANGES_REQUESTED", review_id=cr)
    store.review(p3, "bob", t(2, 9 + 5 / 60))
    # PR 4: fast bare approval on a small change (50 lines) -> not a rubber stamp
    p4 = store.pr(4, created=t(2, 9), merged=t(2, 10), additions=40, deletions=10)
    store.review(p4, "bob", t(2, 9 + 1 / 60))
    # PR 5: unreviewed, merged over a failing CodeQL check -> security bypass
    store.pr(
        5,
        created=t(2, 9),
        merged=t(2, 10),
        check_state="FAILURE",
        failing_checks=["CodeQL / Analyze (python)", "lint"],
    )
    # PR 6: approval 30 min after ready (not within 10), merged with an ERROR lint status
    p6 = store.pr(
        6, created=t(2, 9), merged=t(2, 10), check_state="ERROR", failing_checks=["lint"], **big
    )
    store.review(p6, "bob", t(2, 9.5))
    path = store.write()
    f = metrics.pr_facts(path, AS_OF).set_index("pr_id")
    assert f["is_rubber_stamp"].to_dict() == {
        p1: True,
        p2: False,
        p3: False,
        p4: False,
        "acme/app#5": False,
        p6: False,
    }
    assert (
        f["has_dismissed_change_request"].sum() == 1 and f.loc[p3, "has_dismissed_change_request"]
    )
    row = metrics.compute(path, as_of=AS_OF).iloc[0]
    # reviewed: 1, 2, 3, 4, 6 -> 1 stamp of 5
    assert row["rubber_stamp_rate"] == pytest.approx(1 / 5)
    assert row["unreviewed_merge_rate"] == pytest.approx(1 / 6)
    assert row["dismissed_review_merges"] == 1
    assert row["failing_check_merges"] == 2
    assert row["security_bypass_merges"] == 1


def test_rubber_stamp_window_is_absolute_and_late_change_requests_count(store):
    store.person("alice").person("bob").person("carol")
    big = {"additions": 200}
    # approval on the draft 8 min before it was ready: |Δ| ≤ 10 min -> stamp
    p1 = store.pr(1, created=t(2, 8), merged=t(2, 10), draft_ready=t(2, 9), **big)
    store.review(p1, "bob", t(2, 9 - 8 / 60))
    # bare approval, but a change request after the merge (before as-of) -> not a stamp
    p2 = store.pr(2, created=t(2, 9), merged=t(2, 10), **big)
    store.review(p2, "bob", t(2, 9 + 1 / 60))
    store.review(p2, "carol", t(2, 11), "CHANGES_REQUESTED")
    # inline comments on the approval -> not a stamp
    p3 = store.pr(3, created=t(2, 9), merged=t(2, 10), **big)
    store.review(p3, "bob", t(2, 9 + 1 / 60), inline=2)
    path = store.write()
    f = metrics.pr_facts(path, AS_OF).set_index("pr_id")
    assert f["is_rubber_stamp"].tolist() == [True, False, False]
    # as of before carol's late change request, PR 2 was a rubber stamp
    g = metrics.pr_facts(path, t(2, 10.5)).set_index("pr_id")
    assert g.loc[p2, "is_rubber_stamp"]


def test_no_reviewed_prs_gives_null_rubber_stamp_rate(store):
    store.person("alice")
    store.pr(1, created=t(2, 9), merged=t(2, 10))
    row = metrics.compute(store.write(), as_of=AS_OF).iloc[0]
    assert row["unreviewed_merge_rate"] == 1.0
    assert row["rubber_stamp_rate"] is None or row["rubber_stamp_rate"] != row["rubber_stamp_rate"]


def test_a_review_dismissed_after_the_as_of_keeps_its_submitted_state(store):
    store.person("alice").person("bob").person("carol")
    # carol requested changes at 09:02; it was dismissed on 3 March (after the as-of below);
    # bob's bare fast approval on 300 lines is then not a rubber stamp as of 2 March
    p = store.pr(1, created=t(2, 9), merged=t(2, 10), additions=300)
    cr = store.review(p, "carol", t(2, 9 + 2 / 60), "DISMISSED")
    store.event(p, "review_dismissed", t(3, 9), previous="CHANGES_REQUESTED", review_id=cr)
    store.review(p, "bob", t(2, 9 + 5 / 60))
    path = store.write()
    f = metrics.pr_facts(path, t(2, 12)).set_index("pr_id")
    assert not f.loc[p, "is_rubber_stamp"]
    assert not f.loc[p, "has_dismissed_change_request"]  # dismissed after the merge
