-- Features `victim_referral_cse` and `victim_referral_missing`: a victim of the case (by
-- child_id, so a local authority's record of the same child) was referred to children's
-- social care after the case closed, and the assessment found child sexual exploitation (CIN
-- factor 11A) or going or being missing (10A; reference.assessment_factor). A referral with
-- both counts for both. One evidence row per referral, factor and victim.
WITH factor AS (
    SELECT '11A' AS code, 'victim_referral_cse' AS feature
    UNION ALL
    SELECT '10A' AS code, 'victim_referral_missing' AS feature
)

SELECT
    cv.case_key,
    f.feature,
    r.referral_date AS evidence_on,
    r.agency_code,
    r.record_key AS evidence_key,
    cv.child_key AS subject_key,
    'child ' || cv.child_key || ' referred to children''s social care (' || r.la_code
        || '), assessment factor ' || f.code || ' (' || af.label || ')' AS detail
FROM case_victim AS cv
JOIN record_identity AS ri ON ri.child_key = cv.child_key
JOIN analysis.referral AS r ON r.person_record_id_key = ri.record_key
JOIN factor AS f ON list_contains(r.assessment_factors, f.code)
LEFT JOIN reference.assessment_factor AS af ON af.code = f.code
WHERE r.referral_date > cv.closed_on
