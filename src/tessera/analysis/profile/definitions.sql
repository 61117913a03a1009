-- Table: how the force's cases were found, one row per force. `csa_offences` are the audit's
-- CSA offences; `cse_flag` those the force flagged as CSE; `code_71` those recorded under Home
-- Office code 71 (IICSA's organised network); `more_than_one` those with two or more
-- perpetrators; `group_based` the audit's group-based CSE category (two or more perpetrators,
-- flag or code 71, not intra-familial or institutional); `network` the CSA offences placed in
-- a group through the network graph (`network_association`, the audit's rule, $window_days);
-- `both_ways` in both counts.
WITH networked AS (
    SELECT DISTINCT offence_key FROM network_association
)

SELECT
    po.force_code,
    count(*) AS csa_offences,
    count(*) FILTER (WHERE po.cse_flag) AS cse_flag,
    count(*) FILTER (WHERE po.ho_offence_code = '71') AS code_71,
    count(*) FILTER (WHERE po.perpetrators >= 2) AS more_than_one,
    count(*) FILTER (WHERE po.group_based) AS group_based,
    count(*) FILTER (WHERE n.offence_key IS NOT NULL) AS network,
    count(*) FILTER (WHERE po.group_based AND n.offence_key IS NOT NULL) AS both_ways
FROM profile_offence AS po
LEFT JOIN networked AS n ON n.offence_key = po.record_key
GROUP BY po.force_code
ORDER BY po.force_code
