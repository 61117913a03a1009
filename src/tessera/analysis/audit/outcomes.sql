-- Table (f): outcomes of CSA offences and of group-based CSE offences, by Home Office outcome
-- group (reference.outcome_types.outcome_group). Offences without an outcome type are counted
-- as 'open' (under investigation or suspended), so every offence of the group is in one row.
-- Group labels and order come from the outcome_groups code list.
WITH group_label AS (
    SELECT code AS outcome_group, label, CAST(group_order AS INTEGER) AS group_order
    FROM reference.outcome_groups
),

outcome_group AS (
    SELECT DISTINCT outcome_group FROM reference.outcome_types
    UNION
    SELECT 'open' AS outcome_group
),

counted AS (
    SELECT g.offence_group, coalesce(t.outcome_group, 'open') AS outcome_group, count(*) AS offences
    FROM offence_in_group AS g
    JOIN offence_category AS oc ON oc.record_key = g.record_key
    LEFT JOIN reference.outcome_types AS t ON t.code = oc.outcome_type
    GROUP BY g.offence_group, coalesce(t.outcome_group, 'open')
)

SELECT
    a.offence_group,
    o.outcome_group,
    coalesce(l.label, o.outcome_group) AS label,
    coalesce(c.offences, 0) AS offences
FROM audit_group AS a
CROSS JOIN outcome_group AS o
LEFT JOIN group_label AS l ON l.outcome_group = o.outcome_group
LEFT JOIN counted AS c ON c.offence_group = a.offence_group AND c.outcome_group = o.outcome_group
ORDER BY a.group_order, coalesce(l.group_order, 99), o.outcome_group
