-- tl_inferred: (defect, PR) pairs inferred from git history (METRICS.md "Inferred
-- attribution"), for defects with no explicit link resolving to a stored merged PR
-- (tl_named). Confidence per pair:
--   Σ over the defect's traced fix commits f of (lines of f leading to the PR x tangle
--   factor of f) / Σ of the lines those fix commits traced
-- so one fix gives the share of its traced lines that lead to the PR times its tangle
-- factor. The PR must be merged by $as_of and by the defect's report (a change not merged
-- yet cannot have caused what users saw), not a bot's (tl_prs holds none), not a fix PR of
-- the same defect, and reach $min_confidence. A commit in no PR, or in a PR the store does
-- not hold yet, attributes nothing (its evidence stays in tl_szz_blamed).
create or replace temp table tl_inferred as
with

-- imports ------------------------------------------------------------------------------
blamed as (
    select * from tl_szz_blamed where is_in_window and is_pr_stored
),

traced as (
    select defect_id, sum(lines_traced) as lines_traced
    from tl_szz_runs
    where status = 'traced'
    group by defect_id
),

reported as (
    select defect_id, reported_at from defects
),

-- logic --------------------------------------------------------------------------------
per_pr as (
    select defect_id, pr_id, sum(lines * tangle_factor) as weighted_lines
    from blamed
    group by defect_id, pr_id
),

final as (
    select
        p.defect_id,
        p.pr_id,
        'inferred' as method,
        p.weighted_lines / t.lines_traced as confidence
    from per_pr as p
    inner join traced as t on t.defect_id = p.defect_id
    inner join reported as d on d.defect_id = p.defect_id
    inner join tl_prs as pr on pr.pr_id = p.pr_id
    anti join tl_named as n on n.defect_id = p.defect_id
    anti join tl_fixes as f on f.defect_id = p.defect_id and f.pr_id = p.pr_id
    where pr.merged_at <= d.reported_at
        and p.weighted_lines / t.lines_traced >= $min_confidence
)

select * from final
