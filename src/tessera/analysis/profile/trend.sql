-- Table: CSA and group-based CSE offences by force and month recorded. Months with no
-- offence have no row; the service fills them with zeros over the period.
SELECT
    force_code,
    CAST(date_trunc('month', recorded_date) AS DATE) AS month,
    count(*) AS csa_offences,
    count(*) FILTER (WHERE group_based) AS group_based
FROM profile_offence
GROUP BY force_code, CAST(date_trunc('month', recorded_date) AS DATE)
ORDER BY force_code, month
