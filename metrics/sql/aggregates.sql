-- Every aggregate of METRICS.md per (group, period), with coverage. A group is a team,
-- the whole organization ('organization') or a PR author; $teams (empty: all) filters
-- PRs and defects by team first, and $people (empty: all), by person, to those people's
-- rows. One row per (group, period) with at least one merged PR or one reported defect.
with

-- imports ------------------------------------------------------------------------------
prs as (
    select
        case $by
            when 'team' then team
            when 'org' then 'organization'
            else author_login
        end as group_name,
        -- a plain UTC timestamp: truncating it needs no time-zone arithmetic
        date_trunc($period, make_timestamp(epoch_us(merged_at))) as period_start,
        *
    from tl_pr_facts
    where
        (len($teams) = 0 or list_contains($teams, team))
        and (len($people) = 0 or list_contains($people, author_login))
),

defects_reported as (
    select
        case $by
            when 'team' then team
            when 'org' then 'organization'
            else coalesce(author_login, 'Unassigned')
        end as group_name,
        date_trunc($period, make_timestamp(epoch_us(reported_at))) as period_start,
        *
    from tl_defects
    where
        (len($teams) = 0 or list_contains($teams, team))
        and (len($people) = 0 or list_contains($people, coalesce(author_login, 'Unassigned')))
),

-- logic --------------------------------------------------------------------------------
pr_aggregates as (
    select
        group_name,
        period_start,
        count(*) as merged_prs,
        quantile_cont(cycle_time_h, 0.5) as cycle_time_p50_h,
        quantile_cont(cycle_time_h, 0.9) as cycle_time_p90_h,
        quantile_cont(qact_h, 0.5) as qact_p50_h,
        quantile_cont(qact_h, 0.9) as qact_p90_h,
        sum(qact_h) / nullif(sum(cycle_time_h), 0) - 1 as quality_tax,
        -- its two parts, which sum to it: follow-up PRs, and defects without a fix PR
        sum(follow_up_h) / nullif(sum(cycle_time_h), 0) as quality_tax_follow_up,
        sum(open_defect_h) / nullif(sum(cycle_time_h), 0) as quality_tax_open_defects,
        sum(n_defects) / count(*) as defect_rate,
        avg(cast(is_failed as double)) as change_failure_rate,
        avg(cast(not is_reviewed as double)) as unreviewed_merge_rate,
        avg(cast(is_rubber_stamp as double)) filter (where is_reviewed) as rubber_stamp_rate,
        count(*) filter (where has_dismissed_change_request) as dismissed_review_merges,
        count(*) filter (where is_failing_check) as failing_check_merges,
        count(*) filter (where is_security_bypass) as security_bypass_merges,
        -- phases: medians of the per-PR fields, pickup floored at 0
        quantile_cont(coding_time_h, 0.5) as coding_time_p50_h,
        greatest(0.0, quantile_cont(pickup_time_h, 0.5)) as pickup_time_p50_h,
        quantile_cont(review_time_h, 0.5) as review_time_p50_h,
        count(*) filter (where is_reviewed) as n_reviewed_prs,
        count(distinct author_login) as n_authors,
        count(*) filter (where is_ai_assisted) as n_ai_prs,
        sum(n_defects) filter (where is_ai_assisted)
            / nullif(count(*) filter (where is_ai_assisted), 0) as ai_defect_rate_raw,
        avg(cast(is_failed as double)) filter (
            where is_ai_assisted
        ) as ai_change_failure_rate_raw,
        avg(cast(is_rubber_stamp as double)) filter (
            where is_ai_assisted and is_reviewed
        ) as ai_rubber_stamp_rate_raw
    from prs
    group by group_name, period_start
),

defect_aggregates as (
    select
        group_name,
        period_start,
        count(*) as defects_reported,
        quantile_cont(repair_time_h, 0.5) as repair_time_p50_h,
        count(*) filter (where is_attributed) as n_attributed_defects,
        -- each defect once, by its strongest method (tl_defects.attribution_method)
        count(*) filter (where attribution_method = 'text') as n_attributed_text,
        count(*) filter (where attribution_method = 'import') as n_attributed_import,
        count(*) filter (where attribution_method = 'inferred') as n_attributed_inferred
    from defects_reported
    group by group_name, period_start
),

combined as (
    select
        coalesce(p.group_name, d.group_name) as group_name,
        coalesce(p.period_start, d.period_start) as period_start,
        p.* exclude (group_name, period_start),
        coalesce(d.defects_reported, 0) as defects_reported,
        d.repair_time_p50_h,
        coalesce(d.n_attributed_defects, 0) as n_attributed_defects,
        coalesce(d.n_attributed_text, 0) as n_attributed_text,
        coalesce(d.n_attributed_import, 0) as n_attributed_import,
        coalesce(d.n_attributed_inferred, 0) as n_attributed_inferred
    from pr_aggregates as p
    full outer join defect_aggregates as d
        on d.group_name = p.group_name and d.period_start = p.period_start
),

final as (
    select
        group_name as "group",
        case $period
            when 'week' then strftime(period_start, '%G-W%V')
            when 'month' then strftime(period_start, '%Y-%m')
            else strftime(period_start, '%Y') || '-Q' || quarter(period_start)
        end as period,
        cast(period_start as date) as period_start,
        coalesce(merged_prs, 0) as merged_prs,
        cycle_time_p50_h,
        cycle_time_p90_h,
        qact_p50_h,
        qact_p90_h,
        quality_tax,
        quality_tax_follow_up,
        quality_tax_open_defects,
        defect_rate,
        change_failure_rate,
        defects_reported,
        repair_time_p50_h,
        unreviewed_merge_rate,
        rubber_stamp_rate,
        coalesce(dismissed_review_merges, 0) as dismissed_review_merges,
        coalesce(failing_check_merges, 0) as failing_check_merges,
        coalesce(security_bypass_merges, 0) as security_bypass_merges,
        coding_time_p50_h,
        pickup_time_p50_h,
        review_time_p50_h,
        -- the AI-assisted split: only with enough authors and AI-assisted PRs
        coalesce(n_authors >= $ai_min_authors and n_ai_prs >= $ai_min_prs, false)
            as is_ai_split_shown,
        case when is_ai_split_shown then ai_defect_rate_raw end as ai_defect_rate,
        case when is_ai_split_shown then ai_change_failure_rate_raw end
            as ai_change_failure_rate,
        case when is_ai_split_shown then ai_rubber_stamp_rate_raw end as ai_rubber_stamp_rate,
        -- coverage
        coalesce(n_reviewed_prs, 0) as n_reviewed_prs,
        n_attributed_defects,
        n_attributed_defects / nullif(defects_reported, 0) as defect_attribution_rate,
        n_attributed_text,
        n_attributed_import,
        n_attributed_inferred,
        defects_reported - n_attributed_defects as n_untraced_defects
    from combined
)

select * from final
order by "group", period_start
