"""The AI-assisted quality split: same definitions over AI-assisted PRs, minimum group size."""

from __future__ import annotations

import pytest

import metrics
from tests.metrics.builders import t

AS_OF = t(31)


def build(store, authors: int, ai_prs: int):
    logins = [f"dev{i}" for i in range(authors)]
    for login in [*logins, "rev"]:
        store.person(login)
    number = 0
    for i in range(ai_prs):
        number += 1
        pr = store.pr(
            number,
            created=t(2, 9),
            merged=t(2, 10),
            author=logins[i % authors],
            ai=True,
            additions=300,
        )
        # the first two AI PRs are rubber-stamped; all others carry review comments
        store.review(pr, "rev", t(2, 9 + 1 / 60), body_empty=i < 2)
    for i in range(2):  # two non-AI PRs, reviewed with care
        number += 1
        pr = store.pr(number, created=t(2, 9), merged=t(2, 10), author=logins[i % authors])
        store.review(pr, "rev", t(2, 9.5), body_empty=False)
    # AI PRs 1 and 2 each introduced a defect; non-AI PR 11 (or the first non-AI) too
    store.defect(100, reported=t(3), body="caused by #1")
    store.defect(101, reported=t(3), body="caused by #2")
    store.defect(102, reported=t(3), body=f"caused by #{ai_prs + 1}")
    return store.write()


def test_split_shown_with_five_authors_and_ten_ai_prs(store):
    row = metrics.compute(build(store, 5, 10), as_of=AS_OF).iloc[0]
    # 12 PRs, 3 defects -> group 0.25; AI: 2 defects over 10 AI PRs = 0.2
    assert row["defect_rate"] == pytest.approx(3 / 12)
    assert row["ai_defect_rate"] == pytest.approx(0.2)
    assert row["ai_change_failure_rate"] == pytest.approx(0.2)
    # AI reviewed 10, stamped 2 -> 0.2; overall 2 of 12
    assert row["ai_rubber_stamp_rate"] == pytest.approx(0.2)
    assert row["rubber_stamp_rate"] == pytest.approx(2 / 12)
    assert row["ai_split_coverage"] == "enough data"


@pytest.mark.parametrize(("authors", "ai_prs"), [(4, 10), (5, 9)])
def test_split_null_below_minimum(store, authors, ai_prs):
    row = metrics.compute(build(store, authors, ai_prs), as_of=AS_OF).iloc[0]
    assert row[["ai_defect_rate", "ai_change_failure_rate", "ai_rubber_stamp_rate"]].isna().all()
    assert row["ai_split_coverage"] == "too little data"


def test_split_never_reveals_how_many_prs_were_ai_assisted(store):
    frame = metrics.compute(build(store, 5, 10), as_of=AS_OF)
    assert not [
        c
        for c in frame.columns
        if "ai" in c.split("_") and "rate" not in c and c != "ai_split_coverage"
    ]


def test_person_grouping_never_shows_the_split(store):
    frame = metrics.compute(build(store, 5, 10), as_of=AS_OF, by="person")
    assert frame["ai_defect_rate"].isna().all()
    assert list(frame["group"]) == sorted(frame["group"])  # by name, never by a metric
