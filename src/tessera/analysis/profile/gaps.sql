-- Table: computed intelligence gaps per force, one row per force.
-- `places` are the distinct LSOAs of the force's CSA offences in the period, `quiet_places`
-- those where no perpetrator of any of the place's offences is in any intelligence
-- association (analysis.association), with `quiet_offences` the offences there: places with
-- offences but no intelligence. `cse_children` are children (child_id) referred to social care
-- in the period by a local authority of the force area with assessment factor 11A (CSE), and
-- `no_police_record` those of them in no offence of any force in any role.
WITH in_intelligence AS (  -- person records in any association, on either side
    SELECT person_record_id_key AS record_key FROM analysis.association
    UNION
    SELECT linked_person_record_id_key FROM analysis.association
    WHERE linked_person_record_id_key IS NOT NULL
),

offence_with_intelligence AS (
    SELECT DISTINCT op.crime_ref_key
    FROM analysis.offence_party AS op
    JOIN reference.party_role AS r ON r.code = op.role AND r.perpetrator = 'yes'
    JOIN in_intelligence AS i ON i.record_key = op.person_record_id_key
),

place AS (
    SELECT po.force_code, po.lsoa, po.record_key,
        oi.crime_ref_key IS NOT NULL AS intelligence
    FROM profile_offence AS po
    LEFT JOIN offence_with_intelligence AS oi ON oi.crime_ref_key = po.record_key
    WHERE po.lsoa IS NOT NULL
),

place_flag AS (
    SELECT force_code, lsoa, bool_or(intelligence) AS intelligence, count(*) AS offences
    FROM place
    GROUP BY force_code, lsoa
),

police_child AS (
    SELECT DISTINCT l.child_id
    FROM analysis.offence_party AS op
    JOIN analysis.person_link AS l ON l.record_key = op.person_record_id_key
    WHERE l.child_id IS NOT NULL
),

cse_child AS (
    SELECT DISTINCT la.force_code, l.child_id
    FROM analysis.referral AS r
    JOIN reference.local_authorities AS la ON la.code = r.la_code
    JOIN analysis.person_link AS l ON l.record_key = r.person_record_id_key
    WHERE l.child_id IS NOT NULL AND list_contains(r.assessment_factors, '11A')
        AND r.referral_date BETWEEN $date_from AND $date_to
    UNION
    SELECT DISTINCT 'national' AS force_code, l.child_id
    FROM analysis.referral AS r
    JOIN analysis.person_link AS l ON l.record_key = r.person_record_id_key
    WHERE l.child_id IS NOT NULL AND list_contains(r.assessment_factors, '11A')
        AND r.referral_date BETWEEN $date_from AND $date_to
),

forces AS (
    SELECT force_code FROM place_flag
    UNION
    SELECT force_code FROM cse_child
)

SELECT
    f.force_code,
    (SELECT count(*) FROM place_flag AS p WHERE p.force_code = f.force_code) AS places,
    (SELECT count(*) FROM place_flag AS p WHERE p.force_code = f.force_code
     AND NOT p.intelligence) AS quiet_places,
    (SELECT coalesce(sum(p.offences), 0) FROM place_flag AS p WHERE p.force_code = f.force_code
     AND NOT p.intelligence) AS quiet_offences,
    (SELECT count(*) FROM cse_child AS c WHERE c.force_code = f.force_code) AS cse_children,
    (SELECT count(*) FROM cse_child AS c WHERE c.force_code = f.force_code
     AND c.child_id NOT IN (SELECT child_id FROM police_child)) AS no_police_record
FROM forces AS f
ORDER BY f.force_code
