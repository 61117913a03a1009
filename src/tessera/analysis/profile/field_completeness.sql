-- Table: how complete the fields a profile reads are, for each force's CSA offences in the
-- period: one row per force and field with the records that have it and the records that
-- should. Offence fields are of offences; outcome date of offences with an outcome; victim
-- age of victim parties; relationship of perpetrator parties.
WITH parties AS (
    SELECT po.force_code, op.role, r.perpetrator = 'yes' AS perpetrator, op.age_at_offence,
        op.relationship_to_victim
    FROM profile_offence AS po
    JOIN analysis.offence_party AS op ON op.crime_ref_key = po.record_key
    JOIN reference.party_role AS r ON r.code = op.role
)

SELECT force_code, 'location_type' AS field, count(location_type) AS recorded,
    count(*) AS total
FROM profile_offence GROUP BY force_code
UNION ALL
SELECT force_code, 'setting', count(setting), count(*) FROM profile_offence GROUP BY force_code
UNION ALL
SELECT force_code, 'lsoa', count(lsoa), count(*) FROM profile_offence GROUP BY force_code
UNION ALL
SELECT force_code, 'outcome_date', count(outcome_date), count(outcome_type)
FROM profile_offence GROUP BY force_code
UNION ALL
SELECT force_code, 'victim_age', count(age_at_offence) FILTER (WHERE role = 'victim'),
    count(*) FILTER (WHERE role = 'victim')
FROM parties GROUP BY force_code
UNION ALL
SELECT force_code, 'relationship_to_victim',
    count(relationship_to_victim) FILTER (WHERE perpetrator), count(*) FILTER (WHERE perpetrator)
FROM parties GROUP BY force_code
ORDER BY force_code, field
