-- Table `forces`: every force that supplied offences to the warehouse, with its name, and the
-- first and last recording dates held (the default period of `tessera performance`).
SELECT
    o.force_code,
    coalesce(pf.label, o.force_code) AS force_label,
    min(o.recorded_date) AS first_recorded,
    max(o.recorded_date) AS last_recorded
FROM analysis.offence AS o
LEFT JOIN reference.police_forces AS pf ON pf.code = o.force_code
GROUP BY o.force_code, pf.label
ORDER BY force_label
