-- Step `closed_case`: every offence with an outcome and the date it was assigned, with the
-- facts the eligibility rules read: the outcome group (reference.outcome_types), whether the
-- audit's group-based CSE rule holds (`offence_category.rule_group_based_cse`: the CSE flag or
-- Home Office code 71, written once in the audit), and how many distinct suspects (people by
-- person_id, perpetrator roles, named or not) and victims (children by child_id) it has.
WITH party_counts AS (
    SELECT
        offence_key,
        count(DISTINCT person_key) FILTER (WHERE is_perpetrator) AS suspects,
        count(DISTINCT child_key) FILTER (WHERE role = 'victim') AS victims
    FROM party_identity
    GROUP BY offence_key
)

SELECT
    o.record_key AS case_key,
    o.force_code,
    o.ho_offence_code,
    o.outcome_type,
    t.outcome_group,
    o.outcome_date AS closed_on,
    oc.rule_group_based_cse AS group_based,
    coalesce(pc.suspects, 0) AS suspects,
    coalesce(pc.victims, 0) AS victims
FROM analysis.offence AS o
JOIN offence_category AS oc ON oc.record_key = o.record_key
JOIN reference.outcome_types AS t ON t.code = o.outcome_type
LEFT JOIN party_counts AS pc ON pc.offence_key = o.record_key
WHERE o.outcome_date IS NOT NULL
