"""The SQL the quality scores read: each delivery's profile, kept by the batch that loaded it
(`warehouse/profile.py`), and the last linkage run.

Why named constants and not files: four short SELECTs over the `ops` tables, each read by one
function of `service.py`; plain SQL (no DuckDB-only syntax), so the same text transpiles to
Spark.
"""

from __future__ import annotations

DELIVERIES_SQL = """
SELECT
    coalesce(d.agency_code, '(no agency_code)') AS agency_code,
    coalesce(pf.label, la.label, d.agency_code, 'Rows sent without an agency_code') AS agency_label,
    d.batch_id,
    d.entity,
    b.finished_at AS loaded_at,
    d.rows_in,
    d.rows_loaded,
    d.rows_rejected,
    d.extracted_at,
    d.period_start,
    d.period_end
FROM ops.deliveries AS d
LEFT JOIN ops.batches AS b ON b.batch_id = d.batch_id
LEFT JOIN reference.police_forces AS pf ON pf.code = d.agency_code
LEFT JOIN reference.local_authorities AS la ON la.code = d.agency_code
ORDER BY d.agency_code, d.batch_id, d.entity
"""
"""One row per agency, delivery (batch) and entity; an agency's label from the code lists.
Rows without an agency_code (all rejected) are scored together, so they are not lost."""

FIELDS_SQL = """
SELECT
    f.agency_code,
    f.batch_id,
    f.entity,
    f.field,
    a.read_by,
    f.applicable,
    f.present
FROM ops.delivery_fields AS f
JOIN reference.analysed_fields AS a ON a.entity = f.entity AND a.field = f.field
ORDER BY f.agency_code, f.batch_id, f.entity, a.code
"""
"""Completeness counts of the fields the analyses read (reference.analysed_fields) only."""

REJECTIONS_SQL = """
SELECT
    coalesce(agency_code, '(no agency_code)') AS agency_code,
    batch_id, entity, field, rule, sum(rows) AS rows
FROM ops.delivery_rejections
GROUP BY coalesce(agency_code, '(no agency_code)'), batch_id, entity, field, rule
ORDER BY agency_code, batch_id, rows DESC, entity, field, rule
"""
"""Rejected rows by rule: a row that breaks two rules counts under each."""

LINKED_RUNS_SQL = "SELECT count(*) FROM ops.linkage_runs"
"""Linkage runs so far: none means shares of joined records cannot be known yet."""

LINKAGE_SQL = """
WITH agencies_per_person AS (
    SELECT linked_id, count(DISTINCT agency_code) AS agencies
    FROM analysis.person_link
    GROUP BY linked_id
)
SELECT
    l.agency_code,
    count(*) AS records,
    sum(CASE WHEN a.agencies > 1 THEN 1 ELSE 0 END) AS joined
FROM analysis.person_link AS l
JOIN agencies_per_person AS a ON a.linked_id = l.linked_id
GROUP BY l.agency_code
"""
"""Per agency, its person records in the last linkage run and how many of them were joined
to a record of another agency (the same linked person)."""

REQUIRED_TABLES: tuple[tuple[str, str], ...] = (
    ("ops", "deliveries"), ("ops", "delivery_fields"), ("ops", "delivery_rejections"),
    ("reference", "analysed_fields"), ("ops", "linkage_runs"),
)
"""Tables the scores read: all are made by the first `tessera ingest` of this version."""
