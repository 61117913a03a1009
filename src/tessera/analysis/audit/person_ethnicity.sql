-- Step `person_ethnicity`: the one statement each CSA party's ethnicity is taken from: their
-- LATEST statement with a known ethnicity (highest capture_stage.stage_order, then latest
-- extracted_at), across their party rows in the offence group. Measure M4 asks for ethnicity
-- from the end of the investigation, self-defined; the stage and the source of the statement
-- chosen are kept, so every ethnicity figure can say what it rests on (`ethnicity_basis.sql`).
SELECT offence_group, party, person_key, ethnicity, captured_at_stage, ethnicity_source
FROM (
    SELECT
        offence_group,
        party,
        person_key,
        ethnicity,
        captured_at_stage,
        ethnicity_source,
        row_number() OVER (
            PARTITION BY offence_group, party, person_key
            ORDER BY stage_order DESC NULLS LAST, extracted_at DESC, statement_key
        ) AS rank_in_person
    FROM party_statement
    WHERE ethnicity_known
) AS ranked
WHERE rank_in_person = 1
