"""Fixtures of the reports tests: a small organization written through ingest.writer.

Teams: Alpha (6 people, adopted AI on 2026-05-01), Beta (3 people) and Gamma (2 people):
Beta and Gamma are under 5 people each, so a board view shows them merged as "Other"
(5 people). The person under review is ``ana`` (mid level, Alpha), with hand-built
levels, PRs, a defect, assessments and recognitions in 2026Q3 (and some in 2026Q2).
Every person has a distinctive surname, so a test can prove no name leaks into a board.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

import store
from ingest import writer

PROV = {"source": "import", "source_url": None, "fetched_at": datetime(2026, 10, 1, tzinfo=UTC)}
REPO = "acme/app"

PEOPLE = (
    # login, name, team, level
    ("ana", "Ana Ångström", "Alpha", "mid"),
    ("bo", "Bo Quintaverde", "Alpha", "senior"),
    ("cai", "Cai Zephyrine", "Alpha", "junior"),
    ("dee", "Dee Marlowcastle", "Alpha", "mid"),
    ("eli", "Eli Thornquist", "Alpha", "staff"),
    ("fay", "Fay Oberholtzer", "Alpha", "mid"),
    ("gus", "Gus Pemberwick", "Beta", "senior"),
    ("hal", "Hal Vandersloot", "Beta", "mid"),
    ("ivy", "Ivy Quillfeather", "Beta", "junior"),
    ("jon", "Jon Ravenscroft", "Gamma", "mid"),
    ("kim", "Kim Wolfsbane", "Gamma", "senior"),
)
PERSON_NAMES = tuple(name for _, name, _, _ in PEOPLE)
AI = (
    "prompt_effectiveness",
    "ai_output_evaluation",
    "workflow_integration",
    "security_vigilance",
    "knowledge_sharing",
    "tool_adaptability",
)


def at(day: str, hour: int = 9) -> datetime:
    return datetime.fromisoformat(day).replace(tzinfo=UTC) + timedelta(hours=hour)


def build_org(path: Path, people: tuple[tuple[str, str, str, str], ...] = PEOPLE) -> Path:
    """Write the organization (or only ``people`` of it) to a new store at ``path``."""
    prs: list[dict[str, Any]] = []
    reviews: list[dict[str, Any]] = []
    number = 0

    def pr(author: str, day: str, hours: int, *, reviewer: str | None = "bo", **extra: Any) -> str:
        nonlocal number
        number += 1
        created = at(day)
        prs.append(
            {
                "pr_id": f"{REPO}#{number}",
                "repo": REPO,
                "number": number,
                "url": f"https://github.com/{REPO}/pull/{number}",
                "title": extra.pop("title", f"Change {number}"),
                "body": extra.pop("body", ""),
                "author_login": author,
                "state": "MERGED",
                "created_at": created,
                "merged_at": created + timedelta(hours=hours),
                "additions": 40,
                "deletions": 5,
                **extra,
            }
        )
        if reviewer:
            reviews.append(
                {
                    "review_id": f"rv{number}",
                    "pr_id": f"{REPO}#{number}",
                    "reviewer_login": reviewer if reviewer != author else "dee",
                    "state": "APPROVED",
                    "submitted_at": created + timedelta(hours=1),
                    "is_body_empty": False,
                    "inline_comment_count": 2,
                }
            )
        return f"{REPO}#{number}"

    # Every person ships a few PRs in 2026Q2 and 2026Q3 (cycle times differ by person).
    for i, (login, _, _, _) in enumerate(people):
        for month in ("04", "05", "06", "07", "08", "09"):
            pr(login, f"2026-{month}-{10 + i:02d}", 6 + 2 * i)
    # ana's Q3 evidence: an unreviewed merge, a failing-check merge, a change that breaks.
    # (three unreviewed merges of Alpha's 24 in Q3: 12.5%, enough for the team's red flag)
    pr("ana", "2026-08-03", 5, reviewer=None, title="Hotfix <b>config</b> without review")
    pr("ana", "2026-08-12", 4, reviewer=None, title="Tweak retry limits")
    pr("ana", "2026-09-01", 3, reviewer=None, title="Rename flag")
    pr("ana", "2026-08-05", 7, check_state="FAILURE", title="Bump parser")
    broken = pr("ana", "2026-07-20", 10, title="New checkout flow")
    with store.write_transaction(path) as conn:
        writer.upsert(
            conn,
            "teams",
            [
                {"team": "Alpha", "ai_adoption_date": date(2026, 5, 1)},
                {"team": "Beta", "ai_adoption_date": date(2025, 6, 1)},
                {"team": "Gamma", "ai_adoption_date": None},
            ],
            PROV,
        )
        writer.upsert(
            conn,
            "people",
            [
                {
                    "login": login,
                    "name": name,
                    "level": level,
                    "started_on": date(2022, 1, 1),
                    "is_bot": False,
                }
                for login, name, _, level in people
            ],
            PROV,
        )
        writer.upsert(
            conn,
            "team_memberships",
            [
                {"login": login, "team": team, "valid_from": date(2020, 1, 1)}
                for login, _, team, _ in people
            ],
            PROV,
        )
        writer.upsert(conn, "repositories", [{"repo": REPO, "owner": "acme", "name": "app"}], PROV)
        writer.replace_pull_requests(conn, prs, reviews=reviews, provenance=PROV)
        writer.replace_defects(
            conn,
            [
                {
                    "defect_id": "acme/app#900",
                    "key": "acme/app#900",
                    "repo": REPO,
                    "title": "Checkout total wrong",
                    "body": f"Introduced by #{broken.split('#')[1]}",
                    "reported_at": at("2026-07-25"),
                    "labels": ["bug"],
                    "url": "https://github.com/acme/app/issues/900",
                }
            ],
            provenance=PROV,
        )
        assessments = []
        # ana: Q2 levels 1-2, raised in Q3 (manager) - knowledge sharing stays at 2.
        for competency in AI:
            assessments.append(
                ("ana", competency, 2 if competency == "knowledge_sharing" else 1, "2026-06-15")
            )
            assessments.append(
                ("ana", competency, 2 if competency != "prompt_effectiveness" else 3, "2026-08-20")
            )
        assessments.append(("ana", "software_design", 2, "2026-08-20"))
        # everyone else: one level per AI competency in Q2 (for the board's skill shares)
        for i, (login, _, _, _) in enumerate(people[1:]):
            for j, competency in enumerate(AI):
                assessments.append((login, competency, 1 + (i + j) % 4, "2026-06-20"))
        writer.upsert(
            conn,
            "competency_assessments",
            [
                {
                    "assessment_id": f"a{n}",
                    "login": login,
                    "competency": competency,
                    "level": level,
                    "assessed_on": date.fromisoformat(day),
                    "assessor": "mara" if login == "ana" else "lead",
                    "assessor_role": "manager",
                    "evidence": f"Evidence for {competency}",
                }
                for n, (login, competency, level, day) in enumerate(assessments)
            ],
            PROV,
        )
        writer.upsert(
            conn,
            "recognitions",
            [
                {
                    "recognition_id": "r1",
                    "login": "ana",
                    "behaviour": "effective_mentoring",
                    "format": "team_channel_written",
                    "recognized_on": date(2026, 9, 2),
                    "note": "Paired with Cai on evaluating generated migrations",
                    "pr_url": None,
                },
                {
                    "recognition_id": "r2",
                    "login": "ana",
                    "behaviour": "honest_limitation_discovery",
                    "format": "standup_verbal",
                    "recognized_on": date(2026, 7, 14),
                    "note": "Documented where the assistant fails on date arithmetic",
                    "pr_url": "https://github.com/acme/app/pull/3",
                },
                {
                    "recognition_id": "r3",
                    "login": "ana",
                    "behaviour": "quality_catch",
                    "format": "performance_review",
                    "recognized_on": date(2026, 4, 2),  # Q2: not in the Q3 packet
                    "note": "Caught an injection in generated SQL",
                    "pr_url": None,
                },
            ],
            PROV,
        )
        writer.set_sync_state(
            conn, source="import", scope="*", stream="all", status="complete", cursor=None
        )
    return path


@pytest.fixture(scope="session")
def org_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small organization, built once per test session (tests only read it)."""
    return build_org(tmp_path_factory.mktemp("reports") / "teamlens.duckdb")
