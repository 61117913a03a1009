-- Table (b): CSA offences by force and category, with the force area's population
-- (reference.police_forces.population) for rates per 100,000. Forces are listed by name.
SELECT
    f.force_code,
    coalesce(pf.label, f.force_code) AS force_label,
    TRY_CAST(pf.population AS BIGINT) AS population,
    f.csa_offences,
    f.more_than_one_perpetrator,
    f.intra_familial,
    f.institutional,
    f.group_based_cse,
    f.other_multiple,
    f.single_perpetrator,
    f.online
FROM force_category_counts AS f
LEFT JOIN reference.police_forces AS pf ON pf.code = f.force_code
ORDER BY force_label
