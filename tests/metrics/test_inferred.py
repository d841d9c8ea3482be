"""Inferred attribution (METRICS.md "Inferred attribution") on a small real git repository.

One repository, acme/app, built with real git: every PR is squash-merged on main as
``Title (#N)`` and stored with that squash commit as its merge commit, as GitHub records
it. ``teamlens ingest git``'s own functions read the clone and run SZZ; the metrics layer
maps the blamed commits to PRs. Eight defects, all reported 2026-02-04 12:00, each a story:

==== ====================================================== ===========================
bug  story                                                  expected
==== ====================================================== ===========================
#3   one-line bug: #2 changed pay.py line 2, fix PR #4      #2, inferred, confidence 1
     restores it; its report names #99, which is no PR in
     the store (nothing usable: inference still runs)
#6   fix PR #8 changes calc.py lines 2 (by #5, 37 days      #5, inferred, 1/2 = 0.5
     before) and 3 (by #7, made after the report: dropped).
     With #7 the stored recency window left #5 out (lag 37
     days > 2 x 2 + 30); recomputed without it, #5 is in
#10  a direct push 'Fixes #10' (no PR) fixes ship.py line 2  #9, inferred, confidence 1
     written by #9: a fix commit that references the defect
#12  fix PR #15 changes a line a direct push wrote           untraced: no_pr
#22  tangled fix PR #23: 16 files, line 2 of 12 by #21 and   #21 only: 12/16 x 0.5 =
     of 4 by #20 (tangle factor min(1, 8/16) = 0.5)          0.375; #20 4/16 x 0.5 =
                                                             0.125 < 0.25: evidence only
#13  fix PR #16 only adds a guard line                      untraced: adds_only
#31  fix PR #32 changes a line of '(#30)', a PR the store   untraced: pr_not_fetched
     does not hold (squash-merged: tied by its suffix)
#14  says 'Caused by #1'; its fix #17 would blame #2        #1, text: explicit wins
==== ====================================================== ===========================
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import metrics
from ingest.git.sync import ingest_git
from metrics import attribution
from tests.ingest.git.gitkit import GitRepo, lines
from tests.metrics.builders import StoreBuilder

AS_OF = datetime(2026, 2, 28, tzinfo=UTC)
REPORTED = datetime(2026, 2, 4, 12, tzinfo=UTC)
ANA, BEN, CY = "Ana <ana@example.com>", "Ben <ben@example.com>", "Cy <cy@example.com>"
MODULES = [f"mod/f{i:02d}.py" for i in range(1, 17)]


def day(month: int, d: int) -> datetime:
    return datetime(2026, month, d, 9, tzinfo=UTC)


def fn(name: str, body: str) -> str:
    return lines(f"def {name}(x):", f"    {body}")


def calc(factor: int, limit: int) -> dict[str, str]:
    return {"calc.py": lines("def f(x):", f"    return x * {factor}", f"LIMIT = {limit}")}


class Story:
    """The repository and the store, built together: a squash commit per merged PR."""

    def __init__(self, tmp_path: Path) -> None:
        self.git = GitRepo(tmp_path / "app")
        self.store = StoreBuilder(tmp_path / "teamlens.duckdb")
        self.store.person("ana").person("ben").person("cy")
        self.sha: dict[str, str] = {}

    def land(
        self,
        when: datetime,
        title: str,
        files: dict[str, str],
        *,
        pr: int | None = None,
        author: str = ANA,
        cycle_h: float = 2,
        body: str = "",
        stored: bool = True,
    ) -> str:
        """A commit on main at ``when``; with ``pr``, the squash of that PR (stored)."""
        self.git.clock = when
        subject = f"{title} (#{pr})" if pr is not None else title
        message = f"{subject}\n\n{body}" if body and pr is None else subject
        sha = self.git.commit(message, files, author=author, days=0)
        self.sha[f"#{pr}" if pr is not None else title] = sha
        if pr is not None and stored:
            login = author.split()[0].lower()
            self.store.pr(
                pr,
                created=when - timedelta(hours=cycle_h),
                merged=when,
                author=login,
                title=title,
                body=body,
            )
            self.store.prs[-1]["merge_commit_sha"] = sha
        return sha

    def defect(self, number: int, body: str = "", resolved: datetime | None = None) -> None:
        self.store.defect(number, reported=REPORTED, body=body, resolved=resolved)


def build(tmp_path: Path, *, with_git: bool = True) -> Path:
    s = Story(tmp_path)
    s.land(
        day(1, 1),
        "Add calc",
        {"calc.py": lines("def f(x):", "    return x * 2", "LIMIT = 10")},
        pr=5,
    )
    s.land(day(1, 2), "Add modules", {m: fn("v", "return 1") for m in MODULES}, pr=20)
    s.land(
        day(1, 5),
        "Add totals",
        {"pay.py": fn("total", "return sum(x)"), "name.py": lines("NAME = 'x'", "SIZE = 1")},
        pr=1,
    )
    s.land(day(1, 6), "Add shipping", {"ship.py": fn("ship", "return x * 3")}, pr=9)
    s.land(day(1, 7), "tweak push", {"push.py": fn("push", "return x - 1")}, author=BEN)
    s.land(day(1, 8), "Add guard", {"guard.py": fn("g", "return 1 / x")}, pr=11)
    s.land(day(1, 9), "Add suspect", {"susp.py": fn("s", "return x + 2")}, pr=30, stored=False)
    # the culprits, by Ben: #2 (4h cycle) and #21 (6h)
    s.land(
        day(2, 2),
        "Round totals",
        {"pay.py": fn("total", "return round(sum(x))"), "name.py": lines("NAME = 'x'", "SIZE = 2")},
        pr=2,
        author=BEN,
        cycle_h=4,
    )
    s.land(
        day(2, 3),
        "Tune modules",
        {m: fn("v", "return 2") for m in MODULES[:12]},
        pr=21,
        author=BEN,
        cycle_h=6,
    )
    # reported 2026-02-04 12:00; then a tidy-up of calc.py line 3, after the report
    s.land(
        day(2, 5),
        "Tidy calc",
        {"calc.py": lines("def f(x):", "    return x * 2", "LIMIT = 20")},
        pr=7,
    )
    # the fixes, by Cy
    s.land(
        day(2, 6),
        "Fix totals",
        {"pay.py": fn("total", "return sum(x)")},
        pr=4,
        author=CY,
        cycle_h=3,
        body="Fixes #3",
    )
    s.land(
        day(2, 7),
        "Fix calc",
        calc(3, 30),
        pr=8,
        author=CY,
        cycle_h=5,
        body="Fixes #6",
    )
    s.land(
        day(2, 8),
        "Fix shipping",
        {"ship.py": fn("ship", "return x * 4")},
        author=CY,
        body="Fixes #10",
    )
    s.land(
        day(2, 9),
        "Fix push",
        {"push.py": fn("push", "return x + 1")},
        pr=15,
        author=CY,
        body="Fixes #12",
    )
    s.land(
        day(2, 10),
        "Fix modules",
        {m: fn("v", "return 3") for m in MODULES},
        pr=23,
        author=CY,
        cycle_h=1,
        body="Fixes #22",
    )
    s.land(
        day(2, 11),
        "Fix guard",
        {"guard.py": lines("def g(x):", "    if not x: return 0", "    return 1 / x")},
        pr=16,
        author=CY,
        body="Fixes #13",
    )
    s.land(
        day(2, 12),
        "Fix suspect",
        {"susp.py": fn("s", "return x + 3")},
        pr=32,
        author=CY,
        body="Fixes #31",
    )
    s.land(
        day(2, 13),
        "Fix name",
        {"name.py": lines("NAME = 'x'", "SIZE = 3")},
        pr=17,
        author=CY,
        cycle_h=8,
        body="Fixes #14",
    )
    s.defect(3, "Totals come out rounded. Regression from #99")
    s.defect(6)
    # the direct push closed #10: resolved then
    s.defect(10, resolved=day(2, 8))
    for number in (12, 22, 13, 31):
        s.defect(number)
    s.defect(14, "Caused by #1")
    path = s.store.write()
    if with_git:
        ingest_git(s.git.path, repo_name="acme/app", db=path)
    build.sha = s.sha  # type: ignore[attr-defined]
    return path


@pytest.fixture(scope="module")
def story(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("inferred"))


def pairs(path: Path) -> dict[tuple[str, str], tuple[str, float]]:
    with metrics.snapshot(path, AS_OF) as session:
        evidence = attribution.attribution_evidence(session, AS_OF)
    chosen = evidence[evidence["is_attributing"]]
    return {
        (row.defect_id, row.pr_id): (row.method, round(row.confidence, 4))
        for row in chosen.itertuples()
    }


def test_attributions_by_method_and_confidence(story: Path) -> None:
    assert pairs(story) == {
        ("acme/app#3", "acme/app#2"): ("inferred", 1.0),
        ("acme/app#6", "acme/app#5"): ("inferred", 0.5),
        ("acme/app#10", "acme/app#9"): ("inferred", 1.0),
        ("acme/app#22", "acme/app#21"): ("inferred", 0.375),
        ("acme/app#14", "acme/app#1"): ("text", 1.0),
    }
    d = metrics.defect_facts(story, AS_OF).set_index("defect_id")
    assert d["attribution_method"].dropna().to_dict() == {
        "acme/app#3": "inferred",
        "acme/app#6": "inferred",
        "acme/app#10": "inferred",
        "acme/app#14": "text",
        "acme/app#22": "inferred",
    }
    assert d["is_attributed"].sum() == 5 and len(d) == 8


def test_the_figures_count_inferred_links_like_explicit_ones(story: Path) -> None:
    f = metrics.pr_facts(story, AS_OF).set_index("pr_id")
    # #2: 4h cycle + its defect #3's fix PR #4 (3h) = 7h
    assert f.loc["acme/app#2", "qact_h"] == 7.0
    # #21: 6h + fix PR #23 (1h) = 7h; #20 is only evidence (0.125): its 2h stay 2h
    assert f.loc["acme/app#21", "qact_h"] == 7.0
    assert f.loc["acme/app#20", "qact_h"] == 2.0 and not f.loc["acme/app#20", "is_failed"]
    # #5: 2h + fix PR #8 (5h) = 7h; #7 (after the report) is not blamed
    assert f.loc["acme/app#5", "qact_h"] == 7.0
    assert not f.loc["acme/app#7", "is_failed"]
    # #9: its defect #10 has no fix PR (a direct push fixed it): 2h + repair time
    # 2026-02-04 12:00 -> 02-08 09:00 = 93h  => 95h
    assert f.loc["acme/app#9", "qact_h"] == 95.0
    # #1, named by #14's text: 2h + fix PR #17 (8h) = 10h
    assert f.loc["acme/app#1", "qact_h"] == 10.0
    rows = metrics.compute(story, as_of=AS_OF, by="org").set_index("period")
    # January merged #5, #20, #1, #9, #11: 3 attributed pairs (#6->#5, #10->#9, #14->#1)
    # over 5 PRs, and 3 of 5 failed
    assert rows.loc["2026-01", "merged_prs"] == 5
    assert rows.loc["2026-01", "defect_rate"] == pytest.approx(3 / 5)
    assert rows.loc["2026-01", "change_failure_rate"] == pytest.approx(3 / 5)
    # February merged #2, #21, #7, #4, #8, #15, #23, #16, #32, #17: 2 pairs (#3->#2,
    # #22->#21), 2 of 10 failed
    assert rows.loc["2026-02", "merged_prs"] == 10
    assert rows.loc["2026-02", "defect_rate"] == pytest.approx(2 / 10)
    assert rows.loc["2026-02", "change_failure_rate"] == pytest.approx(2 / 10)


def test_coverage_columns_split_by_method(story: Path) -> None:
    feb = metrics.compute(story, as_of=AS_OF, by="org").set_index("period").loc["2026-02"]
    # the 8 defects were reported in February: 1 by text, 4 inferred, 3 untraced
    assert feb["n_defects"] == 8 and feb["n_attributed_defects"] == 5
    assert (feb["n_attributed_text"], feb["n_attributed_import"]) == (1, 0)
    assert feb["n_attributed_inferred"] == 4 and feb["n_untraced_defects"] == 3
    assert feb["defect_attribution_rate"] == pytest.approx(5 / 8)  # >= 0.5
    assert bool(feb["is_attribution_traceable"])
    assert attribution.traceability_note(feb) is None
    jan = metrics.compute(story, as_of=AS_OF, by="org").set_index("period").loc["2026-01"]
    assert jan["n_defects"] == 0 and bool(jan["is_attribution_traceable"])  # no defects


def test_evidence_names_the_lines_and_the_suspects(story: Path) -> None:
    sha = build.sha  # type: ignore[attr-defined]
    ev = attribution.attribution_evidence(story, AS_OF, ["acme/app#6", "acme/app#22"])
    six = ev[ev["defect_id"] == "acme/app#6"]
    # one traced line leads to #5's squash commit; calc.py line 3 (#7, after the report)
    # is not evidence
    assert six[["pr_id", "commit", "file", "line", "is_pr_stored"]].values.tolist() == [
        ["acme/app#5", sha["#5"], "calc.py", 2, True]
    ]
    assert six["suspected_author"].tolist() == ["ana"]
    tangled = ev[ev["defect_id"] == "acme/app#22"]
    by_pr = tangled.groupby("pr_id").agg(
        n=("line", "size"), confidence=("confidence", "first"), on=("is_attributing", "all")
    )
    assert by_pr.to_dict("index") == {
        "acme/app#20": {"n": 4, "confidence": 0.125, "on": False},
        "acme/app#21": {"n": 12, "confidence": 0.375, "on": True},
    }
    note = tangled.loc[tangled["pr_id"] == "acme/app#20", "note"].iloc[0]
    assert note.startswith("confidence under 0.25")
    # the suspected PR #30 is not stored: the commit's author and date stand in
    sus = attribution.attribution_evidence(story, AS_OF, ["acme/app#31"])
    assert sus[["pr_id", "pr_number", "is_pr_stored", "suspected_author"]].values.tolist() == [
        ["acme/app#30", 30, False, "Ana"]
    ]
    assert sus["suspected_at"].iloc[0] == day(1, 9)
    assert not sus["is_attributing"].any()
    # a direct push: a commit in no PR, evidence only
    push = attribution.attribution_evidence(story, AS_OF, ["acme/app#12"])
    assert push["pr_id"].isna().all() and push["commit"].tolist() == [sha["tweak push"]]
    assert push["suspected_author"].tolist() == ["Ben"]
    # explicit links: the text's PR, and a reference that names nothing in the store
    named = attribution.attribution_evidence(story, AS_OF, ["acme/app#14", "acme/app#3"])
    explicit = named[named["method"] == "text"]
    assert explicit[["defect_id", "pr_id", "is_attributing"]].values.tolist() == [
        ["acme/app#14", "acme/app#1", True],
        ["acme/app#3", "acme/app#99", False],
    ]
    # #14 is named explicitly: no inferred evidence (its fix would have blamed #2)
    assert (named.loc[named["defect_id"] == "acme/app#14", "method"] == "text").all()


def test_why_untraced_per_defect_and_repository(story: Path) -> None:
    tracing = attribution.defect_tracing(story, AS_OF).set_index("defect_id")
    assert tracing["untraced_reason"].dropna().to_dict() == {
        "acme/app#12": "no_pr",
        "acme/app#13": "adds_only",
        "acme/app#31": "pr_not_fetched",
    }
    (repo,) = attribution.coverage_by_repository(story, AS_OF).to_dict("records")
    assert repo["repo"] == "acme/app"
    assert (repo["n_defects"], repo["n_with_fix"]) == (8, 8)
    assert (repo["n_attributed_text"], repo["n_attributed_inferred"]) == (1, 4)
    assert repo["n_untraced_defects"] == 3
    assert (repo["n_no_pr"], repo["n_adds_only"], repo["n_pr_not_fetched"]) == (1, 1, 1)
    assert (repo["n_no_fix"], repo["n_not_analysed"], repo["n_other"]) == (0, 0, 0)
    assert repo["is_git_ingested"]
    assert "1 defect: the fix only adds lines" in repo["why"]


def test_without_git_nothing_is_inferred_and_coverage_says_why(tmp_path: Path) -> None:
    path = build(tmp_path, with_git=False)
    assert pairs(path) == {("acme/app#14", "acme/app#1"): ("text", 1.0)}
    tracing = attribution.defect_tracing(path, AS_OF).set_index("defect_id")
    # #10's fix is a commit that only the clone knows of: without it, no fix is found
    assert tracing.loc["acme/app#10", "untraced_reason"] == "no_fix"
    assert set(tracing["untraced_reason"].dropna().drop("acme/app#10")) == {"no_git"}
    feb = metrics.compute(path, as_of=AS_OF, by="org").set_index("period").loc["2026-02"]
    # 1 of 8 traced: under half, so the figures resting on it are not traceable
    assert not feb["is_attribution_traceable"]
    assert attribution.traceability_note(feb) == (
        "Only 1 of 8 defects could be traced to the change that caused them: connect the "
        "git clone (teamlens ingest git) or link tracker keys."
    )
    (repo,) = attribution.coverage_by_repository(path, AS_OF).to_dict("records")
    assert (repo["n_not_analysed"], repo["n_no_fix"], repo["is_git_ingested"]) == (6, 1, False)


def test_as_of_before_the_fix_nothing_is_inferred_yet(story: Path) -> None:
    # on 2026-02-06 at noon only fix PR #4 (02-06 09:00) has merged
    assert pairs(story) != {}
    early = datetime(2026, 2, 6, 12, tzinfo=UTC)
    with metrics.snapshot(story, early) as session:
        ev = attribution.attribution_evidence(session, early)
    chosen = ev[ev["is_attributing"]]
    assert sorted(zip(chosen["defect_id"], chosen["pr_id"], strict=True)) == [
        ("acme/app#14", "acme/app#1"),
        ("acme/app#3", "acme/app#2"),
    ]
