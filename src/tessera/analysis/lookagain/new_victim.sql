-- Feature `new_victim`: another child (a child_id not among the case's victims) is the victim
-- of an offence recorded after the case closed in which a suspect of the case is a suspect or
-- offender: a second account naming the same person. One evidence row per later offence and
-- child; the detail names the case's suspects in it.
SELECT
    cs.case_key,
    'new_victim' AS feature,
    o.recorded_date AS evidence_on,
    o.agency_code,
    o.record_key AS evidence_key,
    v.child_key AS subject_key,
    'child ' || v.child_key || ' is a victim in an offence recorded by ' || o.force_code
        || ' naming suspect ' || string_agg(DISTINCT cs.person_key, ', ') AS detail
FROM case_suspect AS cs
JOIN party_identity AS p ON p.person_key = cs.person_key AND p.is_perpetrator
JOIN analysis.offence AS o ON o.record_key = p.offence_key
JOIN party_identity AS v ON v.offence_key = o.record_key AND v.role = 'victim'
LEFT JOIN case_victim AS cv ON cv.case_key = cs.case_key AND cv.child_key = v.child_key
WHERE o.record_key <> cs.case_key AND o.recorded_date > cs.closed_on AND cv.child_key IS NULL
GROUP BY cs.case_key, o.record_key, o.recorded_date, o.agency_code, o.force_code, v.child_key
