"""Warehouse tables, derived from the core dataset definition.

Three zones, three schemas: `identity` holds direct identifiers and raw keys (readable by
linkage and cleared casework only); `analysis` holds the same rows with identifiers replaced
by keyed hashes and dates of birth by years; `ops` records batches, files (with each file's
provenance: made by `tessera synth` or supplied) and rejections.
Code lists are copied into `reference` so analysis SQL can join them.
"""

from __future__ import annotations

from dataclasses import dataclass

from tessera.dataset import ENTITIES, Entity, Field
from tessera.warehouse.engine import quote_identifier as q

SQL_TYPES = {"text": "VARCHAR", "code": "VARCHAR", "codes": "VARCHAR[]", "date": "DATE",
             "timestamp": "TIMESTAMP", "integer": "INTEGER", "boolean": "BOOLEAN"}


@dataclass(frozen=True)
class Column:
    """One warehouse column and the field it comes from."""

    name: str
    sql_type: str
    field: Field


def analysis_columns(entity: Entity) -> list[Column]:
    """The analysis-zone columns of an entity's fields (keys, years and plain values)."""
    columns: list[Column] = []
    for f in entity.fields[3:]:
        if f.name == entity.natural_key or f.privacy == "direct":
            continue
        if f.privacy == "pseudonymised":
            columns.append(Column(f"{f.name}_key", "VARCHAR", f))
        elif f.privacy == "year":
            columns.append(Column(f"{f.name}_year", "INTEGER", f))
        else:
            columns.append(Column(f.name, SQL_TYPES[f.kind], f))
    return columns


def identity_columns(entity: Entity) -> list[Column]:
    """The identity-zone columns: every field that does not cross into analysis as it is."""
    return [Column(f.name, SQL_TYPES[f.kind], f) for f in entity.fields[3:]
            if f.privacy != "plain"]


def linkage_table_sqls() -> list[str]:
    """The tables `tessera link` writes, created empty with the rest so that analyses can
    join them before the first linkage run (and find no child yet).

    `analysis.person_link` holds, for every person record, its linked id, and the child_id and
    person_id analyses join on: `C-<id>` when the linked person was ever a child in the data
    (a victim, or the subject of a referral or a health or education contact), `P-<id>` when
    they were ever a suspect or offender; one person can have both. `ops.linkage_runs` keeps
    each run's figures and trained model; `ops.linkage_history` its merges and splits.
    """
    return [
        "CREATE TABLE IF NOT EXISTS analysis.person_link (record_key VARCHAR PRIMARY KEY, "
        "agency_code VARCHAR, linked_id VARCHAR NOT NULL, child_id VARCHAR, person_id VARCHAR, "
        "match_probability DOUBLE, run_id INTEGER)",
        "CREATE SEQUENCE IF NOT EXISTS ops.linkage_run_ids START 1",
        "CREATE TABLE IF NOT EXISTS ops.linkage_runs (run_id INTEGER PRIMARY KEY, "
        "started_at TIMESTAMP, finished_at TIMESTAMP, threshold DOUBLE, seed INTEGER, "
        "records BIGINT, people BIGINT, children BIGINT, persons BIGINT, kept BIGINT, "
        "new BIGINT, merged BIGINT, split BIGINT, model VARCHAR)",
        "CREATE TABLE IF NOT EXISTS ops.linkage_history (run_id INTEGER, event VARCHAR, "
        "linked_id VARCHAR, other_id VARCHAR, records BIGINT)",
    ]


def delivery_table_sqls() -> list[str]:
    """The profile of every delivery, written by the batch that loads it.

    Why at load time: a later delivery replaces an agency's rows by key, so the warehouse
    alone cannot say afterwards how many rows, or how complete a field, an earlier delivery
    was; data quality is scored from these tables (`tessera quality`). Per batch, agency and
    entity: `ops.deliveries` holds rows in, loaded and rejected, the latest `extracted_at`
    and the span of the entity's dating field; `ops.delivery_fields` how many loaded rows each
    field applies to and how many of those have a value; `ops.delivery_rejections` the
    rejected rows by field and rule; `ops.rejected_references` every rejected row's key and
    the key of each loaded row it points at (a rejected party row, the offence), so an
    analysis can say which of its records lost a related row.
    """
    return [
        "CREATE TABLE IF NOT EXISTS ops.deliveries (batch_id INTEGER, agency_code VARCHAR, "
        "entity VARCHAR, rows_in BIGINT, rows_loaded BIGINT, rows_rejected BIGINT, "
        "extracted_at TIMESTAMP, period_start DATE, period_end DATE)",
        "CREATE TABLE IF NOT EXISTS ops.delivery_fields (batch_id INTEGER, "
        "agency_code VARCHAR, entity VARCHAR, field VARCHAR, applicable BIGINT, present BIGINT)",
        "CREATE TABLE IF NOT EXISTS ops.delivery_rejections (batch_id INTEGER, "
        "agency_code VARCHAR, entity VARCHAR, field VARCHAR, rule VARCHAR, rows BIGINT)",
        "CREATE TABLE IF NOT EXISTS ops.rejected_references (batch_id INTEGER, "
        "entity VARCHAR, record_key VARCHAR, field VARCHAR, reference_key VARCHAR)",
    ]


PROFILE_RELEASES_SQL = (
    "CREATE TABLE IF NOT EXISTS ops.profile_releases (force_code VARCHAR, "
    "period_start DATE, period_end DATE, published_at TIMESTAMP)")
"""Each published problem profile: which force, the period it covers and when it was made.

Why kept: HMICFRS 2023 asked every force to refresh its profile at least once a year, and the
recommendations tracker shows how current each force's is (`tessera profile` appends a row per
profile it publishes; `tessera tracker publish` reads the latest)."""


def create_schema_sqls() -> list[str]:
    """Statements creating every schema and table that do not exist yet."""
    sqls = [f"CREATE SCHEMA IF NOT EXISTS {s}" for s in ("identity", "analysis", "ops",
                                                          "reference")]
    sqls += [
        "CREATE SEQUENCE IF NOT EXISTS ops.batch_ids START 1",
        "CREATE TABLE IF NOT EXISTS ops.meta (name VARCHAR PRIMARY KEY, value VARCHAR)",
        "CREATE TABLE IF NOT EXISTS ops.batches (batch_id INTEGER PRIMARY KEY, "
        "started_at TIMESTAMP, finished_at TIMESTAMP, tessera_version VARCHAR)",
        "CREATE TABLE IF NOT EXISTS ops.files (batch_id INTEGER, path VARCHAR, "
        "sha256 VARCHAR, entity VARCHAR, rows_in BIGINT, rows_loaded BIGINT, "
        "rows_rejected BIGINT, provenance VARCHAR)",
        # Warehouses made before provenance was recorded gain the column, empty: their
        # files' origin is unknown, and releases treat it as supplied (warehouse/provenance.py).
        "ALTER TABLE ops.files ADD COLUMN IF NOT EXISTS provenance VARCHAR",
        "CREATE TABLE IF NOT EXISTS ops.rejections (batch_id INTEGER, file VARCHAR, "
        "row BIGINT, field VARCHAR, rule VARCHAR, value VARCHAR, message VARCHAR)",
        *linkage_table_sqls(),
        *delivery_table_sqls(),
        PROFILE_RELEASES_SQL,
    ]
    for entity in ENTITIES:
        table = q(entity.name)
        analysis = ", ".join(f"{q(c.name)} {c.sql_type}" for c in analysis_columns(entity))
        identity = ", ".join(f"{q(c.name)} {c.sql_type}" for c in identity_columns(entity))
        sqls.append(
            f"CREATE TABLE IF NOT EXISTS analysis.{table} (record_key VARCHAR, "
            f"agency_code VARCHAR, extracted_at TIMESTAMP, batch_id INTEGER, {analysis})")
        sqls.append(
            f"CREATE TABLE IF NOT EXISTS identity.{table} (record_key VARCHAR, "
            f"agency_code VARCHAR, source_record_id VARCHAR"
            + (f", {identity})" if identity else ")"))
    return sqls
