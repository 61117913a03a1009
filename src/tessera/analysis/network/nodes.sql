-- Table `nodes`: every person node with its pseudonymous ids and what the crime records say
-- they were (`victim`, `perpetrator`, `charged`: an offender, or a suspect whose offence
-- ended in a charge or summons, outcome group charge_summons). People known only from
-- intelligence are neither victim nor perpetrator; objects are nodes of `edges` alone.
WITH party AS (
    SELECT
        opn.node,
        bool_or(opn.role = 'victim') AS victim,
        bool_or(opn.perpetrator) AS perpetrator,
        bool_or(opn.perpetrator AND (opn.role = 'offender' OR t.outcome_group = 'charge_summons'))
            AS charged
    FROM offence_party_node AS opn
    JOIN analysis.offence AS o ON o.record_key = opn.offence_key
    LEFT JOIN reference.outcome_types AS t ON t.code = o.outcome_type
    GROUP BY opn.node
)

SELECT
    pn.node,
    max(pn.person_id) AS person_id,
    max(pn.child_id) AS child_id,
    coalesce(bool_or(p.victim), false) AS victim,
    coalesce(bool_or(p.perpetrator), false) AS perpetrator,
    coalesce(bool_or(p.charged), false) AS charged
FROM person_node AS pn
LEFT JOIN party AS p ON p.node = pn.node
GROUP BY pn.node
ORDER BY pn.node
