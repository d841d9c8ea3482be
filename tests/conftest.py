"""Fixtures shared by every layer's tests: a small real store under tmp_path."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

import store
from ingest import writer

FETCHED = datetime(2026, 7, 1, tzinfo=UTC)
PROVENANCE = {"source": "test", "source_url": None, "fetched_at": FETCHED}


def at(text: str) -> datetime:
    """'2026-06-01 10:00' as an aware UTC datetime."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def build_small_store(path: Path) -> Path:
    """Two teams, three people, four PRs with reviews, one defect: enough for a page."""
    with store.write_transaction(path) as conn:
        writer.upsert(
            conn,
            "teams",
            [
                {"team": "Alpha", "ai_adoption_date": at("2026-03-01").date()},
                {"team": "Beta", "ai_adoption_date": None},
            ],
            PROVENANCE,
        )
        writer.upsert(
            conn,
            "people",
            [
                {"login": "ana", "name": "Ana", "level": "mid", "is_bot": False},
                {"login": "ben", "name": "Ben", "level": "senior", "is_bot": False},
                {"login": "cy", "name": "Cy", "level": "junior", "is_bot": False},
            ],
            PROVENANCE,
        )
        writer.upsert(
            conn,
            "team_memberships",
            [
                {"login": "ana", "team": "Alpha", "valid_from": at("2020-01-01").date()},
                {"login": "ben", "team": "Alpha", "valid_from": at("2020-01-01").date()},
                {"login": "cy", "team": "Beta", "valid_from": at("2020-01-01").date()},
            ],
            PROVENANCE,
        )
        writer.upsert(
            conn, "repositories", [{"repo": "o/r", "owner": "o", "name": "r"}], PROVENANCE
        )
        prs = [
            {
                "pr_id": f"o/r#{n}",
                "repo": "o/r",
                "number": n,
                "title": f"Change {n}",
                "body": "",
                "author_login": author,
                "state": "MERGED",
                "created_at": at(created),
                "merged_at": at(merged),
                "additions": 10,
                "deletions": 2,
            }
            for n, author, created, merged in (
                (1, "ana", "2026-05-04 09:00", "2026-05-04 17:00"),
                (2, "ben", "2026-05-12 09:00", "2026-05-13 09:00"),
                (3, "cy", "2026-06-02 09:00", "2026-06-02 12:00"),
                (4, "ana", "2026-06-10 09:00", "2026-06-11 09:00"),
            )
        ]
        reviews = [
            {
                "review_id": f"rv{n}",
                "pr_id": f"o/r#{n}",
                "reviewer_login": "ben" if n != 2 else "ana",
                "state": "APPROVED",
                "submitted_at": at(when),
                "is_body_empty": False,
                "inline_comment_count": 1,
            }
            for n, when in (
                (1, "2026-05-04 12:00"),
                (2, "2026-05-12 15:00"),
                (4, "2026-06-10 15:00"),
            )
        ]
        writer.replace_pull_requests(conn, prs, reviews=reviews, provenance=PROVENANCE)
        writer.replace_defects(
            conn,
            [
                {
                    "defect_id": "o/r#9",
                    "key": "o/r#9",
                    "repo": "o/r",
                    "title": "Crash on save",
                    "body": "Introduced by #1",
                    "reported_at": at("2026-05-06 10:00"),
                    "labels": ["bug"],
                }
            ],
            provenance=PROVENANCE,
        )
        writer.set_sync_state(
            conn, source="test", scope="*", stream="all", status="complete", cursor=None
        )
    return path


@pytest.fixture
def small_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A small real store, also made the default database through $TEAMLENS_DB."""
    path = build_small_store(tmp_path / "teamlens.duckdb")
    monkeypatch.setenv("TEAMLENS_DB", str(path))
    return path


@pytest.fixture(scope="session", autouse=True)
def _close_kaleido_at_the_end() -> Iterator[None]:
    """Close kaleido's browser when the session ends, before pytest prints its summary."""
    yield
    if "reports.images" in sys.modules:  # only if some test rendered a chart
        sys.modules["reports.images"].stop()
