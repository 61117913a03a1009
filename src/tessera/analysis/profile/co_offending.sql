-- Table: co-offending, each force's CSA offences by how many perpetrator records they have
-- (the audit's `perpetrators`: distinct person records in a perpetrator role, unidentified
-- suspects included), for all CSA and group-based CSE.
SELECT
    force_code,
    CASE
        WHEN perpetrators = 0 THEN '0'
        WHEN perpetrators = 1 THEN '1'
        WHEN perpetrators = 2 THEN '2'
        WHEN perpetrators <= 4 THEN '3-4'
        ELSE '5+'
    END AS band,
    count(*) AS csa_offences,
    count(*) FILTER (WHERE group_based) AS group_based
FROM profile_offence
GROUP BY force_code, band
ORDER BY force_code, band
