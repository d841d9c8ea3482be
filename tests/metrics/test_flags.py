"""Red flags: each computed from data, explained in a sentence, with linked evidence."""

from __future__ import annotations

from datetime import date

import metrics
from tests.metrics.builders import t

AS_OF = t(1, month=6)


def kinds(flags):
    return [(f.dimension, f.kind, f.group, f.period, f.is_transition_dip) for f in flags]


def test_responsibility_flags_with_evidence(store):
    store.person("alice").person("bob")
    # March: 5 PRs; 2 unreviewed (PRs 1, 2) -> 40% >= 10%
    store.pr(
        1,
        created=t(2, 9),
        merged=t(2, 10),
        check_state="FAILURE",
        failing_checks=["Snyk security scan"],
    )  # unreviewed + security bypass
    store.pr(2, created=t(2, 9), merged=t(2, 10))
    p3 = store.pr(3, created=t(2, 9), merged=t(2, 12))
    cr = store.review(p3, "bob", t(2, 10), "DISMISSED")
    store.event(p3, "review_dismissed", t(2, 11), previous="CHANGES_REQUESTED", review_id=cr)
    for n in (4, 5):
        p = store.pr(n, created=t(2, 9), merged=t(2, 12))
        store.review(p, "bob", t(2, 11), body_empty=False)
    flags = metrics.red_flags(store.write(), AS_OF, "month")
    assert kinds(flags) == [
        ("Responsibility", "dismissed_review_merges", "Payments", "2026-03", False),
        ("Responsibility", "security_bypass_merges", "Payments", "2026-03", False),
        ("Responsibility", "unreviewed_merges", "Payments", "2026-03", False),
    ]
    by_kind = {f.kind: f for f in flags}
    assert [e.id for e in by_kind["unreviewed_merges"].evidence] == ["acme/app#1", "acme/app#2"]
    assert "2 of 5 PRs" in by_kind["unreviewed_merges"].sentence
    assert by_kind["security_bypass_merges"].evidence[0].url == "https://github.com/acme/app/pull/1"
    assert [e.id for e in by_kind["dismissed_review_merges"].evidence] == ["acme/app#3"]


def test_rubber_stamping_needs_three_stamps_and_a_quarter(tmp_path):
    from tests.metrics.builders import StoreBuilder

    for stamps, expected in ((2, False), (3, True)):
        b = StoreBuilder(tmp_path / f"s{stamps}.duckdb")
        b.person("alice").person("bob")
        for n in range(1, 7):  # 6 reviewed PRs of 300 lines; `stamps` of them bare and fast
            p = b.pr(n, created=t(2, 9), merged=t(2, 12), additions=300)
            b.review(p, "bob", t(2, 9.05), body_empty=n <= stamps)
        flags = [f for f in metrics.red_flags(b.write(), AS_OF) if f.kind == "rubber_stamping"]
        assert bool(flags) is expected
        if expected:
            assert flags[0].dimension == "Code Quality"
            assert "3 of 6 reviewed PRs" in flags[0].sentence
            assert [e.id for e in flags[0].evidence] == ["acme/app#1", "acme/app#2", "acme/app#3"]


def _month(store, month, n_prs, n_defects, start=1, day=2):
    for i in range(n_prs):
        number = start + i
        p = store.pr(number, created=t(day, 9, month), merged=t(day, 12, month))
        store.review(p, "bob", t(day, 10, month), body_empty=False)
        if i < n_defects:
            store.defect(1000 + number, reported=t(day + 1, 0, month), body=f"caused by #{number}")
    return start + n_prs


def test_volume_bought_with_quality(store):
    store.person("alice").person("bob")
    nxt = _month(store, 2, 5, 1)  # February: 5 PRs, 1 defect -> 0.2
    _month(store, 3, 10, 4, start=nxt)  # March: 10 PRs (+100%), 4 defects -> 0.4 (+100%)
    flags = [f for f in metrics.red_flags(store.write(), AS_OF) if f.dimension == "Productivity"]
    assert kinds(flags) == [("Productivity", "volume_over_quality", "Payments", "2026-03", False)]
    assert "100% more than in 2026-02" in flags[0].sentence
    assert "0.200 → 0.400" in flags[0].sentence
    assert flags[0].n_evidence == 4  # the March PRs that failed


def test_no_quality_flag_on_a_period_whose_defects_are_mostly_untraced(store):
    store.person("alice").person("bob").owns("Payments")  # untraced defects: Payments'
    nxt = _month(store, 2, 5, 1)  # February: 5 PRs, 1 defect -> 0.2
    _month(store, 3, 10, 4, start=nxt)  # March: 10 PRs, 4 traced defects -> 0.4 (+100%)
    for n in range(5):  # and 5 March defects naming nothing: 4 of 9 traced = 44% < 50%
        store.defect(2000 + n, reported=t(10, 0, 3), body="Something is off")
    flags = [f for f in metrics.red_flags(store.write(), AS_OF) if f.dimension == "Productivity"]
    # the volume rose, but the defect rate of March is not traceable: no flag is raised on it
    assert flags == []


def test_volume_up_with_steady_quality_is_no_flag(store):
    store.person("alice").person("bob")
    nxt = _month(store, 2, 5, 1)
    _month(store, 3, 10, 2, start=nxt)  # 0.2 -> 0.2
    assert not [f for f in metrics.red_flags(store.write(), AS_OF) if f.dimension == "Productivity"]


def test_transition_dip_is_shown_as_such_never_as_a_flag(store):
    store.person("alice").person("bob")
    store.teams[0]["ai_adoption_date"] = date(2026, 3, 2)
    nxt = _month(store, 2, 10, 0)  # February: 10 PRs
    nxt = _month(store, 3, 5, 0, start=nxt)  # March (adoption + 4 weeks): 5 PRs, -50%
    _month(store, 4, 5, 0, start=nxt, day=6)  # April: after the window, no dip note
    flags = metrics.red_flags(store.write(), AS_OF)
    assert kinds(flags) == [("Productivity", "transition_dip", "Payments", "2026-03", True)]
    assert "expected" in flags[0].sentence and "not a red flag" in flags[0].sentence


def test_volume_compared_with_pre_adoption_baseline_after_the_window(store):
    store.person("alice").person("bob")
    store.teams[0]["ai_adoption_date"] = date(2026, 3, 2)
    nxt = _month(store, 1, 5, 1)  # January 0.2
    nxt = _month(store, 2, 5, 1, start=nxt)  # February 0.2 -> baseline 5 PRs, 0.2
    nxt = _month(store, 3, 5, 1, start=nxt)  # March: in the transition window
    nxt = _month(store, 4, 6, 1, start=nxt)  # April: +20%, 0.167: no flag
    _month(store, 5, 10, 5, start=nxt)  # May: +100% on the baseline, 0.5 (+150%)
    flags = [f for f in metrics.red_flags(store.write(), AS_OF) if not f.is_transition_dip]
    assert kinds(flags) == [("Productivity", "volume_over_quality", "Payments", "2026-05", False)]
    assert "before AI adoption (2026-01 to 2026-02)" in flags[0].sentence


def test_ai_defect_rate_above_the_team_for_two_periods(store):
    authors = [f"dev{i}" for i in range(5)]
    for login in [*authors, "rev"]:
        store.person(login)
    number = 0
    for month in (3, 4):
        for i in range(12):  # 10 AI-assisted PRs, 2 not; 2 defects on AI PRs
            number += 1
            p = store.pr(
                number,
                created=t(2, 9, month),
                merged=t(2, 12, month),
                author=authors[i % 5],
                ai=i < 10,
            )
            store.review(p, "rev", t(2, 10, month), body_empty=False)
            if i in (0, 1):
                store.defect(500 + number, reported=t(3, 0, month), body=f"caused by #{number}")
    flags = metrics.red_flags(store.write(), AS_OF)
    # AI 2/10 = 0.20 > team 2/12 = 0.17 in March and in April
    assert kinds(flags) == [
        ("Code Quality", "ai_defect_rate_above_team", "Payments", "2026-04", False)
    ]
    assert "0.20 and 0.20 defects per PR" in flags[0].sentence
    # the AI-assisted PRs with defects, each followed by its defect, linked
    assert [(e.kind, e.id) for e in flags[0].evidence] == [
        ("pr", "acme/app#1"),
        ("defect", "acme/app#501"),
        ("pr", "acme/app#2"),
        ("defect", "acme/app#502"),
        ("pr", "acme/app#13"),
        ("defect", "acme/app#513"),
        ("pr", "acme/app#14"),
        ("defect", "acme/app#514"),
    ]
    assert flags[0].n_evidence == 4
    assert "defects: acme/app#501" in flags[0].evidence[0].note
    assert flags[0].evidence[1].url == "https://github.com/acme/app/issues/501"


def test_unreadable_dimensions_point_to_assessments():
    dims = metrics.unreadable_dimensions()
    assert [d for d, _ in dims] == ["Judgment", "Collaboration", "Growth"]
    assert all("competency assessments" in why for _, why in dims)


def test_since_limits_the_periods(store):
    store.person("alice")
    store.pr(1, created=t(2, 9), merged=t(2, 10))
    store.pr(2, created=t(2, 9), merged=t(2, 10))
    path = store.write()
    assert metrics.red_flags(path, AS_OF)
    assert metrics.red_flags(path, AS_OF, since=date(2026, 4, 1)) == []
