"""The declared summaries (metrics.SUMMARIES): skill shares, growth goals on track, group
sizes and authors, a person's quarter, and the change/direction of a figure — golden
numbers on a small hand-built store, the arithmetic in the comments.

The store: team T (adopted AI on 2026-05-15) with a (junior), b (mid) and e (junior);
team U (never adopted) with d (junior); c has no team and no level; a bot. As of the end
of 2026Q3 (30 Sep), compared with the end of 2026Q2 (30 Jun).
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

import metrics
from framework import load_framework
from ingest import writer
from metrics import compare, groups, person_review, skills
from metrics.summaries import SUMMARIES, SUMMARY_BY_ID
from store import write_transaction
from tests.metrics.builders import PROV, StoreBuilder

FW = load_framework(Path(__file__).resolve().parents[2] / "data" / "framework.toml")
NOW = datetime(2026, 9, 30, 23, 59, 59, tzinfo=UTC)
BEFORE = datetime(2026, 6, 30, 23, 59, 59, tzinfo=UTC)
Q3 = (date(2026, 7, 1), date(2026, 9, 30))
AI = [c.id for c in FW.competencies if c.group == "ai"]


def at(month: int, day: int, hour: int = 9) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    s = StoreBuilder(tmp_path_factory.mktemp("summaries") / "teamlens.duckdb")
    for login in ("a", "b", "e"):
        s.person(login, "T")
    s.person("d", "U").person("c", None).person("ci-bot", None, is_bot=True)
    # a: #1 reviewed, later broken (defect #900); #2 unreviewed over a failing check; #6
    # unreviewed; #3 in Q2. b: #4 reviewed by a. d: #5 in team U.
    s.pr(1, created=at(7, 10), merged=at(7, 10, 15), author="a")
    s.review("acme/app#1", "b", at(7, 10, 10))
    s.pr(2, created=at(8, 5), merged=at(8, 5, 12), author="a", check_state="FAILURE")
    s.pr(6, created=at(8, 20), merged=at(8, 20, 11), author="a", title="Tidy <i>logs</i>")
    s.pr(3, created=at(4, 5), merged=at(4, 5, 12), author="a")
    s.review("acme/app#3", "b", at(4, 5, 10))
    s.pr(4, created=at(7, 15), merged=at(7, 15, 12), author="b")
    s.review("acme/app#4", "a", at(7, 15, 10))
    s.pr(5, created=at(8, 1), merged=at(8, 1, 12), author="d")
    s.review("acme/app#5", "b", at(8, 1, 10))
    s.defect(900, reported=at(7, 20), body="Introduced by #1")
    path = s.write()
    levels = {"a": "junior", "b": "mid", "c": None, "d": "junior", "e": "junior"}
    assessments = [
        ("a", "prompt_effectiveness", 3, "2026-06-01", "manager"),
        ("a", "ai_output_evaluation", 1, "2026-06-01", "manager"),
        ("a", "security_vigilance", 2, "2026-08-10", "manager"),  # in Q3
        ("b", "prompt_effectiveness", 4, "2026-06-01", "self"),
        ("b", "prompt_effectiveness", 2, "2026-06-01", "manager"),  # the manager's wins
        ("c", "prompt_effectiveness", 1, "2026-05-01", "manager"),
        ("c", "prompt_effectiveness", 3, "2026-08-01", "manager"),
        *(("e", cid, 2, "2026-03-01", "manager") for cid in AI),
    ]
    with write_transaction(path) as conn:
        writer.upsert(
            conn,
            "teams",
            [
                {"team": "T", "ai_adoption_date": date(2026, 5, 15)},
                {"team": "U", "ai_adoption_date": None},
            ],
            PROV,
        )
        writer.upsert(
            conn,
            "people",
            [
                {
                    "login": login,
                    "name": login.upper(),
                    "level": level,
                    "started_on": date(2020, 1, 1),
                    "is_bot": False,
                }
                for login, level in levels.items()
            ],
            PROV,
        )
        writer.upsert(
            conn,
            "competency_assessments",
            [
                {
                    "assessment_id": f"x{n}",
                    "login": login,
                    "competency": cid,
                    "level": level,
                    "assessed_on": date.fromisoformat(day),
                    "assessor": "lead" if role == "manager" else login,
                    "assessor_role": role,
                    "evidence": "",
                }
                for n, (login, cid, level, day, role) in enumerate(assessments)
            ],
            PROV,
        )
        writer.upsert(
            conn,
            "recognitions",
            [
                {
                    "recognition_id": "r1",
                    "login": "a",
                    "behaviour": "quality_catch",
                    "format": "standup_verbal",
                    "recognized_on": date(2026, 9, 2),
                    "note": "Caught a bad migration",
                    "pr_url": None,
                },
                {
                    "recognition_id": "r2",
                    "login": "a",
                    "behaviour": "effective_mentoring",
                    "format": "standup_verbal",
                    "recognized_on": date(2026, 6, 2),  # Q2
                    "note": "",
                    "pr_url": None,
                },
            ],
            PROV,
        )
    return path


# --- the declarations -----------------------------------------------------------------


def test_every_summary_is_declared_like_a_metric_and_carried_by_its_dataclass() -> None:
    ids = [s.id for s in SUMMARIES]
    assert len(ids) == len(set(ids)) and not set(ids) & set(metrics.METRICS)
    refused = {r.id for r in metrics.REFUSED}
    source = Path(__file__).read_text()
    for summary in SUMMARIES:
        assert summary.id not in refused
        assert summary.title and summary.unit and summary.scope
        assert summary.better in {"lower", "higher", "neither"}
        assert len(summary.meaning) > 40, summary.id
        fields = {f.name for f in dataclasses.fields(summary.carrier)}
        assert summary.id in fields, f"{summary.id} is not a field of {summary.carrier}"
        assert f".{summary.id}" in source, f"{summary.id} has no golden test here"
    assert metrics.definition("qact_p50_h") is metrics.METRICS["qact_p50_h"]
    assert metrics.definition("ai_level_2_share") is SUMMARY_BY_ID["ai_level_2_share"]
    with pytest.raises(KeyError):
        metrics.definition("lines_of_code")


def test_text_that_quotes_the_tolerance_reads_it() -> None:
    assert f"{compare.TOLERANCE:.0%}" in SUMMARY_BY_ID["direction"].meaning
    assert "1 percentage point" in SUMMARY_BY_ID["direction"].meaning
    assert "2% of the earlier value" in compare.tolerance_rule()
    assert "1 percentage point" in compare.tolerance_rule()


# --- change and direction -------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "then", "better", "change", "direction"),
    [
        (15.0, 16.0, "lower", -1.0, "improved"),  # 15 - 16 = -1 h, lower is better
        (0.03, 0.0, "lower", 0.03, "worsened"),  # +0.03 > max(0 x 2%, 0.005)
        (0.91, 0.909, "higher", 0.001, "unchanged"),  # 0.001 <= 0.909 x 2% = 0.018
        (100.0, 101.9, "lower", -1.9, "unchanged"),  # 1.9 <= 101.9 x 2% = 2.038
        (100.0, 102.1, "lower", -2.1, "improved"),  # 2.1 > 102.1 x 2% = 2.042
        (5.0, 4.0, "neither", 1.0, "up"),
        (None, 1.0, "lower", None, "no comparison"),
        (float("nan"), 1.0, "lower", None, "no comparison"),  # NaN is no value
    ],
)
def test_compare(now, then, better, change, direction) -> None:
    moved = compare.compare(now, then, better)
    assert moved.direction == direction
    assert moved.change == (pytest.approx(change) if change is not None else None)
    # only a change beyond the tolerance is printed beside the figure
    shown = direction in ("improved", "worsened", "up")
    assert moved.shown_change == (moved.change if shown else None)


@pytest.mark.parametrize(
    ("now", "then", "change", "direction"),
    [
        # a percentage moves in points: 8.3% -> 8.8% is +0.5 pt, unchanged (under 1 point)
        # although it is 6% of the earlier value
        (0.088, 0.083, 0.005, "unchanged"),
        # 3.0% -> 4.2%: +1.2 pts, beyond 1 point: worsened
        (0.042, 0.030, 0.012, "worsened"),
        # taken as shown to 0.1 pt: +0.96 pt rounds to +1.0 pt, which is not under 1 point
        (0.0496, 0.04, 0.010, "worsened"),
        # +0.94 pt rounds to +0.9 pt: unchanged
        (0.0494, 0.04, 0.009, "unchanged"),
        # 40% -> 39.5%: -0.5 pt, unchanged (a relative 2% would call -0.8 pt a change)
        (0.395, 0.40, -0.005, "unchanged"),
    ],
)
def test_compare_percentages_in_points(now, then, change, direction) -> None:
    moved = compare.compare(now, then, "lower", unit="share")
    assert moved.direction == direction
    assert moved.change == pytest.approx(change)
    assert compare.compare(now, then, "lower", unit="ratio").direction == direction


# --- skill growth ---------------------------------------------------------------------


def test_skill_shares_now_before_and_pooled(db: Path) -> None:
    shares = skills.skill_shares(db, NOW, BEFORE, FW)
    by_id = {s.competency: s for s in shares.skills}
    assert list(by_id) == AI  # framework order
    prompt = by_id["prompt_effectiveness"]
    # now: a 3, b 2 (manager over self 4), c 3, e 2 -> 4 assessed, 4 at 2+, 2 at 3+
    assert (prompt.assessed_people, prompt.engineers) == (4, 5)  # 5 people, the bot not
    assert prompt.level_2_share == 1.0 and prompt.level_3_share == 0.5
    # 30 Jun: a 3, b 2, c 1, e 2 -> 3/4 at 2+, 1/4 at 3+
    assert prompt.level_2_share_before == 0.75 and prompt.level_3_share_before == 0.25
    output = by_id["ai_output_evaluation"]  # a 1, e 2: 1/2 now and before
    assert (output.level_2_share, output.level_2_share_before) == (0.5, 0.5)
    security = by_id["security_vigilance"]  # a 2 (from Aug), e 2: 2/2 now, 1/1 before
    assert (security.assessed_people, security.level_2_share_before) == (2, 1.0)
    # pooled now: prompt 4/4 + output 1/2 + security 2/2 + three more 1/1 = 10/11 at 2+
    assert shares.ai_level_2_share == pytest.approx(10 / 11)
    # before: prompt 3/4 + output 1/2 + security 1/1 + three 1/1 = 8/10
    assert shares.ai_level_2_share_before == pytest.approx(0.8)
    # all six compared; only prompt's 2+ share rose (0.75 -> 1.0)
    assert (shares.ai_skills_compared, shares.ai_skills_rising) == (6, 1)
    assert (shares.engineers, shares.assessed_people_max) == (5, 4)


def test_skill_shares_without_assessments_are_none_not_zero(db: Path) -> None:
    early = skills.skill_shares(db, datetime(2026, 1, 1, tzinfo=UTC), BEFORE, FW)
    assert early.ai_level_2_share is None
    assert all(s.level_2_share is None for s in early.skills)
    assert early.ai_skills_compared == 0


def test_growth_goals_on_track(db: Path) -> None:
    goals = skills.goals_on_track(db, NOW, FW)
    # a: junior, deadline 15 Nov (adoption + 6 months): in progress; b: mid, no deadline:
    # in progress; e: all six AI at 2: met; d: team U never adopted: not started; c: no
    # level, no goal -> 3 on track of 4 with a goal
    assert (goals.on_track_people, goals.goal_people) == (3, 4)
    assert goals.growth_goals_on_track == 0.75


# --- groups ---------------------------------------------------------------------------


def test_group_sizes_and_authors(db: Path) -> None:
    assert groups.group_sizes(db, NOW) == {"T": 3, "U": 1, "Unassigned": 1}  # c: no team
    # Q3 merges: T by a (#1, #2, #6) and b (#4): 2 authors; U by d (#5)
    assert groups.group_authors(db, NOW, Q3) == {"T": 2, "U": 1}


@pytest.mark.parametrize(
    ("people", "authors", "least", "shown"),
    [
        (5, 5, 5, True),
        (9, 7, 5, True),
        (5, 0, 5, True),  # no figures at all: nothing about anyone to protect
        (4, 4, 5, False),
        (5, 4, 5, False),  # padded: five members, but four people's figures
        (0, 0, 5, False),
        (3, 3, 3, True),
    ],
)
def test_a_group_is_shown_only_with_enough_people_behind_its_figures(people, authors, least, shown):
    assert groups.is_shown(people, authors, least) is shown


def test_shown_groups_merge_small_teams_into_other(db: Path) -> None:
    def shown(least: int) -> groups.ShownGroups:
        return groups.shown_groups(
            db,
            NOW,
            period="quarter",
            period_label="2026-Q3",
            merged_on=Q3,
            metric_ids=["merged_prs", "unreviewed_merge_rate"],
            min_people=least,
        )

    one = shown(1)
    # T: 3 people, 2 authors; U: d alone. Unassigned (c, no PR) is never a group of its own:
    # it is "Other", 1 person and no author
    assert [(g.group, g.group_people, g.group_authors) for g in one.rows] == [
        ("T", 3, 2),
        ("U", 1, 1),
        ("Other", 1, 0),
    ]
    # T's Q3: 4 merged PRs, 2 of them unreviewed (#2, #6)
    assert one.rows[0].figures == {"merged_prs": 4.0, "unreviewed_merge_rate": 0.5}
    assert (one.org_people, one.org_authors, one.is_org_shown) == (5, 3, True)

    two = shown(2)
    # T (3 people, 2 authors) could be shown, but U + Unassigned (2 people, 1 author: d)
    # cannot even merged: the organization minus T would be d's own figures. So T is
    # merged in too, and "Other" would then be the whole organization: no group row
    assert two.rows == () and two.folded == ("T",) and not two.other_shown
    assert (two.small_groups, two.small_people, two.small_authors) == (2, 2, 1)
    assert two.is_org_shown  # 5 people, 3 authors: the organization's figures stand

    three = shown(3)
    # T is padded (3 people, 2 authors): every team is small, "Other" is the organization
    assert three.rows == () and three.folded == () and not three.other_shown
    assert three.small_groups == 3 and three.min_people == 3

    six = shown(6)
    # the organization itself has 5 people: no figure of it may be shown
    assert not six.is_org_shown and six.rows == ()


# --- a person's quarter ---------------------------------------------------------------


@pytest.fixture(scope="module")
def quarter_of_a(db: Path) -> person_review.PersonQuarter:
    facts = person_review.person_quarter(
        db,
        "A",  # logins compare case-insensitively
        first_day=Q3[0],
        last_day=Q3[1],
        periods=["2026-Q2", "2026-Q3"],
        as_of=NOW,
        metric_ids=["defect_rate", "unreviewed_merge_rate"],
        fw=FW,
        evidence_limit=1,
    )
    assert facts is not None
    return facts


def test_person_figures_beside_the_team_median(quarter_of_a) -> None:
    facts = quarter_of_a
    assert facts.merged_prs == 3 and facts.is_low_data  # #1, #2, #6: under 5
    rate = facts.metrics["defect_rate"]
    # a: 1 defect over 3 PRs; b: 0 over 1 -> median of (1/3, 0) = 1/6 over 2 members
    assert rate.value == pytest.approx(1 / 3)
    assert rate.team_median == pytest.approx(1 / 6) and rate.team_people == 2
    assert rate.history == (("2026-Q2", 0.0), ("2026-Q3", pytest.approx(1 / 3)))
    assert facts.metrics["unreviewed_merge_rate"].value == pytest.approx(2 / 3)  # #2, #6


def test_person_evidence_filtered_to_their_quarter(quarter_of_a) -> None:
    evidence = quarter_of_a.evidence
    assert [i.id for i in evidence["failed"].items] == ["acme/app#1"]
    assert [i.id for i in evidence["defects"].items] == ["#900"]
    # two unreviewed (#2, #6), one listed (limit 1): one more
    assert [i.id for i in evidence["unreviewed"].items] == ["acme/app#2"]
    assert evidence["unreviewed"].evidence_more == 1
    assert evidence["failed"].evidence_more == 0
    assert [i.id for i in evidence["failing_check"].items] == ["acme/app#2"]
    assert "security_bypass" not in evidence and "dismissed_change_request" not in evidence


def test_person_flags_and_flags_elsewhere(db: Path, quarter_of_a) -> None:
    # T's Q3: 2 of 4 merged PRs unreviewed (>= 2 and >= 10%): a flag naming #2 and #6
    [flag] = quarter_of_a.flags
    assert flag.title == "Code merged without review"
    # both are a's; one listed (limit 1), one more
    assert [link.id for link in flag.links] == ["acme/app#2"] and flag.links_more == 1
    assert quarter_of_a.team_flags_elsewhere == 0
    b = person_review.person_quarter(
        db,
        "b",
        first_day=Q3[0],
        last_day=Q3[1],
        periods=["2026-Q3"],
        as_of=NOW,
        metric_ids=["defect_rate"],
        fw=FW,
    )
    assert b is not None and not b.flags and b.team_flags_elsewhere == 1  # not b's changes


def test_a_flag_involves_a_person_beyond_its_shortened_evidence(tmp_path: Path) -> None:
    # T merges 14 unreviewed PRs in Q3: x's 13 first, then y's one. The flag lists only
    # its first 12 PRs (all x's), but y's PR meets the rule: the flag involves y
    s = StoreBuilder(tmp_path / "cut.duckdb")
    s.person("x", "T").person("y", "T")
    for n in range(1, 14):
        s.pr(n, created=at(7, n), merged=at(7, n, 12), author="x")
    s.pr(14, created=at(9, 1), merged=at(9, 1, 12), author="y")
    db = s.write()
    y = person_review.person_quarter(
        db, "y", first_day=Q3[0], last_day=Q3[1], periods=["2026-Q3"], as_of=NOW,
        metric_ids=["unreviewed_merge_rate"], fw=FW,
    )  # fmt: skip
    assert y is not None
    [flag] = y.flags
    assert flag.kind == "unreviewed_merges" and [e.id for e in flag.links] == ["acme/app#14"]
    assert y.team_flags_elsewhere == 0


def test_a_flag_on_ai_assisted_code_is_never_tied_to_a_person(db: Path, monkeypatch) -> None:
    from metrics.flags import Evidence, RedFlag

    flag = RedFlag(
        "Code Quality",
        "ai_defect_rate_above_team",
        "T",
        "2026-Q3",
        "AI-assisted code has more defects than the team's own, two periods running",
        "In 2026-Q2 and 2026-Q3, AI-assisted PRs of T had more defects than the team.",
        (Evidence("pr", "acme/app#1", "a's change", None),),  # a's own PR among its evidence
        1,
    )
    monkeypatch.setattr(person_review, "red_flags", lambda *a, **k: [flag])
    facts = person_review.person_quarter(
        db, "a", first_day=Q3[0], last_day=Q3[1], periods=["2026-Q3"], as_of=NOW,
        metric_ids=["defect_rate"], fw=FW,
    )  # fmt: skip
    assert facts is not None
    [shown] = facts.flags
    assert shown.is_team_only and shown.links == () and shown.links_more == 0
    assert facts.team_flags_elsewhere == 0  # neither "involves" nor "does not involve" a


def test_person_levels_goal_and_judged_evidence(quarter_of_a) -> None:
    facts = quarter_of_a
    # now (30 Sep) against a quarter before (30 Jun): security first assessed in August
    assert facts.levels["prompt_effectiveness"] == person_review.LevelChange(3, 3)
    assert facts.levels["security_vigilance"] == person_review.LevelChange(2, None)
    # junior goal: level 2 in the 6 AI competencies; prompt 3 and security 2 reach it
    assert (facts.goal_competencies_reached, facts.goal_competencies) == (2, 6)
    assert [(x.competency, x.level) for x in facts.assessments] == [("security_vigilance", 2)]
    assert [r.behaviour for r in facts.recognitions] == ["quality_catch"]  # not June's


def test_review_windows_against_the_quarter(db: Path, quarter_of_a) -> None:
    q3 = quarter_of_a.windows
    # adoption 15 May: learning-weighted until 15 Aug -> 1 Jul..14 Aug = 45 of 92 days
    assert (q3.learning_weighted_days, q3.quarter_days) == (45, 92)
    assert not q3.is_learning_weighted  # 45 x 2 = 90 < 92
    assert not q3.transition_in_quarter  # the dip ended 12 Jun (15 May + 4 weeks)
    assert q3.monthly_in_quarter and q3.phase == "monthly check-ins"
    q2 = person_review.person_quarter(
        db,
        "a",
        first_day=date(2026, 4, 1),
        last_day=date(2026, 6, 30),
        periods=["2026-Q2"],
        as_of=BEFORE,
        metric_ids=["defect_rate"],
        fw=FW,
    ).windows
    # 15 May..30 Jun = 47 of 91 days: 94 >= 91, weighted; the dip falls in it
    assert (q2.learning_weighted_days, q2.quarter_days) == (47, 91)
    assert q2.is_learning_weighted and q2.transition_in_quarter


def test_unknown_person_is_none(db: Path) -> None:
    assert (
        person_review.person_quarter(
            db,
            "nobody",
            first_day=Q3[0],
            last_day=Q3[1],
            periods=["2026-Q3"],
            as_of=NOW,
            metric_ids=[],
            fw=FW,
        )
        is None
    )


def test_docs_name_every_summary() -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "how-we-measure.md").read_text()
    for summary in SUMMARIES:
        assert f"`{summary.id}`" in doc, summary.id
