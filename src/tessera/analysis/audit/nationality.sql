-- Table (g): nationality of victims and perpetrators of CSA offences, where recorded. People are
-- counted as the profiles count them (csa_party.person_key, unidentified suspects left out)
-- once per offence group and party. Nationality comes from the
-- person's latest demographic statement that records one (as for ethnicity), or else from the
-- person record; code NULL counts the people with no nationality recorded anywhere.
WITH person AS (
    SELECT DISTINCT offence_group, party, person_key
    FROM csa_party
    WHERE named
),

latest_statement AS (
    SELECT offence_group, party, person_key, nationality
    FROM (
        SELECT
            offence_group,
            party,
            person_key,
            nationality,
            row_number() OVER (
                PARTITION BY offence_group, party, person_key
                ORDER BY stage_order DESC NULLS LAST, extracted_at DESC, statement_key
            ) AS rank_in_person
        FROM party_statement
        WHERE nationality IS NOT NULL
    ) AS ranked
    WHERE rank_in_person = 1
),

person_nationality AS (
    SELECT p.offence_group, p.party, coalesce(ls.nationality, pr.nationality) AS nationality
    FROM person AS p
    LEFT JOIN latest_statement AS ls
        ON ls.offence_group = p.offence_group
        AND ls.party = p.party
        AND ls.person_key = p.person_key
    LEFT JOIN analysis.person_record AS pr ON pr.record_key = p.person_key
)

SELECT
    pn.offence_group,
    pn.party,
    pn.nationality AS code,
    coalesce(n.label, pn.nationality) AS label,
    count(*) AS people
FROM person_nationality AS pn
JOIN audit_group AS g ON g.offence_group = pn.offence_group
LEFT JOIN reference.nationality AS n ON n.code = pn.nationality
GROUP BY g.group_order, pn.offence_group, pn.party, pn.nationality, n.label
ORDER BY
    g.group_order,
    CASE pn.party WHEN 'victim' THEN 1 ELSE 2 END,
    pn.nationality IS NULL,
    people DESC,
    label
