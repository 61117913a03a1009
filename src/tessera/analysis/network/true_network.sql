-- Table `true_network`: for the generator's ground truth only. Every perpetrator node of an
-- offence the truth places in a network (`network_truth`: agency_code, crime_ref, network_id,
-- registered by the caller), with that network: the largest number of its offences wins, so a
-- repeat offender drawn into two networks is counted with the one they mostly offend in.
WITH offence_network AS (
    SELECT io.record_key AS offence_key, t.network_id
    FROM network_truth AS t
    JOIN identity.offence AS io
        ON io.agency_code = t.agency_code AND io.crime_ref = t.crime_ref
    WHERE t.network_id IS NOT NULL AND t.network_id <> ''
),

counted AS (
    SELECT opn.node, n.network_id, count(*) AS offences
    FROM offence_party_node AS opn
    JOIN offence_network AS n ON n.offence_key = opn.offence_key
    WHERE opn.perpetrator
    GROUP BY opn.node, n.network_id
)

SELECT node, arg_max(network_id, offences) AS network_id
FROM counted
GROUP BY node
ORDER BY node
