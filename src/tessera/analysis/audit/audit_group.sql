-- Step `audit_group`: the offence groups the profiles, outcomes and nationality tables are shown
-- for, listed even when a group has no offences, so that a zero is shown rather than a gap.
SELECT *
FROM (VALUES ('all_csa', 1), ('group_based_cse', 2)) AS g (offence_group, group_order)
