-- Table `child_population`: the residents of each force area, all ages and under 18, at the
-- 2021 Census: the sum of the area's upper-tier local authorities
-- (reference.local_authorities.force_code, reference.local_authority_populations).
-- The Census table by local authority has five-year bands, so ages 15-17 are the 15-19 band
-- times the share of 15-17 year olds among 15-19 year olds in the same country (England or
-- Wales), from the single years of age by region (reference.region_age_populations).
-- British Transport Police has no area and no row.
WITH country_share AS (
    SELECT
        substr(region_code, 1, 1) AS country,
        sum(CASE WHEN TRY_CAST(age AS INTEGER) BETWEEN 15 AND 17
            THEN TRY_CAST(population AS BIGINT) ELSE 0 END) * 1.0
        / sum(CASE WHEN TRY_CAST(age AS INTEGER) BETWEEN 15 AND 19
            THEN TRY_CAST(population AS BIGINT) ELSE 0 END) AS share_15_17
    FROM reference.region_age_populations
    GROUP BY substr(region_code, 1, 1)
)

SELECT
    la.force_code,
    sum(TRY_CAST(p.all_ages AS BIGINT)) AS all_ages,
    CAST(round(sum(
        TRY_CAST(p.aged_0_4 AS BIGINT) + TRY_CAST(p.aged_5_9 AS BIGINT)
        + TRY_CAST(p.aged_10_14 AS BIGINT) + TRY_CAST(p.aged_15_19 AS BIGINT) * c.share_15_17
    )) AS BIGINT) AS children
FROM reference.local_authorities AS la
JOIN reference.local_authority_populations AS p ON p.code = la.code
JOIN country_share AS c ON c.country = substr(la.code, 1, 1)
GROUP BY la.force_code
ORDER BY la.force_code
