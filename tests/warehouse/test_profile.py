"""Delivery profiles: each batch counts, per agency, its rows, field values and rejections."""

from __future__ import annotations

from pathlib import Path

import sqlglot

from tessera.dataset import ENTITIES, entity
from tessera.sources.delivery import Delivery
from tessera.warehouse.engine import Engine
from tessera.warehouse.loading import ingest
from tessera.warehouse.profile import applies_sql, dating_field, delivery_profile_sqls
from tessera.warehouse.pseudonym import PseudonymKey
from tests.conftest import EXTRACTED, FORCE, offence, party, person, write_extract

OTHER = "cleveland"


def _load(tmp_path: Path, key: PseudonymKey) -> Path:
    """One delivery holding two forces' rows in the same files, with known gaps and errors."""
    folder = tmp_path / "extract"
    write_extract(folder / "person_record.csv", "person_record", [
        person("P1"), person("P2", postcode=""), person("P3", sex="Q"),
        person("P1", agency_code=OTHER, postcode="", nationality="")])
    write_extract(folder / "offence.csv", "offence", [
        offence("1/23"), offence("2/23", setting="", recorded_date="2023-06-30"),
        offence("1/23", agency_code=OTHER, force_code=OTHER, recorded_date="2023-02-01",
                committed_from="2023-01-01", committed_to="2023-01-31")])
    write_extract(folder / "offence_party.csv", "offence_party", [
        party("X1", "1/23", "P1"),
        party("X2", "1/23", "P2", role="suspect", relationship_to_victim="family_member"),
        party("X3", "2/23", "P2", role="offender"),
        party("X4", "9/99", "P1")])
    warehouse = tmp_path / "w.duckdb"
    ingest(Delivery.find([folder]), warehouse=warehouse, key=key, output=tmp_path / "o")
    return warehouse


def test_rows_in_loaded_rejected_and_period_per_agency(tmp_path: Path,
                                                       key: PseudonymKey) -> None:
    """Each agency's rows are counted apart, rejections included, and the period is the span
    of its loaded offences' recorded dates."""
    with Engine.open(_load(tmp_path, key), read_only=True) as engine:
        rows = engine.rows("SELECT agency_code, entity, rows_in, rows_loaded, rows_rejected, "
                           "CAST(extracted_at AS VARCHAR) AS extracted_at, period_start, "
                           "period_end FROM ops.deliveries ORDER BY agency_code, entity")
    got = {(r["agency_code"], r["entity"]): r for r in rows}
    assert set(got) == {(FORCE, "person_record"), (FORCE, "offence"), (FORCE, "offence_party"),
                        (OTHER, "person_record"), (OTHER, "offence")}
    assert [got[(FORCE, e)]["rows_in"] for e in ("person_record", "offence", "offence_party")
            ] == [3, 2, 4]
    assert (got[(FORCE, "person_record")]["rows_rejected"],
            got[(FORCE, "offence_party")]["rows_rejected"]) == (1, 1)
    offences = got[(FORCE, "offence")]
    assert (str(offences["period_start"]), str(offences["period_end"])) == (
        "2023-05-01", "2023-06-30")
    assert str(got[(OTHER, "offence")]["period_end"]) == "2023-02-01"
    assert got[(FORCE, "person_record")]["period_end"] is None
    assert got[(FORCE, "offence")]["extracted_at"] == EXTRACTED.replace("T", " ")


def test_field_counts_only_count_the_rows_a_field_applies_to(tmp_path: Path,
                                                             key: PseudonymKey) -> None:
    """Completeness is counted over loaded rows; a relationship to the victim is asked of
    perpetrators only, so victims without one do not count against the force."""
    with Engine.open(_load(tmp_path, key), read_only=True) as engine:
        rows = engine.rows("SELECT agency_code, entity, field, applicable, present "
                           "FROM ops.delivery_fields")
    counts = {(r["agency_code"], r["entity"], r["field"]): (r["applicable"], r["present"])
              for r in rows}
    assert counts[(FORCE, "person_record", "postcode")] == (2, 1)
    assert counts[(OTHER, "person_record", "postcode")] == (1, 0)
    assert counts[(OTHER, "person_record", "nationality")] == (1, 0)
    assert counts[(FORCE, "offence", "setting")] == (2, 1)
    assert counts[(FORCE, "offence_party", "relationship_to_victim")] == (2, 1)
    assert counts[(FORCE, "offence_party", "age_at_offence")] == (3, 3)


def test_rejections_are_counted_per_agency_and_rule(tmp_path: Path, key: PseudonymKey) -> None:
    """A bad sex code and a party of an unknown offence, each under its rule and agency."""
    with Engine.open(_load(tmp_path, key), read_only=True) as engine:
        rows = engine.rows("SELECT agency_code, entity, field, rule, rows "
                           "FROM ops.delivery_rejections ORDER BY entity")
    assert [tuple(r.values()) for r in rows] == [
        (FORCE, "offence_party", "crime_ref", "reference", 1),
        (FORCE, "person_record", "sex", "code_list", 1)]


def test_rejected_rows_keep_the_keys_of_the_rows_they_point_at(tmp_path: Path,
                                                                key: PseudonymKey) -> None:
    """The party of an unknown offence points at no offence, but at its person, P1."""
    with Engine.open(_load(tmp_path, key), read_only=True) as engine:
        rows = engine.rows("SELECT entity, field, reference_key FROM ops.rejected_references")
        p1 = engine.scalar("SELECT record_key FROM identity.person_record "
                           "WHERE agency_code = ? AND source_record_id = 'P1'", [FORCE])
    assert rows == [{"entity": "offence_party", "field": "person_record_id",
                     "reference_key": p1}]


def test_the_dating_field_is_the_first_required_date() -> None:
    """Offences are dated by when they were recorded; person records have no such date."""
    assert dating_field(entity("offence")).name == "recorded_date"  # type: ignore[union-attr]
    assert dating_field(entity("referral")).name == "referral_date"  # type: ignore[union-attr]
    assert dating_field(entity("person_record")) is None


def test_applies_sql_narrows_only_the_fields_the_list_narrows() -> None:
    """The analysed-fields list narrows relationship_to_victim to perpetrator roles."""
    party_entity = entity("offence_party")
    assert applies_sql(party_entity, party_entity.field("relationship_to_victim")) == (
        "\"role\" IN ('suspect', 'offender')")
    assert applies_sql(party_entity, party_entity.field("age_at_offence")) == "true"


def test_profile_statements_transpile_to_spark() -> None:
    """The profiling SQL of every entity is plain enough for sqlglot to write as Spark."""
    for e in ENTITIES:
        for sql in delivery_profile_sqls(e):
            sqlglot.transpile(sql.replace("$batch_id", "1"), read="duckdb", write="spark",
                              unsupported_level=sqlglot.ErrorLevel.RAISE)
