"""The demo organization: deterministic, written through the store's one write path, and
telling its stories (the adoption dip, the declining team, the rubber-stampers, growth).

Stories are checked with plain SQL over the raw tables (simple proxies of METRICS.md's
definitions), so these tests do not depend on the metrics layer.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

import store
from ingest import demo, writer
from ingest.demo import growth, org
from ingest.github import mapping
from settings import settings
from store.schema import GIT_TABLES

TABLES = (*demo.TABLES, "links", "sync_state", "meta", *GIT_TABLES)


def snapshot(db: Path) -> dict[str, list[tuple]]:
    """Every row of every demo table, in a canonical order."""
    with store.read_connection(db) as conn:
        return {t: conn.execute(f"select * from {t} order by all").fetchall() for t in TABLES}


def query(db: Path, sql: str, params: list | None = None) -> pd.DataFrame:
    with store.read_connection(db) as conn:
        return conn.execute(sql, params or []).df()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    db = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    messages: list[str] = []
    summary = demo.build_demo(db, seed=7, progress=messages.append)
    assert messages, "progress is reported"
    return db, summary


@pytest.fixture(scope="module")
def db(built: tuple[Path, dict]) -> Path:
    return built[0]


# Merged, human PRs with their author's team at merge time (membership dates honoured) and
# the days from that team's AI adoption to the merge.
MERGED = """
    with merged as (
        select p.*, m.team, t.ai_adoption_date,
               date_diff('day', t.ai_adoption_date, p.merged_at::date) as days_from_adoption
        from pull_requests p
        join team_memberships m
          on m.login = p.author_login and p.merged_at::date >= m.valid_from
         and (m.valid_to is null or p.merged_at::date < m.valid_to)
        join teams t on t.team = m.team
        where p.merged_at is not null and not p.is_author_bot
    )
"""


# Each defect's causing PRs as the store tells them: named by its report (an introduced_by
# link), or traced by git (SZZ blamed the squash commit of a PR, from its fix's commit).
CAUSES = """
    causes as (
        select from_id as defect_id, target as pr_id, 'named' as how from links
        where link_type = 'introduced_by'
        union
        select f.target, t.pr_id, 'git' from links f
        join pull_requests fix on fix.pr_id = f.from_id
        join szz_candidates c on c.fix_sha = fix.merge_commit_sha and c.is_in_window
        join commit_pull_requests t on t.sha = c.commit_sha and t.method = 'squash_title'
        where f.link_type = 'fixes' and not exists (
            select 1 from links i where i.link_type = 'introduced_by' and i.from_id = f.target)
    )
"""


# --- the build ------------------------------------------------------------------------


def test_summary_and_counts_in_expected_ranges(built: tuple[Path, dict]) -> None:
    db, summary = built
    counts = summary["counts"]
    assert summary["dataset"] == "demo"
    assert summary["date_range"] == {"start": "2025-11-21", "end": "2026-11-20"}
    assert [t["team"] for t in summary["teams"]] == [
        "Payments",
        "Platform",
        "Mobile",
        "Data",
        "Growth",
    ]
    merged = query(db, "select count(*) n from pull_requests where merged_at is not null")["n"][0]
    assert 5_500 <= merged <= 6_500
    assert 5_700 <= counts["pull_requests"] <= 7_000
    assert counts["reviews"] > counts["pull_requests"]
    assert counts["pr_commits"] > 2 * counts["pull_requests"]
    assert 250 <= counts["defects"] <= 700
    assert counts["links"] > counts["defects"]
    # 40 people in 5 teams, Growth is the team of 4; plus two bots.
    people = query(db, "select is_bot, count(*) n from people group by 1 order by 1")
    assert people["n"].tolist() == [40, 2]
    sizes = query(
        db,
        "select team, count(distinct login) n from team_memberships "
        "where valid_to is null group by team order by team",
    ).set_index("team")["n"]
    assert sizes["Growth"] == 4
    assert all(size >= 8 for team, size in sizes.items() if team != "Growth")
    for table, n in counts.items():
        assert n == query(db, f"select count(*) n from {table}")["n"][0], table


def test_meta_sync_state_and_provenance(db: Path) -> None:
    meta = dict(query(db, "select key, value from meta").itertuples(index=False))
    assert meta["dataset"] == "demo"
    sync = query(db, "select * from sync_state")
    assert sync[["source", "scope", "stream", "status"]].values.tolist() == [
        ["demo", "*", "all", "complete"]
    ]
    for table in (*demo.TABLES, "links", *GIT_TABLES):
        rows = query(db, f"select distinct source, fetched_at from {table}")
        assert rows["source"].tolist() == ["demo"], table
        assert str(rows["fetched_at"][0]) == "2026-11-20 23:59:59+00:00", table


def test_nothing_happens_after_the_demo_year(db: Path) -> None:
    latest = query(
        db,
        "select greatest(max(created_at), max(merged_at), max(closed_at), max(updated_at)) t "
        "from pull_requests "
        "union all select max(submitted_at) from reviews "
        "union all select max(created_at) from pr_events "
        "union all select greatest(max(authored_at), max(committed_at)) from pr_commits "
        "union all select greatest(max(reported_at), max(resolved_at)) from defects "
        "union all select greatest(max(authored_at), max(committed_at)) from git_commits",
    )["t"]
    assert (latest <= pd.Timestamp("2026-11-20 23:59:59", tz="UTC")).all()
    first = query(db, "select min(created_at) t from pull_requests")["t"][0]
    assert first >= pd.Timestamp("2025-11-21", tz="UTC")


def test_same_seed_gives_identical_tables(db: Path, tmp_path: Path) -> None:
    again = tmp_path / "again.duckdb"
    demo.build_demo(again, seed=7)
    assert snapshot(again) == snapshot(db)


def test_another_seed_gives_other_rows() -> None:
    a, b = demo.generate(7), demo.generate(8)
    assert not a["pull_requests"]["created_at"].equals(b["pull_requests"]["created_at"])
    assert set(a["reviews"]["review_id"]) != set(b["reviews"]["review_id"])
    # …with the same organization.
    assert a["people"].equals(b["people"])


def test_rebuild_into_the_same_database_is_idempotent(db: Path) -> None:
    before = snapshot(db)
    demo.build_demo(db, seed=7)
    assert snapshot(db) == before


def test_rebuild_with_another_seed_leaves_no_old_demo_rows(tmp_path: Path) -> None:
    path = tmp_path / "reseed.duckdb"
    demo.build_demo(path, seed=3)
    demo.build_demo(path, seed=4)
    fresh = tmp_path / "fresh.duckdb"
    demo.build_demo(fresh, seed=4)
    assert snapshot(path) == snapshot(fresh)


def test_refuses_a_database_with_real_data(tmp_path: Path) -> None:
    path = tmp_path / "real.duckdb"
    with store.write_transaction(path) as conn:
        writer.upsert(
            conn,
            "repositories",
            [{"repo": "octo/real", "owner": "octo", "name": "real"}],
            {"source": "github", "fetched_at": pd.Timestamp("2026-11-01", tz="UTC")},
        )
    with pytest.raises(demo.RealDataPresent, match=r"github: 1 rows.*another database"):
        demo.build_demo(path)
    assert query(path, "select count(*) n from pull_requests")["n"][0] == 0
    assert query(path, "select count(*) n from meta where key = 'dataset'")["n"][0] == 0
    kept = query(path, "select repo from repositories where source = 'github'")
    assert kept["repo"].tolist() == ["octo/real"]


def test_refusal_is_an_input_error() -> None:
    from settings import InputError

    assert issubclass(demo.RealDataPresent, InputError)


# --- realism the metrics layer relies on ---------------------------------------------


def test_pr_and_issue_numbers_share_one_sequence_per_repository(db: Path) -> None:
    dupes = query(
        db,
        "select repo, number, count(*) n from ("
        " select repo, number from pull_requests"
        " union all select repo, cast(split_part(defect_id, '#', 2) as integer) from defects)"
        " group by all having count(*) > 1",
    )
    assert dupes.empty
    ids = query(db, "select count(*) n from pull_requests where pr_id <> repo || '#' || number")
    assert ids["n"][0] == 0


def test_links_read_from_texts_resolve(db: Path) -> None:
    links = query(db, "select link_type, method, count(*) n from links group by all")
    kinds = set(zip(links["link_type"], links["method"], strict=True))
    assert {
        ("introduced_by", "text"),
        ("fixes", "text"),
        ("reverts", "revert_body"),
        ("reverts", "revert_title"),
    } <= kinds
    dangling = query(
        db,
        "select count(*) n from links l where"
        " (link_type = 'introduced_by' and l.target not in (select pr_id from pull_requests))"
        " or (link_type = 'fixes' and l.target not in (select defect_id from defects))"
        " or (method = 'revert_body' and l.target not in (select pr_id from pull_requests))",
    )
    assert dangling["n"][0] == 0
    # Some reports name two PRs, by every spelling: #N, owner/repo#N and a URL.
    bodies = query(db, "select body from defects")["body"]
    assert bodies.str.contains(r"Broken by #\d+ and #\d+").any()
    assert bodies.str.contains(r"Caused by acme/[a-z-]+#\d+").any()
    assert bodies.str.contains(r"https://github\.com/acme/[a-z-]+/pull/\d+").any()
    assert (
        query(
            db,
            "select count(*) n from defects d where not exists (select 1 from links "
            "where link_type = 'introduced_by' and from_id = d.defect_id)",
        )["n"][0]
        > 20
    )


def test_git_history_squash_merges_every_merged_pr(db: Path) -> None:
    prs = query(
        db,
        "select p.pr_id, p.repo, p.number, p.title, p.author_login, p.is_author_bot,"
        " p.merged_at, p.merge_commit_sha, c.sha, c.message, c.author_email, c.committed_at"
        " from pull_requests p left join git_commits c"
        " on c.repo = p.repo and c.sha = p.merge_commit_sha where p.merged_at is not null",
    )
    # a revert of a PR that changed nothing traceable may change nothing itself: no commit
    assert prs["merge_commit_sha"].notna().mean() > 0.99
    has = prs[prs["merge_commit_sha"].notna()]
    assert has["sha"].notna().all()  # every recorded merge commit is in the history
    first_lines = has["message"].str.split("\n").str[0]
    assert (first_lines == has["title"] + " (#" + has["number"].astype(str) + ")").all()
    people = has[~has["is_author_bot"] & (has["author_login"] != org.GHOST)]
    assert (people["author_email"] == people["author_login"] + "@users.noreply.github.com").all()
    assert (has["committed_at"] == has["merged_at"].dt.floor("s")).all()
    # one initial import per repository, then one commit per PR that changed something
    commits = query(db, "select repo, count(*) n from git_commits group by repo")
    assert commits["n"].sum() == len(has) + len(org.REPOS)
    ties = query(
        db,
        "select count(*) n from commit_pull_requests t join pull_requests p"
        " on p.pr_id = t.pr_id and p.merge_commit_sha = t.sha where t.method = 'squash_title'",
    )
    assert ties["n"][0] == len(has)
    # SZZ ran over every fix: traced ones blame squash commits of PRs, the rest only add
    runs = query(db, "select status, count(*) n from szz_fixes group by status")
    assert set(runs["status"]) == {"traced", "adds_only"}
    blamed = query(
        db,
        "select count(*) filter (where t.pr_id is null) orphan, count(*) n"
        " from szz_candidates c left join commit_pull_requests t"
        " on t.sha = c.commit_sha and t.method = 'squash_title'",
    )
    assert blamed["n"][0] > 250 and blamed["orphan"][0] == 0


def test_named_causes_in_the_store_are_the_drawn_ones(db: Path) -> None:
    truth = demo.generate(7).causes
    named = query(db, "select from_id, target from links where link_type = 'introduced_by'")
    stored = set(zip(named["from_id"], named["target"], strict=True))
    drawn = truth[truth["is_named"]]
    assert stored == set(zip(drawn["defect_id"], drawn["pr_id"], strict=True))


def test_bugs_are_fixed_by_other_people(db: Path) -> None:
    pairs = query(
        db,
        "with" + CAUSES + "select fix.author_login fixer, culprit.author_login culprit, c.how"
        " from links f join pull_requests fix on fix.pr_id = f.from_id"
        " join causes c on c.defect_id = f.target"
        " join pull_requests culprit on culprit.pr_id = c.pr_id"
        " where f.link_type = 'fixes'",
    )
    assert (pairs["how"] == "named").sum() > 60 and (pairs["how"] == "git").sum() > 100
    assert (pairs["fixer"] != pairs["culprit"]).all()
    assert (pairs["fixer"] != pairs["culprit"]).all()
    states = query(db, "select count(*) total, count(resolved_at) resolved from defects")
    assert 0 < states["resolved"][0] < states["total"][0]  # some stay open


def test_reviews_events_checks_and_edge_cases(db: Path) -> None:
    review_states = set(query(db, "select distinct state from reviews")["state"])
    assert {"APPROVED", "CHANGES_REQUESTED", "COMMENTED", "PENDING", "DISMISSED"} <= review_states
    assert (
        query(
            db,
            "select count(*) n from reviews where state = 'PENDING' and submitted_at is not null",
        )["n"][0]
        == 0
    )
    dismissed = query(
        db,
        "select previous_review_state s, count(*) n from pr_events "
        "where event_type = 'review_dismissed' group by 1",
    ).set_index("s")["n"]
    assert dismissed["CHANGES_REQUESTED"] > 10 and dismissed["APPROVED"] > 10
    # Every PR opened as a draft and ready by the end has a ready_for_review event.
    missing = query(
        db,
        "select count(*) n from pull_requests p where is_opened_as_draft and not is_draft"
        " and not exists (select 1 from pr_events e where e.pr_id = p.pr_id"
        " and e.event_type = 'ready_for_review')",
    )
    assert missing["n"][0] == 0
    odd = query(
        db,
        "select"
        " count(*) filter (where r.reviewer_login = p.author_login) by_author,"
        " count(*) filter (where r.submitted_at > p.merged_at) after_merge,"
        " count(*) filter (where r.is_reviewer_bot) by_bot,"
        " count(*) filter (where r.reviewer_login = 'ghost') by_ghost"
        " from reviews r join pull_requests p using (pr_id)",
    ).iloc[0]
    assert odd["by_author"] > 0 and odd["after_merge"] > 0 and odd["by_bot"] > 0
    assert odd["by_ghost"] == 1
    checks = query(
        db,
        "select unnest(failing_checks) name, count(*) n from pull_requests "
        "where merged_at is not null group by 1",
    ).set_index("name")["n"]
    assert {"CodeQL", "snyk/test", "unit-tests"} <= set(checks.index)
    assert (
        query(db, "select count(*) n from pull_requests where author_login = 'ghost'")["n"][0] == 1
    )
    bots = query(
        db,
        "select count(*) n from pull_requests where is_author_bot "
        "and author_login = 'dependabot[bot]'",
    )
    assert bots["n"][0] > 100
    early = query(
        db,
        "select count(distinct p.pr_id) n from pull_requests p join pr_commits c"
        " using (pr_id) where c.authored_at < p.created_at",
    )
    assert early["n"][0] > 1000


def test_ai_assisted_prs_are_flagged_by_label_or_trailer(db: Path) -> None:
    flagged = query(
        db,
        "select ai_assisted_reason r, count(*) n,"
        " count(*) filter (where list_contains(labels, 'ai-assisted')) labelled,"
        " count(*) filter (where exists (select 1 from pr_commits c where c.pr_id = p.pr_id"
        "   and c.message like '%Co-authored-by: %')) trailer"
        " from pull_requests p where is_ai_assisted group by 1",
    ).set_index("r")
    assert set(flagged.index) == {
        "label:ai-assisted",
        "trailer:Co-authored-by copilot",
        "trailer:Co-authored-by claude",
    }
    label = flagged.loc["label:ai-assisted"]
    assert label["labelled"] == label["n"]
    for reason in ("trailer:Co-authored-by copilot", "trailer:Co-authored-by claude"):
        assert flagged.loc[reason, "trailer"] == flagged.loc[reason, "n"]
    # The GitHub mapping, given the same labels, body and commit messages, agrees.
    sample = query(
        db,
        "select p.pr_id, p.labels, p.body, p.is_ai_assisted, p.ai_assisted_reason,"
        " coalesce(list(c.message) filter (where c.message is not null), [])"
        " as messages from pull_requests p left join pr_commits c using (pr_id) group by all",
    )
    for row in sample.itertuples():
        found = mapping.detect_ai(list(row.labels), row.body, list(row.messages), settings())
        assert found == (row.ai_assisted_reason if row.is_ai_assisted else None), row.pr_id
    unflagged = query(
        db,
        "select count(*) n from pull_requests where not is_ai_assisted and"
        " (ai_assisted_reason is not null or list_contains(labels, 'ai-assisted'))",
    )
    assert unflagged["n"][0] == 0
    # Commit messages are kept only where they carry a trailer or a reference.
    plain = query(
        db,
        "select count(*) n from pr_commits where message is not null and"
        " message not like '%Co-authored-by:%' and message not like '%Fixes #%'",
    )
    assert plain["n"][0] == 0
    kept = query(
        db,
        "select c.message, p.repo from pr_commits c join pull_requests p using (pr_id)"
        " where c.message is not null",
    )
    agents = settings().ai_agents
    assert all(mapping.keeps_message(m, r, agents) for m, r in kept.itertuples(index=False))


def test_people_edge_cases(db: Path) -> None:
    moves = query(
        db,
        "select login, team, valid_from, valid_to from team_memberships "
        "where login = 'dan-oconnor' order by valid_from",
    )
    assert moves["team"].tolist() == ["Payments", "Data"]
    assert moves["valid_to"][0] == moves["valid_from"][1]
    hire = query(
        db, "select min(created_at) t from pull_requests where author_login = 'jose-nunez'"
    )
    assert hire["t"][0] >= pd.Timestamp("2026-05-04", tz="UTC")
    leaver = query(
        db, "select max(created_at) t from pull_requests where author_login = 'nils-berg'"
    )
    assert leaver["t"][0] < pd.Timestamp("2026-09-01", tz="UTC")
    levels = set(query(db, "select distinct level from people where not is_bot")["level"])
    assert levels == {"junior", "mid", "senior", "staff"}
    adoption = query(db, "select ai_adoption_date d from teams order by d")["d"]
    assert adoption.nunique() == 5  # staggered


# --- the stories ------------------------------------------------------------------------


def test_story_productivity_dip_after_each_adoption(db: Path) -> None:
    weekly = query(
        db,
        MERGED
        + """
        select team,
               count(*) filter (where days_from_adoption between -56 and -1) / 8.0 as before,
               count(*) filter (where days_from_adoption between 0 and 20) / 3.0 as dip,
               count(*) filter (where days_from_adoption between 56 and 111) / 8.0 as after,
               median(epoch(merged_at - created_at) / 3600)
                   filter (where days_from_adoption between -56 and -1) as cycle_before,
               median(epoch(merged_at - created_at) / 3600)
                   filter (where days_from_adoption between 0 and 27) as cycle_dip
        from merged group by team
        """,
    ).set_index("team")
    ratio = weekly["dip"] / weekly["before"]
    assert len(ratio) == 5
    assert (ratio <= 0.8).all(), ratio.to_dict()  # every team dips …
    assert ratio.mean() <= 0.7, ratio.to_dict()  # … by 30-45 %
    assert (ratio >= 0.4).all(), ratio.to_dict()  # … but does not collapse
    assert (weekly["cycle_dip"] > 1.2 * weekly["cycle_before"]).all()  # and is slower
    recovery = weekly["after"] / weekly["before"]  # weeks 8-16 after adoption
    assert (recovery >= 0.9).all(), recovery.to_dict()  # then recovers …
    assert recovery.mean() >= 1.05, recovery.to_dict()  # … and improves


def test_story_mobile_volume_up_quality_down(db: Path) -> None:
    prs = query(
        db,
        MERGED
        + ","
        + CAUSES
        + """
        , failed as (  -- PRs that caused a bug report (named or traced by git), or reverted
            select pr_id from causes
            union select target from links where link_type = 'reverts'
        )
        select team, days_from_adoption, merged_at,
               ai_adoption_date::timestamptz as adopted_at,
               pr_id in (select pr_id from failed) as failed
        from merged
        """,
    )
    # Before adoption vs from 8 weeks after it; the last 3 weeks are left out, as their
    # bugs have mostly not been reported yet.
    cutoff = pd.Timestamp("2026-10-30 23:59:59", tz="UTC")
    start = pd.Timestamp("2025-11-21", tz="UTC")
    rows = {}
    for team, group in prs.groupby("team"):
        adopted = group["adopted_at"].iloc[0]
        before = group[group["days_from_adoption"] < 0]
        after = group[(group["days_from_adoption"] >= 56) & (group["merged_at"] <= cutoff)]
        weeks_before = (adopted - start).days / 7
        weeks_after = (cutoff - adopted).days / 7 - 8
        rows[team] = {
            "vol_before": len(before) / weeks_before,
            "vol_after": len(after) / weeks_after,
            "failed_before": before["failed"].mean(),
            "failed_after": after["failed"].mean(),
        }
    shares = pd.DataFrame(rows).T
    mobile = shares.loc["Mobile"]
    assert mobile["vol_after"] >= 1.4 * mobile["vol_before"]  # volume up …
    assert mobile["failed_after"] >= 1.5 * mobile["failed_before"]  # … quality down with it
    others = shares.drop(index="Mobile")
    assert (mobile["failed_after"] > others["failed_after"]).all()
    assert (others["failed_after"] <= 1.3 * others["failed_before"]).sum() >= 3


def test_story_platform_rubber_stamps_large_prs(db: Path) -> None:
    per_team = query(
        db,
        MERGED
        + """
        , counted as (  -- reviews that count: not pending, before merge, not author, not bot
            select r.* from reviews r join pull_requests p using (pr_id)
            where r.state <> 'PENDING' and r.submitted_at <= p.merged_at
              and r.reviewer_login <> p.author_login and not r.is_reviewer_bot
        ),
        ready as (
            select p.pr_id, case when p.is_opened_as_draft
                then min(e.created_at) filter (where e.event_type = 'ready_for_review')
                else p.created_at end as ready_at
            from pull_requests p left join pr_events e using (pr_id)
            group by p.pr_id, p.is_opened_as_draft, p.created_at
        ),
        changes_requested as (
            select pr_id from reviews where state = 'CHANGES_REQUESTED'
            union select pr_id from pr_events where previous_review_state = 'CHANGES_REQUESTED'
        ),
        per_pr as (
            select m.pr_id, m.team, m.additions + m.deletions as lines,
                   any_value(ready_at) as ready_at,
                   bool_and(c.state = 'APPROVED' and c.is_body_empty
                            and c.inline_comment_count = 0) as all_empty_approvals,
                   min(c.submitted_at) filter (where c.state = 'APPROVED') as first_approval
            from merged m join counted c using (pr_id) join ready using (pr_id)
            group by m.pr_id, m.team, lines
        )
        select team, avg((all_empty_approvals and lines >= 200
                          and abs(epoch(first_approval - ready_at)) <= 600
                          and pr_id not in (select pr_id from changes_requested))::int) as rate
        from per_pr group by team
        """,
    ).set_index("team")["rate"]
    assert per_team["Platform"] >= 0.3, per_team.to_dict()
    assert (per_team.drop(index="Platform") <= 0.05).all(), per_team.to_dict()


def test_story_growth_toward_goals(db: Path) -> None:
    levels = query(
        db,
        "select a.login, p.level as role_level, a.assessed_on, a.competency,"
        " a.level, a.assessor_role from competency_assessments a join people p using (login)",
    )
    assert set(levels["competency"]) == set(growth.COMPETENCIES)
    assert set(levels["assessor_role"]) == {"self", "manager"}
    rounds = sorted(levels["assessed_on"].unique())
    assert len(rounds) == 4
    manager = levels[levels["assessor_role"] == "manager"]
    # Every person present in a round is assessed on all 11 competencies, by both.
    per = levels.groupby(["login", "assessed_on", "assessor_role"])["competency"].nunique()
    assert (per == 11).all()
    median = manager.groupby(["login", "assessed_on"])["level"].median().unstack()
    juniors = set(levels.loc[levels["role_level"] == "junior", "login"])
    stagnant = set(org.STAGNANT)
    # Juniors assessed from the first round reach Proficient (2) within ~6 months …
    six_months = pd.Timestamp(date(2026, 6, 12))
    first_round = median[rounds[0]].notna()
    growers = [p for p in juniors - stagnant if first_round[p]]
    at_goal = [p for p in growers if median.loc[p, six_months] >= 2]
    assert len(at_goal) >= 0.75 * len(growers) and len(growers) >= 6
    # … two people stay where they were all year …
    for person in stagnant:
        series = manager[manager["login"] == person].pivot_table(
            index="competency", columns="assessed_on", values="level"
        )
        assert (series.nunique(axis=1) == 1).all(), person
    # … and the organization grows, the AI-augmented competencies most.
    mean = manager.groupby("assessed_on")["level"].mean()
    assert mean[rounds[-1]] - mean[rounds[0]] >= 0.5
    is_ai = manager["competency"].isin(growth.AI_AUGMENTED)
    ai_gain = manager[is_ai].groupby("assessed_on")["level"].mean().diff().sum()
    core_gain = manager[~is_ai].groupby("assessed_on")["level"].mean().diff().sum()
    assert ai_gain > core_gain > 0


def test_recognitions(db: Path) -> None:
    rec = query(
        db, "select r.*, p.url from recognitions r left join pull_requests p on p.url = r.pr_url"
    )
    assert set(rec["behaviour"]) <= set(growth.BEHAVIOURS)
    assert set(rec["format"]) <= set(growth.FORMATS)
    assert 24 <= len(rec) <= 48  # 2-4 a month
    assert rec["note"].notna().all()
    assert not (rec["pr_url"] == "nan").any()
    linked = rec[rec["pr_url"].notna()]
    assert len(linked) >= 5
    assert linked["url"].notna().all()  # every link is a real PR …
    authors = query(db, "select url, author_login from pull_requests")
    mine = linked.merge(authors, left_on="pr_url", right_on="url")
    assert (mine["author_login"] == mine["login"]).all()  # … of the person recognised


# --- scale ---------------------------------------------------------------------------


def test_generate_scales_by_copies_of_the_organization() -> None:
    big = demo.generate(7, n_prs=24_000)
    merged = big["pull_requests"]["merged_at"].notna().sum()
    assert 22_000 <= merged <= 26_000
    assert (~big["people"]["is_bot"]).sum() == 160
    assert big["pull_requests"]["pr_id"].is_unique
    assert big["reviews"]["review_id"].is_unique
