"""Test builders: small hand-made stores written through ingest.writer into a real DuckDB file."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from ingest import writer
from store import write_transaction

REPO = "acme/app"
PROV = {"source": "import", "fetched_at": datetime(2026, 1, 1, tzinfo=UTC)}


def t(day: int, hour: float = 0.0, month: int = 3) -> datetime:
    """2026-<month>-<day> at <hour> UTC (March 2026: the 2nd is a Monday)."""
    return datetime(2026, month, day, tzinfo=UTC) + timedelta(hours=hour)


@dataclass
class StoreBuilder:
    path: Path
    prs: list[dict[str, Any]] = field(default_factory=list)
    commits: list[dict[str, Any]] = field(default_factory=list)
    reviews: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    defects: list[dict[str, Any]] = field(default_factory=list)
    people: list[dict[str, Any]] = field(default_factory=list)
    memberships: list[dict[str, Any]] = field(default_factory=list)
    teams: list[dict[str, Any]] = field(default_factory=list)
    team_repos: list[dict[str, Any]] = field(default_factory=list)
    extra_links: list[dict[str, Any]] = field(default_factory=list)
    defect_links: list[dict[str, Any]] = field(default_factory=list)
    _review_seq: int = 0

    def person(
        self,
        login: str,
        team: str | None = "Payments",
        *,
        is_bot: bool = False,
        valid_from: str | None = None,
        valid_to: str | None = None,
    ) -> StoreBuilder:
        if not any(p["login"] == login for p in self.people):
            self.people.append({"login": login, "name": login.title(), "is_bot": is_bot})
        if team:
            if not any(x["team"] == team for x in self.teams):
                self.teams.append({"team": team})
            row: dict[str, Any] = {
                "login": login,
                "team": team,
                "valid_from": date.fromisoformat(valid_from or "0001-01-01"),
                "valid_to": date.fromisoformat(valid_to) if valid_to else None,
            }
            self.memberships.append(row)
        return self

    def owns(self, team: str, repo: str = REPO) -> StoreBuilder:
        if not any(x["team"] == team for x in self.teams):
            self.teams.append({"team": team})
        self.team_repos.append({"team": team, "repo": repo})
        return self

    def pr(
        self,
        number: int,
        *,
        created: datetime,
        merged: datetime | None,
        author: str = "alice",
        repo: str = REPO,
        title: str | None = None,
        body: str | None = None,
        first_commit: datetime | None = None,
        draft_ready: datetime | None = None,
        opened_as_draft: bool = False,
        additions: int = 10,
        deletions: int = 0,
        ai: bool = False,
        check_state: str | None = "SUCCESS",
        failing_checks: list[str] | None = None,
        author_bot: bool = False,
    ) -> str:
        pr_id = f"{repo}#{number}"
        self.prs.append(
            {
                "pr_id": pr_id,
                "repo": repo,
                "number": number,
                "url": f"https://github.com/{repo}/pull/{number}",
                "title": title or f"Change {number}",
                "body": body or "",
                "author_login": author,
                "is_author_bot": author_bot,
                "state": "MERGED" if merged else "OPEN",
                "is_opened_as_draft": opened_as_draft or draft_ready is not None,
                "created_at": created,
                "merged_at": merged,
                "additions": additions,
                "deletions": deletions,
                "labels": [],
                "is_ai_assisted": ai,
                "check_state": check_state,
                "failing_checks": failing_checks or [],
            }
        )
        if first_commit is not None:
            self.commits.append(
                {
                    "pr_id": pr_id,
                    "sha": f"c{number}",
                    "authored_at": first_commit,
                    "committed_at": first_commit,
                    "author_login": author,
                }
            )
        if draft_ready is not None:
            self.event(pr_id, "ready_for_review", draft_ready)
        return pr_id

    def commit(self, pr_id: str, sha: str, authored: datetime) -> None:
        self.commits.append(
            {"pr_id": pr_id, "sha": sha, "authored_at": authored, "committed_at": authored}
        )

    def review(
        self,
        pr_id: str,
        reviewer: str,
        at: datetime | None,
        state: str = "APPROVED",
        *,
        body_empty: bool = True,
        inline: int = 0,
        bot: bool = False,
        review_id: str | None = None,
    ) -> str:
        self._review_seq += 1
        rid = review_id or f"r{self._review_seq}"
        self.reviews.append(
            {
                "review_id": rid,
                "pr_id": pr_id,
                "reviewer_login": reviewer,
                "is_reviewer_bot": bot,
                "state": state,
                "submitted_at": at,
                "is_body_empty": body_empty,
                "inline_comment_count": inline,
                "is_dismissed": state == "DISMISSED",
            }
        )
        return rid

    def event(
        self,
        pr_id: str,
        kind: str,
        at: datetime,
        *,
        previous: str | None = None,
        review_id: str | None = None,
    ) -> None:
        self.events.append(
            {
                "event_id": f"e{len(self.events) + 1}",
                "pr_id": pr_id,
                "event_type": kind,
                "created_at": at,
                "previous_review_state": previous,
                "review_id": review_id,
            }
        )

    def defect(
        self,
        number: int,
        *,
        reported: datetime,
        resolved: datetime | None = None,
        title: str = "Something broke",
        body: str = "",
        repo: str | None = REPO,
        key: str | None = None,
    ) -> str:
        defect_id = key or f"{repo}#{number}"
        self.defects.append(
            {
                "defect_id": defect_id,
                "key": key or f"#{number}",
                "repo": repo,
                "title": title,
                "body": body,
                "reported_at": reported,
                "resolved_at": resolved,
                "labels": ["bug"],
                "url": f"https://github.com/{repo}/issues/{number}" if repo else None,
            }
        )
        return defect_id

    def write(self) -> Path:
        with write_transaction(self.path) as conn:
            writer.upsert(conn, "teams", self.teams, PROV)
            writer.upsert(conn, "team_repositories", self.team_repos, PROV)
            writer.upsert(conn, "people", self.people, PROV)
            writer.upsert(conn, "team_memberships", self.memberships, PROV)
            if self.prs:
                writer.replace_pull_requests(
                    conn,
                    self.prs,
                    commits=self.commits,
                    reviews=self.reviews,
                    events=self.events,
                    extra_links=self.extra_links,
                    provenance=PROV,
                )
            if self.defects:
                writer.replace_defects(
                    conn, self.defects, extra_links=self.defect_links, provenance=PROV
                )
        return self.path
