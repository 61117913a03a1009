-- Tables (c) victim profile and (d) offender profile, for the party named by $party ('victim'
-- or 'perpetrator'), by age band, sex, ethnic group (5) and ethnic group (19).
-- People: counted once per person (csa_party.person_key: a victim's record; a perpetrator's
--   person_id once linked, else their record) per offence group, however many offences or party
--   rows they have in it. Records of unidentified suspects (not `named`) are left out: the
--   `perpetrators` table counts them apart.
-- Age: the youngest age_at_offence recorded for the person in the group, i.e. their age at the
--   earliest offence; a person with no recorded age, or one outside every band, is not known.
-- Sex: from the person record; U (not known or unborn) counts as not known.
-- Ethnicity: from the person's LATEST statement (highest capture_stage.stage_order, then latest
--   extracted_at) that has a known ethnicity, across their party rows in the group; a person
--   with no such statement is 'Not stated' when a statement says they did not state it ('NS':
--   asked and declined) and 'Not known' otherwise ('NK', or nothing recorded): the first is
--   the person's answer, the second a gap in the recording.
-- Every category of the reference lists is returned (zero if nobody is in it), with its
-- population, plus one row per characteristic (code NULL) for people whose value is not known,
-- two for ethnicity ('NS' not stated, 'NK' not known).
-- Population: the age band's own Census 2021 population (reference.age_bands, summed from
--   single years of age). Sex and ethnic group have none: the reference lists hold all-ages
--   figures, but victims are children and perpetrators are aged 10 and over, so an all-ages
--   rate would overstate groups with young age profiles; until the Census 2021 population of
--   those ages by sex and ethnic group is held with its source, their rates are left out
--   (population NULL).
WITH person AS (
    SELECT offence_group, person_key, min(age_at_offence) AS age
    FROM csa_party
    WHERE party = $party AND named
    GROUP BY offence_group, person_key
),

latest_ethnicity AS (
    SELECT offence_group, person_key, ethnicity
    FROM person_ethnicity
    WHERE party = $party
),

not_stated AS (
    SELECT DISTINCT offence_group, person_key
    FROM party_statement
    WHERE party = $party AND ethnicity = 'NS'
),

unknown_ethnicity AS (
    SELECT
        p.offence_group,
        p.person_key,
        CASE WHEN ns.person_key IS NULL THEN 'NK' ELSE 'NS' END AS code
    FROM person AS p
    LEFT JOIN not_stated AS ns
        ON ns.offence_group = p.offence_group AND ns.person_key = p.person_key
),

person_value AS (
    SELECT p.offence_group, p.person_key, 'age_band' AS dimension, b.code
    FROM person AS p
    LEFT JOIN reference.age_bands AS b
        ON p.age BETWEEN TRY_CAST(b.min_age AS INTEGER) AND TRY_CAST(b.max_age AS INTEGER)
    UNION ALL
    SELECT
        p.offence_group,
        p.person_key,
        'sex' AS dimension,
        CASE WHEN s.code IN ('F', 'M') THEN s.code END AS code
    FROM person AS p
    LEFT JOIN analysis.person_record AS pr ON pr.record_key = p.person_key
    LEFT JOIN reference.sex AS s ON s.code = pr.sex
    UNION ALL
    SELECT p.offence_group, p.person_key, 'ethnic_group' AS dimension,
           coalesce(e."group", u.code) AS code
    FROM person AS p
    LEFT JOIN latest_ethnicity AS le
        ON le.offence_group = p.offence_group AND le.person_key = p.person_key
    LEFT JOIN reference.ethnicity AS e ON e.code = le.ethnicity
    JOIN unknown_ethnicity AS u
        ON u.offence_group = p.offence_group AND u.person_key = p.person_key
    UNION ALL
    SELECT p.offence_group, p.person_key, 'ethnicity' AS dimension,
           coalesce(le.ethnicity, u.code) AS code
    FROM person AS p
    LEFT JOIN latest_ethnicity AS le
        ON le.offence_group = p.offence_group AND le.person_key = p.person_key
    JOIN unknown_ethnicity AS u
        ON u.offence_group = p.offence_group AND u.person_key = p.person_key
),

category AS (
    SELECT
        1 AS dimension_order, 'age_band' AS dimension, TRY_CAST(min_age AS INTEGER) AS value_order,
        code, label, TRY_CAST(population AS BIGINT) AS population
    FROM reference.age_bands
    UNION ALL
    SELECT 2, 'sex', row_number() OVER (ORDER BY code), code, label, NULL
    FROM reference.sex
    WHERE code IN ('F', 'M')
    UNION ALL
    SELECT 3, 'ethnic_group', min(TRY_CAST(code AS INTEGER)), "group", "group", NULL
    FROM reference.ethnicity
    WHERE code NOT IN ('NS', 'NK')
    GROUP BY "group"
    UNION ALL
    SELECT 4, 'ethnicity', TRY_CAST(code AS INTEGER), code, label, NULL
    FROM reference.ethnicity
    WHERE code NOT IN ('NS', 'NK')
    UNION ALL
    SELECT dimension_order, dimension, value_order, code, label, NULL
    FROM (VALUES
        (1, 'age_band', 1000000, NULL, 'Age not known'),
        (2, 'sex', 1000000, NULL, 'Sex not known'),
        (3, 'ethnic_group', 1000000, 'NS', 'Not stated'),
        (3, 'ethnic_group', 1000001, 'NK', 'Not known'),
        (4, 'ethnicity', 1000000, 'NS', 'Not stated'),
        (4, 'ethnicity', 1000001, 'NK', 'Not known')
    ) AS unknown (dimension_order, dimension, value_order, code, label)
),

counted AS (
    SELECT offence_group, dimension, code, count(*) AS people
    FROM person_value
    GROUP BY offence_group, dimension, code
)

SELECT
    g.offence_group,
    c.dimension,
    c.code,
    c.label,
    c.population,
    coalesce(n.people, 0) AS people,
    coalesce(c.code NOT IN ('NS', 'NK'), false) AS known
FROM audit_group AS g
CROSS JOIN category AS c
LEFT JOIN counted AS n
    ON n.offence_group = g.offence_group
    AND n.dimension = c.dimension
    AND n.code IS NOT DISTINCT FROM c.code
ORDER BY g.group_order, c.dimension_order, c.value_order
