"""GitHub ingest end to end: real PyGithub against the fake GitHub, rows checked in a real store."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fake_github import BASE, FakeGitHub, check_run, commit, event, review
from github_testkit import count, make_client, populate, snapshot

from ingest.github import sync
from settings import Settings


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
        return sync.sync_github(client, db=db, **{"repos": ["acme/api"], **kw})
    finally:
        client.close()


def test_full_sync_rows(fake: FakeGitHub, db: Path) -> None:
    populate(fake, prs=120, issues=6)
    summary = run(fake, db)
    assert summary.pull_requests == 120
    # 120 PRs at 100 a page = 2 pages, plus one page of issues; no comment counts (every
    # PR has 12 changed lines, below the rubber stamp's 200: no count can matter)
    assert summary.requests == 3
    assert [s.operation for s in fake.graphql_requests()] == ["PullRequests"] * 2 + ["Issues"]
    # the last page asks only the 20 PRs totalCount says are left
    assert [s.variables["first"] for s in fake.graphql_requests()][:2] == [100, 20]
    # GitHub's formula: a page of 100 PRs is 1 + 7 nested connections x 100 = 701 -> 7
    # points, of 20 PRs 1 + 7 x 20 = 141 -> 1 point; the page of issues 1 + 2 x 100 = 201
    # -> 2 points
    assert summary.rate_limit_points == 7 + 1 + 2
    assert count(db, "select count(*) from pull_requests") == 120
    assert count(db, "select count(*) from reviews") == 121
    snap = snapshot(db)
    prs = {row[0]: row for row in snap["pull_requests"]}
    assert len(prs) == 120
    assert count(db, "select author_login from pull_requests where number = 1") == "ghost"
    bot = count(db, "select author_login || ':' || is_author_bot from pull_requests where number=2")
    assert bot == "renovate[bot]:true"
    assert count(db, "select is_bot from people where login = 'renovate[bot]'") is True
    assert count(db, "select count(*) from people where login = 'ghost'") == 0
    # drafts
    assert count(db, "select is_opened_as_draft from pull_requests where number = 3") is True
    assert count(db, "select is_opened_as_draft and is_draft from pull_requests where number=4")
    assert count(db, "select is_opened_as_draft from pull_requests where number = 10") is False
    # AI-assisted with the reason; the trailer's commit message is kept, the other dropped
    assert count(db, "select ai_assisted_reason from pull_requests where number = 5") == (
        "trailer:Co-authored-by claude"
    )
    messages = count(
        db,
        "select list(message order by sha) from pr_commits where pr_id = 'acme/api#5'",
    )
    assert messages[0].startswith("Implement") and messages[1] is None
    # checks
    assert count(db, "select check_state from pull_requests where number = 6") == "FAILURE"
    assert count(db, "select failing_checks from pull_requests where number = 6") == [
        "ci/lint",
        "codeql",
    ]
    # links: closing reference + text, revert by body and by title
    links = set(snap["links"])
    link_keys = {(r[0], r[1], r[2], r[7]) for r in links}
    assert ("fixes", "acme/api#7", "acme/api#2", "closing_reference") in link_keys
    assert ("reverts", "acme/api#8", "acme/api#3", "revert_body") in link_keys
    assert ("reverts", "acme/api#8", "title:Add caching", "revert_title") in link_keys
    assert ("introduced_by", "acme/api#1", "acme/api#3", "text") in link_keys
    # dismissed review and its event
    assert count(
        db, "select event_type || previous_review_state from pr_events where pr_id='acme/api#9'"
    ) == ("review_dismissedCHANGES_REQUESTED")
    assert count(db, "select is_dismissed from reviews where review_id = 'Racme/api9x'") is True
    # a count that cannot matter is not fetched: null, not a 0 nobody saw
    assert count(db, "select count(*) from reviews where inline_comment_count is not null") == 0
    # defects: issues with a bug label (case-insensitive), not the others
    assert count(db, "select list(defect_id order by defect_id) from defects") == [
        "acme/api#1",
        "acme/api#3",
        "acme/api#5",
    ]
    assert count(db, "select count(*) from repositories where repo = 'acme/api'") == 1
    assert count(db, "select count(distinct source) from pull_requests") == 1
    # what ties git history to a PR: the fake's merged PRs have a merge commit oid
    assert count(
        db, "select merge_commit_sha || ' ' || head_ref from pull_requests where number=7"
    ) == (f"{7:05d}{'e' * 35} change-7")


def test_nested_lists_longer_than_a_page_are_fetched_completely(fake: FakeGitHub, db: Path) -> None:
    big = fake.add_pr(
        "acme/api",
        1,
        commits=[commit(f"{i:040d}", f"c{i}") for i in range(250)],
        reviews=[review(f"RV{i}", at=BASE + timedelta(minutes=i)) for i in range(120)],
        labels=tuple(f"label-{i}" for i in range(45)),
        timeline=[
            event("ConvertToDraftEvent" if i % 2 else "ReadyForReviewEvent", f"T{i}")
            for i in range(70)
        ],
        closing=tuple(f"acme/api#{1000 + i}" for i in range(25)),
        checks=[check_run(f"check-{i}", "FAILURE" if i >= 125 else "SUCCESS") for i in range(130)],
        check_state="FAILURE",
    )
    assert big["number"] == 1
    fake.add_pr("acme/api", 2)
    run(fake, db)
    assert count(db, "select count(*) from pr_commits where pr_id = 'acme/api#1'") == 250
    assert count(db, "select count(*) from reviews where pr_id = 'acme/api#1'") == 120
    assert count(db, "select len(labels) from pull_requests where number = 1") == 45
    assert count(db, "select count(*) from pr_events where pr_id = 'acme/api#1'") == 70
    assert count(db, "select count(*) from links where method = 'closing_reference'") == 25
    assert count(db, "select failing_checks from pull_requests where number = 1") == [
        f"check-{i}" for i in range(125, 130)
    ]
    more = [s for s in fake.graphql_requests() if s.operation == "FollowUps"]
    # commits 100 + 100 + the last 50 (totalCount says 50 remain after the next page: they
    # are asked with it), reviews 100 + 20, checks 100 + 30; labels (45), timeline (70)
    # and closing (25) fit the first page of 100: one follow-up completes them all
    assert len(more) == 1
    assert all(more[0].variables[f"with{n}_pr0"] for n in ("Commits", "Reviews", "Checks"))
    assert not any(more[0].variables[f"with{n}_pr0"] for n in ("Labels", "Timeline", "Closing"))
    assert more[0].variables["withCommitsTail_pr0"] and more[0].variables["commitsLast_pr0"] == 50
    assert "withCommits_pr1" not in more[0].variables  # one PR: one slot
    oids = count(db, "select list(sha order by sha) from pr_commits where pr_id = 'acme/api#1'")
    assert oids == [f"{i:040d}" for i in range(250)]  # every commit once


def test_rerun_changes_nothing_and_costs_at_most_two_requests(fake: FakeGitHub, db: Path) -> None:
    populate(fake, prs=60)
    run(fake, db)
    before = snapshot(db)
    fake.seen.clear()
    summary = run(fake, db)
    assert snapshot(db) == before
    assert summary.requests <= 2
    assert len(fake.seen) <= 2


def test_incremental_sync_replaces_changed_prs_whole(fake: FakeGitHub, db: Path) -> None:
    populate(fake, prs=60)
    run(fake, db)
    later = BASE + timedelta(days=30)
    # PR 10: a new review and relabelled; PR 61: a late revert of #10; issue 2 becomes a bug,
    # issue 1 loses its bug label.
    fake.add_pr(
        "acme/api",
        10,
        created=BASE + timedelta(hours=10),
        updated=later,
        labels=("ai-generated",),
        reviews=[review("NEW", login="erin", state="CHANGES_REQUESTED", at=later)],
    )
    fake.add_pr("acme/api", 61, updated=later, body="Reverts acme/api#10", created=later)
    fake.add_issue("acme/api", 2, labels=("regression",), updated=later)
    fake.add_issue("acme/api", 1, labels=("question",), updated=later, body="Introduced by #3")
    fake.seen.clear()
    summary = run(fake, db)
    assert summary.requests == 2  # one page of each stream
    # the two changed PRs; the one at the last high-water mark is read again (a PR updated
    # in that same second after the last sync must not be missed) but it is unchanged
    assert summary.pull_requests == 2
    assert count(db, "select list(reviewer_login) from reviews where pr_id='acme/api#10'") == [
        "erin"
    ]
    assert count(db, "select labels from pull_requests where number = 10") == ["ai-generated"]
    assert count(db, "select ai_assisted_reason from pull_requests where number=10") == (
        "label:ai-generated"
    )
    assert (
        count(db, "select count(*) from links where link_type='reverts' and target='acme/api#10'")
        == 1
    )
    defects = count(db, "select list(defect_id order by defect_id) from defects")
    assert defects == ["acme/api#2", "acme/api#3", "acme/api#5"]
    assert count(db, "select count(*) from links where from_id = 'acme/api#1'") == 0
    assert count(db, "select count(*) from pull_requests") == 61


def test_since_skips_older_prs(fake: FakeGitHub, db: Path) -> None:
    populate(fake, prs=30, issues=0)
    run(fake, db, since=BASE + timedelta(hours=20))
    # PR n is created at BASE+n h and updated 5 h 1 min later, so PR 15..30 are kept
    assert count(db, "select min(number) from pull_requests") == 15
    assert count(db, "select count(*) from pull_requests") == 16


def test_org_lists_every_repository(fake: FakeGitHub, db: Path) -> None:
    for name in ("api", "web", "ops"):
        fake.add_pr(f"acme/{name}", 1)
    summary = run(fake, db, repos=[], org="acme")
    assert sorted(summary.repositories) == ["acme/api", "acme/ops", "acme/web"]
    assert count(db, "select count(*) from pull_requests") == 3
    assert any(s.path == "/orgs/acme/repos" for s in fake.seen)


def test_enterprise_api_prefix(db: Path) -> None:
    with FakeGitHub(prefix="/api/v3") as fake:
        fake.add_pr("acme/api", 1)
        assert fake.url.endswith("/api/v3")
        run(fake, db)
        assert fake.graphql_requests()[0].path == "/api/graphql"
    assert count(db, "select count(*) from pull_requests") == 1


def test_custom_bug_labels(fake: FakeGitHub, db: Path) -> None:
    fake.add_issue("acme/api", 1, labels=("incident",))
    fake.add_issue("acme/api", 2, labels=("bug",))
    client = make_client(fake)
    sync.sync_github(client, repos=["acme/api"], db=db, config=Settings(bug_labels=("incident",)))
    assert count(db, "select list(defect_id) from defects") == ["acme/api#1"]


def test_people_rows_never_overwrite_known_people(fake: FakeGitHub, db: Path) -> None:
    import store
    from ingest import writer

    with store.write_transaction(db) as conn:
        writer.upsert(
            conn,
            "people",
            [{"login": "alice", "name": "Alice", "level": "senior", "is_bot": False}],
            {"source": "import", "fetched_at": datetime.now(UTC)},
        )
    fake.add_pr("acme/api", 1, reviews=[review("R1", login="bob")])
    run(fake, db)
    assert count(db, "select name || level from people where login = 'alice'") == "Alicesenior"
    assert count(db, "select count(*) from people where login = 'bob'") == 1


def test_bad_repo_name_is_refused() -> None:
    from settings import InputError

    with pytest.raises(InputError, match="OWNER/NAME"):
        sync.check_repo_name("not a repo")


def test_ids_use_githubs_spelling_of_the_repository(fake: FakeGitHub, db: Path) -> None:
    fake.add_pr("acme/api", 1)
    fake.add_issue("acme/api", 2, body="Introduced by #1")
    run(fake, db, repos=["ACME/Api"])
    assert count(db, "select pr_id from pull_requests") == "acme/api#1"
    assert count(db, "select target from links where from_id = 'acme/api#2'") == "acme/api#1"
    assert count(db, "select repo from repositories") == "acme/api"


def test_a_pr_updated_in_the_same_second_as_the_last_sync_is_not_missed(
    fake: FakeGitHub, db: Path
) -> None:
    fake.add_pr("acme/api", 1, updated=BASE)
    run(fake, db)
    fake.add_pr("acme/api", 2, updated=BASE)  # same updatedAt as the high-water mark
    summary = run(fake, db)
    assert summary.pull_requests == 1
    assert count(db, "select count(*) from pull_requests") == 2


def test_a_stopped_run_resumes_with_its_since(fake: FakeGitHub, db: Path) -> None:
    from fake_github import Fault

    from ingest.github.client import MalformedResponseError

    populate(fake, prs=200, issues=0)
    fake.faults += [Fault(times=1), Fault(body="{oops", status=200, times=100)]
    since = BASE + timedelta(hours=100)
    with pytest.raises(MalformedResponseError):
        run(fake, db, since=since)
    fake.faults.clear()
    run(fake, db)  # resumed without --since: still stops where the first run would have
    # PR n is updated at BASE + (n + 5) h + 1 min, so PRs 95..200 are at or after `since`
    assert count(db, "select min(number) from pull_requests") == 95
    assert count(db, "select count(*) from pull_requests") == 106
