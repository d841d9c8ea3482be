"""Pages are written in batches (one transaction for several pages, across repositories),
and a run killed in the middle of a batch resumes to exactly the rows of an uninterrupted
run, without fetching from the start again."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fake_github import BASE, FakeGitHub, Fault, commit, review
from github_testkit import count, make_client, snapshot

from ingest.github import sync

REPOS = ["acme/api", "acme/web"]


def populate_big(fake: FakeGitHub) -> None:
    """acme/api: 450 PRs (5 pages), acme/web: 130 (2 pages). Every 3rd PR is large with a
    bare approval (its inline comment count is asked); every 50th has 250 commits (100 on
    its page, then one follow-up: the next 100 and the tail of 50)."""
    for repo, prs in (("acme/api", 450), ("acme/web", 130)):
        for n in range(1, prs + 1):
            created = BASE + timedelta(hours=n)
            kw = {}
            if n % 50 == 0:
                kw["commits"] = [
                    commit(f"{n:05d}{i:035d}", f"c{i}", at=created) for i in range(250)
                ]
            fake.add_pr(
                repo,
                n,
                created=created,
                additions=400 if n % 3 == 0 else 10,
                reviews=[
                    review(
                        f"R{repo}{n}",
                        login="bob",
                        at=created + timedelta(minutes=5),
                        comments=n % 2,
                    )
                ],
                **kw,
            )
        fake.add_issue(repo, 1000, body="Introduced by #3")  # GitHub: no PR has its number


@pytest.fixture(autouse=True)
def batches_by_pages_only(monkeypatch: pytest.MonkeyPatch) -> None:
    # A batch also closes after BATCH_SECONDS of fetching: on a loaded machine that clock,
    # not the page count these tests set, could decide where a batch ends.
    monkeypatch.setattr(sync, "BATCH_SECONDS", float("inf"))


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    with FakeGitHub() as server:
        populate_big(server)
        yield server


def run(fake: FakeGitHub, db: Path) -> sync.SyncSummary:
    client = make_client(fake)
    try:
        return sync.sync_github(client, repos=REPOS, db=db)
    finally:
        client.close()


_REFERENCE: dict[str, dict] = {}


def reference(tmp_path: Path) -> dict:
    """The rows of an uninterrupted run with the default batches (computed once)."""
    if "rows" not in _REFERENCE:
        with FakeGitHub() as clean:
            populate_big(clean)
            other = tmp_path / "reference.duckdb"
            run(clean, other)
            _REFERENCE["rows"] = snapshot(other)
    return _REFERENCE["rows"]


def test_pages_are_written_in_batches_across_repositories(
    fake: FakeGitHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    writes: list[int] = []
    original = sync._write_batch

    def counting(ctx, batch):
        writes.append(len(batch.parts))
        return original(ctx, batch)

    monkeypatch.setattr(sync, "_write_batch", counting)
    db = tmp_path / "t.duckdb"
    summary = run(fake, db)
    assert summary.pull_requests == 580
    # 7 PR pages (5 + 2) are one batch of 7 spanning both repositories; the 2 issue
    # pages another
    assert writes == [7, 2]
    assert snapshot(db) == reference(tmp_path)
    # 7 PR pages + 2 issue pages + 1 follow-up request: the 11 PRs with 250 commits
    # (next page and the tail of 50 each) and the counts of the 150 + 43 bare approvals
    # of large PRs
    ops = [s.operation for s in fake.graphql_requests()]
    assert ops.count("PullRequests") == 7 and ops.count("Issues") == 2
    assert ops.count("FollowUps") == 1
    follow_up = next(s for s in fake.graphql_requests() if s.operation == "FollowUps")
    tails = [k for k, v in follow_up.variables.items() if k.startswith("withCommitsTail") and v]
    assert len(tails) == 11
    assert len(follow_up.variables["ids_counts0"]) == 100
    assert len(follow_up.variables["ids_counts1"]) == 93
    assert count(db, "select count(*) from pr_commits where pr_id = 'acme/api#50'") == 250


def test_a_batch_over_its_memory_cap_is_written_again_without_it(
    fake: FakeGitHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    commits: list[tuple[str | None, str]] = []
    original = sync._commit

    def watched(ctx, batch, rows, provenance, *, memory):
        try:
            written = original(ctx, batch, rows, provenance, memory=memory)
        except Exception as exc:
            commits.append((memory, type(exc).__name__))
            raise
        commits.append((memory, "written"))
        return written

    monkeypatch.setattr(sync, "_commit", watched)
    monkeypatch.setattr(sync, "WRITE_MEMORY", "1MB")  # far too little for any batch
    db = tmp_path / "t.duckdb"
    assert run(fake, db).pull_requests == 580
    # the PR batch and the issue batch: each runs out, then is written whole uncapped
    assert commits == [("1MB", "OutOfMemoryException"), (None, "written")] * 2
    assert snapshot(db) == reference(tmp_path)


def test_a_batch_is_written_when_it_is_full(
    fake: FakeGitHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sync, "BATCH_PAGES", 2)
    states: list[tuple[str, str, str]] = []
    original = sync._write_batch

    def recording(ctx, batch):
        states.extend(
            (batch.stream.name, repo, "done" if done else "running")
            for repo, (_c, done) in batch.states.items()
        )
        return original(ctx, batch)

    monkeypatch.setattr(sync, "_write_batch", recording)
    db = tmp_path / "t.duckdb"
    run(fake, db)
    # PR pages: api 1-2, api 3-4, api 5 + web 1; issues: api + web (full at web's page);
    # what is left at the end: web's PR page 2
    prs, issues = "pull_requests", "issues"
    assert states == [
        (prs, "acme/api", "running"),
        (prs, "acme/api", "running"),
        (prs, "acme/api", "done"),
        (prs, "acme/web", "running"),
        (issues, "acme/api", "done"),
        (issues, "acme/web", "done"),
        (prs, "acme/web", "done"),
    ]
    assert snapshot(db) == reference(tmp_path)


class Killed(BaseException):
    """Stands for SIGKILL: no handler of the sync catches it."""


@pytest.mark.parametrize("kill_at", [3, 5, 9, 12])
def test_killed_midway_resumes_to_exactly_the_uninterrupted_rows(
    fake: FakeGitHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kill_at: int
) -> None:
    """Killed at the n-th request, 2 pages a batch. The requests: 1-2 api PR pages 1-2,
    3 their follow-up (batch 1 written), 4-5 pages 3-4, 6 follow-up (batch 2 written), 7
    page 5, 8 api's issues, 9 web's PR page 1, 10 follow-up (batch 3: api 5 + web 1), 11
    web's PR page 2, 12 web's issues (the issue batch written), 13 the last follow-up."""
    monkeypatch.setattr(sync, "BATCH_PAGES", 2)
    db = tmp_path / "t.duckdb"
    client = make_client(fake)
    original = client.graphql
    calls = []

    def dying(*args, **kw):
        calls.append(args[0])
        if len(calls) == kill_at:
            raise Killed
        return original(*args, **kw)

    client.graphql = dying  # type: ignore[method-assign]
    with pytest.raises(Killed):
        sync.sync_github(client, repos=REPOS, db=db)
    client.close()
    # what was written is whole: every PR stored has all its reviews and commits
    stored = count(db, "select count(*) from pull_requests")
    assert stored == {3: 0, 5: 200, 9: 400, 12: 550}[kill_at]
    assert count(db, "select count(*) from reviews") == stored
    state = count(
        db,
        "select max(cursor) from sync_state where scope = 'acme/api' and stream = 'pull_requests'",
    )
    fake.seen.clear()
    run(fake, db)
    assert snapshot(db) == reference(tmp_path)
    # the rerun went on from the last batch written, not from the start
    pages = [s for s in fake.graphql_requests() if s.operation == "PullRequests"]
    if state is not None and json.loads(state).get("after"):
        assert pages[0].variables["after"] == json.loads(state)["after"]
        assert len(pages) < 7


def test_a_run_stopping_on_an_error_first_writes_the_pages_it_has(
    fake: FakeGitHub, tmp_path: Path
) -> None:
    from ingest.github.client import MalformedResponseError

    # api's page 4 keeps coming back broken (6 tries), then the follow-up passes
    fake.faults += [Fault(times=3), Fault(body="{oops", times=6)]
    db = tmp_path / "t.duckdb"
    with pytest.raises(MalformedResponseError):
        run(fake, db)
    assert count(db, "select count(*) from pull_requests") == 300
    assert count(db, "select status from sync_state where scope = 'acme/api'") == "running"
    fake.faults.clear()
    run(fake, db)
    assert snapshot(db) == reference(tmp_path)


def test_a_follow_up_github_keeps_failing_on_is_asked_in_halves(
    fake: FakeGitHub, tmp_path: Path
) -> None:
    # the 7 PR pages and the 2 issue pages pass; the follow-up fails twice with 502
    fake.faults += [Fault(times=9), Fault(status=502, body={"message": "timeout"}, times=2)]
    db = tmp_path / "t.duckdb"
    lines: list[str] = []
    client = make_client(fake, lines=lines)
    sync.sync_github(client, repos=REPOS, db=db, progress=lines.append)
    client.close()
    assert any("asking it in halves" in line for line in lines)
    follow_ups = [s for s in fake.graphql_requests() if s.operation == "FollowUps"]
    assert len(follow_ups) == 4  # twice the whole, then each half
    assert snapshot(db) == reference(tmp_path)


def test_a_pr_on_two_pages_of_a_batch_is_written_once(fake: FakeGitHub, tmp_path: Path) -> None:
    # GitHub's list can shift under the cursor while we page (an update moves a PR to the
    # front): the last PR of page 1 comes again first on page 2, in the same batch
    carried: list[dict] = []

    def keep_last(result: dict) -> dict:
        carried.append(result["data"]["repository"]["pullRequests"]["nodes"][-1])
        return result

    def repeat(result: dict) -> dict:
        again = copy.deepcopy(carried[0])
        again["title"] = "Retitled while we paged"  # as page 2 has it: the later copy wins
        result["data"]["repository"]["pullRequests"]["nodes"].insert(0, again)
        return result

    fake.faults += [Fault(mutate=keep_last), Fault(mutate=repeat)]
    db = tmp_path / "t.duckdb"
    run(fake, db)
    pr_id = f"acme/api#{carried[0]['number']}"
    assert count(db, "select title from pull_requests where pr_id = ?", [pr_id]) == (
        "Retitled while we paged"
    )
    rows = snapshot(db)
    want = reference(tmp_path)
    assert rows["reviews"] == want["reviews"] and rows["pr_commits"] == want["pr_commits"]
    assert len(rows["pull_requests"]) == len(want["pull_requests"])
