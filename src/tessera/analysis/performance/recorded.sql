-- Table `recorded`: CSA offences recorded per force and quarter of recording, from $start to
-- $end inclusive, under the audit's rules (its step `offence_category`, read, not copied).
-- Feeds P1 (csa_recorded), P2 (cse_flagged) and P3 (group_based).
SELECT
    oc.force_code,
    CAST(date_trunc('quarter', o.recorded_date) AS DATE) AS quarter,
    count(*) AS csa_recorded,
    count_if(oc.cse_flag) AS cse_flagged,
    count_if(oc.category = 'group_based_cse') AS group_based
FROM offence_category AS oc
JOIN analysis.offence AS o ON o.record_key = oc.record_key
WHERE oc.is_csa AND o.recorded_date BETWEEN $start AND $end
GROUP BY oc.force_code, CAST(date_trunc('quarter', o.recorded_date) AS DATE)
ORDER BY oc.force_code, quarter
