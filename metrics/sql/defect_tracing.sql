-- How far each defect reported by $as_of could be traced to the change that caused it, and
-- why not when it could not (read by metrics/attribution.py; docs/how-we-measure.md). One
-- row per defect; untraced_reason is null for an attributed defect, else the furthest
-- step its tracing reached:
--   named_unusable  its text or import names a stored merged PR that cannot be attributed
--                   (a bot's, or its own fix PR): nothing is inferred against that word;
--   no_fix          no fix PR merged and no fix commit made by $as_of;
--   no_git          a fix exists, but no git clone of its repository was ingested;
--   not_analysed    the clone is ingested but holds no analysis of the fix's commits (not
--                   in the clone, or found after the last teamlens ingest git);
--   unreadable, too_tangled, nothing_to_trace, adds_only
--                   what SZZ said of every analysed fix commit (none was traced);
--   after_report    every commit the fix's lines lead to was made after the report;
--   no_pr           the blamed commits belong to no pull request (direct pushes);
--   pr_not_fetched  a blamed commit's PR is not in the store yet (suspected);
--   pr_excluded     the blamed PR is a bot's, a fix PR of the defect, or merged after the
--                   report;
--   low_confidence  the blamed PRs stay under settings.min_inferred_confidence.
with

-- imports ------------------------------------------------------------------------------
defects_reported as (
    select defect_id, repo, attribution_method, is_attributed, fix_pr_id
    from tl_defects
),

git_repos as (
    select distinct lower(repo) as repo_key from git_commits
),

-- logic --------------------------------------------------------------------------------
fix_state as (
    select
        defect_id,
        count(*) as n_fix_commits,
        any_value(repo) as fix_repo,
        bool_or(status is not null) as is_analysed,
        bool_or(lower(repo) in (select repo_key from git_repos)) as is_cloned,
        bool_or(status = 'traced') as is_traced,
        bool_or(status = 'unreadable') as any_unreadable,
        bool_or(status = 'too_tangled') as any_too_tangled,
        bool_or(status = 'nothing_to_trace') as any_nothing_to_trace,
        bool_or(status = 'adds_only') as any_adds_only
    from tl_szz_runs
    group by defect_id
),

blame_state as (
    select
        b.defect_id,
        bool_or(b.is_in_window) as any_blamed,
        bool_or(b.is_in_window and b.pr_id is not null) as any_tied,
        bool_or(b.is_in_window and b.pr_id is not null and not b.is_pr_stored)
            as any_not_fetched,
        bool_or(b.is_in_window and b.is_pr_stored) as any_stored
    from tl_szz_blamed as b
    group by b.defect_id
),

stored_pr_state as (
    select
        b.defect_id,
        bool_or(
            p.pr_id is not null
            and f.pr_id is null
            and p.merged_at <= d.reported_at
        ) as any_eligible
    from tl_szz_blamed as b
    inner join defects as d on d.defect_id = b.defect_id
    left join tl_prs as p on p.pr_id = b.pr_id
    left join tl_fixes as f on f.defect_id = b.defect_id and f.pr_id = b.pr_id
    where b.is_in_window and b.is_pr_stored
    group by b.defect_id
),

fix_prs as (
    select defect_id, any_value(p.repo) as fix_repo
    from tl_fixes as f
    inner join tl_prs as p using (pr_id)
    group by defect_id
),

final as (
    select
        d.defect_id,
        coalesce(d.repo, fp.fix_repo, fs.fix_repo) as repo,
        d.attribution_method,
        d.is_attributed,
        fp.defect_id is not null or fs.defect_id is not null as has_fix,
        coalesce(fs.is_cloned, lower(coalesce(d.repo, fp.fix_repo)) in (
            select repo_key from git_repos
        )) as is_git_ingested,
        case
            when d.is_attributed then null
            when d.defect_id in (select defect_id from tl_named) then 'named_unusable'
            when fp.defect_id is null and fs.defect_id is null then 'no_fix'
            when not coalesce(fs.is_cloned, false)
                and lower(coalesce(d.repo, fp.fix_repo, '')) not in (
                    select repo_key from git_repos
                ) then 'no_git'
            when not coalesce(fs.is_analysed, false) then 'not_analysed'
            when not fs.is_traced then
                case
                    when fs.any_too_tangled then 'too_tangled'
                    when fs.any_nothing_to_trace then 'nothing_to_trace'
                    when fs.any_adds_only then 'adds_only'
                    else 'unreadable'
                end
            when not coalesce(bs.any_blamed, false) then 'after_report'
            when bs.any_not_fetched then 'pr_not_fetched'
            when not bs.any_tied then 'no_pr'
            when coalesce(ps.any_eligible, false) then 'low_confidence'
            else 'pr_excluded'
        end as untraced_reason
    from defects_reported as d
    left join fix_prs as fp on fp.defect_id = d.defect_id
    left join fix_state as fs on fs.defect_id = d.defect_id
    left join blame_state as bs on bs.defect_id = d.defect_id
    left join stored_pr_state as ps on ps.defect_id = d.defect_id
)

select * from final
where $ids is null or list_contains($ids, defect_id)
order by defect_id
