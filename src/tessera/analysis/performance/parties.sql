-- Table `parties`: victims and named suspects of CSA offences recorded from $start to $end,
-- per force and quarter of recording, with how many have a known ethnicity and nationality
-- (P9 to P11). One party row of an offence counts once. A suspect is a perpetrator party
-- (reference.party_role.perpetrator = 'yes') whose person record carries a police nominal id,
-- as the audit's profiles count them. Ethnicity is known when any demographic statement of
-- the party gives an ONS 2021 category (not NS, not NK); nationality when any statement gives
-- one, or the person record does.
WITH party AS (
    SELECT
        oc.force_code,
        CAST(date_trunc('quarter', o.recorded_date) AS DATE) AS quarter,
        op.role = 'victim' AS is_victim,
        op.record_key AS party_key,
        pr.nationality IS NOT NULL AS record_nationality
    FROM offence_category AS oc
    JOIN analysis.offence AS o ON o.record_key = oc.record_key
    JOIN analysis.offence_party AS op ON op.crime_ref_key = oc.record_key
    LEFT JOIN reference.party_role AS r ON r.code = op.role
    LEFT JOIN analysis.person_record AS pr ON pr.record_key = op.person_record_id_key
    WHERE oc.is_csa AND o.recorded_date BETWEEN $start AND $end
        AND (op.role = 'victim' OR (r.perpetrator = 'yes' AND pr.police_person_id_key IS NOT NULL))
),

statement AS (
    SELECT
        offence_party_id_key AS party_key,
        bool_or(coalesce(ethnicity NOT IN ('NS', 'NK'), false)) AS ethnicity_known,
        bool_or(nationality IS NOT NULL) AS nationality_known
    FROM analysis.party_demographics
    GROUP BY offence_party_id_key
)

SELECT
    p.force_code,
    p.quarter,
    count_if(NOT p.is_victim) AS suspects,
    count_if(NOT p.is_victim AND coalesce(s.ethnicity_known, false)) AS suspects_ethnicity_known,
    count_if(NOT p.is_victim AND (coalesce(s.nationality_known, false) OR p.record_nationality))
        AS suspects_nationality_known,
    count_if(p.is_victim) AS victims,
    count_if(p.is_victim AND coalesce(s.ethnicity_known, false)) AS victims_ethnicity_known
FROM party AS p
LEFT JOIN statement AS s ON s.party_key = p.party_key
GROUP BY p.force_code, p.quarter
ORDER BY p.force_code, p.quarter
