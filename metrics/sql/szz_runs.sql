-- tl_szz_runs: each fix commit of a defect (tl_fix_commits) with its SZZ analysis, when
-- teamlens ingest git made one (szz_fixes): its status, the lines it traced and its tangle
-- factor, and when the fix was committed (the recency window is measured from it). A fix
-- commit without an analysis is here with status null: the clone was not ingested, or the
-- commit is not in it (coverage says which).
create or replace temp table tl_szz_runs as
with

-- imports ------------------------------------------------------------------------------
analyses as (
    select lower(repo) as repo_key, repo, fix_sha, status, lines_traced, tangle_factor
    from szz_fixes
),

commits as (
    select lower(repo) as repo_key, sha, committed_at from git_commits
),

-- logic --------------------------------------------------------------------------------
final as (
    select
        f.defect_id,
        coalesce(a.repo, f.repo) as repo,
        f.sha as fix_sha,
        f.found_by,
        a.status,
        coalesce(a.lines_traced, 0) as lines_traced,
        coalesce(a.tangle_factor, 1.0) as tangle_factor,
        g.committed_at as fix_at
    from tl_fix_commits as f
    left join analyses as a on a.repo_key = lower(f.repo) and a.fix_sha = f.sha
    left join commits as g on g.repo_key = lower(f.repo) and g.sha = f.sha
)

select * from final
