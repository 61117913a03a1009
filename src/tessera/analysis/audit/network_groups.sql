-- Table: group-based CSE by the flag rule and through the network, one row of counts. The
-- flag count is the `offence_category` rule (category group_based_cse); the network count is
-- every CSA offence with a row in `network_association`; each kind counts the offences with
-- at least one association of that kind (an offence may have several, so the kinds overlap).
WITH placed AS (
    SELECT
        oc.record_key,
        oc.category = 'group_based_cse' AS by_flag,
        na.offence_key IS NOT NULL AS by_network
    FROM offence_category AS oc
    LEFT JOIN (SELECT DISTINCT offence_key FROM network_association) AS na
        ON na.offence_key = oc.record_key
    WHERE oc.is_csa
),

kinds AS (
    SELECT kind, count(DISTINCT offence_key) AS offences
    FROM network_association
    GROUP BY kind
)

SELECT
    count(*) FILTER (WHERE by_flag) AS flag,
    count(*) FILTER (WHERE by_network) AS network,
    count(*) FILTER (WHERE by_flag AND by_network) AS both_ways,
    count(*) FILTER (WHERE by_flag AND NOT by_network) AS flag_only,
    count(*) FILTER (WHERE by_network AND NOT by_flag) AS network_only,
    coalesce((SELECT offences FROM kinds WHERE kind = 'shared_victim'), 0) AS shared_victim,
    coalesce((SELECT offences FROM kinds WHERE kind = 'co_offending'), 0) AS co_offending,
    coalesce((SELECT offences FROM kinds WHERE kind = 'shared_phone'), 0) AS shared_phone,
    coalesce((SELECT offences FROM kinds WHERE kind = 'shared_vehicle'), 0) AS shared_vehicle,
    coalesce((SELECT offences FROM kinds WHERE kind = 'shared_address'), 0) AS shared_address,
    coalesce((SELECT offences FROM kinds WHERE kind = 'shared_online_account'), 0)
        AS shared_online_account
FROM placed
