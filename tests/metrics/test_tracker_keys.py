"""Tracker keys (METRICS.md "Tracker keys"): a merged PR whose title, head branch or commit
messages carry an imported defect's key is a fix PR of it; with a clone, so is a commit
whose message carries it, and SZZ traces both to the change that caused the defect."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

import metrics
from ingest.git.sync import ingest_git
from metrics import attribution
from tests.ingest.git.gitkit import GitRepo, lines
from tests.metrics.builders import StoreBuilder, t

AS_OF = t(20)


def key_store(store):
    store.person("alice").person("bob").person("renovate[bot]", None, is_bot=True)
    store.defect(0, reported=t(2, 0), repo=None, key="PAY-142", title="Refund rounding")
    store.defect(0, reported=t(2, 0), repo=None, key="OPS-7", title="Retry storm")
    store.defect(0, reported=t(2, 0), repo=None, key="WEB-3", title="Only look-alikes")
    # PR 1 (title): 09:00 -> 14:00 = 5h
    store.pr(1, created=t(3, 9), merged=t(3, 14), title="PAY-142: guard refund totals")
    # PR 2 (head branch): 3h
    store.pr(2, created=t(4, 9), merged=t(4, 12), author="bob", title="Retry less")
    store.prs[-1]["head_ref"] = "feature/OPS-7-retry-budget"
    # PR 3 (a commit message): merged earlier than PR 1, 2h, so PAY-142's first fix
    store.pr(3, created=t(3, 6), merged=t(3, 8), title="Tidy refunds")
    store.commits.append(
        {
            "pr_id": "acme/app#3",
            "sha": "c3",
            "authored_at": t(3, 6),
            "committed_at": t(3, 6),
            "message": "Round once (PAY-142)",
        }
    )
    # look-alikes of WEB-3, none a whole-word, same-case match: not fixes
    store.pr(4, created=t(5, 9), merged=t(5, 10), title="XWEB-3 banner, WEB-30 footer")
    store.pr(5, created=t(5, 9), merged=t(5, 10), title="web-3 in lower case")
    store.pr(6, created=t(5, 9), merged=t(5, 10), title="WEB-3x is another word")
    # a bot's PR and a PR merged after the as-of time are never fixes
    store.pr(7, created=t(5, 9), merged=t(5, 10), title="WEB-3", author="renovate[bot]")
    store.pr(8, created=t(25, 9), merged=t(25, 10), title="Fix WEB-3 for real")
    return store.write()


def test_keys_in_titles_branches_and_commit_messages_make_fix_prs(store):
    path = key_store(store)
    d = metrics.defect_facts(path, AS_OF).set_index("defect_id")
    # PAY-142: fixed by PR 3 (commit message, 2h) and PR 1 (title, 5h): the earliest, PR 3
    assert d.loc["PAY-142", "fix_pr_id"] == "acme/app#3"
    assert d.loc["PAY-142", "repair_time_h"] == 2.0
    assert d.loc["OPS-7", "fix_pr_id"] == "acme/app#2"
    assert d.loc["OPS-7", "repair_time_h"] == 3.0
    # WEB-3: no fix PR by the as-of time: open, 2026-03-02 00:00 -> 03-20 00:00 = 432h
    assert pd.isna(d.loc["WEB-3", "fix_pr_id"])
    assert d.loc["WEB-3", "repair_time_h"] == 18 * 24.0
    later = metrics.defect_facts(path, t(26)).set_index("defect_id")
    assert later.loc["WEB-3", "fix_pr_id"] == "acme/app#8"


def test_a_key_commit_and_a_key_pr_reach_their_causes_through_git(tmp_path: Path) -> None:
    # main: #1 writes refund.py and retry.py; #2 (bob) breaks refund.py line 2; a direct
    # push breaks retry.py line 2. PR #3, titled with PAY-142, fixes refund.py; a direct
    # push 'OPS-7 hotfix' fixes retry.py. Both defects were reported on 2026-01-09.
    repo = GitRepo(tmp_path / "app")
    store = StoreBuilder(tmp_path / "teamlens.duckdb")
    store.person("alice").person("bob")

    def land(day: int, subject: str, files: dict[str, str], author: str = "Ana <a@x>") -> str:
        repo.clock = datetime(2026, 1, day, 9, tzinfo=UTC)
        return repo.commit(subject, files, author=author, days=0)

    first = land(
        5,
        "Add refunds (#1)",
        {"refund.py": lines("def r(x):", "    return x"), "retry.py": lines("N = 3", "M = 1")},
    )
    bug = land(6, "Cap refunds (#2)", {"refund.py": lines("def r(x):", "    return min(x, 9)")})
    land(7, "tune retries", {"retry.py": lines("N = 3", "M = 100")}, author="Bob <b@x>")
    fix = land(10, "PAY-142 refund cap (#3)", {"refund.py": lines("def r(x):", "    return x")})
    land(11, "OPS-7 hotfix", {"retry.py": lines("N = 3", "M = 2")})
    for number, sha, author, day in (
        (1, first, "alice", 5),
        (2, bug, "bob", 6),
        (3, fix, "alice", 10),
    ):
        store.pr(
            number,
            created=datetime(2026, 1, day, 7, tzinfo=UTC),
            merged=datetime(2026, 1, day, 9, tzinfo=UTC),
            author=author,
            title="PAY-142 refund cap" if number == 3 else f"Change {number}",
        )
        store.prs[-1]["merge_commit_sha"] = sha
    reported = datetime(2026, 1, 9, tzinfo=UTC)
    store.defect(0, reported=reported, repo=None, key="PAY-142")
    store.defect(0, reported=reported, repo=None, key="OPS-7")
    path = store.write()
    ingest_git(repo.path, repo_name="acme/app", db=path)
    as_of = datetime(2026, 1, 31, tzinfo=UTC)
    ev = attribution.attribution_evidence(path, as_of)
    chosen = ev[ev["is_attributing"]]
    # PAY-142 -> PR #3 (its title carries the key) -> line 2 of refund.py, by #2
    assert chosen[["defect_id", "pr_id", "method", "confidence"]].values.tolist() == [
        ["PAY-142", "acme/app#2", "inferred", 1.0]
    ]
    # OPS-7 -> the 'OPS-7 hotfix' commit -> a direct push: evidence, no PR
    ops = ev[ev["defect_id"] == "OPS-7"]
    assert (
        len(ops) == 1 and ops["pr_id"].isna().all() and ops["suspected_author"].tolist() == ["Bob"]
    )
    tracing = attribution.defect_tracing(path, as_of).set_index("defect_id")
    assert tracing.loc["OPS-7", "untraced_reason"] == "no_pr"
    # a tracker defect without a repository counts for its fix's repository
    assert set(tracing["repo"]) == {"acme/app"}
