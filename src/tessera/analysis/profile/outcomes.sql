-- Table: each force's CSA offences by the group of their Home Office outcome type (open when
-- none is assigned), for all CSA and group-based CSE, with the days from recording to the
-- outcome (median, over offences with an outcome date) beside each group.
SELECT
    po.force_code,
    coalesce(t.outcome_group, 'open') AS outcome_group,
    count(*) AS csa_offences,
    count(*) FILTER (WHERE po.group_based) AS group_based,
    count(po.outcome_date) AS dated,
    median(date_diff('day', po.recorded_date, po.outcome_date)) AS median_days
FROM profile_offence AS po
LEFT JOIN reference.outcome_types AS t ON t.code = po.outcome_type
GROUP BY po.force_code, coalesce(t.outcome_group, 'open')
ORDER BY po.force_code, outcome_group
