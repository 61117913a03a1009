-- Table: CSA offences, by category, that lost a related row to rejection at ingest: a party row
-- of the offence, or a demographic statement about one of its parties, was rejected (a party
-- whose person record was rejected is itself rejected, as its reference finds nothing). Such
-- an offence was placed without that row: a second perpetrator, a family relationship or a
-- victim's age may be missing from its category. A rejected row loaded since (same key, a
-- later delivery) no longer counts. Read from ops.rejected_references.
WITH lost_party AS (
    SELECT rr.reference_key AS offence_key
    FROM ops.rejected_references AS rr
    ANTI JOIN analysis.offence_party AS op ON op.record_key = rr.record_key
    WHERE rr.entity = 'offence_party' AND rr.field = 'crime_ref'
),

lost_statement AS (
    SELECT op.crime_ref_key AS offence_key
    FROM ops.rejected_references AS rr
    JOIN analysis.offence_party AS op ON op.record_key = rr.reference_key
    ANTI JOIN analysis.party_demographics AS d ON d.record_key = rr.record_key
    WHERE rr.entity = 'party_demographics' AND rr.field = 'offence_party_id'
),

lost AS (
    SELECT offence_key FROM lost_party
    UNION
    SELECT offence_key FROM lost_statement
)

SELECT
    count(*) FILTER (WHERE is_csa) AS csa_offences,
    count(*) FILTER (WHERE is_csa AND more_than_one_perpetrator) AS more_than_one_perpetrator,
    count(*) FILTER (WHERE category = 'intra_familial') AS intra_familial,
    count(*) FILTER (WHERE category = 'institutional') AS institutional,
    count(*) FILTER (WHERE category = 'group_based_cse') AS group_based_cse,
    count(*) FILTER (WHERE category = 'other_multiple') AS other_multiple,
    count(*) FILTER (WHERE category = 'single_perpetrator') AS single_perpetrator,
    count(*) FILTER (WHERE is_online) AS online
FROM offence_category
SEMI JOIN lost ON lost.offence_key = offence_category.record_key
