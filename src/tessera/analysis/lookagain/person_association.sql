-- Step `person_association`: every intelligence link between two people, once from each
-- side, with who is on each side (`record_identity`), so a suspect's links are found whichever
-- side the force recorded them on.
WITH sides AS (
    SELECT record_key, agency_code, kind, source, grading, first_seen,
        person_record_id_key AS record_side, linked_person_record_id_key AS other_side
    FROM analysis.association
    WHERE linked_person_record_id_key IS NOT NULL
    UNION ALL
    SELECT record_key, agency_code, kind, source, grading, first_seen,
        linked_person_record_id_key AS record_side, person_record_id_key AS other_side
    FROM analysis.association
    WHERE linked_person_record_id_key IS NOT NULL
)

SELECT
    s.record_key AS association_key, s.agency_code, s.kind, s.source, s.grading, s.first_seen,
    mine.person_key, other.who_key AS other_key, other.person_key AS other_person_key
FROM sides AS s
JOIN record_identity AS mine ON mine.record_key = s.record_side
JOIN record_identity AS other ON other.record_key = s.other_side
