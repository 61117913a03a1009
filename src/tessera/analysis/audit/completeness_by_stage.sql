-- Table (e), measure M4: how complete ethnicity is at each investigation stage. For victims and
-- perpetrators of CSA offences, the demographic statements made at each capture stage and how
-- many of them give a known ethnicity (an ONS 2021 category, not 'NS', 'NK' or empty).
-- Every stage of reference.capture_stage is listed, in stage order, even with no statements.
-- A stage no victim goes through (arrest, charge: capture_stage.victim_stage = 'no') is marked
-- not applicable for victims, so the table shows [z] there rather than a zero or a gap; a force
-- that did record a victim's statement at such a stage has it shown.
WITH stage AS (
    SELECT code, label, TRY_CAST(stage_order AS INTEGER) AS stage_order, victim_stage
    FROM reference.capture_stage
),

party AS (
    SELECT * FROM (VALUES ('victim', 1), ('perpetrator', 2)) AS p (party, party_order)
),

counted AS (
    SELECT
        offence_group,
        party,
        captured_at_stage,
        count(*) AS statements,
        count_if(ethnicity_known) AS known
    FROM party_statement
    GROUP BY offence_group, party, captured_at_stage
)

SELECT
    g.offence_group,
    p.party,
    s.code AS stage,
    s.label AS stage_label,
    coalesce(c.statements, 0) AS statements,
    coalesce(c.known, 0) AS known,
    p.party = 'perpetrator' OR s.victim_stage = 'yes' OR c.statements > 0 AS applies
FROM audit_group AS g
CROSS JOIN party AS p
CROSS JOIN stage AS s
LEFT JOIN counted AS c
    ON c.offence_group = g.offence_group AND c.party = p.party AND c.captured_at_stage = s.code
ORDER BY g.group_order, p.party_order, s.stage_order
