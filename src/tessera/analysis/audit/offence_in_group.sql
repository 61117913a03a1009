-- Step `offence_in_group`: which offence groups each CSA offence is counted in. Every CSA offence
-- is in `all_csa`; group-based CSE offences are also in `group_based_cse`, so the profiles and
-- outcomes are shown for both without repeating the category rule.
SELECT record_key, 'all_csa' AS offence_group
FROM offence_category
WHERE is_csa
UNION ALL
SELECT record_key, 'group_based_cse' AS offence_group
FROM offence_category
WHERE category = 'group_based_cse'
