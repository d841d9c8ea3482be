-- tl_explicit: (defect, PR) pairs where the defect names the PR that introduced it, in its
-- text (method 'text') or its import row ('import'). Only merged, non-bot PRs are
-- attributed, and a fix PR of a defect never is. Confidence 1.
create or replace temp table tl_explicit as
with

-- imports ------------------------------------------------------------------------------
defects_reported as (
    select defect_id from defects where reported_at <= $as_of
),

-- a target is 'owner/repo#N'; repositories compare case-insensitively
introduced_links as (
    select
        from_id as defect_id,
        lower(coalesce(target_repo, regexp_extract(target, '^(.*)#\d+$', 1))) as repo_key,
        coalesce(target_number, try_cast(regexp_extract(target, '#(\d+)$', 1) as integer))
            as number,
        case when method = 'import' then 'import' else 'text' end as method
    from links
    where link_type = 'introduced_by'
),

prs as (
    select pr_id, repo, number from tl_prs
),

-- logic --------------------------------------------------------------------------------
-- one method per pair: text before import, should both spell the same PR
named as (
    select l.defect_id, p.pr_id, min(l.method) filter (where l.method = 'text') as by_text
    from introduced_links as l
    inner join defects_reported as d on d.defect_id = l.defect_id
    inner join prs as p on p.number = l.number and lower(p.repo) = l.repo_key
    group by l.defect_id, p.pr_id
),

final as (
    select n.defect_id, n.pr_id, coalesce(n.by_text, 'import') as method, 1.0 as confidence
    from named as n
    anti join tl_fixes as f on f.defect_id = n.defect_id and f.pr_id = n.pr_id
)

select * from final
