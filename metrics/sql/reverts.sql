-- tl_reverts: (reverted PR, reverting PR) pairs among PRs merged by $as_of, bots excluded.
-- `Reverts owner/repo#N` names the PR; a `Revert "<title>"` title names the latest PR of
-- the same repository with exactly that title merged before the revert.
create or replace temp table tl_reverts as
with

-- imports ------------------------------------------------------------------------------
revert_links as (
    select
        from_id,
        lower(target) as target_key,
        coalesce(target_title, substr(target, 7)) as target_title,
        method
    from links
    where link_type = 'reverts'
),

merged_any as (
    select pr_id, repo, title, merged_at
    from pull_requests
    where merged_at is not null and merged_at <= $as_of
),

prs as (
    select pr_id, pr_key, repo, merged_at from tl_prs
),

-- logic --------------------------------------------------------------------------------
by_reference as (
    select p.pr_id, r.pr_id as revert_pr_id
    from revert_links as l
    inner join prs as r on r.pr_id = l.from_id
    inner join prs as p on p.pr_key = l.target_key
    where l.method <> 'revert_title' and not starts_with(l.target_key, 'title:')
),

by_title_candidates as (
    select
        r.pr_id as revert_pr_id,
        c.pr_id,
        row_number() over (
            partition by r.pr_id order by c.merged_at desc, c.pr_id desc
        ) as recency
    from revert_links as l
    inner join prs as r on r.pr_id = l.from_id
    inner join merged_any as c
        on c.repo = r.repo
        and c.title = l.target_title
        and c.merged_at < r.merged_at
        and c.pr_id <> r.pr_id
    where starts_with(l.target_key, 'title:')
),

by_title as (
    select t.pr_id, t.revert_pr_id
    from by_title_candidates as t
    inner join prs as p on p.pr_id = t.pr_id  -- a bot's PR is nobody's delivered change
    where t.recency = 1
),

final as (
    select distinct pr_id, revert_pr_id
    from (select * from by_reference union all select * from by_title)
    where pr_id <> revert_pr_id
)

select * from final
