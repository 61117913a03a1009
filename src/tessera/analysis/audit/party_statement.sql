-- Step `party_statement`: every demographic statement (analysis.party_demographics) made about a
-- CSA party, with the order of the investigation stage it was captured at. Measure M4 asks for
-- ethnicity gathered at the end of an investigation, so statements are kept per stage and the
-- profiles take the latest stage that has a known value.
-- A known ethnicity is an ONS 2021 category '1'..'19': not NULL, not 'NS' (not stated) and not
-- 'NK' (not known).
SELECT
    cp.offence_group,
    cp.party,
    cp.person_key,
    cp.party_key,
    d.captured_at_stage,
    TRY_CAST(s.stage_order AS INTEGER) AS stage_order,
    d.extracted_at,
    d.record_key AS statement_key,
    d.ethnicity,
    d.ethnicity_source,
    coalesce(d.ethnicity NOT IN ('NS', 'NK'), false) AS ethnicity_known,
    d.nationality
FROM csa_party AS cp
JOIN analysis.party_demographics AS d ON d.offence_party_id_key = cp.party_key
LEFT JOIN reference.capture_stage AS s ON s.code = d.captured_at_stage
