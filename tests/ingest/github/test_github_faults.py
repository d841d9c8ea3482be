"""Every GitHub fault of the issue: rate limits waited out, 5xx retried, clear errors."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fake_github import (
    BASE,
    TOKEN,
    FakeGitHub,
    Fault,
    graphql_rate_limited,
    html_error_page,
    primary_rate_limit,
    review,
    secondary_rate_limit,
)
from github_testkit import Sleeps, count, make_client, populate, snapshot

from ingest.github import client as gh
from ingest.github import sync
from ingest.github.client import RetryPolicy


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    with FakeGitHub() as server:
        populate(server, prs=120, issues=4)
        yield server


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "t.duckdb"


def sync_with(
    fake: FakeGitHub, db: Path, sleep: Sleeps | None = None, **client_kw
) -> tuple[sync.SyncSummary, Sleeps, list]:
    sleeps, lines = sleep or Sleeps(), []
    client = make_client(fake, sleep=sleeps, lines=lines, **client_kw)
    try:
        summary = sync.sync_github(client, repos=["acme/api"], db=db, progress=lines.append)
    finally:
        client.close()
    for line in lines:
        assert TOKEN not in line
    return summary, sleeps, lines


_REFERENCE: dict[str, dict] = {}


def reference(tmp_path: Path) -> dict:
    """The rows of an uninterrupted run on the same data (computed once)."""
    if "rows" in _REFERENCE:
        return _REFERENCE["rows"]
    with FakeGitHub() as clean:
        populate(clean, prs=120, issues=4)
        other = tmp_path / "reference.duckdb"
        client = make_client(clean)
        sync.sync_github(client, repos=["acme/api"], db=other)
        client.close()
    _REFERENCE["rows"] = snapshot(other)
    return _REFERENCE["rows"]


@pytest.mark.parametrize("status", [403, 429])
def test_primary_rate_limit_waits_until_the_reset(fake: FakeGitHub, db: Path, status: int) -> None:
    fake.faults.append(primary_rate_limit(status=status, ahead_s=30))
    summary, sleeps, lines = sync_with(fake, db)
    assert len(sleeps.calls) == 1
    assert 29 <= sleeps.calls[0] <= 32  # until the reset the server gave, plus a second
    assert any("waiting 3" in line and "primary rate limit" in line for line in lines)
    assert summary.pull_requests == 120


def test_graphql_rate_limited_error_waits_until_the_reset(fake: FakeGitHub, db: Path) -> None:
    fake.faults.append(graphql_rate_limited(ahead_s=20))
    summary, sleeps, _lines = sync_with(fake, db)
    assert len(sleeps.calls) == 1 and 19 <= sleeps.calls[0] <= 22
    assert summary.pull_requests == 120


def test_rest_primary_rate_limit_while_listing_an_org(fake: FakeGitHub, db: Path) -> None:
    fake.faults.append(primary_rate_limit(match="rest", ahead_s=10))
    sleeps, lines = Sleeps(), []
    client = make_client(fake, sleep=sleeps, lines=lines)
    summary = sync.sync_github(client, org="acme", db=db)
    assert summary.repositories == ["acme/api"]
    assert len(sleeps.calls) == 1 and 9 <= sleeps.calls[0] <= 12


def test_a_rate_limit_resetting_too_late_stops_with_a_clear_error(
    fake: FakeGitHub, db: Path, tmp_path: Path
) -> None:
    fake.faults.append(primary_rate_limit(ahead_s=7200))
    with pytest.raises(gh.RateLimitTooLongError, match="resets in 120 min"):
        sync_with(fake, db, policy=RetryPolicy(max_rate_limit_wait_s=3600))


def test_secondary_rate_limit_honours_retry_after(fake: FakeGitHub, db: Path) -> None:
    fake.faults.append(secondary_rate_limit(retry_after=7))
    summary, sleeps, lines = sync_with(fake, db)
    assert sleeps.calls == [7.0]
    assert any("secondary rate limit" in line for line in lines)
    assert summary.pull_requests == 120


def test_5xx_is_retried_with_backoff_then_asked_in_smaller_pages(
    fake: FakeGitHub, db: Path, tmp_path: Path
) -> None:
    fake.faults.append(Fault(status=502, body="<html>Bad gateway</html>", times=3))
    summary, sleeps, lines = sync_with(fake, db, policy=RetryPolicy(backoff_s=1.0))
    # two tries at 100 PRs a page (one backoff between), then 50 a page: one more failure
    assert sleeps.calls == [1.0, 1.0]
    assert any("HTTP 502" in line for line in lines)
    assert any("asking 50 at a time" in line for line in lines)
    sizes = [s.variables["first"] for s in fake.graphql_requests() if s.operation == "PullRequests"]
    # (the failure at 50 is asked again at 50; a full run knows from totalCount that its
    # last page holds 20 PRs, and asks 20)
    assert sizes == [100, 100, 50, 50, 50, 20]
    assert summary.pull_requests == 120
    assert snapshot(db) == reference(tmp_path)


def test_5xx_that_persists_ends_in_a_clear_error(fake: FakeGitHub, db: Path) -> None:
    fake.faults.append(Fault(status=503, body={"message": "unavailable"}, times=100))
    sleeps = Sleeps()
    with pytest.raises(gh.GitHubError, match="HTTP 503 for repository acme/api 6 times") as info:
        sync_with(fake, db, policy=RetryPolicy(backoff_s=1.0), sleep=sleeps)
    assert TOKEN not in str(info.value)
    # 2 tries at each of 100, 50, 25 and 12 a page, then the full policy at 10: 6 tries
    # with exponential backoff 1, 2, 4, 8, 16 s
    assert len(fake.seen) == 14
    assert sleeps.calls == [1.0, 1.0, 1.0, 1.0, 1.0, 2.0, 4.0, 8.0, 16.0]


def test_graphql_timeout_error_is_retried(fake: FakeGitHub, db: Path) -> None:
    fake.faults.append(
        Fault(
            body={
                "data": None,
                "errors": [
                    {
                        "message": "Something went wrong while executing your query. This may "
                        "be the result of a timeout, or it could be a GitHub bug."
                    }
                ],
            }
        )
    )
    summary, sleeps, _lines = sync_with(fake, db)
    assert len(sleeps.calls) == 1
    assert summary.pull_requests == 120


def test_timeouts_are_retried(fake: FakeGitHub, db: Path) -> None:
    fake.faults.append(Fault(delay_s=1.6, times=1))
    summary, _sleeps, lines = sync_with(fake, db, timeout_s=1)
    assert any("did not answer in time" in line for line in lines)
    assert summary.pull_requests == 120


def test_bad_credentials(fake: FakeGitHub, db: Path) -> None:
    wrong = "ghp_wrongwrongwrongwrong"
    with pytest.raises(gh.BadCredentialsError, match="bad credentials") as info:
        sync_with(fake, db, token=wrong)
    assert wrong not in str(info.value)


def test_unknown_repository_is_named(fake: FakeGitHub, db: Path) -> None:
    client = make_client(fake)
    with pytest.raises(gh.UnknownRepositoryError, match="acme/nope"):
        sync.sync_github(client, repos=["acme/nope"], db=db)


def test_unknown_organization_is_named(fake: FakeGitHub, db: Path) -> None:
    client = make_client(fake)
    with pytest.raises(gh.UnknownRepositoryError, match="organization nobody"):
        sync.sync_github(client, org="nobody", db=db)


def _unusable(kind: str, times: int = 1) -> Fault:
    """An answer teamlens cannot use, of each kind issue 10 names."""

    def mangle(result: dict) -> dict:
        nodes = result["data"]["repository"]["pullRequests"]["nodes"]
        nodes[3]["createdAt"] = "yesterday"
        return result

    if kind == "cut":  # the real answer, cut at 60% (a proxy's short Content-Length)
        return Fault(cut=0.6, times=times)
    if kind == "broken":  # the whole Content-Length promised, the connection closed early
        return Fault(cut=0.3, cut_keeps_length=True, times=times)
    if kind == "html":
        return html_error_page(times=times)
    if kind == "json":
        return Fault(body='{"data": {"repository": ', times=times)
    if kind == "empty":
        return Fault(body="", times=times)
    if kind == "shape":
        return Fault(mutate=mangle, times=times)
    return Fault(body={"data": {"repository": {"nameWithOwner": "acme/api"}}}, times=times)


_WHY = {
    "cut": "was cut short (not valid JSON)",
    "broken": "broke off mid-answer",
    "html": "was not JSON (a web page or plain text)",
    "json": "was cut short (not valid JSON)",
    "empty": "was empty",
    "shape": "is malformed (pullRequest #",
    "missing": "is malformed (repository.pullRequests is missing)",
}


@pytest.mark.parametrize("kind", list(_WHY))
def test_an_unusable_answer_once_is_asked_again_and_the_run_completes(
    fake: FakeGitHub, db: Path, tmp_path: Path, kind: str
) -> None:
    fake.faults.append(Fault(times=1))  # the first page goes through untouched
    fake.faults.append(_unusable(kind))
    summary, sleeps, lines = sync_with(fake, db, policy=RetryPolicy(backoff_s=3.0))
    # one wait with the first backoff, and the user is told why
    assert sleeps.calls == [3.0]
    waits = [line for line in lines if line.startswith("waiting")]
    assert len(waits) == 1 and _WHY[kind] in waits[0] and "repository acme/api" in waits[0]
    assert summary.pull_requests == 120
    assert snapshot(db) == reference(tmp_path)


@pytest.mark.parametrize("kind", ["cut", "html", "shape"])
def test_an_unusable_answer_that_persists_stops_and_a_rerun_resumes(
    fake: FakeGitHub, db: Path, tmp_path: Path, kind: str
) -> None:
    fake.faults.append(Fault(times=1))  # the first page goes through untouched
    fake.faults.append(_unusable(kind, times=100))
    sleeps = Sleeps()
    with pytest.raises(gh.MalformedResponseError) as info:
        sync_with(fake, db, sleep=sleeps, policy=RetryPolicy(backoff_s=1.0))
    message = str(info.value)
    assert "\n" not in message and TOKEN not in message
    assert f"GitHub's answer for repository acme/api {_WHY[kind]}" in message
    assert "6 times in a row; nothing from it was written" in message
    # the policy's 6 tries with exponential backoff, at the same page size
    assert sleeps.calls == [1.0, 2.0, 4.0, 8.0, 16.0]
    sizes = [s.variables["first"] for s in fake.graphql_requests() if s.operation == "PullRequests"]
    # the first page, then the last one (20 PRs left) 6 times
    assert sizes == [100] + [20] * 6
    # only the first page (100 PRs) is in — written when the run stopped, though its
    # batch was not full —, and the stream says where to resume
    assert count(db, "select count(*) from pull_requests") == 100
    assert count(db, "select status from sync_state where stream = 'pull_requests'") == "running"
    fake.faults.clear()
    sync_with(fake, db)
    assert snapshot(db) == reference(tmp_path)


def test_a_follow_up_query_cut_short_is_asked_again(fake: FakeGitHub, db: Path) -> None:
    # the newest PR (so on the first page), with more reviews than the page query holds
    fake.add_pr(
        "acme/api",
        121,
        created=BASE + timedelta(days=30),
        reviews=[review(f"Rmany{i}", login="bob", at=BASE) for i in range(130)],
    )
    # the two pages (100 + 21 PRs) and the page of issues, then the batch's follow-up cut
    fake.faults += [Fault(times=3), Fault(cut=0.5)]
    summary, sleeps, lines = sync_with(fake, db)
    assert len(sleeps.calls) == 1
    assert any("pull request acme/api#121" in line and "cut short" in line for line in lines)
    assert summary.pull_requests == 121
    assert count(db, "select count(*) from reviews where pr_id = 'acme/api#121'") == 130


def test_an_html_page_while_listing_an_org_is_asked_again(fake: FakeGitHub, db: Path) -> None:
    fake.faults.append(html_error_page(match="rest"))
    sleeps, lines = Sleeps(), []
    client = make_client(fake, sleep=sleeps, lines=lines)
    summary = sync.sync_github(client, org="acme", db=db)
    client.close()
    assert summary.repositories == ["acme/api"]
    assert len(sleeps.calls) == 1
    assert any("organization acme is not a list of repositories" in line for line in lines)


def test_the_token_is_nowhere_in_the_database(fake: FakeGitHub, db: Path) -> None:
    fake.faults.append(Fault(status=502, body={"message": "x"}, times=1))
    sync_with(fake, db)
    assert TOKEN.encode() not in db.read_bytes()
    wal = db.with_name(db.name + ".wal")
    assert not wal.exists() or TOKEN.encode() not in wal.read_bytes()
