-- tl_pr_facts: every PR of tl_prs with its QACT and failed(p) (a view over the sparse
-- tl_quality, so the million PRs without rework are not copied).
create or replace temp view tl_pr_facts as
select
    p.*,
    coalesce(q.n_defects, 0) as n_defects,
    coalesce(q.n_reverts, 0) as n_reverts,
    coalesce(q.n_follow_ups, 0) as n_follow_ups,
    p.cycle_time_h + coalesce(q.added_h, 0.0) as qact_h,
    coalesce(q.follow_up_h, 0.0) as follow_up_h,
    coalesce(q.open_defect_h, 0.0) as open_defect_h,
    coalesce(q.n_defects, 0) > 0 or coalesce(q.n_reverts, 0) > 0 as is_failed
from tl_prs as p
left join tl_quality as q on q.pr_id = p.pr_id
