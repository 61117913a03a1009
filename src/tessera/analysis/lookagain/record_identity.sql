-- Step `record_identity`: every person record with the people it stands for once
-- `tessera link` has run. `person_key` is the person_id of a suspect or offender, `child_key`
-- the child_id of a child; either falls back to the record itself ('record:' and its key)
-- before linkage or for a record that has none, so a person is matched only to themselves.
-- `who_key` names the record for a reader of the evidence trail: person_id, else child_id,
-- else the record. Every key is pseudonymous.
SELECT
    pr.record_key,
    coalesce(l.person_id, 'record:' || pr.record_key) AS person_key,
    coalesce(l.child_id, 'record:' || pr.record_key) AS child_key,
    coalesce(l.person_id, l.child_id, 'record:' || pr.record_key) AS who_key
FROM analysis.person_record AS pr
LEFT JOIN analysis.person_link AS l ON l.record_key = pr.record_key
