-- tl_quality: for the PRs that have any, their attributed defects, reverts, follow-up PRs
-- and the hours QACT adds to their cycle time (METRICS.md "qact(p)" and "failed(p)").
-- Sparse on purpose: most PRs have none, and tl_pr_facts joins it to tl_prs.
create or replace temp table tl_quality as
with

-- imports ------------------------------------------------------------------------------
prs as (
    select pr_id, cycle_time_h from tl_prs
),

-- logic --------------------------------------------------------------------------------
-- follow-ups of p: the earliest fix PR of each defect attributed to p, and every PR that
-- reverts p, as a set (one PR counted once however many roles it plays)
follow_ups as (
    select distinct a.pr_id, d.fix_pr_id as follow_up_pr_id
    from tl_attributions as a
    inner join tl_defects as d on d.defect_id = a.defect_id
    where d.fix_pr_id is not null
    union
    select pr_id, revert_pr_id as follow_up_pr_id
    from tl_reverts
),

follow_up_time as (
    select f.pr_id, sum(p.cycle_time_h) as follow_up_h, count(*) as n_follow_ups
    from follow_ups as f
    inner join prs as p on p.pr_id = f.follow_up_pr_id
    where f.follow_up_pr_id <> f.pr_id
    group by f.pr_id
),

defect_time as (
    select
        a.pr_id,
        count(*) as n_defects,
        coalesce(sum(d.repair_time_h) filter (where d.fix_pr_id is null), 0.0) as unfixed_h
    from tl_attributions as a
    inner join tl_defects as d on d.defect_id = a.defect_id
    group by a.pr_id
),

revert_counts as (
    select pr_id, count(*) as n_reverts from tl_reverts group by pr_id
),

with_any as (
    select pr_id from defect_time
    union
    select pr_id from revert_counts
    union
    select pr_id from follow_up_time
),

final as (
    select
        w.pr_id,
        coalesce(dt.n_defects, 0) as n_defects,
        coalesce(rc.n_reverts, 0) as n_reverts,
        coalesce(ft.n_follow_ups, 0) as n_follow_ups,
        coalesce(ft.follow_up_h, 0.0) + coalesce(dt.unfixed_h, 0.0) as added_h,
        -- the two parts of added_h (quality_tax_follow_up, quality_tax_open_defects)
        coalesce(ft.follow_up_h, 0.0) as follow_up_h,
        coalesce(dt.unfixed_h, 0.0) as open_defect_h
    from with_any as w
    left join follow_up_time as ft on ft.pr_id = w.pr_id
    left join defect_time as dt on dt.pr_id = w.pr_id
    left join revert_counts as rc on rc.pr_id = w.pr_id
)

select * from final
