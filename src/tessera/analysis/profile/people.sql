-- Table: the victims and perpetrators of each force's CSA offences in the period, one row per
-- force, party, characteristic and value with the distinct people. People are the audit's
-- (`csa_party`: a perpetrator by person_id once linked, a victim by person record; records of
-- unidentified suspects left out). Age is the youngest age at an offence of the period, sex
-- from the person record, ethnic group and nationality the latest known statement
-- (`person_ethnicity`; nationality the latest stage recording one). `known` says whether the
-- value counts towards completeness.
WITH party_offence AS (
    SELECT DISTINCT po.force_code, po.group_based, cp.party, cp.person_key, cp.record_key,
        cp.age_at_offence
    FROM csa_party AS cp
    JOIN analysis.offence_party AS op ON op.record_key = cp.party_key
    JOIN profile_offence AS po ON po.record_key = op.crime_ref_key
    WHERE cp.offence_group = 'all_csa' AND cp.named
),

person AS (
    SELECT
        pa.force_code, pa.party, pa.person_key,
        bool_or(pa.group_based) AS group_based,
        min(pa.age_at_offence) AS age,
        max(CASE WHEN pr.sex IN ('F', 'M') THEN pr.sex END) AS sex
    FROM party_offence AS pa
    LEFT JOIN analysis.person_record AS pr ON pr.record_key = pa.record_key
    GROUP BY pa.force_code, pa.party, pa.person_key
),

nationality AS (
    SELECT party, person_key, nationality
    FROM (
        SELECT party, person_key, nationality, row_number() OVER (
            PARTITION BY party, person_key
            ORDER BY stage_order DESC NULLS LAST, extracted_at DESC, statement_key
        ) AS rank_in_person
        FROM party_statement
        WHERE offence_group = 'all_csa' AND nationality IS NOT NULL
    ) AS ranked
    WHERE rank_in_person = 1
),

described AS (
    SELECT
        p.force_code, p.party, p.group_based,
        coalesce(ab.label, 'Not known') AS age_band,
        CASE p.sex WHEN 'F' THEN 'Female' WHEN 'M' THEN 'Male' ELSE 'Not known' END AS sex,
        coalesce(eg."group", 'Not known') AS ethnic_group,
        CASE
            WHEN n.nationality IS NULL THEN 'Not known'
            WHEN n.nationality = 'GBR' THEN 'British'
            ELSE 'Other than British'
        END AS nationality
    FROM person AS p
    LEFT JOIN reference.age_bands AS ab
        ON p.age BETWEEN TRY_CAST(ab.min_age AS INTEGER) AND TRY_CAST(ab.max_age AS INTEGER)
    LEFT JOIN person_ethnicity AS pe
        ON pe.offence_group = 'all_csa' AND pe.party = p.party AND pe.person_key = p.person_key
    LEFT JOIN reference.ethnicity AS eg ON eg.code = pe.ethnicity
    LEFT JOIN nationality AS n ON n.party = p.party AND n.person_key = p.person_key
),

characteristics AS (
    SELECT force_code, party, group_based, 'age_band' AS characteristic, age_band AS value
    FROM described
    UNION ALL
    SELECT force_code, party, group_based, 'sex', sex FROM described
    UNION ALL
    SELECT force_code, party, group_based, 'ethnic_group', ethnic_group FROM described
    UNION ALL
    SELECT force_code, party, group_based, 'nationality', nationality FROM described
)

SELECT
    force_code, party, characteristic, value,
    value <> 'Not known' AS known,
    count(*) AS people,
    count(*) FILTER (WHERE group_based) AS group_based
FROM characteristics
GROUP BY force_code, party, characteristic, value
ORDER BY force_code, party, characteristic, value
