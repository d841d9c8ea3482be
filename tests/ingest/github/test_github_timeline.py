"""What GitHub says about a bug's fix and its causes, beyond the PRs' own text: the issue
timeline (its closer, the PRs that will close it), its state reason, and the PRs git
history blames that the ingest never fetched. Real PyGithub against the fake GitHub."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fake_github import (
    BASE,
    FakeGitHub,
    closed_event,
    commit_closer,
    cross_reference,
    pr_closer,
)
from github_testkit import count, make_client

import store
from ingest import writer
from ingest.github import sync

REPO = "acme/api"
GIT = {"source": "git", "source_url": None, "fetched_at": datetime(2026, 2, 1, tzinfo=UTC)}


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    with FakeGitHub() as server:
        yield server


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "t.duckdb"


def run(fake: FakeGitHub, db: Path, **kw) -> sync.SyncSummary:
    client = make_client(fake)
    try:
        return sync.sync_github(client, db=db, **{"repos": [REPO], **kw})
    finally:
        client.close()


def links(db: Path) -> set[tuple[str, str, str, str]]:
    with store.read_connection(db) as conn:
        rows = conn.execute(
            "select link_type, from_id, target, method from links where link_type = 'fixes'"
        ).fetchall()
    return set(rows)


def test_the_timeline_records_closers_and_will_close_references(fake, db) -> None:
    at = BASE + timedelta(days=3)
    # PR 10 closed issue 2 without a closing keyword of its own (GitHub's closer)
    fake.add_pr(REPO, 10, body="Guard the totals")
    # issue 3: closed by a commit pushed with 'Fixes #3' (no PR)
    # issue 4: PR 11 will close it (cross-referenced with a keyword); PR 12 only mentions
    fake.add_pr(REPO, 11, body="Part of the fix")
    fake.add_pr(REPO, 12, body="See #4")
    fake.add_issue(
        REPO,
        2,
        closed=at,
        timeline=[
            cross_reference(at - timedelta(hours=2), pr_closer(REPO, 10), will_close=False),
            closed_event(at, pr_closer(REPO, 10)),
        ],
    )
    fake.add_issue(REPO, 3, closed=at, timeline=[closed_event(at, commit_closer(REPO, "ab" * 20))])
    fake.add_issue(
        REPO,
        4,
        timeline=[
            cross_reference(at, pr_closer(REPO, 11)),
            cross_reference(at, pr_closer(REPO, 12), will_close=False),
            cross_reference(at, pr_closer("other/lib", 7)),  # a PR of another repository
        ],
    )
    # closed by hand: no closer, no link
    fake.add_issue(REPO, 5, closed=at, timeline=[closed_event(at, None)])
    run(fake, db)
    assert links(db) == {
        ("fixes", "acme/api#10", "acme/api#2", "closed_event"),
        ("fixes", "acme/api@" + "ab" * 20, "acme/api#3", "closed_event"),
        ("fixes", "acme/api#11", "acme/api#4", "cross_reference"),
        ("fixes", "other/lib#7", "acme/api#4", "cross_reference"),
    }
    # PR 10 is written again (a late review): the timeline's link stays, it is the issue's
    fake.add_pr(REPO, 10, body="Guard the totals", updated=datetime.now(UTC))
    run(fake, db)
    assert ("fixes", "acme/api#10", "acme/api#2", "closed_event") in links(db)
    # the issue is reopened and its closed event is gone from what we read: so is the link
    fake.add_issue(REPO, 2, updated=datetime.now(UTC), timeline=[])
    run(fake, db)
    assert not any(target == "acme/api#2" for _t, _f, target, _m in links(db))


def test_a_long_timeline_is_read_to_its_end(fake, db) -> None:
    # 160 mentions, then the closer: the first page holds 50, issue_more 100 at a time
    at = BASE + timedelta(days=3)
    mentions = [
        cross_reference(at - timedelta(minutes=n), pr_closer(REPO, 100 + n), will_close=False)
        for n in range(160)
    ]
    fake.add_issue(REPO, 2, closed=at, timeline=[*mentions, closed_event(at, pr_closer(REPO, 9))])
    run(fake, db)
    assert links(db) == {("fixes", "acme/api#9", "acme/api#2", "closed_event")}
    more = [s for s in fake.graphql_requests() if s.operation == "IssueMore"]
    assert len(more) == 2


def test_state_reasons_follow_the_tracker_rules(fake, db) -> None:
    at = BASE + timedelta(days=3)
    fake.add_issue(REPO, 2, closed=at, state_reason="DUPLICATE")
    fake.add_issue(REPO, 3, closed=at, state_reason="NOT_PLANNED")
    fake.add_issue(REPO, 4, closed=at, state_reason="COMPLETED")
    run(fake, db)
    with store.read_connection(db) as conn:
        rows = dict(conn.execute("select defect_id, resolved_at from defects").fetchall())
    # a duplicate was never a defect; not planned is a defect closed at its close
    assert set(rows) == {"acme/api#3", "acme/api#4"}
    assert rows["acme/api#3"] == at
    # an issue stored as a defect and later closed as a duplicate is removed
    fake.add_issue(REPO, 4, closed=at, state_reason="DUPLICATE", updated=datetime.now(UTC))
    run(fake, db)
    assert count(db, "select count(*) from defects where defect_id = 'acme/api#4'") == 0


def test_blamed_prs_the_store_lacks_are_fetched_by_number(fake, db) -> None:
    # PRs 1-3 exist; the sync reads only what changed since PR 3 (--since), so PRs 1 and 2
    # are not stored. Git history blames #1 (through a squash commit's '(#1)' tie) and
    # #40, which is no PR (an issue's number in a subject); a defect names #2.
    for n in (1, 2, 3):
        fake.add_pr(REPO, n, created=BASE + timedelta(days=n), title=f"Change {n}")
    fake.add_issue(
        REPO,
        5,
        body="Introduced by #2",
        created=BASE + timedelta(days=4),
        updated=BASE + timedelta(days=4),
    )
    with store.write_transaction(db) as conn:
        writer.upsert(
            conn,
            "commit_pull_requests",
            [
                {
                    "repo": REPO,
                    "sha": "c1" * 20,
                    "pr_number": 1,
                    "pr_id": f"{REPO}#1",
                    "method": "squash_title",
                },
                {
                    "repo": REPO,
                    "sha": "c9" * 20,
                    "pr_number": 40,
                    "pr_id": f"{REPO}#40",
                    "method": "squash_title",
                },
            ],
            GIT,
        )
        writer.upsert(
            conn,
            "szz_candidates",
            [
                {
                    "repo": REPO,
                    "fix_sha": "f" * 40,
                    "commit_sha": sha,
                    "lines": 1,
                    "confidence": 1.0,
                    "is_in_window": True,
                }
                for sha in ("c1" * 20, "c9" * 20)
            ],
            GIT,
        )
    summary = run(fake, db, since=BASE + timedelta(days=2, hours=20))
    assert summary.pull_requests == 1 and summary.blamed_pull_requests == 2
    numbers = count(db, "select list(number order by number) from pull_requests")
    assert numbers == [1, 2, 3]
    asked = [s.variables["number"] for s in fake.graphql_requests() if s.operation == "PullRequest"]
    assert sorted(asked) == [1, 2, 40]
    # the fetched PR is a whole PR row, tied to its commits like any other
    assert count(db, "select author_login from pull_requests where number = 1") == "alice"
    ties = count(db, "select count(*) from commit_pull_requests where pr_id = 'acme/api#1'")
    assert ties >= 2  # its own commit and its merge commit, beside the subject's tie
    # a second run asks for nothing: #1 and #2 are stored, #40 is remembered as no PR
    before = len(fake.graphql_requests())
    summary = run(fake, db)
    assert summary.blamed_pull_requests == 0
    assert [s.operation for s in fake.graphql_requests()[before:]] == ["PullRequests", "Issues"]
