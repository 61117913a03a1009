-- `tessera audit --explain CRIME_REF`, second part: the associations through the network that
-- place the offence(s) with this crime reference in the network count of group-based CSE
-- (`network_association`), each with the other party's pseudonymous person key, the date and
-- the source. No row: the offence is not in the network count.
SELECT
    na.offence_key AS record_key, na.kind, na.person_key, na.other_person_key, na.seen_on,
    na.source, na.via
FROM identity.offence AS i
JOIN network_association AS na ON na.offence_key = i.record_key
WHERE i.crime_ref = $crime_ref
ORDER BY na.offence_key, na.kind, na.seen_on, na.other_person_key, na.via
