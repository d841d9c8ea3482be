-- The PRs that can stand as evidence behind a red flag, with their team, period label and
-- the defects attributed to them. Reads the fact tables; $teams (empty: all) filters.
with

-- imports ------------------------------------------------------------------------------
prs as (
    select *
    from tl_pr_facts
    where len($teams) = 0 or list_contains($teams, team)
),

attributed as (
    select a.pr_id, list(d.defect_id order by d.defect_id) as defect_ids,
        list(coalesce(d.url, '') order by d.defect_id) as defect_urls
    from tl_attributions as a
    inner join tl_defects as d on d.defect_id = a.defect_id
    group by a.pr_id
),

-- logic --------------------------------------------------------------------------------
final as (
    select
        p.team,
        case $period
            when 'week' then strftime(date_trunc($period, p.merged_at), '%G-W%V')
            when 'month' then strftime(p.merged_at, '%Y-%m')
            else strftime(p.merged_at, '%Y') || '-Q' || quarter(p.merged_at)
        end as period,
        p.pr_id,
        pr.title,
        pr.url,
        p.merged_at,
        p.is_ai_assisted,
        p.is_rubber_stamp,
        not p.is_reviewed as is_unreviewed,
        p.has_dismissed_change_request,
        p.is_security_bypass,
        p.is_failed,
        p.n_defects,
        p.n_reverts,
        coalesce(a.defect_ids, []) as defect_ids,
        coalesce(a.defect_urls, []) as defect_urls
    from prs as p
    left join attributed as a on a.pr_id = p.pr_id
    inner join pull_requests as pr on pr.pr_id = p.pr_id
    where p.is_rubber_stamp
        or not p.is_reviewed
        or p.has_dismissed_change_request
        or p.is_security_bypass
        or p.is_failed
)

select * from final
order by team, merged_at, pr_id
