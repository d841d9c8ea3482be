-- How many assessed (person, competency) pairs stand at each level on each of $days, per
-- team on that day (null: in no team): the latest assessment on or before the day (a
-- manager's wins over a self-assessment of the same date), for the people (not bots) in
-- $teams on that day (empty: everyone).
-- The same rule as metrics/competency/levels.py, in one set-based query.
with

-- imports ------------------------------------------------------------------------------
days as (
    select unnest($days) as day
),

memberships as (
    select lower(login) as login_key, team, valid_from, valid_to from team_memberships
),

-- logic --------------------------------------------------------------------------------
member_on_day as (
    select d.day, m.login_key, arg_max(m.team, m.valid_from) as team
    from days as d
    inner join memberships as m
        on m.valid_from <= d.day and (m.valid_to is null or m.valid_to > d.day)
    group by d.day, m.login_key
),

in_scope as (
    select d.day, lower(p.login) as login_key, mo.team
    from days as d
    cross join people as p
    left join member_on_day as mo on mo.day = d.day and mo.login_key = lower(p.login)
    where not p.is_bot and (len($teams) = 0 or list_contains($teams, mo.team))
),

latest as (
    select
        s.day,
        s.login_key,
        any_value(s.team) as team,
        a.competency,
        max_by(
            a.level,
            {
                'assessed_on': a.assessed_on,
                'is_manager': coalesce(a.assessor_role = 'manager', false),
                'assessment_id': a.assessment_id
            }
        ) as level
    from competency_assessments as a
    inner join in_scope as s
        on s.login_key = lower(a.login) and a.assessed_on <= s.day
    where list_contains($competencies, a.competency)
    group by s.day, s.login_key, a.competency
),

final as (
    select day, team, level, count(*) as assessments
    from latest
    group by day, team, level
)

select * from final
order by day, team, level
