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
        pr.pr_id,
        lower(pr.pr_id) as pr_key,
        pr.repo,
        pr.number,
        pr.url,
        pr.title,
        pr.author_login,
        pr.created_at,
        pr.merged_at,
        pr.is_opened_as_draft,
        coalesce(pr.additions, 0) + coalesce(pr.deletions, 0) as changed_lines,
        pr.is_ai_assisted,
        upper(coalesce(pr.check_state, '')) in ('FAILURE', 'ERROR') as is_failing_check,
        coalesce(
            list_bool_or(
                list_transform(
                    pr.failing_checks, lambda c: regexp_matches(lower(c), $security_re)
                )
            ),
            false
        ) as has_security_check_failing
    from pull_requests as pr
    where pr.merged_at is not null
        and pr.merged_at <= $as_of
        and not pr.is_author_bot
        and not ends_with(lower(pr.author_login), '[bot]')
        and lower(pr.author_login) not in (select login_key from bot_people)
),

memberships as (
    select
        login,
        team,
        valid_from,
        coalesce(valid_to, date '9999-12-31') as valid_to
    from team_memberships
),

repo_teams as (
    select lower(repo) as repo_key, min(team) as team from team_repositories group by 1
),

commit_starts as (
    select pr_id, min(authored_at) as first_commit_at
    from pr_commits
    group by pr_id
),

-- events and reviews are read only up to $as_of (later ones do not exist yet)
events as (
    select e.pr_id, e.event_type, e.created_at, e.previous_review_state, e.review_id
    from pr_events as e
    where e.created_at <= $as_of
),

dismissals as (
    select review_id, min(previous_review_state) as previous_review_state
    from events
    where event_type = 'review_dismissed' and review_id is not null
    group by review_id
),

-- logic --------------------------------------------------------------------------------
member_teams as (
    select m.pr_id, arg_max(ms.team, ms.valid_from) as team
    from merged as m
    inner join memberships as ms
        on lower(ms.login) = lower(m.author_login)
        and ms.valid_from <= cast(m.merged_at as date)
        and cast(m.merged_at as date) < ms.valid_to
    group by m.pr_id
),

pr_events_facts as (
    select
        ev.pr_id,
        min(ev.created_at) filter (where ev.event_type = 'ready_for_review') as first_ready_at,
        bool_or(
            ev.event_type = 'review_dismissed'
            and upper(ev.previous_review_state) = 'CHANGES_REQUESTED'
            and ev.created_at <= m.merged_at
        ) as has_dismissed_change_request
    from events as ev
    inner join merged as m on m.pr_id = ev.pr_id
    group by ev.pr_id
),

-- a review by someone other than the author or a bot, submitted by $as_of; a dismissed
-- review keeps the state it had when it was submitted
reviews_by_others as (
    select
        r.pr_id,
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
    inner join merged as m on m.pr_id = r.pr_id
    left join dismissals as d on d.review_id = r.review_id
    where upper(r.state) <> 'PENDING'
        and r.submitted_at is not null
        and r.submitted_at <= $as_of
        and lower(r.reviewer_login) <> lower(m.author_login)
        and not r.is_reviewer_bot
        and not ends_with(lower(r.reviewer_login), '[bot]')
        and lower(r.reviewer_login) not in (select login_key from bot_people)
),

review_facts as (
    select
        pr_id,
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
    group by pr_id
),

joined as (
    select
        m.*,
        case
            when m.author_login = 'ghost' then coalesce(rt.team, 'Unassigned')
            else coalesce(mt.team, 'Unassigned')
        end as team,
        least(coalesce(cs.first_commit_at, m.created_at), m.created_at) as start_at,
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
    left join member_teams as mt on mt.pr_id = m.pr_id
    left join repo_teams as rt on rt.repo_key = lower(m.repo)
    left join commit_starts as cs on cs.pr_id = m.pr_id
    left join pr_events_facts as ef on ef.pr_id = m.pr_id
    left join review_facts as rf on rf.pr_id = m.pr_id
),

final as (
    select
        pr_id,
        pr_key,
        repo,
        number,
        url,
        title,
        author_login,
        team,
        is_ai_assisted,
        created_at,
        start_at,
        ready_at,
        first_review_at,
        merged_at,
        epoch(merged_at - start_at) / 3600.0 as cycle_time_h,
        greatest(0.0, epoch(ready_at - start_at) / 3600.0) as coding_time_h,
        epoch(first_review_at - ready_at) / 3600.0 as pickup_time_h,
        epoch(merged_at - first_review_at) / 3600.0 as review_time_h,
        first_review_at is not null as is_reviewed,
        first_review_at is not null
            and is_only_bare_approvals
            and not has_changes_requested
            and changed_lines >= $stamp_min_lines
            and first_approval_at is not null
            and abs(epoch(first_approval_at - ready_at)) <= $stamp_window_min * 60.0
            as is_rubber_stamp,
        has_dismissed_change_request,
        is_failing_check,
        is_failing_check and has_security_check_failing as is_security_bypass,
        changed_lines
    from joined
)

select * from final
