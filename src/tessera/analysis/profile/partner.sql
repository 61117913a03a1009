-- Table: what partner agencies knew of the child victims of each force's CSA offences in the
-- period, one row per force. A child is a child_id ('tessera link'); victims not linked are
-- left out (their count is `unlinked_victims`). For each child: any children's social care
-- referral, a referral with each assessment factor (11A CSE, 19B sexual abuse by an adult,
-- 19C sexual abuse by another child, 12A trafficking, 10A going or being missing), any health
-- or education contact, a contact with a safeguarding concern, and whether a referral or
-- contact came before the child's first CSA offence with the force (committed from, else
-- recorded): known to agencies before.
WITH victim AS (
    SELECT po.force_code, l.child_id, op.person_record_id_key,
        min(coalesce(o.committed_from, o.recorded_date)) AS first_offence
    FROM profile_offence AS po
    JOIN analysis.offence AS o ON o.record_key = po.record_key
    JOIN analysis.offence_party AS op ON op.crime_ref_key = po.record_key
    LEFT JOIN analysis.person_link AS l ON l.record_key = op.person_record_id_key
    WHERE op.role = 'victim'
    GROUP BY po.force_code, l.child_id, op.person_record_id_key
),

child AS (
    SELECT force_code, child_id, min(first_offence) AS first_offence
    FROM victim
    WHERE child_id IS NOT NULL
    GROUP BY force_code, child_id
),

referral AS (
    SELECT l.child_id, r.referral_date, r.assessment_factors
    FROM analysis.referral AS r
    JOIN analysis.person_link AS l ON l.record_key = r.person_record_id_key
    WHERE l.child_id IS NOT NULL
),

contact AS (
    SELECT l.child_id, c.agency_type, c.contact_date, c.safeguarding_concern
    FROM analysis.contact AS c
    JOIN analysis.person_link AS l ON l.record_key = c.person_record_id_key
    WHERE l.child_id IS NOT NULL
),

known AS (
    SELECT
        ch.force_code, ch.child_id,
        EXISTS (SELECT 1 FROM referral AS r WHERE r.child_id = ch.child_id) AS referral,
        EXISTS (SELECT 1 FROM referral AS r WHERE r.child_id = ch.child_id
                AND list_contains(r.assessment_factors, '11A')) AS f11a,
        EXISTS (SELECT 1 FROM referral AS r WHERE r.child_id = ch.child_id
                AND list_contains(r.assessment_factors, '19B')) AS f19b,
        EXISTS (SELECT 1 FROM referral AS r WHERE r.child_id = ch.child_id
                AND list_contains(r.assessment_factors, '19C')) AS f19c,
        EXISTS (SELECT 1 FROM referral AS r WHERE r.child_id = ch.child_id
                AND list_contains(r.assessment_factors, '12A')) AS f12a,
        EXISTS (SELECT 1 FROM referral AS r WHERE r.child_id = ch.child_id
                AND list_contains(r.assessment_factors, '10A')) AS f10a,
        EXISTS (SELECT 1 FROM contact AS c WHERE c.child_id = ch.child_id
                AND c.agency_type = 'health') AS health,
        EXISTS (SELECT 1 FROM contact AS c WHERE c.child_id = ch.child_id
                AND c.agency_type = 'education') AS education,
        EXISTS (SELECT 1 FROM contact AS c WHERE c.child_id = ch.child_id
                AND c.safeguarding_concern) AS safeguarding,
        EXISTS (SELECT 1 FROM referral AS r WHERE r.child_id = ch.child_id
                AND r.referral_date < ch.first_offence)
        OR EXISTS (SELECT 1 FROM contact AS c WHERE c.child_id = ch.child_id
                   AND c.contact_date < ch.first_offence) AS known_before
    FROM child AS ch
)

SELECT
    v.force_code,
    count(DISTINCT v.person_record_id_key) AS victim_records,
    count(DISTINCT v.person_record_id_key) FILTER (WHERE v.child_id IS NULL) AS unlinked_victims,
    (SELECT count(*) FROM known AS k WHERE k.force_code = v.force_code) AS children,
    (SELECT count(*) FILTER (WHERE referral) FROM known AS k WHERE k.force_code = v.force_code)
        AS referral,
    (SELECT count(*) FILTER (WHERE f11a) FROM known AS k WHERE k.force_code = v.force_code)
        AS f11a,
    (SELECT count(*) FILTER (WHERE f19b) FROM known AS k WHERE k.force_code = v.force_code)
        AS f19b,
    (SELECT count(*) FILTER (WHERE f19c) FROM known AS k WHERE k.force_code = v.force_code)
        AS f19c,
    (SELECT count(*) FILTER (WHERE f12a) FROM known AS k WHERE k.force_code = v.force_code)
        AS f12a,
    (SELECT count(*) FILTER (WHERE f10a) FROM known AS k WHERE k.force_code = v.force_code)
        AS f10a,
    (SELECT count(*) FILTER (WHERE health) FROM known AS k WHERE k.force_code = v.force_code)
        AS health,
    (SELECT count(*) FILTER (WHERE education) FROM known AS k
     WHERE k.force_code = v.force_code) AS education,
    (SELECT count(*) FILTER (WHERE safeguarding) FROM known AS k
     WHERE k.force_code = v.force_code) AS safeguarding,
    (SELECT count(*) FILTER (WHERE known_before) FROM known AS k
     WHERE k.force_code = v.force_code) AS known_before
FROM victim AS v
GROUP BY v.force_code
ORDER BY v.force_code
