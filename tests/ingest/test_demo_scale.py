"""The demo at scale (`teamlens demo --prs N`): copies of the organization, each with its own
teams, repositories and people, the same stories; the fast path writes exactly the rows of
the writer's path.

Built once at 12,000 merged PRs (two copies, about 10 s) on each path; the checks are plain
SQL over the raw tables.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import store
from ingest import demo, writer
from ingest.demo import org
from store.schema import GIT_TABLES

TABLES = (*demo.TABLES, "links", "sync_state", "meta", *GIT_TABLES)
BASE_TEAMS = ["Payments", "Platform", "Mobile", "Data", "Growth"]


def snapshot(db: Path) -> dict[str, list[tuple]]:
    with store.read_connection(db) as conn:
        return {t: conn.execute(f"select * from {t} order by all").fetchall() for t in TABLES}


def query(db: Path, sql: str, params: list | None = None) -> pd.DataFrame:
    with store.read_connection(db) as conn:
        return conn.execute(sql, params or []).df()


@pytest.fixture(scope="module")
def two(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict, list[str]]:
    """--prs 12000 on the default (fast) path, a copy per batch (so the second is generated
    by the worker process while the first is written, as at a million)."""
    db = tmp_path_factory.mktemp("scale") / "fast.duckdb"
    messages: list[str] = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(demo, "BATCH_PRS", 6_000)
        summary = demo.build_demo(db, n_prs=12_000, progress=messages.append)
    return db, summary, messages


@pytest.fixture(scope="module")
def db(two: tuple[Path, dict, list[str]]) -> Path:
    return two[0]


# --- sizes and names -----------------------------------------------------------------


def test_sizes_copies_and_bounds() -> None:
    assert demo.size_of(None) == demo.Size(6_000, 1)
    assert demo.size_of(12_000).copies == 2
    assert demo.size_of(100).copies == 1  # a small organization: the 40 people, fewer PRs
    big = demo.size_of(1_000_000)
    # 1,000,000 / 6,000 = 166.7 -> 167 copies: 6,680 people in 835 teams
    assert (big.copies, big.copies * 40, big.copies * 5) == (167, 6_680, 835)
    for bad in (99, 5_000_001, 0, -1, 1.5, "12000", True, None):
        with pytest.raises(demo.BadSize, match=r"^--prs .*: the demo builds a whole number"):
            demo.check_prs(bad)
    assert issubclass(demo.BadSize, demo.InputError)
    with pytest.raises(demo.BadSize):
        demo.generate(7, n_prs=50)


def test_copy_names_sort_in_copy_order() -> None:
    assert org.Copy(1, 167).team("Payments") == "Payments"  # copy 1 is the demo itself
    assert org.Copy(2, 2).team("Payments") == "Payments 2"
    assert org.Copy(2, 167).team("Payments") == "Payments 002"
    assert org.Copy(42, 167).login("priya-raman") == "priya-raman-042"
    assert org.Copy(42, 167).repos[0] == "acme/payments-api-042"
    assert org.Copy(42, 167).person("Zoë Ångström") == "Zoë Ångström 042"
    names = [org.Copy(k, 167).team("Data") for k in range(1, 168)]
    assert sorted(names) == names


def test_the_default_is_unchanged() -> None:
    default, explicit = demo.generate(7), demo.generate(7, n_prs=6_000)
    for table in demo.TABLES:
        assert default[table].equals(explicit[table]), table
    assert default.history is not None and default.history.repos.keys() == set(org.REPOS)


def test_copy_one_of_a_larger_organization_is_the_demo() -> None:
    # at 12,000 each copy has 6,000 PRs: copy 1 draws exactly what the demo draws
    default, two = demo.generate(7), demo.generate(7, n_prs=12_000)
    for table in demo.TABLES:
        first = two[table].iloc[: len(default[table])].reset_index(drop=True)
        # (head_ref's dtype only: copy 2's None makes the concatenated column object)
        pd.testing.assert_frame_equal(first, default[table], check_dtype=False, obj=table)
    assert two.history is not None and two.history.repos.keys() == set(org.REPOS)


# --- the organization at 12,000 --------------------------------------------------------


def test_two_copies_teams_people_and_repositories(two: tuple[Path, dict, list[str]]) -> None:
    db, summary, _ = two
    assert summary["copies"] == 2
    names = BASE_TEAMS + [f"{t} 2" for t in BASE_TEAMS]
    assert [t["team"] for t in summary["teams"]] == names
    teams = query(db, "select team, ai_adoption_date from teams").set_index("team")
    assert sorted(teams.index) == sorted(names)
    for team in BASE_TEAMS:  # the same adoption dates
        assert teams.loc[f"{team} 2", "ai_adoption_date"] == teams.loc[team, "ai_adoption_date"]
    sizes = query(
        db,
        "select team, count(distinct login) n from team_memberships "
        "where valid_to is null group by team",
    ).set_index("team")["n"]
    for team in BASE_TEAMS:  # people per team as in the demo (Growth: the team of 4)
        assert sizes[f"{team} 2"] == sizes[team], team
    assert sizes["Growth 2"] == 4
    people = query(db, "select is_bot, count(*) n from people group by 1 order by 1")
    assert people["n"].tolist() == [80, 2]  # two copies of 40 people; the bots once
    mover = query(
        db,
        "select team from team_memberships where login = 'dan-oconnor-2' order by valid_from",
    )
    assert mover["team"].tolist() == ["Payments 2", "Data 2"]
    repos = query(db, "select team, repo from team_repositories order by all")
    assert ("Payments 2", "acme/payments-api-2") in set(repos.itertuples(index=False))
    assert len(repos) == 12
    merged = query(db, "select count(*) n from pull_requests where merged_at is not null")
    assert 11_000 <= merged["n"][0] <= 13_000
    managers = query(
        db,
        "select distinct assessor from competency_assessments a join team_memberships m"
        " using (login) where assessor_role = 'manager' and m.team like '% 2'",
    )
    assert set(managers["assessor"]) <= {f"{t.manager}-2" for t in org.TEAMS}


def test_each_copy_works_inside_itself(db: Path) -> None:
    # copy 2's PRs are in its repositories, by its people (or the bots, or the ghost), and
    # reviewed by its people: no copy reaches into another
    prs = query(
        db,
        "select p.repo, p.author_login, r.reviewer_login from pull_requests p"
        " left join reviews r using (pr_id) where p.repo like '%-2'",
    )
    assert len(prs) > 10_000
    shared = {org.DEPENDABOT, org.ACTIONS_BOT, org.GHOST}
    authors = set(prs["author_login"]) - shared
    assert authors and all(a.endswith("-2") for a in authors)
    reviewers = set(prs["reviewer_login"].dropna()) - shared
    assert reviewers and all(r.endswith("-2") for r in reviewers)
    links = query(db, "select from_id, target from links where target like '%#%'")
    from_repo = links["from_id"].str.extract(r"^([^#]+)#")[0]
    to_repo = links["target"].str.extract(r"^([^#]+)#")[0]
    assert (from_repo.str.endswith("-2") == to_repo.str.endswith("-2")).all()
    assert from_repo.str.endswith("-2").sum() > 500


def test_only_the_first_copy_has_a_git_history(db: Path) -> None:
    repos = query(db, "select distinct repo from git_commits")["repo"]
    assert set(repos) == set(org.REPOS)
    sha = query(
        db,
        "select repo like '%-2' copy2, count(merge_commit_sha) n, count(head_ref) refs"
        " from pull_requests where merged_at is not null group by 1 order by 1",
    )
    assert sha["n"].tolist()[1] == 0 and sha["refs"].tolist()[1] == 0
    assert sha["n"].tolist()[0] > 5_000
    # so copy 2's reports name every cause they have; copy 1's name about 40 %
    named = query(
        db,
        "select d.repo like '%-2' copy2, count(distinct d.defect_id) n from defects d"
        " join links l on l.from_id = d.defect_id and l.link_type = 'introduced_by'"
        " group by 1 order by 1",
    )["n"].tolist()
    truth = demo.generate(7, n_prs=12_000).causes
    per_copy = truth.assign(copy2=truth["defect_id"].str.contains(r"-2#"))
    causes = per_copy.groupby("copy2")["defect_id"].nunique().tolist()
    assert named[1] == causes[1]
    assert 0.3 * causes[0] <= named[0] <= 0.5 * causes[0]


def test_copy_two_tells_the_stories(db: Path) -> None:
    weekly = query(
        db,
        """
        with merged as (
            select p.*, m.team,
                   date_diff('day', t.ai_adoption_date, p.merged_at::date) as days
            from pull_requests p
            join team_memberships m
              on m.login = p.author_login and p.merged_at::date >= m.valid_from
             and (m.valid_to is null or p.merged_at::date < m.valid_to)
            join teams t on t.team = m.team
            where p.merged_at is not null and not p.is_author_bot and m.team like '% 2'
        )
        select team,
               count(*) filter (where days between -56 and -1) / 8.0 as before,
               count(*) filter (where days between 0 and 20) / 3.0 as dip,
               count(*) filter (where days between 56 and 111) / 8.0 as after
        from merged group by team
        """,
    ).set_index("team")
    assert len(weekly) == 5
    assert (weekly["dip"] / weekly["before"] <= 0.8).all()  # every team dips
    mobile = weekly.loc["Mobile 2"]
    assert mobile["after"] >= 1.4 * mobile["before"]  # Mobile's volume up
    stamps = query(
        db,
        """
        select m.team, avg((r.is_body_empty and r.submitted_at - p.created_at
                            < interval 30 minute)::int) share
        from pull_requests p join reviews r using (pr_id)
        join team_memberships m on m.login = p.author_login and m.valid_to is null
        where p.additions + p.deletions >= 200 and r.state = 'APPROVED'
          and m.team in ('Platform 2', 'Payments 2')
        group by 1
        """,
    ).set_index("team")["share"]
    assert stamps["Platform 2"] > 3 * stamps["Payments 2"]  # the rubber stamps
    growth = query(
        db,
        "select login, max(level) - min(level) grew from competency_assessments"
        " where assessor_role = 'manager' and login like '%-2' group by login, competency",
    )
    grew = growth.groupby("login")["grew"].sum()
    assert grew["tomasr-2"] == 0 and grew["chloe-martin-2"] == 0  # the stagnant two
    assert (grew.drop(["tomasr-2", "chloe-martin-2"]) > 0).mean() > 0.8


def test_progress_names_copies_and_percentages(two: tuple[Path, dict, list[str]]) -> None:
    _, _, messages = two
    assert any("2 copies of the organization" in m for m in messages)
    assert any("1/2 copies (50 %)" in m for m in messages)  # a batch at a time
    assert any("2/2 copies (100 %)" in m for m in messages)


def test_counts_are_the_stored_rows(two: tuple[Path, dict, list[str]]) -> None:
    db, summary, _ = two
    for table, n in summary["counts"].items():
        assert n == query(db, f"select count(*) n from {table}")["n"][0], table


# --- the fast path writes the writer's rows ------------------------------------------------


def test_fast_path_writes_exactly_the_writer_paths_rows(db: Path, tmp_path: Path) -> None:
    slow = tmp_path / "writer.duckdb"
    demo.build_demo(slow, n_prs=12_000, fast=False)
    fast, written = snapshot(db), snapshot(slow)
    for table in TABLES:
        assert len(fast[table]) == len(written[table]), table
        assert fast[table] == written[table], table
    assert len(fast["szz_candidates"]) > 200  # copy 1's history was read on both paths


@pytest.mark.parametrize(
    ("title", "body"),
    [
        ("Refactor the payout scheduler", "Fixes #12"),
        ("FIXES #3 for good", None),
        ("Tidy", "fIxEd acme/x#4 and closes #5"),
        ("Tidy", "Reverts acme/x#9"),
        ('Revert "Add dark mode"', ""),
        ("Tidy", "[clo](https://example.com)ses #7"),  # a Markdown link joins the words
        ("Tidy", "clo\u017fes #8"),  # long s: re.IGNORECASE reads it as 's'
        ("Tidy", "resolved: PAY-12"),
        ("Tidy", "nothing to see here #3"),
    ],
)
def test_fast_links_filter_misses_no_pr_link(title: str, body: str | None) -> None:
    pr = {"pr_id": "acme/x#100", "repo": "acme/x", "title": title, "body": body}
    data = demo.DemoData(
        {"pull_requests": pd.DataFrame([pr]), "defects": pd.DataFrame(columns=_DEFECT)}
    )
    expected = writer._dedupe_links(writer.pr_links(pr))
    got = demo._links(data)
    assert got.to_dict("records") == expected
    assert bool(expected) == (body != "nothing to see here #3")


_DEFECT = ["defect_id", "repo", "title", "body"]


@pytest.mark.parametrize(
    "body",
    [
        "Introduced by #12",
        "REGRESSED IN acme/x#3",
        "Seen after the deploy; caused by [the cache PR](https://github.com/acme/x/pull/40)",
        "broken   by pull request #9, #10 and #11",
        "[intro](https://example.com)duced by #5",
        "No idea where it came from",
    ],
)
def test_fast_links_filter_misses_no_defect_link(body: str) -> None:
    defect = {"defect_id": "acme/x#200", "repo": "acme/x", "title": "Totals off", "body": body}
    data = demo.DemoData(
        {
            "pull_requests": pd.DataFrame(columns=["pr_id", "repo", "title", "body"]),
            "defects": pd.DataFrame([defect]),
        }
    )
    expected = writer._dedupe_links(writer.defect_links(defect))
    assert demo._links(data).to_dict("records") == expected
    assert bool(expected) == (not body.startswith("No idea"))


def test_refuses_real_data_on_the_fast_path(tmp_path: Path) -> None:
    path = tmp_path / "real.duckdb"
    with store.write_transaction(path) as conn:
        writer.upsert(
            conn,
            "repositories",
            [{"repo": "octo/real", "owner": "octo", "name": "real"}],
            {"source": "github", "fetched_at": pd.Timestamp("2026-11-01", tz="UTC")},
        )
    with pytest.raises(demo.RealDataPresent, match=r"github: 1 rows.*another database"):
        demo.build_demo(path, n_prs=12_000)
    assert query(path, "select count(*) n from pull_requests")["n"][0] == 0
    assert query(path, "select count(*) n from repositories")["n"][0] == 1
