-- Table `currency`: each police force with its latest problem profile published on or before
-- $as_at (when it was made and the period it covers), or none. One row per force of the code
-- list, so a force that never published one shows as such rather than dropping out.
WITH latest AS (
    SELECT
        force_code,
        period_start,
        period_end,
        published_at,
        row_number() OVER (
            PARTITION BY force_code ORDER BY published_at DESC, period_end DESC
        ) AS n
    FROM ops.profile_releases
    WHERE CAST(published_at AS DATE) <= $as_at
)
SELECT
    f.code AS force_code,
    f.label AS force_label,
    l.published_at,
    l.period_start,
    l.period_end
FROM reference.police_forces AS f
LEFT JOIN latest AS l ON l.force_code = f.code AND l.n = 1
ORDER BY f.label
