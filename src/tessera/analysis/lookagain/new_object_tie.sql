-- Feature `new_object_tie`: a phone, vehicle or address ties a suspect of the case to someone
-- else, and the tie arose after the case closed: both are linked to the same object
-- (object_value_key) and the later of the two links was first seen after closure. One
-- evidence row per suspect and object, dated when it first tied them to anyone; the detail
-- names the people it ties them to. Online accounts are left out: the policy names phones,
-- vehicles and addresses. A tie to someone the intelligence records as family (an
-- association of kind 'family' between the two, whenever seen) is left out too: families
-- share homes, phones and cars innocently, and the planted decoys of issue 12 are such.
WITH object_link AS (
    SELECT a.agency_code, a.object_kind, a.object_value_key, a.first_seen, a.grading,
        ri.person_key, ri.who_key
    FROM analysis.association AS a
    JOIN record_identity AS ri ON ri.record_key = a.person_record_id_key
    WHERE a.object_kind IN ('phone', 'vehicle', 'address') AND a.object_value_key IS NOT NULL
),

tie AS (
    SELECT
        cs.case_key, cs.person_key, mine.object_kind, mine.object_value_key, other.who_key,
        other.agency_code,
        greatest(mine.first_seen, other.first_seen) AS tied_on
    FROM case_suspect AS cs
    JOIN object_link AS mine ON mine.person_key = cs.person_key
    JOIN object_link AS other
        ON other.object_value_key = mine.object_value_key
        AND other.object_kind = mine.object_kind
        AND other.person_key <> cs.person_key
    LEFT JOIN person_association AS family
        ON family.person_key = cs.person_key
        AND family.other_person_key = other.person_key
        AND family.kind = 'family'
    WHERE greatest(mine.first_seen, other.first_seen) > cs.closed_on
        AND family.association_key IS NULL
)

SELECT
    case_key,
    'new_object_tie' AS feature,
    min(tied_on) AS evidence_on,
    arg_min(agency_code, tied_on) AS agency_code,
    object_value_key AS evidence_key,
    person_key AS subject_key,
    'a ' || object_kind || ' links suspect ' || person_key || ' to '
        || string_agg(DISTINCT who_key, ', ') AS detail
FROM tie
GROUP BY case_key, person_key, object_kind, object_value_key
