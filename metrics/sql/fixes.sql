-- tl_fixes: the defects reported by $as_of and the merged PRs (by $as_of, bots excluded)
-- that fix them: closing references, fix keywords in the PR's text, the PR GitHub records
-- as the issue's closer or as the one that will close it (the issue's timeline, read into
-- `links` at ingest), and the tracker keys of METRICS.md: a PR whose title, head branch or
-- commit messages contain the key of an imported defect (letters, a hyphen, digits, as a
-- whole word, case-sensitive).
create or replace temp table tl_fixes as
with

-- imports ------------------------------------------------------------------------------
defects_reported as (
    select defect_id, lower(defect_id) as defect_key, key
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

-- a tracker key: 'PAY-142' (Jira also allows digits after the first letter: 'PAY2-7')
keyed_defects as (
    select defect_id, key
    from defects_reported
    where regexp_full_match(key, '[A-Za-z][A-Za-z0-9]*-[0-9]+')
),

-- the texts a key is looked for in, only when some defect has a key. A token is a whole
-- word: a maximal run of letters and digits, a hyphen, digits, and any letters or digits
-- right after (so 'PAY-1420', 'XPAY-142' and 'PAY-142x' are not 'PAY-142', while
-- 'feature/PAY-142-totals' and 'fix_PAY-142' carry it)
pr_texts as (
    select pr.pr_id, pr.title as text
    from pull_requests as pr
    semi join prs on prs.pr_id = pr.pr_id
    where exists (select 1 from keyed_defects)
    union all
    select pr.pr_id, pr.head_ref
    from pull_requests as pr
    semi join prs on prs.pr_id = pr.pr_id
    where exists (select 1 from keyed_defects)
    union all
    select c.pr_id, c.message
    from pr_commits as c
    semi join prs on prs.pr_id = c.pr_id
    where c.message is not null and exists (select 1 from keyed_defects)
),

key_tokens as (
    select distinct pr_id, unnest(regexp_extract_all(text, '[A-Za-z0-9]+-[0-9]+[A-Za-z0-9]*'))
        as token
    from pr_texts
    where text is not null
),

-- logic --------------------------------------------------------------------------------
by_link as (
    select d.defect_id, l.from_id as pr_id
    from fix_links as l
    inner join defects_reported as d on d.defect_key = l.target_key
),

by_key as (
    select d.defect_id, k.pr_id
    from key_tokens as k
    inner join keyed_defects as d on d.key = k.token
),

final as (
    select distinct f.defect_id, p.pr_id, p.merged_at, p.cycle_time_h
    from (select * from by_link union all select * from by_key) as f
    inner join prs as p on p.pr_id = f.pr_id
)

select * from final
