-- Everyone (not bots) in $teams on $day (empty: everyone), alphabetical, each with the
-- level in force per competency of $competencies on $day and on $then_day (one row per
-- person and competency; one row with a null competency for a person not assessed yet).
-- The latest assessment counts; on the same date a manager's wins over a self-assessment
-- (then the assessor role, nulls last, then the assessment id: a tie has one answer).
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
    select assessment_id, login, competency, level, assessed_on, assessor_role
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

ordered as (
    select
        a.*,
        row_number() over (
            partition by a.login, a.competency
            order by
                a.assessed_on desc,
                coalesce(a.assessor_role = 'manager', false) desc,
                a.assessor_role desc nulls first,
                a.assessment_id desc
        ) as newest_now,
        row_number() over (
            partition by a.login, a.competency
            order by
                (a.assessed_on <= $then_day) desc,
                a.assessed_on desc,
                coalesce(a.assessor_role = 'manager', false) desc,
                a.assessor_role desc nulls first,
                a.assessment_id desc
        ) as newest_then
    from assessments as a
    semi join in_scope as s on s.login = a.login
),

now as (
    select login, competency, level, assessed_on, assessor_role from ordered
    where newest_now = 1
),

then_ as (
    select login, competency, level as level_then from ordered
    where newest_then = 1 and assessed_on <= $then_day
),

final as (
    select
        s.login,
        s.name,
        s.team,
        n.competency,
        n.level,
        n.assessed_on,
        n.assessor_role,
        t.level_then
    from in_scope as s
    left join now as n on n.login = s.login
    left join then_ as t on t.login = n.login and t.competency = n.competency
)

select * from final
order by lower(login), login, list_position($competencies, competency) nulls first
