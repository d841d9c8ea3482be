-- The PRs that can stand as evidence behind a red flag: per (team, period, kind) the first
-- $max_evidence PRs in merge order, with how many there are in all and the defects
-- attributed to them. Reads the fact tables; $teams (empty: all) filters.
with

-- imports ------------------------------------------------------------------------------
prs as (
    select
        pr_id,
        team,
        merged_at,
        is_rubber_stamp,
        is_reviewed,
        has_dismissed_change_request,
        is_security_bypass,
        is_failed,
        is_ai_assisted,
        n_defects
    from tl_pr_facts
    where (len($teams) = 0 or list_contains($teams, team))
        and (
            is_rubber_stamp
            or not is_reviewed
            or has_dismissed_change_request
            or is_security_bypass
            or is_failed
        )
),

-- logic --------------------------------------------------------------------------------
kinds as (
    select *, 'rubber_stamp' as kind from prs where is_rubber_stamp
    union all
    select *, 'unreviewed' as kind from prs where not is_reviewed
    union all
    select *, 'dismissed' as kind from prs where has_dismissed_change_request
    union all
    select *, 'security' as kind from prs where is_security_bypass
    union all
    select *, 'failed' as kind from prs where is_failed
    union all
    select *, 'ai_failed' as kind from prs where is_ai_assisted and n_defects > 0
),

ranked as (
    select
        team,
        date_trunc($period, make_timestamp(epoch_us(merged_at))) as period_start,
        kind,
        pr_id,
        merged_at,
        row_number() over (
            partition by team, date_trunc($period, make_timestamp(epoch_us(merged_at))), kind
            order by merged_at, pr_id
        ) as rank_,
        count(*) over (
            partition by team, date_trunc($period, make_timestamp(epoch_us(merged_at))), kind
        ) as n_kind
    from kinds
),

-- the PRs shown: the first $max_evidence of each (team, period, kind)
picked as (
    select * from ranked where rank_ <= $max_evidence
),

-- the defects of those PRs only (grouping every attributed PR's defects was most of the
-- query at a million PRs, for the hundred or so PRs a page shows)
attributed as (
    select
        a.pr_id,
        list(a.defect_id order by a.defect_id) as defect_ids,
        list(coalesce(d.title, '') order by a.defect_id) as defect_titles,
        list(coalesce(d.url, '') order by a.defect_id) as defect_urls
    from tl_attributions as a
    inner join tl_defects as d on d.defect_id = a.defect_id
    where a.pr_id in (select pr_id from picked)
    group by a.pr_id
),

final as (
    select
        r.team,
        case $period
            when 'week' then strftime(r.period_start, '%G-W%V')
            when 'month' then strftime(r.period_start, '%Y-%m')
            else strftime(r.period_start, '%Y') || '-Q' || quarter(r.period_start)
        end as period,
        r.kind,
        r.n_kind,
        r.pr_id,
        pr.title,
        pr.url,
        r.merged_at,
        coalesce(a.defect_ids, []) as defect_ids,
        coalesce(a.defect_titles, []) as defect_titles,
        coalesce(a.defect_urls, []) as defect_urls
    from picked as r
    inner join pull_requests as pr on pr.pr_id = r.pr_id
    left join attributed as a on a.pr_id = r.pr_id
)

select * from final
order by team, period, kind, merged_at, pr_id
