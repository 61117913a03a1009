-- Table `edges`: every edge of the network graph, dated and sourced.
-- `co_offending`: two perpetrators of the same offence; `victim_offender`: a victim and a
-- perpetrator of the same offence (both from the crime record, dated by the offence, graded
-- by nobody). Intelligence associations give person–person edges (their `kind`) and
-- person–object edges (an object node per kind and pseudonymised value: `O-<kind>-<key>`),
-- dated first and last seen, with the intelligence source and 3x5x2 grading. `agency_code` is
-- who supplied the row; `force_code` the police force it places the edge in, when there is one.
WITH offence_edge AS (
    SELECT DISTINCT
        a.node AS source_node,
        b.node AS target_node,
        CASE WHEN a.perpetrator AND b.perpetrator THEN 'co_offending'
             ELSE 'victim_offender' END AS kind,
        a.offence_date AS first_seen,
        a.offence_date AS last_seen,
        a.force_code AS agency_code,
        'crime_record' AS source,
        CAST(NULL AS VARCHAR) AS grading,
        a.offence_key,
        a.force_code
    FROM offence_party_node AS a
    JOIN offence_party_node AS b ON b.offence_key = a.offence_key AND a.node < b.node
    WHERE a.perpetrator OR b.perpetrator
),

intelligence_edge AS (
    SELECT
        pn.node AS source_node,
        coalesce(other.node, 'O-' || a.object_kind || '-' || a.object_value_key) AS target_node,
        a.kind,
        a.first_seen,
        coalesce(a.last_seen, a.first_seen) AS last_seen,
        a.agency_code,
        a.source,
        a.grading,
        CAST(NULL AS VARCHAR) AS offence_key,
        f.code AS force_code
    FROM analysis.association AS a
    JOIN person_node AS pn ON pn.record_key = a.person_record_id_key
    LEFT JOIN person_node AS other ON other.record_key = a.linked_person_record_id_key
    LEFT JOIN reference.police_forces AS f ON f.code = a.agency_code
    WHERE (other.node IS NOT NULL OR a.object_value_key IS NOT NULL)
      AND coalesce(other.node, '') <> pn.node
)

SELECT * FROM offence_edge
UNION ALL
SELECT * FROM intelligence_edge
ORDER BY source_node, target_node, kind, first_seen, source, offence_key
