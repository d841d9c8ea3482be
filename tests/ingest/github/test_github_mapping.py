"""Pure payload -> rows decisions: ghosts, bots, drafts, checks, AI detection, refused fields."""

from __future__ import annotations

import pytest

from ingest.github import issue_mapping, mapping
from settings import Settings

CONFIG = Settings()


def pr_node(**kw):
    node = {
        "id": "PR1",
        "number": 1,
        "url": "https://github.com/o/r/pull/1",
        "title": "t",
        "body": "",
        "state": "MERGED",
        "isDraft": False,
        "createdAt": "2026-01-01T00:00:00Z",
        "mergedAt": "2026-01-02T00:00:00Z",
        "closedAt": "2026-01-02T00:00:00Z",
        "updatedAt": "2026-01-02T00:00:00Z",
        "author": {"__typename": "User", "login": "ana"},
        "labels": {"nodes": []},
        "commits": {"nodes": []},
        "reviews": {"nodes": []},
        "timelineItems": {"nodes": []},
        "closingIssuesReferences": {"nodes": []},
        "headCommit": {"nodes": []},
    }
    node.update(kw)
    return node


def mapped(**kw):
    rows = mapping.PullRequestRows()
    mapping.map_pull_request("o/r", pr_node(**kw), CONFIG, rows)
    return rows


def test_actor_ghost_and_bots() -> None:
    assert mapping.actor(None) == ("ghost", False)
    assert mapping.actor({"__typename": "Bot", "login": "dependabot"}) == ("dependabot[bot]", True)
    assert mapping.actor({"__typename": "User", "login": "x[bot]"}) == ("x[bot]", True)
    assert mapping.actor({"__typename": "User", "login": "ana"}) == ("ana", False)


def _events(*kinds):
    return {
        "nodes": [
            {"__typename": k, "id": f"E{i}", "createdAt": f"2026-01-01T0{i}:00:00Z", "actor": None}
            for i, k in enumerate(kinds)
        ]
    }


@pytest.mark.parametrize(
    ("is_draft", "events", "expected"),
    [
        (False, (), False),
        (True, (), True),  # still a draft, never marked ready
        (False, ("ReadyForReviewEvent",), True),
        (False, ("ConvertToDraftEvent", "ReadyForReviewEvent"), False),
        (True, ("ReadyForReviewEvent", "ConvertToDraftEvent"), True),
    ],
)
def test_opened_as_draft(is_draft, events, expected) -> None:
    row = mapped(isDraft=is_draft, timelineItems=_events(*events)).pull_requests[0]
    assert row["is_opened_as_draft"] is expected


def test_failing_checks_and_statuses() -> None:
    contexts = [
        {"__typename": "CheckRun", "name": n, "conclusion": c}
        for n, c in [
            ("ok", "SUCCESS"),
            ("f", "FAILURE"),
            ("t", "TIMED_OUT"),
            ("c", "CANCELLED"),
            ("a", "ACTION_REQUIRED"),
            ("s", "STARTUP_FAILURE"),
            ("n", "NEUTRAL"),
            ("p", None),
        ]
    ] + [
        {"__typename": "StatusContext", "context": "e", "state": "ERROR"},
        {"__typename": "StatusContext", "context": "x", "state": "FAILURE"},
        {"__typename": "StatusContext", "context": "y", "state": "PENDING"},
    ]
    head = {
        "nodes": [
            {"commit": {"statusCheckRollup": {"state": "FAILURE", "contexts": {"nodes": contexts}}}}
        ]
    }
    row = mapped(headCommit=head).pull_requests[0]
    assert row["check_state"] == "FAILURE"
    assert row["failing_checks"] == ["a", "c", "e", "f", "s", "t", "x"]


def test_no_checks() -> None:
    row = mapped().pull_requests[0]
    assert row["check_state"] is None and row["failing_checks"] == []


@pytest.mark.parametrize(
    ("labels", "body", "messages", "reason"),
    [
        (["AI-Assisted"], "", [], "label:AI-Assisted"),
        ([], "Co-authored-by: GitHub Copilot <x@y>", [], "trailer:Co-authored-by copilot"),
        (
            [],
            "",
            ["fix\n\nCo-authored-by: Claude <noreply@anthropic.com>"],
            "trailer:Co-authored-by claude",
        ),
        ([], "Assisted-by: Cursor", [], "trailer:Assisted-by Cursor"),
        (
            [],
            "🤖 Generated with [Claude Code](https://claude.com/claude-code)",
            [],
            "footer:Generated with claude",
        ),
        ([], "Co-authored-by: Bob <bob@example.com>", [], None),  # a human co-author
        ([], "Generated with love", [], None),
        (["bug"], "", ["plain"], None),
    ],
)
def test_ai_detection_records_why(labels, body, messages, reason) -> None:
    assert mapping.detect_ai(labels, body, messages, CONFIG) == reason


def test_ai_detection_uses_configured_labels_and_agents() -> None:
    config = Settings(ai_labels=("llm",), ai_agents=("acmebot",))
    assert mapping.detect_ai(["llm"], "", [], config) == "label:llm"
    assert mapping.detect_ai([], "Co-authored-by: AcmeBot <a@b>", [], config) == (
        "trailer:Co-authored-by acmebot"
    )
    assert mapping.detect_ai(["copilot"], "", [], config) is None


def test_commit_message_kept_only_with_a_trailer_or_reference() -> None:
    def commit(oid, message):
        return {
            "commit": {
                "oid": oid,
                "authoredDate": "2026-01-01T00:00:00Z",
                "committedDate": "2026-01-01T00:00:00Z",
                "message": message,
                "author": {"user": None},
            }
        }

    commits = {
        "nodes": [
            commit("a", "plain change"),
            commit("b", "Fixes #4"),
            commit("c", "x\n\nAssisted-by: Aider"),
            commit("d", "Revert x\n\nReverts o/r#2"),
        ]
    }
    rows = mapped(commits=commits)
    kept = {c["sha"]: c["message"] for c in rows.commits}
    assert kept["a"] is None
    assert kept["b"] == "Fixes #4" and kept["c"] and kept["d"]
    assert rows.commits[0]["author_login"] is None


def test_refused_fields_are_never_copied() -> None:
    rows = mapped(ai_suggestions_accepted=12, acceptance_rate=0.4, copilotUsage=3)
    for row in rows.pull_requests:
        assert not {"ai_suggestions_accepted", "acceptance_rate", "copilotUsage"} & set(row)


def test_a_bad_field_names_its_path() -> None:
    with pytest.raises(mapping.PayloadError, match="createdAt"):
        mapped(createdAt=None)
    with pytest.raises(mapping.PayloadError, match="date-time"):
        mapped(mergedAt="soon")


def test_issue_becomes_a_defect_only_with_a_bug_label() -> None:
    node = {
        "number": 4,
        "url": "https://github.com/o/r/issues/4",
        "title": "Crash",
        "body": "Regressed in #2",
        "state": "CLOSED",
        "createdAt": "2026-01-01T00:00:00Z",
        "closedAt": "2026-01-03T00:00:00Z",
        "updatedAt": "2026-01-03T00:00:00Z",
        "labels": {"nodes": [{"name": "Regression"}, {"name": "severity: high"}]},
    }
    row = issue_mapping.map_issue("o/r", node, CONFIG)
    assert row["defect_id"] == "o/r#4" and row["severity"] == "high"
    assert row["resolved_at"].day == 3
    node["labels"] = {"nodes": [{"name": "not-a-bug"}]}
    assert issue_mapping.map_issue("o/r", node, CONFIG) is None


def test_merge_commit_and_head_branch_are_kept_for_git_history() -> None:
    # What ties git history to the PR (ingest/git/ties.py): the commit GitHub merged or
    # squashed it into, and the branch name (tracker keys are often written there).
    row = mapped(mergeCommit={"oid": "ab" * 20}, headRefName="PAY-142-fix-totals")
    pr = row.pull_requests[0]
    assert pr["merge_commit_sha"] == "ab" * 20
    assert pr["head_ref"] == "PAY-142-fix-totals"
    open_pr = mapped(state="OPEN", mergedAt=None, mergeCommit=None).pull_requests[0]
    assert open_pr["merge_commit_sha"] is None and open_pr["head_ref"] is None
    with pytest.raises(mapping.PayloadError, match="mergeCommit"):
        mapped(mergeCommit="ab" * 20)
