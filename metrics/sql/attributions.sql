-- tl_attributions: every (defect, PR) attribution as of $as_of with its method and
-- confidence: explicit ones (tl_explicit: 'text' or 'import', confidence 1) and the ones
-- inferred from git history (tl_inferred: 'inferred'). Each counts the same in every
-- metric. A defect is in at most one of the two.
create or replace temp table tl_attributions as
select defect_id, pr_id, method, confidence from tl_explicit
union all
select defect_id, pr_id, method, confidence from tl_inferred
