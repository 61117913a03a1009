-- Table `outcomes`: CSA offences given an outcome from $start to $end inclusive, per force,
-- quarter of the outcome, outcome type and whole days from recording to outcome. Counts and
-- medians (P4 to P8) are taken from this histogram, so the medians need no row per offence.
SELECT
    oc.force_code,
    CAST(date_trunc('quarter', o.outcome_date) AS DATE) AS quarter,
    o.outcome_type,
    date_diff('day', o.recorded_date, o.outcome_date) AS days,
    count(*) AS offences
FROM offence_category AS oc
JOIN analysis.offence AS o ON o.record_key = oc.record_key
WHERE oc.is_csa AND o.outcome_type IS NOT NULL AND o.outcome_date BETWEEN $start AND $end
GROUP BY
    oc.force_code,
    CAST(date_trunc('quarter', o.outcome_date) AS DATE),
    o.outcome_type,
    date_diff('day', o.recorded_date, o.outcome_date)
ORDER BY oc.force_code, quarter, o.outcome_type, days
