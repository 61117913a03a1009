-- Step `case_suspect`: each eligible case's suspects, by person_id, with the date it closed.
SELECT DISTINCT ec.case_key, ec.closed_on, p.person_key
FROM eligible_case AS ec
JOIN party_identity AS p ON p.offence_key = ec.case_key
WHERE p.is_perpetrator
