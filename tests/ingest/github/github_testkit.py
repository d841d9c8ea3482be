"""Helpers shared by the GitHub ingest tests: a populated fake GitHub, a client, snapshots."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from fake_github import (
    BASE,
    TOKEN,
    FakeGitHub,
    check_run,
    commit,
    event,
    review,
    status_context,
)

from ingest.github.client import GitHubClient, RetryPolicy
from store import read_connection

TABLES = (
    "repositories",
    "people",
    "pull_requests",
    "pr_commits",
    "reviews",
    "pr_events",
    "defects",
    "links",
    "sync_state",
)
# pr_key is a surrogate (store migration 4): numbered in the order PRs are first written,
# which batching changes; snapshot() checks it stands for one PR everywhere instead.
VOLATILE = {"fetched_at", "last_synced_at", "pr_key"}


class Sleeps:
    """A sleep that records instead of waiting."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


def make_client(
    fake: FakeGitHub,
    *,
    token: str = TOKEN,
    sleep: Any = None,
    lines: list[str] | None = None,
    timeout_s: float = 5,
    policy: RetryPolicy | None = None,
) -> GitHubClient:
    """A client for the fake server with a recording sleep and progress."""
    return GitHubClient(
        token,
        fake.url,
        timeout_s=timeout_s,
        sleep=sleep if sleep is not None else Sleeps(),
        progress=(lines.append if lines is not None else None),
        policy=policy or RetryPolicy(backoff_s=0.01, secondary_wait_s=0.01),
    )


def populate(fake: FakeGitHub, repo: str = "acme/api", prs: int = 120, issues: int = 6) -> None:
    """A repository with every kind of PR the mapping cares about, and bug issues.

    PR 1: deleted author; 2: bot; 3: opened as draft then ready; 4: still a draft;
    5: AI-assisted by a commit trailer; 6: a failing check and status; 7: closes issue #2;
    8: reverts #3; 9: a dismissed CHANGES_REQUESTED review; others: plain.
    """
    for n in range(1, prs + 1):
        created = BASE + timedelta(hours=n)
        kw: dict[str, Any] = {
            "created": created,
            "reviews": [
                review(f"R{repo}{n}a", login="bob", at=created + timedelta(hours=1), comments=n % 3)
            ],
        }
        if n == 1:
            kw["author"] = None
        elif n == 2:
            kw.update(author="renovate", author_kind="Bot", title="Bump deps")
        elif n == 3:
            kw["timeline"] = [
                event("ReadyForReviewEvent", f"E{repo}{n}r", at=created + timedelta(minutes=30))
            ]
            kw["title"] = "Add caching"
        elif n == 4:
            kw.update(is_draft=True, state="OPEN", merged=None)
        elif n == 5:
            kw["commits"] = [
                commit(f"{n:05d}a", "Implement\n\nCo-authored-by: Claude <noreply@anthropic.com>"),
                commit(f"{n:05d}b", "Tidy up"),
            ]
        elif n == 6:
            kw.update(
                check_state="FAILURE",
                checks=[
                    check_run("build"),
                    check_run("codeql", "FAILURE"),
                    status_context("ci/lint", "ERROR"),
                ],
            )
        elif n == 7:
            kw.update(closing=(f"{repo}#2",), body="Part of the cleanup")
        elif n == 8:
            kw.update(title='Revert "Add caching"', body=f"Reverts {repo}#3")
        elif n == 9:
            kw["reviews"] = [
                review(f"R{repo}{n}x", state="DISMISSED", body="no", at=created),
                review(f"R{repo}{n}y", login="dana", at=created + timedelta(hours=2)),
            ]
            kw["timeline"] = [
                event(
                    "ReviewDismissedEvent",
                    f"E{repo}{n}d",
                    at=created + timedelta(hours=1),
                    previousReviewState="CHANGES_REQUESTED",
                    review={"id": f"R{repo}{n}x"},
                )
            ]
        fake.add_pr(repo, n, **kw)
    for n in range(1, issues + 1):
        labels: tuple[str, ...] = ("Bug",) if n % 2 else ("enhancement",)
        body = "Introduced by #3" if n == 1 else ""
        fake.add_issue(repo, n, labels=labels, body=body)


def snapshot(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every ingest table, without the columns that record when."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    with read_connection(db) as conn:
        _check_pr_keys(conn)
        for table in TABLES:
            columns = [
                r[0]
                for r in conn.execute(
                    "select column_name from information_schema.columns where table_name = ? "
                    "order by ordinal_position",
                    [table],
                ).fetchall()
                if r[0] not in VOLATILE
            ]
            rows = conn.execute(f"select {', '.join(columns)} from {table}").fetchall()
            out[table] = sorted((tuple(r) for r in rows), key=repr)
    return out


def _check_pr_keys(conn: Any) -> None:
    """Each PR has its own integer key, and its commits, reviews and events carry it."""
    (dupes,) = conn.execute(
        "select count(*) - count(distinct pr_key) + count(*) filter (where pr_key is null)"
        " from pull_requests"
    ).fetchall()[0]
    assert dupes == 0, "PR keys are missing or shared"
    for child in ("pr_commits", "reviews", "pr_events"):
        (wrong,) = conn.execute(
            f"select count(*) from {child} as c left join pull_requests as p"
            " on p.pr_id = c.pr_id where c.pr_key is distinct from p.pr_key"
        ).fetchall()[0]
        assert wrong == 0, f"{child}: rows whose pr_key is not their PR's"


def count(db: Path, sql: str, params: list[Any] | None = None) -> Any:
    """The first value of a query."""
    with read_connection(db) as conn:
        return conn.execute(sql, params or []).fetchall()[0][0]
