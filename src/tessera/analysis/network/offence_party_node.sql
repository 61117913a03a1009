-- Step `offence_party_node`: each victim or perpetrator party of an offence, as a graph node,
-- with the offence's force and date. `perpetrator` follows reference.party_role (suspects and
-- offenders); witnesses are left out. The date is when the offence began, else when it was
-- recorded, so time-respecting paths can ask what was known before it.
SELECT
    o.record_key AS offence_key,
    o.force_code,
    coalesce(o.committed_from, o.recorded_date) AS offence_date,
    pn.node,
    op.role,
    r.perpetrator = 'yes' AS perpetrator
FROM analysis.offence AS o
JOIN analysis.offence_party AS op ON op.crime_ref_key = o.record_key
JOIN person_node AS pn ON pn.record_key = op.person_record_id_key
JOIN reference.party_role AS r ON r.code = op.role
WHERE op.role = 'victim' OR r.perpetrator = 'yes'
