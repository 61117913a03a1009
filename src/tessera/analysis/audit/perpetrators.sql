-- Table `perpetrators`: perpetrators of CSA offences counted as people, for each offence group.
-- `perpetrator_records` counts the person records of suspects and offenders, as the category
-- rules do; of them, `named_records` are of people the force holds a nominal id for and
-- `unidentified_records` are of unidentified suspects (each its own record, in each offence:
-- they cannot be told apart or counted as people). `people` counts the named records as people:
-- by person_id once `tessera link` has run (a perpetrator known to two forces is one), else one
-- per record. The profiles and the nationality table count these same people.
SELECT
    g.offence_group,
    count(DISTINCT cp.record_key) AS perpetrator_records,
    count(DISTINCT cp.record_key) FILTER (WHERE cp.named) AS named_records,
    count(DISTINCT cp.record_key) FILTER (WHERE NOT cp.named) AS unidentified_records,
    count(DISTINCT cp.person_key) FILTER (WHERE cp.named) AS people
FROM audit_group AS g
LEFT JOIN csa_party AS cp ON cp.offence_group = g.offence_group AND cp.party = 'perpetrator'
GROUP BY g.offence_group, g.group_order
ORDER BY g.group_order
