"""A small store whose every untrusted text is hostile: Markdown, HTML, LaTeX and a URL.

Teams, people, assessments and recognitions are imported through the CSV importers (as a
user would); pull requests, reviews and a defect are written as the GitHub ingest writes
them. Used by the page sweep (tests/pages/test_hostile_text.py) and the browser test.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from pathlib import Path

import store
from ingest import people_import, writer

IMAGE_URL = "http://127.0.0.1:9/p.png"  # the proxy guard's port: nothing answers there
PAYLOAD = f"**bold** ![x]({IMAGE_URL}) <b>x</b> $x^2$"
TEAM = f"Ops {PAYLOAD}"
NAME = f"Ana {PAYLOAD}"
LOGIN = "ana"
# What must never reach a page's Markdown (or a chart's pseudo-HTML) as written: each is
# markup when it does.
FRAGMENTS = ("**bold**", "![x](", "<b>", "</b>", "$x^2$", IMAGE_URL)
TODAY = date(2026, 11, 20)
PROVENANCE = {
    "source": "github",
    "source_url": None,
    "fetched_at": datetime(2026, 7, 1, tzinfo=UTC),
}


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def _csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    buffer = io.StringIO()
    out = csv.writer(buffer)
    out.writerow(header)
    out.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def build_hostile_store(path: Path, folder: Path) -> Path:
    """Teams 'Ops <payload>' (adopted AI on 2026-03-01) and 'Beta'; ana (named
    'Ana <payload>'), ben and cy; six PRs and a defect titled with the payload; an
    assessment's evidence and a recognition's note with the payload. As of 2026-06-11."""
    folder.mkdir(parents=True, exist_ok=True)
    people_import.import_teams(
        _csv(
            folder / "teams.csv",
            ["team", "ai_adoption_date", "repos"],
            [[TEAM, "2026-03-01", "o/r"], ["Beta", "", ""]],
        ),
        path,
        today=TODAY,
    )
    people_import.import_people(
        _csv(
            folder / "people.csv",
            ["login", "name", "team", "level", "started_on"],
            [
                [LOGIN, NAME, TEAM, "mid", "2020-01-01"],
                ["ben", f"Ben {PAYLOAD}", TEAM, "senior", "2020-01-01"],
                ["cy", "Cy", "Beta", "junior", "2020-01-01"],
            ],
        ),
        path,
        today=TODAY,
    )
    with store.write_transaction(path) as conn:
        writer.upsert(
            conn, "repositories", [{"repo": "o/r", "owner": "o", "name": "r"}], PROVENANCE
        )
        prs = [
            {
                "pr_id": f"o/r#{n}",
                "repo": "o/r",
                "number": n,
                "title": f"{PAYLOAD} {n}",
                "body": PAYLOAD,
                "author_login": author,
                "state": "MERGED",
                "created_at": _at(created),
                "merged_at": _at(merged),
                "additions": 10,
                "deletions": 2,
                "is_ai_assisted": n % 2 == 1,
            }
            for n, author, created, merged in (
                (1, "ana", "2026-05-04 09:00", "2026-05-04 17:00"),
                (2, "ben", "2026-05-12 09:00", "2026-05-13 09:00"),
                (3, "cy", "2026-06-02 09:00", "2026-06-02 12:00"),
                (4, "ana", "2026-06-10 09:00", "2026-06-11 09:00"),
                (5, "ana", "2026-04-06 09:00", "2026-04-06 10:00"),
                (6, "ben", "2026-04-08 09:00", "2026-04-08 09:30"),
            )
        ]
        reviews = [
            {
                "review_id": f"rv{n}",
                "pr_id": f"o/r#{n}",
                "reviewer_login": "ben" if n != 2 else "ana",
                "state": "APPROVED",
                "submitted_at": _at(when),
                "is_body_empty": True,
                "inline_comment_count": 0,
            }
            for n, when in (
                (1, "2026-05-04 16:58"),
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
                    "title": PAYLOAD,
                    "body": f"Introduced by #1. {PAYLOAD}",
                    "reported_at": _at("2026-05-06 10:00"),
                    "labels": ["bug"],
                }
            ],
            provenance=PROVENANCE,
        )
        writer.set_sync_state(
            conn, source="github", scope="*", stream="all", status="complete", cursor=None
        )
    people_import.import_assessments(
        _csv(
            folder / "assessments.csv",
            ["login", "competency", "level", "assessed_on", "assessor", "evidence"],
            [
                [LOGIN, "prompt_effectiveness", "2", "2026-03-15", "lead", PAYLOAD],
                [LOGIN, "debugging", "3", "2026-05-20", "lead", PAYLOAD],
                ["ben", "debugging", "2", "2026-05-20", "ben", PAYLOAD],
            ],
        ),
        path,
        today=TODAY,
    )
    people_import.import_recognitions(
        _csv(
            folder / "recognitions.csv",
            ["login", "behaviour", "format", "recognized_on", "note", "pr_url"],
            [[LOGIN, "quality_catch", "standup_verbal", "2026-05-05", PAYLOAD, ""]],
        ),
        path,
        today=TODAY,
    )
    return path
