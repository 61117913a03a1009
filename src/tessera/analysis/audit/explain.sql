-- `tessera audit --explain CRIME_REF`: the offence(s) with this crime reference (exact match;
-- the same reference may exist in several forces), found through the identity zone, with every
-- fact and rule result of the `offence_category` step, so the explanation is the rule itself.
SELECT i.crime_ref, oc.*
FROM identity.offence AS i
JOIN offence_category AS oc ON oc.record_key = i.record_key
WHERE i.crime_ref = $crime_ref
ORDER BY oc.force_code, oc.agency_code, oc.record_key
