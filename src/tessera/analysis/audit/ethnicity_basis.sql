-- Table (measure M4): what the ethnicity figures of the profiles rest on, for each offence group
-- and party. `people` are the people the profiles count (unidentified suspects left out);
-- `known` those with a known ethnicity, split by the investigation stage of the statement it
-- was taken from (`person_ethnicity`) and by who defined it (the person, an officer, a third
-- party, or not recorded). `self_defined_at_end` is measure M4: people with a known,
-- self-defined ethnicity stated at the end of the investigation.
WITH person AS (
    SELECT DISTINCT offence_group, party, person_key
    FROM csa_party
    WHERE named
),

self_defined_at_end AS (
    SELECT DISTINCT offence_group, party, person_key
    FROM party_statement
    WHERE ethnicity_known
        AND captured_at_stage = 'investigation_end'
        AND ethnicity_source = 'self_defined'
),

party AS (
    SELECT * FROM (VALUES ('victim', 1), ('perpetrator', 2)) AS p (party, party_order)
),

counted AS (
    SELECT
        p.offence_group,
        p.party,
        count(*) AS people,
        count(pe.ethnicity) AS known,
        count_if(pe.captured_at_stage = 'report') AS at_report,
        count_if(pe.captured_at_stage = 'arrest') AS at_arrest,
        count_if(pe.captured_at_stage = 'charge') AS at_charge,
        count_if(pe.captured_at_stage = 'investigation_end') AS at_end,
        count_if(pe.ethnicity_source = 'self_defined') AS self_defined,
        count_if(pe.ethnicity_source = 'officer_defined') AS officer_defined,
        count_if(pe.ethnicity_source = 'third_party') AS third_party,
        count_if(pe.ethnicity IS NOT NULL AND pe.ethnicity_source IS NULL) AS source_not_recorded,
        count(se.person_key) AS self_defined_at_end
    FROM person AS p
    LEFT JOIN person_ethnicity AS pe
        ON pe.offence_group = p.offence_group
        AND pe.party = p.party
        AND pe.person_key = p.person_key
    LEFT JOIN self_defined_at_end AS se
        ON se.offence_group = p.offence_group
        AND se.party = p.party
        AND se.person_key = p.person_key
    GROUP BY p.offence_group, p.party
)

SELECT
    g.offence_group,
    pa.party,
    coalesce(c.people, 0) AS people,
    coalesce(c.known, 0) AS known,
    coalesce(c.at_report, 0) AS at_report,
    coalesce(c.at_arrest, 0) AS at_arrest,
    coalesce(c.at_charge, 0) AS at_charge,
    coalesce(c.at_end, 0) AS at_end,
    coalesce(c.self_defined, 0) AS self_defined,
    coalesce(c.officer_defined, 0) AS officer_defined,
    coalesce(c.third_party, 0) AS third_party,
    coalesce(c.source_not_recorded, 0) AS source_not_recorded,
    coalesce(c.self_defined_at_end, 0) AS self_defined_at_end
FROM audit_group AS g
CROSS JOIN party AS pa
LEFT JOIN counted AS c ON c.offence_group = g.offence_group AND c.party = pa.party
ORDER BY g.group_order, pa.party_order
