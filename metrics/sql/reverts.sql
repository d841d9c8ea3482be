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
        lower(coalesce(target_repo, regexp_extract(target, '^(.*)#\d+$', 1))) as repo_key,
        coalesce(target_number, try_cast(regexp_extract(target, '#(\d+)$', 1) as integer))
            as number,
        coalesce(target_title, substr(target, 7)) as target_title,
        method
    from links
    where link_type = 'reverts'
),

-- every merged PR, bots included (a bot's PR can be the one reverted; it then counts for
-- no one), but only those whose title some revert names
bot_people as (
    select lower(login) as login_key from people where is_bot
),

merged_any as (
    select
        pr.pr_id,
        pr.repo,
        pr.title,
        pr.merged_at,
        pr.is_author_bot
            or ends_with(lower(pr.author_login), '[bot]')
            or lower(pr.author_login) in (select login_key from bot_people) as is_bot
    from pull_requests as pr
    semi join revert_links as l on l.target_title = pr.title
    where pr.merged_at is not null and pr.merged_at <= $as_of
),

prs as (
    select pr_id, repo, number, merged_at from tl_prs
),

-- logic --------------------------------------------------------------------------------
by_reference as (
    select p.pr_id, r.pr_id as revert_pr_id
    from revert_links as l
    inner join prs as r on r.pr_id = l.from_id
    inner join prs as p on p.number = l.number and lower(p.repo) = l.repo_key
    where l.method <> 'revert_title' and not starts_with(l.target_key, 'title:')
),

-- per revert, the latest earlier PR of its repository with that exact title (a struct
-- compares field by field: merge time, then id as a tie-break)
latest_by_title as (
    select
        r.pr_id as revert_pr_id,
        max({'merged_at': c.merged_at, 'pr_id': c.pr_id, 'is_bot': c.is_bot}) as latest
    from revert_links as l
    inner join prs as r on r.pr_id = l.from_id
    inner join merged_any as c
        on c.repo = r.repo
        and c.title = l.target_title
        and c.merged_at < r.merged_at
        and c.pr_id <> r.pr_id
    where starts_with(l.target_key, 'title:')
    group by r.pr_id
),

-- if a bot wrote that PR, it is nobody's delivered change
by_title as (
    select latest.pr_id as pr_id, revert_pr_id
    from latest_by_title
    where not latest.is_bot
),

final as (
    select distinct pr_id, revert_pr_id
    from (select * from by_reference union all select * from by_title)
    where pr_id <> revert_pr_id
)

select * from final
