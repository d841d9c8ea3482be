-- The evidence behind each defect's attribution as of $as_of (read by
-- metrics/attribution.py), one row per piece:
--   text / import  each PR the defect's text or import row names (file, line and commit
--                  empty; confidence 1), with is_attributing false and a note when it
--                  names nothing that can be attributed;
--   inferred       each line a fix deleted or changed (file, line at the fix's parent)
--                  that SZZ led to a blamed commit inside the recency window, with the
--                  commit's PR (stored, or only suspected: not fetched yet, or none), the
--                  confidence of that PR (or of the commit, when it is in no stored PR) and
--                  whether it attributes the defect. Not shown for a defect whose explicit
--                  link names a stored merged PR (nothing is inferred for it).
-- suspected_author / suspected_at: the PR's author and merge time when the PR is stored,
-- else the commit's author and commit time.
with

-- imports ------------------------------------------------------------------------------
-- $ids (null: all) names the defects; $scoped narrows them further to the defects of
-- $teams (empty: all) reported on the UTC days $first_day to $last_day (null: unbounded)
scope as (
    select defect_id
    from tl_defects
    where (len($teams) = 0 or list_contains($teams, team))
        and ($first_day is null or reported_at::date >= $first_day)
        and ($last_day is null or reported_at::date <= $last_day)
),

wanted as (
    select defect_id, reported_at
    from defects
    where reported_at <= $as_of
        and ($ids is null or list_contains($ids, defect_id))
        and (not $scoped or defect_id in (select defect_id from scope))
),

introduced_links as (
    select
        l.from_id as defect_id,
        l.target,
        lower(coalesce(l.target_repo, regexp_extract(l.target, '^(.*)#\d+$', 1))) as repo_key,
        coalesce(l.target_number, try_cast(regexp_extract(l.target, '#(\d+)$', 1) as integer))
            as number,
        case when l.method = 'import' then 'import' else 'text' end as method
    from links as l
    semi join wanted as w on w.defect_id = l.from_id
    where l.link_type = 'introduced_by'
),

traced as (
    select defect_id, sum(lines_traced) as lines_traced
    from tl_szz_runs
    where status = 'traced'
    group by defect_id
),

blamed as (
    select b.*
    from tl_szz_blamed as b
    semi join wanted as w on w.defect_id = b.defect_id
    anti join tl_named as n on n.defect_id = b.defect_id
    where b.is_in_window
),

-- logic --------------------------------------------------------------------------------
explicit as (
    select
        l.defect_id,
        l.method,
        coalesce(p.pr_id, l.target) as pr_id,
        l.number as pr_number,
        p.pr_id is not null as is_pr_stored,
        p.author_login as suspected_author,
        p.merged_at as suspected_at,
        cast(null as varchar) as commit,
        cast(null as varchar) as fix_commit,
        cast(null as varchar) as file,
        cast(null as integer) as line,
        cast(null as varchar) as blamed_file,
        cast(null as integer) as blamed_line,
        1.0 as confidence,
        a.pr_id is not null as is_attributing,
        case
            when a.pr_id is not null then null
            when p.pr_id is null then 'names ' || l.target || ', which is not a pull request in the store'
            when p.merged_at is null or p.merged_at > $as_of then 'names ' || p.pr_id || ', not merged by then'
            when f.pr_id is not null then 'names ' || p.pr_id || ', which fixes it: fixing is not causing'
            else 'names ' || p.pr_id || ', a bot''s pull request'
        end as note
    from introduced_links as l
    left join pull_requests as p on p.number = l.number and lower(p.repo) = l.repo_key
    left join tl_attributions as a on a.defect_id = l.defect_id and a.pr_id = p.pr_id
    left join tl_fixes as f on f.defect_id = l.defect_id and f.pr_id = p.pr_id
),

-- the confidence of each blamed PR (or, in no stored PR, of the commit itself)
weights as (
    select
        b.defect_id,
        case when b.is_pr_stored then b.pr_id else b.commit_sha end as culprit,
        sum(b.lines * b.tangle_factor) / any_value(t.lines_traced) as confidence
    from blamed as b
    inner join traced as t on t.defect_id = b.defect_id
    group by 1, 2
),

inferred as (
    select
        b.defect_id,
        'inferred' as method,
        b.pr_id,
        b.pr_number,
        b.is_pr_stored,
        case when b.is_pr_stored then b.pr_author else b.author_name end as suspected_author,
        case when b.is_pr_stored then b.pr_merged_at else b.committed_at end as suspected_at,
        b.commit_sha as commit,
        b.fix_sha as fix_commit,
        s.path as file,
        s.line,
        s.blamed_path as blamed_file,
        s.blamed_line,
        w.confidence,
        a.pr_id is not null as is_attributing,
        case
            when a.pr_id is not null then null
            when b.pr_id is null then 'the commit belongs to no pull request (a direct push)'
            when not b.is_pr_stored
                then 'suspected: ' || b.pr_id || ' is not in the store yet (teamlens ingest github fetches it)'
            when f.pr_id is not null then b.pr_id || ' fixes the defect: fixing is not causing'
            when p.pr_id is null then b.pr_id || ' is a bot''s pull request'
            when b.pr_merged_at > d.reported_at then b.pr_id || ' merged after the defect was reported'
            else 'confidence under ' || $min_confidence || ': evidence, not a cause'
        end as note
    from blamed as b
    inner join szz_lines as s
        on lower(s.repo) = lower(b.repo) and s.fix_sha = b.fix_sha and s.blamed_sha = b.commit_sha
    inner join wanted as d on d.defect_id = b.defect_id
    inner join weights as w
        on w.defect_id = b.defect_id
        and w.culprit = case when b.is_pr_stored then b.pr_id else b.commit_sha end
    left join tl_attributions as a on a.defect_id = b.defect_id and a.pr_id = b.pr_id
    left join tl_fixes as f on f.defect_id = b.defect_id and f.pr_id = b.pr_id
    left join tl_prs as p on p.pr_id = b.pr_id
),

final as (
    select * from explicit
    union all
    select * from inferred
)

select * from final
order by
    defect_id,
    case method when 'text' then 1 when 'import' then 2 else 3 end,
    pr_number nulls last,
    commit nulls first,
    file nulls first,
    line nulls first
