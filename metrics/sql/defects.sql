-- tl_defects: one row per defect reported by $as_of, with its earliest fix PR, its repair
-- time, whether it is attributed to a PR and by which method (the strongest of its
-- attributions: text, then import, then inferred), and its team (METRICS.md "Defects,
-- fixes and reverts").
create or replace temp table tl_defects as
with

-- imports ------------------------------------------------------------------------------
defects_reported as (
    select
        defect_id,
        key,
        repo,
        title,
        url,
        severity,
        reported_at,
        -- a resolution after $as_of has not happened yet
        case when resolved_at <= $as_of then resolved_at end as resolved_at
    from defects
    where reported_at <= $as_of
),

repo_teams as (
    select lower(repo) as repo_key, min(team) as team from team_repositories group by 1
),

-- logic --------------------------------------------------------------------------------
earliest_fix as (
    select defect_id, pr_id as fix_pr_id, cycle_time_h as fix_cycle_time_h
    from (
        select
            *,
            row_number() over (partition by defect_id order by merged_at, pr_id) as rank_
        from tl_fixes
    )
    where rank_ = 1
),

-- the defect's team follows the first PR it names; the links table keeps no order of
-- mention, so "first" is the earliest merged of the attributed PRs
first_named as (
    select defect_id, pr_id as first_pr_id, team, author_login
    from (
        select
            a.defect_id,
            p.pr_id,
            p.team,
            p.author_login,
            row_number() over (
                partition by a.defect_id order by p.merged_at, p.pr_id
            ) as rank_
        from tl_attributions as a
        inner join tl_prs as p on p.pr_id = a.pr_id
    )
    where rank_ = 1
),

attributed_counts as (
    select
        defect_id,
        count(*) as n_attributed_prs,
        case
            when bool_or(method = 'text') then 'text'
            when bool_or(method = 'import') then 'import'
            else 'inferred'
        end as attribution_method
    from tl_attributions
    group by defect_id
),

final as (
    select
        d.defect_id,
        d.key,
        d.repo,
        d.title,
        d.url,
        d.severity,
        d.reported_at,
        d.resolved_at,
        f.fix_pr_id,
        case
            when f.fix_pr_id is not null then f.fix_cycle_time_h
            when d.resolved_at is not null
                then (epoch(d.resolved_at) - epoch(d.reported_at)) / 3600.0
            else (epoch($as_of) - epoch(d.reported_at)) / 3600.0
        end as repair_time_h,
        coalesce(c.n_attributed_prs, 0) as n_attributed_prs,
        c.n_attributed_prs is not null as is_attributed,
        c.attribution_method,
        n.first_pr_id,
        coalesce(n.team, rt.team, 'Unassigned') as team,
        n.author_login
    from defects_reported as d
    left join earliest_fix as f on f.defect_id = d.defect_id
    left join attributed_counts as c on c.defect_id = d.defect_id
    left join first_named as n on n.defect_id = d.defect_id
    left join repo_teams as rt on rt.repo_key = lower(d.repo)
)

select * from final
