-- Everyone (not bots) in $teams on $day (empty: everyone), alphabetical, each with the
-- level in force per competency of $competencies on $day and on $then_day (one row per
-- person and competency; one row with a null competency for a person not assessed yet).
-- The latest assessment counts; on the same date a manager's wins over a self-assessment
-- (then a role-less one, then the row stored last: a tie has one answer).
-- The rule of metrics/competency/levels.py, in one set-based query.
with

-- imports ------------------------------------------------------------------------------
humans as (
    select login, name from people where not is_bot
),

memberships as (
    select login, team, valid_from from team_memberships
    where valid_from <= $day and (valid_to is null or valid_to > $day)
),

assessments as (
    select rowid as row_id, login, competency, level, assessed_on, assessor_role
    from competency_assessments
    where assessed_on <= $day and list_contains($competencies, competency)
),

-- logic --------------------------------------------------------------------------------
membership as (
    select login, team from memberships
    qualify row_number() over (partition by login order by valid_from desc) = 1
),

in_scope as (
    select h.login, h.name, m.team
    from humans as h
    left join membership as m on m.login = h.login
    where len($teams) = 0 or list_contains($teams, m.team)
),

ranked as (
    -- newest first: the later date; on one date a manager's, then a role-less one, then
    -- any other role's (self); then the row stored last (the order the old per-person
    -- code met them in), so a tie has one answer. One bigint: a cheap group-by key.
    select
        a.competency,
        a.login,
        a.level,
        a.assessed_on,
        a.assessor_role,
        (
            (
                date_diff('day', date '1970-01-01', a.assessed_on) * 4
                + case
                    when a.assessor_role = 'manager' then 3
                    when a.assessor_role is null then 2
                    else 1
                end
            )::bigint << 40
        ) + a.row_id as newest
    from assessments as a
    semi join in_scope as s on s.login = a.login
),

latest as (
    select
        login,
        competency,
        max_by(level, newest) as level,
        max_by(assessed_on, newest) as assessed_on,
        arg_max_null(assessor_role, newest) as assessor_role,  -- max_by skips a null role
        max_by(level, newest) filter (where assessed_on <= $then_day) as level_then
    from ranked
    group by login, competency
),

final as (
    select
        s.login,
        s.name,
        s.team,
        l.competency,
        l.level,
        l.assessed_on,
        l.assessor_role,
        l.level_then
    from in_scope as s
    left join latest as l on l.login = s.login
)

select * from final
order by lower(login), login, list_position($competencies, competency) nulls first
