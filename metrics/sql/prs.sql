-- tl_prs: one row per pull request merged by $as_of (bots excluded), with its team, its
-- cycle-time phases and its review facts (METRICS.md "Per merged pull request").
create or replace temp table tl_prs as
with

-- imports ------------------------------------------------------------------------------
bot_people as (
    select lower(login) as login_key from people where is_bot
),

merged as (
    select
        pr.pr_key as pr_row,  -- the integer key of the joins below (store migration 4)
        pr.pr_id,
        pr.repo,
        pr.number,
        pr.author_login,
        lower(pr.author_login) as author_key,
        epoch_us(pr.merged_at) // 86400000000 as merged_day,  -- UTC day number
        pr.created_at,
        pr.merged_at,
        -- the earliest authored date among its commits, kept with the PR by the writer
        pr.first_commit_at,
        pr.is_opened_as_draft,
        coalesce(pr.additions, 0) + coalesce(pr.deletions, 0) as changed_lines,
        pr.is_ai_assisted,
        upper(coalesce(pr.check_state, '')) in ('FAILURE', 'ERROR') as is_failing_check,
        -- the security patterns are matched only where a check failed
        case
            when upper(coalesce(pr.check_state, '')) in ('FAILURE', 'ERROR')
                then coalesce(
                    list_bool_or(
                        list_transform(
                            pr.failing_checks, lambda c: regexp_matches(lower(c), $security_re)
                        )
                    ),
                    false
                )
            else false
        end as has_security_check_failing
    from pull_requests as pr
    where pr.merged_at is not null
        and pr.merged_at <= $as_of
        and not pr.is_author_bot
        and not ends_with(lower(pr.author_login), '[bot]')
        and lower(pr.author_login) not in (select login_key from bot_people)
),

memberships as (
    -- days since 1970 (integers): cheaper to compare than zoned timestamps. Where two
    -- memberships of a person overlap, the later start wins: each ends where the next starts,
    -- so a PR meets at most one
    select
        lower(login) as login_key,
        team,
        valid_from - date '1970-01-01' as from_day,
        least(
            coalesce(valid_to, date '9999-12-31'),
            coalesce(
                lead(valid_from) over (partition by lower(login) order by valid_from),
                date '9999-12-31'
            )
        ) - date '1970-01-01' as to_day
    from team_memberships
),

repo_teams as (
    select lower(repo) as repo_key, min(team) as team from team_repositories group by 1
),

-- events and reviews are read only up to $as_of (later ones do not exist yet)
events as (
    select e.pr_key, e.event_type, e.created_at, e.previous_review_state, e.review_id
    from pr_events as e
    where e.created_at <= $as_of
),

-- the state a dismissed review was submitted with (a fact of its submission, so read from
-- every dismissal event, even one after $as_of)
dismissals as (
    select review_id, min(previous_review_state) as previous_review_state
    from pr_events
    where event_type = 'review_dismissed' and review_id is not null
    group by review_id
),

-- logic --------------------------------------------------------------------------------
pr_events_facts as (
    select
        m.pr_row,
        min(ev.created_at) filter (where ev.event_type = 'ready_for_review') as first_ready_at,
        bool_or(
            ev.event_type = 'review_dismissed'
            and upper(ev.previous_review_state) = 'CHANGES_REQUESTED'
            and ev.created_at <= m.merged_at
        ) as has_dismissed_change_request
    from events as ev
    inner join merged as m on m.pr_row = ev.pr_key
    group by m.pr_row
),

-- a review by someone other than the author or a bot, submitted by $as_of; a dismissed
-- review keeps the state it had when it was submitted
reviews_by_others as (
    select
        m.pr_row,
        r.submitted_at,
        case
            when upper(r.state) = 'DISMISSED'
                then coalesce(upper(d.previous_review_state), 'DISMISSED')
            else upper(r.state)
        end as state,
        r.is_body_empty,
        r.inline_comment_count,
        r.submitted_at <= m.merged_at as is_before_merge
    from reviews as r
    inner join merged as m on m.pr_row = r.pr_key
    left join dismissals as d on d.review_id = r.review_id
    where upper(r.state) <> 'PENDING'
        and r.submitted_at is not null
        and r.submitted_at <= $as_of
        and lower(r.reviewer_login) <> m.author_key
        and not r.is_reviewer_bot
        and not ends_with(lower(r.reviewer_login), '[bot]')
        and lower(r.reviewer_login) not in (select login_key from bot_people)
),

review_facts as (
    select
        pr_row,
        min(submitted_at) filter (where is_before_merge) as first_review_at,
        min(submitted_at) filter (
            where is_before_merge and state = 'APPROVED'
        ) as first_approval_at,
        coalesce(
            bool_and(
                state = 'APPROVED' and is_body_empty and inline_comment_count = 0
            ) filter (where is_before_merge),
            false
        ) as is_only_bare_approvals,
        bool_or(state = 'CHANGES_REQUESTED') as has_changes_requested
    from reviews_by_others
    group by pr_row
),

joined as (
    select
        m.*,
        case
            when m.author_login = 'ghost' then coalesce(rt.team, 'Unassigned')
            else coalesce(ms.team, 'Unassigned')
        end as team,
        least(coalesce(m.first_commit_at, m.created_at), m.created_at) as start_at,
        case
            -- opened as draft: its first ready-for-review event (a ready event after the
            -- merge, or none recorded, leaves created_at / merged_at as the bounds)
            when m.is_opened_as_draft and ef.first_ready_at is not null
                then least(ef.first_ready_at, m.merged_at)
            else m.created_at
        end as ready_at,
        rf.first_review_at,
        rf.first_approval_at,
        coalesce(rf.is_only_bare_approvals, false) as is_only_bare_approvals,
        coalesce(rf.has_changes_requested, false) as has_changes_requested,
        coalesce(ef.has_dismissed_change_request, false) as has_dismissed_change_request
    from merged as m
    left join memberships as ms
        on ms.login_key = m.author_key
        and ms.from_day <= m.merged_day
        and m.merged_day < ms.to_day
    left join repo_teams as rt on rt.repo_key = lower(m.repo)
    left join pr_events_facts as ef on ef.pr_row = m.pr_row
    left join review_facts as rf on rf.pr_row = m.pr_row
),

final as (
    select
        pr_id,
        repo,
        number,
        author_login,
        team,
        is_ai_assisted,
        created_at,
        start_at,
        ready_at,
        first_review_at,
        merged_at,
        (epoch(merged_at) - epoch(start_at)) / 3600.0 as cycle_time_h,
        greatest(0.0, (epoch(ready_at) - epoch(start_at)) / 3600.0) as coding_time_h,
        (epoch(first_review_at) - epoch(ready_at)) / 3600.0 as pickup_time_h,
        (epoch(merged_at) - epoch(first_review_at)) / 3600.0 as review_time_h,
        first_review_at is not null as is_reviewed,
        first_review_at is not null
            and is_only_bare_approvals
            and not has_changes_requested
            and changed_lines >= $stamp_min_lines
            and first_approval_at is not null
            and abs(epoch(first_approval_at) - epoch(ready_at)) <= $stamp_window_min * 60.0
            as is_rubber_stamp,
        has_dismissed_change_request,
        is_failing_check,
        is_failing_check and has_security_check_failing as is_security_bypass,
        changed_lines
    from joined
)

select * from final
