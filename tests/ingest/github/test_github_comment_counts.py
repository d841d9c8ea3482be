"""Inline comment counts are fetched only where they can change a metric (the rubber stamp),
in one follow-up request by review node id, and the metrics come out as if every count
had been fetched."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pandas as pd
import pytest
from fake_github import BASE, FakeGitHub, event, review
from github_testkit import count, make_client

from ingest.github import mapping, pr_batches, sync
from metrics import aggregates, facts
from settings import Settings

AS_OF = "2026-06-01T00:00:00Z"


def _add(fake: FakeGitHub, number: int, reviews: list, *, lines: int = 300, **kw) -> None:
    created = kw.pop("created", BASE + timedelta(days=number))
    fake.add_pr(
        "acme/api",
        number,
        created=created,
        merged=kw.pop("merged", created + timedelta(hours=3)),
        additions=lines - 10,
        deletions=10,
        reviews=reviews,
        **kw,
    )


def at(number: int, minutes: int) -> object:
    return BASE + timedelta(days=number, minutes=minutes)


def populate_stamps(fake: FakeGitHub) -> None:
    """PRs of 300 changed lines (the rubber stamp's threshold is 200) unless said.

    The reviews whose count can matter (an empty-bodied approval, or a dismissed review,
    by someone else than the author and not a bot, on a large merged PR): A1, B1, F3, G1.
    """
    # 1: a bare approval 5 min after ready, no inline comment: a rubber stamp
    _add(fake, 1, [review("A1", login="bob", at=at(1, 5))])
    # 2: the same, but the approval carries 2 inline comments: not a rubber stamp
    _add(fake, 2, [review("B1", login="bob", at=at(2, 5), comments=2)])
    # 3: an approval with a body ("lgtm") and 4 inline comments: never bare
    _add(fake, 3, [review("C1", login="bob", at=at(3, 5), body="lgtm", comments=4)])
    # 4: a bare approval with 1 inline comment of a small change (12 lines)
    _add(fake, 4, [review("D1", login="bob", at=at(4, 5), comments=1)], lines=12)
    # 5: a comment-only review (3 inline comments), then a bare approval with a body
    _add(
        fake,
        5,
        [
            review("E1", login="bob", at=at(5, 3), state="COMMENTED", comments=3),
            review("E2", login="dana", at=at(5, 6), body="ok"),
        ],
    )
    # 6: the author's own approval and a bot's (both with comments, neither counts), and
    # carol's bare approval with none: a rubber stamp
    _add(
        fake,
        6,
        [
            review("F1", login="alice", at=at(6, 2), comments=5),
            review("F2", login="ci-helper", kind="Bot", at=at(6, 3), comments=5),
            review("F3", login="carol", at=at(6, 4)),
        ],
    )
    # 7: a bare approval with 1 inline comment, later dismissed (it was an approval): its
    # count is needed; with it the PR is not a rubber stamp
    _add(
        fake,
        7,
        [review("G1", login="bob", at=at(7, 4), state="DISMISSED", comments=1)],
        timeline=[
            event(
                "ReviewDismissedEvent",
                "G1d",
                at=at(7, 30),
                previousReviewState="APPROVED",
                review={"id": "G1"},
            )
        ],
    )
    # 8: still open: a bare approval with 2 inline comments (not merged: no metric reads it)
    _add(fake, 8, [review("H1", login="bob", at=at(8, 4), comments=2)], state="OPEN", merged=None)
    # 9: a change request (2 comments) then a bare approval: never a rubber stamp
    _add(
        fake,
        9,
        [
            review("I1", login="bob", at=at(9, 3), state="CHANGES_REQUESTED", comments=2),
            review("I2", login="bob", at=at(9, 8), comments=0, body="better"),
        ],
    )


WANTED = {"A1", "B1", "F3", "G1"}


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    with FakeGitHub() as server:
        populate_stamps(server)
        yield server


def run(fake: FakeGitHub, db: Path, config: Settings | None = None) -> sync.SyncSummary:
    client = make_client(fake)
    try:
        return sync.sync_github(client, repos=["acme/api"], db=db, config=config)
    finally:
        client.close()


def test_counts_are_asked_only_for_the_reviews_that_can_matter(
    fake: FakeGitHub, tmp_path: Path
) -> None:
    db = tmp_path / "t.duckdb"
    run(fake, db)
    asked = [s for s in fake.graphql_requests() if s.operation == "FollowUps"]
    assert len(asked) == 1  # one request for the whole batch
    assert set(asked[0].variables) == {"ids_counts0"}  # no PR needs more pages
    assert set(asked[0].variables["ids_counts0"]) == WANTED
    assert len(asked[0].variables["ids_counts0"]) == len(WANTED)
    stored = dict(
        count(db, "select list((review_id, inline_comment_count) order by review_id) from reviews")
    )
    assert {k: v for k, v in stored.items() if v is not None} == {
        "A1": 0,
        "B1": 2,
        "F3": 0,
        "G1": 1,
    }
    # every other review: null (not fetched), never a 0 nobody saw
    assert {k for k, v in stored.items() if v is None} == set(stored) - WANTED


def test_a_lower_threshold_asks_for_the_small_prs_too(fake: FakeGitHub, tmp_path: Path) -> None:
    run(fake, tmp_path / "t.duckdb", config=Settings(rubber_stamp_min_lines=10))
    asked = [s for s in fake.graphql_requests() if s.operation == "FollowUps"]
    assert set(asked[0].variables["ids_counts0"]) == WANTED | {"D1"}


def _every_count(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the sync ask every review's count (what the old PR page query fetched)."""

    def everything(rows: mapping.PullRequestRows, _min_lines: int) -> list[str]:
        return [r["review_id"] for r in rows.reviews]

    monkeypatch.setattr(pr_batches, "comment_counts_wanted", everything)


def test_rubber_stamps_equal_those_of_a_sync_fetching_every_count(
    fake: FakeGitHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cheap = tmp_path / "cheap.duckdb"
    run(fake, cheap)
    full = tmp_path / "full.duckdb"
    with monkeypatch.context() as patched:
        _every_count(patched)
        run(fake, full)
    assert count(full, "select count(*) from reviews where inline_comment_count is null") == 0
    columns = ["pr_id", "is_reviewed", "is_rubber_stamp", "changed_lines"]
    got = facts.pr_facts(cheap, AS_OF)[columns].to_dict("records")
    want = facts.pr_facts(full, AS_OF)[columns].to_dict("records")
    assert got == want
    # golden: PRs 1 and 6 are rubber stamps, no other (2: inline comments, 3: a body,
    # 4: small, 5: a comment-only review, 7: the dismissed approval had a comment, 9: a
    # change request); PR 8 is not merged
    stamped = sorted(r["pr_id"] for r in got if r["is_rubber_stamp"])
    assert stamped == ["acme/api#1", "acme/api#6"]
    # and every aggregate, rubber_stamp_rate included: 2 of the 8 reviewed merged PRs
    for by in ("org", "team"):
        cheap_rows = aggregates.compute(cheap, as_of=AS_OF, period="quarter", by=by)
        full_rows = aggregates.compute(full, as_of=AS_OF, period="quarter", by=by)
        pd.testing.assert_frame_equal(cheap_rows, full_rows)
    org = aggregates.compute(cheap, as_of=AS_OF, period="quarter", by="org")
    assert org["rubber_stamp_rate"].tolist() == [2 / 8]


def test_a_resync_after_a_new_bare_approval_asks_only_for_it(
    fake: FakeGitHub, tmp_path: Path
) -> None:
    db = tmp_path / "t.duckdb"
    run(fake, db)
    fake.seen.clear()
    later = BASE + timedelta(days=40)
    _add(fake, 10, [review("J1", login="bob", at=later + timedelta(minutes=2))], created=later)
    summary = run(fake, db)
    ops = [s.operation for s in fake.graphql_requests()]
    # the PR page and the issues' page, then (the batch written) J1's count
    assert ops == ["PullRequests", "Issues", "FollowUps"]
    assert fake.graphql_requests()[2].variables == {"ids_counts0": ["J1"]}
    assert summary.pull_requests == 1
    assert count(db, "select inline_comment_count from reviews where review_id = 'J1'") == 0


def test_a_threshold_lowered_after_a_sync_fetches_the_counts_it_now_needs(
    fake: FakeGitHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "t.duckdb"
    run(fake, db)  # the default threshold, 200 changed lines: D1 (12 lines) not asked
    assert count(db, "select inline_comment_count from reviews where review_id = 'D1'") is None
    lower = Settings(rubber_stamp_min_lines=10)
    fake.seen.clear()
    summary = run(fake, db, config=lower)
    # nothing changed on GitHub: the two pages, then D1's count alone
    ops = [s.operation for s in fake.graphql_requests()]
    assert ops == ["PullRequests", "Issues", "FollowUps"]
    assert fake.graphql_requests()[2].variables == {"ids_counts0": ["D1"]}
    assert summary.pull_requests == 0
    assert count(db, "select inline_comment_count from reviews where review_id = 'D1'") == 1
    # and at the lower threshold the metrics equal those of a sync fetching every count
    full = tmp_path / "full.duckdb"
    with monkeypatch.context() as patched:
        _every_count(patched)
        run(fake, full, config=lower)
    for by in ("org", "team"):
        pd.testing.assert_frame_equal(
            aggregates.compute(db, as_of=AS_OF, period="quarter", by=by, config=lower),
            aggregates.compute(full, as_of=AS_OF, period="quarter", by=by, config=lower),
        )
    # a third run asks nothing more
    fake.seen.clear()
    run(fake, db, config=lower)
    assert [s.operation for s in fake.graphql_requests()] == ["PullRequests", "Issues"]
