-- Step `csa_party`: the victim and perpetrator party rows of CSA offences, one row per party and
-- offence group. `party` is 'victim' or 'perpetrator' (a role with
-- reference.party_role.perpetrator = 'yes'); witnesses are left out.
-- `record_key` is the party's person record. `person_key` is who the tables count: for a
-- perpetrator linked by `tessera link`, one record (the first by key) standing for every record
-- with the same person_id, so a perpetrator known to two forces is one person; otherwise the
-- record itself (victims are counted as children by child_id in `children.sql`).
-- `named` is false for the record of an unidentified suspect (no police nominal id): it is no
-- one the force can name, so the profiles leave it out and count such records apart.
WITH linked_person AS (
    SELECT l.record_key, first_value(l.record_key) OVER (
        PARTITION BY l.person_id ORDER BY l.record_key
    ) AS person_key
    FROM analysis.person_link AS l
    WHERE l.person_id IS NOT NULL
)

SELECT
    g.offence_group,
    CASE WHEN op.role = 'victim' THEN 'victim' ELSE 'perpetrator' END AS party,
    op.record_key AS party_key,
    op.person_record_id_key AS record_key,
    CASE
        WHEN op.role = 'victim' THEN op.person_record_id_key
        ELSE coalesce(lp.person_key, op.person_record_id_key)
    END AS person_key,
    op.role = 'victim' OR pr.police_person_id_key IS NOT NULL AS named,
    op.age_at_offence
FROM offence_in_group AS g
JOIN analysis.offence_party AS op ON op.crime_ref_key = g.record_key
LEFT JOIN reference.party_role AS r ON r.code = op.role
LEFT JOIN analysis.person_record AS pr ON pr.record_key = op.person_record_id_key
LEFT JOIN linked_person AS lp ON lp.record_key = op.person_record_id_key
WHERE op.role = 'victim' OR r.perpetrator = 'yes'
