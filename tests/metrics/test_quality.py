"""Golden numbers of defects, fixes, reverts, QACT, failed(p) and their aggregates."""

from __future__ import annotations

import pytest

import metrics
from tests.metrics.builders import t

AS_OF = t(10)  # 2026-03-10 00:00 UTC


def build_story(store):
    store.person("alice").person("bob")
    store.owns("Payments")
    # PR 1: 8h cycle
    store.pr(1, created=t(2, 9), merged=t(2, 17), title="Add cache")
    # PR 2 fixes defects 10 and 12 (a keyword closes the one reference after it): 3h cycle
    store.pr(2, created=t(3, 9), merged=t(3, 12), author="bob", body="Fixes #10 and fixes #12")
    # PR 3 reverts PR 1 by title: 1h cycle
    store.pr(3, created=t(4, 9), merged=t(4, 10), title='Revert "Add cache"')
    # PR 4: 2h cycle
    store.pr(4, created=t(5, 9), merged=t(5, 11))
    # PR 5 also fixes #10, later than PR 2: not the earliest fix, so no follow-up. 4h
    store.pr(5, created=t(6, 9), merged=t(6, 13), body="closes: #10")
    # defect 10: caused by PR 1, fixed by PR 2 (earliest) -> repair 3h
    store.defect(10, reported=t(3, 0), title="Crash on login", body="Caused by #1")
    # defect 11: names PRs 1 and 4, unresolved: repair = 10 Mar 00:00 - 3 Mar 06:00 = 162h
    store.defect(11, reported=t(3, 6), body="Regression from #1 and acme/app#4")
    # defect 12: says PR 2 introduced it, but PR 2 fixes it: fixing is not causing.
    # Not attributed; repair = PR 2's 3h cycle
    store.defect(12, reported=t(3, 7), body="introduced by #2")
    return store.write()


def test_qact_follow_ups_and_unfixed_repair(store):
    path = build_story(store)
    f = metrics.pr_facts(path, AS_OF).set_index("pr_id")
    # 8h cycle + 3h fix PR 2 + 1h revert PR 3 + 162h open defect 11 = 174h
    assert f.loc["acme/app#1", "qact_h"] == 174.0
    # 2h cycle + 162h open defect 11 = 164h
    assert f.loc["acme/app#4", "qact_h"] == 164.0
    assert f.loc["acme/app#2", "qact_h"] == 3.0  # never attributed defect 12 it fixes
    assert f["is_failed"].to_dict() == {
        "acme/app#1": True,
        "acme/app#2": False,
        "acme/app#3": False,
        "acme/app#4": True,
        "acme/app#5": False,
    }
    assert f.loc["acme/app#1", "n_defects"] == 2 and f.loc["acme/app#1", "n_reverts"] == 1
    d = metrics.defect_facts(path, AS_OF).set_index("defect_id")
    assert d["repair_time_h"].to_dict() == {
        "acme/app#10": 3.0,
        "acme/app#11": 162.0,
        "acme/app#12": 3.0,
    }
    assert d.loc["acme/app#10", "fix_pr_id"] == "acme/app#2"
    assert d["is_attributed"].tolist() == [True, True, False]
    assert d.loc["acme/app#11", "n_attributed_prs"] == 2


def test_aggregates_of_the_story(store):
    path = build_story(store)
    row = metrics.compute(path, as_of=AS_OF).iloc[0]
    assert (row["group"], row["period"], row["merged_prs"]) == ("Payments", "2026-03", 5)
    # cycle [8, 3, 1, 2, 4] -> sorted [1, 2, 3, 4, 8]: median 3, p90 = 4 + 0.6 * 4 = 6.4
    assert row["cycle_time_p50_h"] == 3.0
    assert row["cycle_time_p90_h"] == pytest.approx(6.4)
    # qact [174, 3, 1, 164, 4] -> sorted [1, 3, 4, 164, 174]: median 4, p90 = 164 + 0.6*10
    assert row["qact_p50_h"] == 4.0
    assert row["qact_p90_h"] == pytest.approx(170.0)
    # Σ qact 346 / Σ cycle 18 - 1
    assert row["quality_tax"] == pytest.approx(346 / 18 - 1)
    # pairs (10, PR1), (11, PR1), (11, PR4) over 5 PRs
    assert row["defect_rate"] == pytest.approx(3 / 5)
    assert row["change_failure_rate"] == pytest.approx(2 / 5)
    assert row["defects_reported"] == 3
    assert row["repair_time_p50_h"] == 3.0  # [3, 162, 3]
    assert row["n_attributed_defects"] == 2
    assert row["defect_attribution_rate"] == pytest.approx(2 / 3)


def test_quality_tax_split_into_follow_ups_and_defects_without_a_fix(store):
    path = build_story(store)
    f = metrics.pr_facts(path, AS_OF).set_index("pr_id")
    # PR 1: follow-ups fix PR 2 (3h) + revert PR 3 (1h) = 4h; open defect 11: 162h
    assert (f.loc["acme/app#1", "follow_up_h"], f.loc["acme/app#1", "open_defect_h"]) == (4, 162)
    # PR 4: no follow-up (defect 11 has no fix PR); open defect 11: 162h
    assert (f.loc["acme/app#4", "follow_up_h"], f.loc["acme/app#4", "open_defect_h"]) == (0, 162)
    assert (f["qact_h"] == f["cycle_time_h"] + f["follow_up_h"] + f["open_defect_h"]).all()
    row = metrics.compute(
        path,
        as_of=AS_OF,
        metric_ids=["quality_tax", "quality_tax_follow_up", "quality_tax_open_defects"],
    ).iloc[0]
    # Σ follow-ups 4h / Σ cycle 18h; Σ open repair 162h + 162h = 324h / 18h
    assert row["quality_tax_follow_up"] == pytest.approx(4 / 18)
    assert row["quality_tax_open_defects"] == pytest.approx(324 / 18)
    # the parts sum to the tax: (4 + 324) / 18 = 346 / 18 - 1
    assert row["quality_tax_follow_up"] + row["quality_tax_open_defects"] == pytest.approx(
        row["quality_tax"]
    )


def test_an_earlier_as_of_sees_less(store):
    path = build_story(store)
    # 3 March 03:00: PR 1 merged, defect 10 reported, PR 2 (its fix) not yet merged:
    # 8h cycle + (03:00 - 00:00) open repair = 11h
    f = metrics.pr_facts(path, t(3, 3)).set_index("pr_id")
    assert list(f.index) == ["acme/app#1"]
    assert f.loc["acme/app#1", "qact_h"] == 11.0
    # the defect reported exactly at the as-of exists
    d = metrics.defect_facts(path, t(3, 6))
    assert "acme/app#11" in set(d["defect_id"])


def test_resolved_defect_without_fix_pr(store):
    store.person("alice")
    store.pr(1, created=t(2, 9), merged=t(2, 10))  # 1h
    store.defect(20, reported=t(3, 0), resolved=t(3, 5), body="Broken by: #1")
    path = store.write()
    # resolved after 5h, no fix PR: 1h + 5h = 6h
    assert metrics.pr_facts(path, AS_OF)["qact_h"].tolist() == [6.0]
    # as of 3 March 02:00 it is still open: 1h + 2h = 3h
    assert metrics.pr_facts(path, t(3, 2))["qact_h"].tolist() == [3.0]
    d = metrics.defect_facts(path, t(3, 2))
    assert d["resolved_at"].isna().all()


def test_revert_by_body_and_by_title_picks_latest_earlier_pr(store):
    store.person("alice")
    store.pr(1, created=t(2, 9), merged=t(2, 10), title="Bump parser")
    store.pr(2, created=t(3, 9), merged=t(3, 10), title="Bump parser")  # latest before revert
    store.pr(3, created=t(4, 9), merged=t(4, 11), title='Revert "Bump parser"')  # 2h
    store.pr(4, created=t(5, 9), merged=t(5, 10), title="Bump parser")  # after the revert
    # PR 5: GitHub's revert button body names PR 4: 3h
    store.pr(5, created=t(6, 9), merged=t(6, 12), title="Undo", body="Reverts acme/app#4")
    # a bot's revert is nobody's follow-up
    store.pr(
        6, created=t(6, 9), merged=t(6, 12), title='Revert "Bump parser"', author="dependabot[bot]"
    )
    path = store.write()
    f = metrics.pr_facts(path, AS_OF).set_index("pr_id")
    assert f["n_reverts"].to_dict() == {
        "acme/app#1": 0,
        "acme/app#2": 1,
        "acme/app#3": 0,
        "acme/app#4": 1,
        "acme/app#5": 0,
    }
    assert f.loc["acme/app#2", "qact_h"] == 1.0 + 2.0
    assert f.loc["acme/app#4", "qact_h"] == 1.0 + 3.0
    # as of before the revert merged, PR 2 has not failed
    g = metrics.pr_facts(path, t(4, 10)).set_index("pr_id")
    assert not g.loc["acme/app#2", "is_failed"]


def test_a_pr_fixing_two_defects_and_reverting_counts_once(store):
    store.person("alice")
    store.pr(1, created=t(2, 9), merged=t(2, 17))  # 8h
    # PR 2 fixes both of PR 1's defects and reverts it: one 3h follow-up
    store.pr(2, created=t(3, 9), merged=t(3, 12), body="Reverts acme/app#1\n\nFixes #10, fixes #11")
    store.defect(10, reported=t(3, 0), body="caused by #1")
    store.defect(11, reported=t(3, 1), body="Caused by https://github.com/acme/app/pull/1")
    path = store.write()
    f = metrics.pr_facts(path, AS_OF).set_index("pr_id")
    assert f.loc["acme/app#1", "qact_h"] == 8.0 + 3.0
    assert f.loc["acme/app#1", "n_defects"] == 2
    row = metrics.compute(path, as_of=AS_OF).iloc[0]
    assert row["defect_rate"] == 1.0  # 2 pairs / 2 PRs


def test_defect_team_and_defect_only_periods(store):
    store.person("alice", "Payments").person("bob", "Platform")
    store.owns("Mobile", "acme/app")
    store.pr(1, created=t(2, 9), merged=t(2, 10))  # alice, Payments, March
    store.pr(2, created=t(2, 9), merged=t(2, 11), author="bob")  # Platform
    # April: names PR 2 then PR 1: its team follows the earliest merged named PR (PR 1)
    store.defect(30, reported=t(2, 0, month=4), body="caused by #2, #1")
    store.defect(31, reported=t(3, 0, month=4))  # unattributed: repo owner Mobile
    store.defect(32, reported=t(3, 0, month=4), repo=None, key="OPS-7")  # no repo: Unassigned
    path = store.write()
    rows = metrics.compute(path, as_of=t(30, 0, month=4))
    april = rows[rows["period"] == "2026-04"].set_index("group")
    assert april["defects_reported"].to_dict() == {"Mobile": 1, "Payments": 1, "Unassigned": 1}
    # a row with a defect but no merged PR: count 0, rates and percentiles null
    assert (april["merged_prs"] == 0).all()
    assert april["cycle_time_p50_h"].isna().all()
    assert april["defect_rate"].isna().all()
    assert april["change_failure_rate"].isna().all()
    assert april["unreviewed_merge_rate"].isna().all()
    assert april["quality_tax"].isna().all()
    march = rows[rows["period"] == "2026-03"].set_index("group")
    # defect_rate counts pairs by the PR's merge period: March PRs 1 and 2 each have one
    assert march["defect_rate"].to_dict() == {"Payments": 1.0, "Platform": 1.0}


def test_tracker_defects_and_import_links(store):
    store.person("alice")
    store.pr(1, created=t(2, 9), merged=t(2, 10))  # 1h
    store.pr(2, created=t(3, 9), merged=t(3, 11), body="Fixes PAY-12")  # 2h
    store.defect(0, reported=t(3, 0), repo=None, key="PAY-12", title="Refund rounding")
    store.defect_links.append(
        {
            "link_type": "introduced_by",
            "from_id": "PAY-12",
            "target": "acme/app#1",
            "target_repo": "acme/app",
            "target_number": 1,
            "method": "import",
        }
    )
    path = store.write()
    f = metrics.pr_facts(path, AS_OF).set_index("pr_id")
    assert f.loc["acme/app#1", "qact_h"] == 3.0  # 1h + 2h fix
