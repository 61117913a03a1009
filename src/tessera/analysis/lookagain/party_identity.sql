-- Step `party_identity`: every offence party with who it is (`record_identity`) and whether
-- its role is a perpetrator role (reference.party_role.perpetrator = 'yes': suspect,
-- offender), so "the same suspect" means the same person_id across offences and forces.
SELECT
    op.crime_ref_key AS offence_key,
    op.role,
    coalesce(r.perpetrator = 'yes', false) AS is_perpetrator,
    ri.person_key,
    ri.child_key
FROM analysis.offence_party AS op
JOIN record_identity AS ri ON ri.record_key = op.person_record_id_key
LEFT JOIN reference.party_role AS r ON r.code = op.role
