-- Table `children`: victims of CSA offences counted as children, by child_id (measure M3), for
-- each offence group. Needs `tessera link`: without it every victim record is its own child.
-- `victim_records` counts victim person records (one child known to two forces is two);
-- `children` counts distinct child_id. A child is "in more than one agency" when records of
-- theirs were used by more than one of police (offence parties), children's social care
-- (referrals), health and education (contacts). "Known to social care before" means a
-- referral of the same child dated before their first CSA offence in the group (the offence's
-- committed_from, or its recorded date when that is missing).
WITH victim AS (
    SELECT
        p.offence_group,
        p.record_key AS person_key,
        l.child_id,
        coalesce(o.committed_from, o.recorded_date) AS offence_date
    FROM csa_party AS p
    JOIN analysis.offence_party AS op ON op.record_key = p.party_key
    JOIN analysis.offence AS o ON o.record_key = op.crime_ref_key
    LEFT JOIN analysis.person_link AS l ON l.record_key = p.record_key
    WHERE p.party = 'victim'
),
agency_kinds AS (
    SELECT l.child_id, count(DISTINCT k.kind) AS kinds
    FROM (
        SELECT person_record_id_key AS record_key, 'police' AS kind FROM analysis.offence_party
        UNION ALL
        SELECT person_record_id_key, 'social_care' FROM analysis.referral
        UNION ALL
        SELECT person_record_id_key, agency_type FROM analysis.contact
    ) AS k
    JOIN analysis.person_link AS l USING (record_key)
    WHERE l.child_id IS NOT NULL
    GROUP BY l.child_id
),
first_referral AS (
    SELECT l.child_id, min(r.referral_date) AS first_referral
    FROM analysis.referral AS r
    JOIN analysis.person_link AS l ON l.record_key = r.person_record_id_key
    GROUP BY l.child_id
),
per_child AS (
    SELECT offence_group, child_id, min(offence_date) AS first_offence
    FROM victim
    WHERE child_id IS NOT NULL
    GROUP BY offence_group, child_id
),
records AS (
    SELECT offence_group, count(DISTINCT person_key) AS victim_records
    FROM victim
    GROUP BY offence_group
)
SELECT
    g.offence_group,
    coalesce(max(r.victim_records), 0) AS victim_records,
    count(pc.child_id) AS children,
    count(pc.child_id) FILTER (WHERE a.kinds > 1) AS in_more_than_one_agency,
    count(pc.child_id) FILTER (WHERE f.first_referral < pc.first_offence) AS known_to_social_care_before
FROM audit_group AS g
LEFT JOIN records AS r USING (offence_group)
LEFT JOIN per_child AS pc USING (offence_group)
LEFT JOIN agency_kinds AS a ON a.child_id = pc.child_id
LEFT JOIN first_referral AS f ON f.child_id = pc.child_id
GROUP BY g.offence_group, g.group_order
ORDER BY g.group_order
