-- Table `area_figures`: the land area of each force area and how deprived it is, from its
-- councils (reference.council_areas: lower-tier and unitary councils of England and Wales).
-- A council's force: its own in reference.local_authorities (unitary, metropolitan and London
-- authorities, Welsh councils), else that of its county (reference.local_authority_districts).
-- Deprivation is the councils' composite UK deprivation score weighted by their population,
-- the score of the force area as a whole. British Transport Police has no area and no row.
WITH council AS (
    SELECT
        la.force_code,
        TRY_CAST(c.land_km2 AS DOUBLE) AS land_km2,
        TRY_CAST(c.population_2020 AS DOUBLE) AS population,
        TRY_CAST(c.deprivation_score AS DOUBLE) AS deprivation
    FROM reference.council_areas AS c
    LEFT JOIN reference.local_authority_districts AS d ON d.code = c.code
    JOIN reference.local_authorities AS la ON la.code = coalesce(d.upper_tier_code, c.code)
)

SELECT
    force_code,
    sum(land_km2) AS land_km2,
    sum(population * deprivation) / sum(population) AS deprivation
FROM council
GROUP BY force_code
ORDER BY force_code
