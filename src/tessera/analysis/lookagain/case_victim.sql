-- Step `case_victim`: each eligible case's victims, by child_id, with the date it closed.
SELECT DISTINCT ec.case_key, ec.closed_on, p.child_key
FROM eligible_case AS ec
JOIN party_identity AS p ON p.offence_key = ec.case_key
WHERE p.role = 'victim'
