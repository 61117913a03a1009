-- Step `person_node`: the graph node of every person record. Records linked by `tessera link`
-- share one node (`linked_id`), so a suspect known to two forces is one person in the graph;
-- before linkage each record is its own node. `person_id` and `child_id` are the pseudonymous
-- ids analysts see (a person can have both); nothing here names anyone.
SELECT
    pr.record_key,
    'N-' || coalesce(l.linked_id, pr.record_key) AS node,
    l.person_id,
    l.child_id
FROM analysis.person_record AS pr
LEFT JOIN analysis.person_link AS l ON l.record_key = pr.record_key
