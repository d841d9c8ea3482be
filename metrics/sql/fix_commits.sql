-- tl_fix_commits: per defect reported by $as_of, the commits that fixed it by $as_of — the
-- code SZZ traces back (METRICS.md "Inferred attribution"). found_by says how:
--   fix_pr       the mainline commit(s) of a fix PR (tl_fixes): its merge or squash
--                commit, its rebased copies, a 'Title (#N)' or 'Merge pull request #N'
--                commit; the PR's own commits only when none of those is known;
--   message      a commit whose message references the defect ('Fixes #12', read by
--                teamlens ingest git);
--   closer       the commit GitHub records as the issue's closer (its timeline);
--   tracker_key  a commit whose message carries the defect's tracker key.
-- A commit found by its message that is one of a fix PR's own commits is left out when
-- that PR's mainline commit is there: the mainline commit holds the same change.
create or replace temp table tl_fix_commits as
with

-- imports ------------------------------------------------------------------------------
defects_reported as (
    select
        defect_id,
        lower(defect_id) as defect_key,
        key,
        case when resolved_at <= $as_of then resolved_at end as resolved_at
    from defects
    where reported_at <= $as_of
),

ties as (
    select repo, sha, pr_id, method from commit_pull_requests
),

-- from_id 'owner/name@sha'
commit_links as (
    select
        lower(target) as target_key,
        split_part(from_id, '@', 1) as repo,
        split_part(from_id, '@', 2) as sha,
        method
    from links
    where link_type = 'fixes' and contains(from_id, '@')
),

keyed_defects as (
    select defect_id, key
    from defects_reported
    where regexp_full_match(key, '[A-Za-z][A-Za-z0-9]*-[0-9]+')
),

-- the same whole-word tokens as tl_fixes, in git commit messages, only when keys exist
git_tokens as (
    select distinct
        repo,
        sha,
        unnest(regexp_extract_all(message, '[A-Za-z0-9]+-[0-9]+[A-Za-z0-9]*')) as token
    from git_commits
    where message is not null and exists (select 1 from keyed_defects)
),

-- logic --------------------------------------------------------------------------------
pr_mainline as (
    select f.defect_id, t.repo, t.sha, t.pr_id
    from tl_fixes as f
    inner join ties as t on t.pr_id = f.pr_id
    where t.method in ('merge_commit', 'rebased', 'squash_title', 'merge_title')
),

pr_own as (
    select f.defect_id, t.repo, t.sha, t.pr_id
    from tl_fixes as f
    inner join ties as t on t.pr_id = f.pr_id
    where t.method = 'pr_commit'
        and not exists (select 1 from pr_mainline as m where m.pr_id = f.pr_id)
),

by_pr as (
    select defect_id, repo, sha, 'fix_pr' as found_by from pr_mainline
    union all
    select defect_id, repo, sha, 'fix_pr' from pr_own
),

by_text as (
    select
        d.defect_id,
        l.repo,
        l.sha,
        case when l.method = 'closed_event' then 'closer' else 'message' end as found_by
    from commit_links as l
    inner join defects_reported as d on d.defect_key = l.target_key
    union all
    select d.defect_id, g.repo, g.sha, 'tracker_key'
    from git_tokens as g
    inner join keyed_defects as d on d.key = g.token
),

-- a commit found by its text counts by $as_of: committed by then, or (a closer the clone
-- does not hold) when its defect was resolved by then
dated_text as (
    select b.*
    from by_text as b
    inner join defects_reported as d on d.defect_id = b.defect_id
    left join git_commits as g on lower(g.repo) = lower(b.repo) and g.sha = b.sha
    where g.committed_at <= $as_of or (g.sha is null and d.resolved_at is not null)
),

-- a fix PR's own commit whose PR's mainline commit is already a fix commit of the defect
inside_fix_pr as (
    select distinct b.defect_id, b.sha
    from dated_text as b
    inner join ties as t on t.sha = b.sha and t.method = 'pr_commit'
    inner join pr_mainline as m on m.defect_id = b.defect_id and m.pr_id = t.pr_id
),

found as (
    select * from by_pr
    union all
    select d.*
    from dated_text as d
    anti join inside_fix_pr as i on i.defect_id = d.defect_id and i.sha = d.sha
),

final as (
    select
        f.defect_id,
        any_value(f.repo) as repo,
        f.sha,
        -- the strongest way it was found, in this order
        arg_min(
            f.found_by,
            case f.found_by when 'fix_pr' then 1 when 'closer' then 2 when 'message' then 3 else 4 end
        ) as found_by
    from found as f
    group by f.defect_id, f.sha
)

select * from final
