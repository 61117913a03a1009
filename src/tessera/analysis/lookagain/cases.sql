-- The eligible cases with the facts behind each eligibility rule they meet.
SELECT
    case_key, force_code, ho_offence_code, outcome_type, outcome_group, closed_on,
    group_based, suspects, victims
FROM eligible_case
ORDER BY case_key
