-- Feature `later_offence`: a suspect of the case is a suspect or offender in another offence
-- recorded after the case closed, in any force. One evidence row per later offence and
-- suspect. Every feature step returns the same columns: the case, the feature, when the
-- evidence arose, which agency holds it, its record (pseudonymous), whom it is about, and
-- what it is.
SELECT
    cs.case_key,
    'later_offence' AS feature,
    o.recorded_date AS evidence_on,
    o.agency_code,
    o.record_key AS evidence_key,
    cs.person_key AS subject_key,
    'suspect ' || cs.person_key || ' is a ' || min(p.role) || ' in an offence (Home Office code '
        || o.ho_offence_code || ') recorded by ' || o.force_code AS detail
FROM case_suspect AS cs
JOIN party_identity AS p ON p.person_key = cs.person_key AND p.is_perpetrator
JOIN analysis.offence AS o ON o.record_key = p.offence_key
WHERE o.record_key <> cs.case_key AND o.recorded_date > cs.closed_on
GROUP BY cs.case_key, cs.person_key, o.record_key, o.recorded_date, o.agency_code,
    o.ho_offence_code, o.force_code
