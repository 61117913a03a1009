-- Table: the input rows of the entities the audit reads that `tessera ingest` rejected, over
-- every delivery loaded (ops.deliveries). A rejected offence is in no count; a rejected party,
-- person record or demographic statement leaves its offence counted without it, which
-- `rejected_related.sql` measures per category.
WITH audited (entity, entity_order) AS (
    VALUES ('offence', 1), ('offence_party', 2), ('person_record', 3),
           ('party_demographics', 4)
)

SELECT
    a.entity,
    coalesce(sum(d.rows_in), 0) AS rows_in,
    coalesce(sum(d.rows_rejected), 0) AS rows_rejected
FROM audited AS a
LEFT JOIN ops.deliveries AS d ON d.entity = a.entity
GROUP BY a.entity, a.entity_order
ORDER BY a.entity_order
