-- tl_defects_base and tl_fixes: the defects reported by $as_of, and the merged PRs that
-- close them (closing references and fix keywords, read into `links` at ingest).
create or replace temp table tl_fixes as
with

-- imports ------------------------------------------------------------------------------
defects_reported as (
    select defect_id, lower(defect_id) as defect_key
    from defects
    where reported_at <= $as_of
),

fix_links as (
    select from_id, lower(target) as target_key
    from links
    where link_type = 'fixes'
),

prs as (
    select pr_id, merged_at, cycle_time_h from tl_prs
),

-- logic --------------------------------------------------------------------------------
final as (
    select distinct d.defect_id, p.pr_id, p.merged_at, p.cycle_time_h
    from fix_links as l
    inner join prs as p on p.pr_id = l.from_id
    inner join defects_reported as d on d.defect_key = l.target_key
)

select * from final
