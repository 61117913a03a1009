-- Step `eligible_case`: the closed cases that meet every eligibility rule, each rule's result
-- kept as a column so the list can say which rules a case meets. The rules' values are bound
-- parameters from the rules file (Operation Beaconport's by default, `beaconport_rules.csv`):
--   rule_nfa          the outcome's group is one of $nfa_outcome_groups (no further action
--                     by the police or the CPS)
--   rule_window       the outcome was assigned between $decided_from and $decided_to
--   rule_suspects     at least $min_suspects distinct suspects
--   rule_group_based  the case is group-based (audit rule: CSE flag or code 71), when
--                     $group_based is true
-- $force (NULL for every force) keeps one force's cases.
WITH checked AS (
    SELECT
        *,
        list_contains($nfa_outcome_groups, outcome_group) AS rule_nfa,
        closed_on BETWEEN $decided_from AND $decided_to AS rule_window,
        suspects >= $min_suspects AS rule_suspects,
        group_based OR NOT $group_based AS rule_group_based
    FROM closed_case
    WHERE $force IS NULL OR force_code = $force
)

SELECT *
FROM checked
WHERE rule_nfa AND rule_window AND rule_suspects AND rule_group_based
