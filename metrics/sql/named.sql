-- tl_named: the defects with an explicit link (text or import) that resolves to a PR in the
-- store merged by $as_of — a bot's PR or the defect's own fix PR included. Whoever wrote it
-- named a real change, so nothing is inferred for these defects (docs/how-we-measure.md). A
-- link naming nothing usable (an issue, an open or unmerged PR, one merged after $as_of,
-- one not in the store) leaves the defect to inference.
create or replace temp table tl_named as
with

-- imports ------------------------------------------------------------------------------
introduced_links as (
    select
        from_id as defect_id,
        lower(coalesce(target_repo, regexp_extract(target, '^(.*)#\d+$', 1))) as repo_key,
        coalesce(target_number, try_cast(regexp_extract(target, '#(\d+)$', 1) as integer))
            as number
    from links
    where link_type = 'introduced_by'
),

-- logic --------------------------------------------------------------------------------
final as (
    select distinct l.defect_id
    from introduced_links as l
    inner join defects as d on d.defect_id = l.defect_id
    inner join pull_requests as p on p.number = l.number and lower(p.repo) = l.repo_key
    where d.reported_at <= $as_of and p.merged_at is not null and p.merged_at <= $as_of
)

select * from final
