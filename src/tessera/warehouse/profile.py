"""Profiling each delivery as it loads: rows, field completeness and rejections per agency.

Why here and not in the quality report: a later delivery replaces an agency's rows by key,
so once it is loaded nobody can tell from the warehouse how many rows, or how complete a
field, the earlier delivery was. Counting while the batch is still staged keeps each
delivery's figures for good, and counts direct identifiers (names, postcodes) without any
later reader having to open the identity zone. Builders are pure: they return SQL over the
staging tables of `loading.py` (`stage`, `stage_ok`, `stage_rejections`) binding $batch_id.
"""

from __future__ import annotations

from tessera.dataset import Entity, Field, codelist
from tessera.warehouse.engine import quote_identifier as q
from tessera.warehouse.engine import quote_literal
from tessera.warehouse.validation import reference_column

PROFILE = "stage_profile"
"""Temporary table of one row per agency holding every field's counts side by side."""


def dating_field(entity: Entity) -> Field | None:
    """The field that dates an entity's records: its first required date, if it has one.

    Why the first required date: it is the date the agency's own process stamps on every
    record (recorded, referred, contacted, first seen), so its span is the period a delivery
    covers; optional dates (an outcome, a closure) say when something else happened.
    """
    return next((f for f in entity.fields if f.kind == "date" and f.required), None)


def applies_sql(entity: Entity, f: Field) -> str:
    """The condition on a row under which `f` is expected to have a value.

    Most fields apply to every row; `analysed_fields.applies_when` narrows one to rows
    whose other field holds given codes (a relationship to the victim is asked of
    perpetrators only), written `field=code;code`.
    """
    rule = codelist("analysed_fields").column("applies_when").get(f"{entity.name}.{f.name}")
    if not rule:
        return "true"
    field, _, codes = rule.partition("=")
    return (f"{q(entity.field(field).name)} IN "
            f"({', '.join(quote_literal(code) for code in codes.split(';'))})")


def delivery_profile_sqls(entity: Entity) -> list[str]:
    """Statements recording this entity's part of the batch in the `ops.deliver*` tables."""
    fields = entity.fields[3:]
    counts = ", ".join(
        f"count(CASE WHEN {applies_sql(entity, f)} THEN 1 END) AS a{i}, "
        f"count(CASE WHEN {applies_sql(entity, f)} THEN {q(f.name)} END) AS p{i}"
        for i, f in enumerate(fields))
    name = quote_literal(entity.name)
    per_field = "\nUNION ALL\n".join(
        f"SELECT $batch_id, agency_code, {name}, {quote_literal(f.name)}, a{i}, p{i} "
        f"FROM {PROFILE}" for i, f in enumerate(fields))
    return [
        _deliveries_sql(entity),
        f"CREATE OR REPLACE TEMP TABLE {PROFILE} AS SELECT agency_code, {counts} "
        "FROM stage_ok GROUP BY agency_code",
        f"INSERT INTO ops.delivery_fields {per_field}",
        f"INSERT INTO ops.delivery_rejections SELECT $batch_id, s.agency_code, {name}, "
        "r.field, r.rule, count(DISTINCT r._n) FROM stage_rejections AS r "
        "JOIN stage AS s ON s._n = r._n GROUP BY s.agency_code, r.field, r.rule",
        *_rejected_references_sqls(entity),
    ]


def _rejected_references_sqls(entity: Entity) -> list[str]:
    """For each rejected row, the loaded rows it points at (none for an entity without
    references, or a reference that found nothing).

    Why: a rejected party row leaves its offence loaded without that party, so the offence
    may be counted in the wrong category; the audit counts such offences per category from
    this table.
    """
    references = [f for f in entity.fields if f.references]
    if not references:
        return []
    name = quote_literal(entity.name)
    rows = "\nUNION ALL\n".join(
        f"SELECT $batch_id, {name}, s._key, {quote_literal(f.name)}, s.{reference_column(f)} "
        f"FROM stage AS s SEMI JOIN stage_rejections AS r ON r._n = s._n "
        f"WHERE s.{reference_column(f)} IS NOT NULL" for f in references)
    return [f"INSERT INTO ops.rejected_references {rows}"]


def _deliveries_sql(entity: Entity) -> str:
    """Rows in, loaded and rejected per agency, with the extraction time and period of the
    loaded rows (rejected rows may hold dates that are not dates)."""
    dating = dating_field(entity)
    period = (f"TRY_CAST(s.{q(dating.name)} AS DATE)" if dating else "CAST(NULL AS DATE)")
    loaded = "r._n IS NULL"
    return (
        f"INSERT INTO ops.deliveries SELECT $batch_id, s.agency_code, "
        f"{quote_literal(entity.name)}, count(*), count(*) - count(r._n), count(r._n), "
        f"max(CASE WHEN {loaded} THEN TRY_CAST(s.extracted_at AS TIMESTAMP) END), "
        f"min(CASE WHEN {loaded} THEN {period} END), max(CASE WHEN {loaded} THEN {period} END) "
        "FROM stage AS s LEFT JOIN (SELECT DISTINCT _n FROM stage_rejections) AS r "
        "ON r._n = s._n GROUP BY s.agency_code")
