-- tl_szz_blamed: per defect and traced fix commit, every commit SZZ led its lines to
-- (szz_candidates), judged as of $as_of (METRICS.md "Inferred attribution";
-- docs/how-we-measure.md):
--   is_after_report  committed after the defect was reported: it cannot have caused what
--                    was already seen (dropped);
--   is_own_fix       one of the defect's own fix commits (fixing is not causing; dropped);
--   is_in_window     the recency window, recomputed over the candidates left: a lag behind
--                    the fix of at most twice the least lag among them plus
--                    $recency_slack_days days;
-- and the pull request the commit belongs to: its ties (commit_pull_requests) in the order
-- of settings.TIE_PREFERENCE ($tie_preference), skipping ties to stored PRs that were not
-- merged by $as_of. A tie to a PR the store does not hold keeps is_pr_stored false: a
-- suspected PR until teamlens ingest github fetches it. No tie: a direct push.
create or replace temp table tl_szz_blamed as
with

-- imports ------------------------------------------------------------------------------
runs as (
    select r.*, d.reported_at
    from tl_szz_runs as r
    inner join defects as d on d.defect_id = r.defect_id
    where r.status = 'traced'
),

candidates as (
    select lower(repo) as repo_key, fix_sha, commit_sha, committed_at, authored_at, lines
    from szz_candidates
),

commits as (
    select lower(repo) as repo_key, sha, author_name, author_email from git_commits
),

-- logic --------------------------------------------------------------------------------
judged as (
    select
        r.defect_id,
        r.repo,
        r.fix_sha,
        r.fix_at,
        r.lines_traced,
        r.tangle_factor,
        c.commit_sha,
        c.committed_at,
        c.authored_at,
        c.lines,
        c.committed_at > r.reported_at as is_after_report,
        exists (
            select 1 from tl_fix_commits as o
            where o.defect_id = r.defect_id and o.sha = c.commit_sha
        ) as is_own_fix
    from runs as r
    inner join candidates as c on c.repo_key = lower(r.repo) and c.fix_sha = r.fix_sha
),

-- the recency window over the candidates left, from the fix's commit time
lagged as (
    select
        *,
        greatest(0.0, epoch(fix_at) - epoch(committed_at)) as lag_s,
        min(greatest(0.0, epoch(fix_at) - epoch(committed_at))) filter (
            where not is_after_report and not is_own_fix
        ) over (partition by defect_id, fix_sha) as least_lag_s
    from judged
),

windowed as (
    select
        * exclude (lag_s, least_lag_s),
        not is_after_report
            and not is_own_fix
            and lag_s <= 2 * least_lag_s + $recency_slack_days * 86400.0 as is_in_window
    from lagged
),

-- every tie of a blamed commit, ranked: tie preference, then merged PRs before unknown
-- ones, earliest merge, lowest number
ties as (
    select
        lower(t.repo) as repo_key,
        t.sha,
        t.pr_number,
        coalesce(p.pr_id, t.pr_id) as pr_id,
        t.method as tie_method,
        p.pr_id is not null as is_pr_stored,
        p.merged_at as pr_merged_at,
        p.author_login as pr_author,
        row_number() over (
            partition by lower(t.repo), t.sha
            order by
                coalesce(list_position($tie_preference, t.method), 99),
                p.merged_at nulls last,
                t.pr_number
        ) as rank_
    from commit_pull_requests as t
    left join pull_requests as p on lower(p.pr_id) = lower(t.pr_id)
    where t.sha in (select commit_sha from windowed where is_in_window)
        and (p.pr_id is null or (p.merged_at is not null and p.merged_at <= $as_of))
),

final as (
    select
        w.*,
        g.author_name,
        g.author_email,
        t.pr_id,
        t.pr_number,
        t.tie_method,
        coalesce(t.is_pr_stored, false) as is_pr_stored,
        t.pr_merged_at,
        t.pr_author
    from windowed as w
    left join ties as t
        on w.is_in_window
        and t.repo_key = lower(w.repo)
        and t.sha = w.commit_sha
        and t.rank_ = 1
    left join commits as g on g.repo_key = lower(w.repo) and g.sha = w.commit_sha
)

select * from final
