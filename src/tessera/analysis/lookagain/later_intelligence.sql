-- Feature `later_intelligence`: intelligence first seen after the case closed links a suspect
-- of the case to another person (an associate, co-offending, phone or online contact, family;
-- any grading, shown in the detail). Links through a phone, vehicle or address are the
-- feature `new_object_tie`. One evidence row per association and suspect; a link between two
-- suspects of the same case is one row, about the first of them by key.
SELECT
    cs.case_key,
    'later_intelligence' AS feature,
    pa.first_seen AS evidence_on,
    pa.agency_code,
    pa.association_key AS evidence_key,
    cs.person_key AS subject_key,
    'intelligence (' || pa.kind || ', ' || pa.source || ', graded '
        || coalesce(pa.grading, 'not graded') || ') links suspect ' || cs.person_key || ' to '
        || pa.other_key AS detail
FROM case_suspect AS cs
JOIN person_association AS pa ON pa.person_key = cs.person_key
LEFT JOIN case_suspect AS co ON co.case_key = cs.case_key AND co.person_key = pa.other_person_key
WHERE pa.first_seen > cs.closed_on AND pa.other_person_key <> cs.person_key
    AND (co.person_key IS NULL OR cs.person_key < co.person_key)
