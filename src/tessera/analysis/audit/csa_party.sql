-- Step `csa_party`: the victim and perpetrator party rows of CSA offences, one row per party and
-- offence group. `party` is 'victim' or 'perpetrator' (a role with
-- reference.party_role.perpetrator = 'yes'); witnesses are left out.
SELECT
    g.offence_group,
    CASE WHEN op.role = 'victim' THEN 'victim' ELSE 'perpetrator' END AS party,
    op.record_key AS party_key,
    op.person_record_id_key AS person_key,
    op.age_at_offence
FROM offence_in_group AS g
JOIN analysis.offence_party AS op ON op.crime_ref_key = g.record_key
LEFT JOIN reference.party_role AS r ON r.code = op.role
WHERE op.role = 'victim' OR r.perpetrator = 'yes'
