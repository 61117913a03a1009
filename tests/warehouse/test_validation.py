"""Every validation rule, one table-driven case each: a valid row with one field broken must
be rejected for exactly that field and rule, and nothing else about the batch may change."""

from __future__ import annotations

from pathlib import Path

import pytest

from tessera.sources.delivery import Delivery
from tessera.warehouse.engine import Engine
from tessera.warehouse.loading import ingest
from tessera.warehouse.pseudonym import PseudonymKey
from tests.conftest import offence, party, person, write_extract

# (description, entity, overrides of the broken row, expected field, expected rule)
CASES = [
    ("required field empty", "offence", {"recorded_date": ""}, "recorded_date", "required"),
    ("unknown offence code", "offence", {"ho_offence_code": "99Z"}, "ho_offence_code",
     "code_list"),
    ("unknown force", "offence", {"force_code": "gotham"}, "force_code", "code_list"),
    ("unknown outcome type", "offence", {"outcome_type": "23"}, "outcome_type", "code_list"),
    ("impossible date", "offence", {"recorded_date": "2023-02-30"}, "recorded_date", "date"),
    ("date in another format", "offence", {"recorded_date": "01/05/2023"}, "recorded_date",
     "date"),
    ("outcome before recording", "offence", {"outcome_date": "2023-04-15"}, "outcome_date",
     "date_order"),
    ("committed after recorded", "offence", {"committed_from": "2023-06-01",
     "committed_to": "2023-06-02"}, "recorded_date", "date_order"),
    ("date after the extract", "offence", {"outcome_date": "2024-06-01"}, "outcome_date",
     "after_extraction"),
    ("not a boolean", "offence", {"cse_flag": "maybe"}, "cse_flag", "boolean"),
    ("lsoa format", "offence", {"lsoa": "LS6"}, "lsoa", "format"),
    ("bad extraction timestamp", "offence", {"extracted_at": "yesterday"}, "extracted_at",
     "timestamp"),
    ("agency code format", "offence", {"agency_code": "west yorkshire!"}, "agency_code",
     "format"),
    ("NHS number check digit", "person_record", {"nhs_number": "9434765918"}, "nhs_number",
     "nhs_number"),
    ("NHS number of 9 digits", "person_record", {"nhs_number": "943476591"}, "nhs_number",
     "nhs_number"),
    ("UPN check letter", "person_record", {"upn": "A383200101001"}, "upn", "upn"),
    ("unknown sex code", "person_record", {"sex": "Z"}, "sex", "code_list"),
    ("unknown ethnicity code", "person_record", {"ethnicity": "W7"}, "ethnicity", "code_list"),
    ("postcode format", "person_record", {"postcode": "LEEDS"}, "postcode", "format"),
    ("name too long", "person_record", {"given_name": "A" * 101}, "given_name", "max_length"),
    ("unknown nationality", "person_record", {"nationality": "XXX"}, "nationality",
     "code_list"),
    ("age out of range", "offence_party", {"age_at_offence": "130"}, "age_at_offence",
     "integer"),
    ("age not a number", "offence_party", {"age_at_offence": "thirteen"}, "age_at_offence",
     "integer"),
    ("unknown role", "offence_party", {"role": "bystander"}, "role", "code_list"),
    ("orphan party: no such offence", "offence_party", {"crime_ref": "13/999/23"},
     "crime_ref", "reference"),
    ("orphan party: no such person", "offence_party", {"person_record_id": "P999"},
     "person_record_id", "reference"),
    ("offence before the person was born", "offence_party", {"person_record_id": "PB"},
     "crime_ref", "offence_before_birth"),
    ("duplicate key in one file", "offence", {"crime_ref": "13/1/23"}, "crime_ref",
     "duplicate"),
]


def _write_case(folder: Path, entity_name: str, overrides: dict[str, str]) -> int:
    """Write a valid extract plus one row with `overrides`; return that row's number."""
    people = [person("P1"), person("PB", date_of_birth="2023-05-01", nhs_number="",
                                   upn="")]
    offences = [offence("13/1/23")]
    parties = [party("X1", "13/1/23", "P1")]
    if entity_name == "person_record":
        people.append(person("PX", **overrides))
    elif entity_name == "offence":
        offences.append(offence("13/2/23", **overrides))
    else:
        parties.append({**party("XX", "13/1/23", "P1"), **overrides})
    write_extract(folder / "person_record.csv", "person_record", people)
    write_extract(folder / "offence.csv", "offence", offences)
    write_extract(folder / "offence_party.csv", "offence_party", parties)
    return {"person_record": len(people), "offence": len(offences)}.get(entity_name,
                                                                         len(parties))


@pytest.mark.parametrize(("description", "entity_name", "overrides", "field", "rule"), CASES,
                         ids=[c[0] for c in CASES])
def test_rule_rejects_exactly_the_broken_row(tmp_path: Path, key: PseudonymKey,
                                             description: str, entity_name: str,
                                             overrides: dict[str, str], field: str,
                                             rule: str) -> None:
    """The broken row is rejected for the expected field and rule, with a message; the valid
    rows around it load, and the accounting identity holds."""
    broken_row = _write_case(tmp_path / "in", entity_name, overrides)
    result = ingest(Delivery.find([tmp_path / "in"]), warehouse=tmp_path / "w.duckdb", key=key,
                    output=tmp_path / "out")
    assert result.rows_in == result.rows_loaded + result.rows_rejected
    assert result.rows_rejected == 1, description
    with Engine.open(tmp_path / "w.duckdb", read_only=True) as engine:
        rejections = engine.rows("SELECT file, row, field, rule, message FROM ops.rejections")
    assert [(r["field"], r["rule"]) for r in rejections] == [(field, rule)], description
    assert rejections[0]["row"] == broken_row
    assert rejections[0]["file"].endswith(f"{entity_name}.csv")
    assert len(rejections[0]["message"]) > 15
    assert result.rejections_csv is not None and result.rejections_csv.exists()


def test_rejected_identifiers_are_masked(tmp_path: Path, key: PseudonymKey) -> None:
    """A rejected NHS number is personal data: the rejection shows only its last two digits."""
    _write_case(tmp_path / "in", "person_record", {"nhs_number": "9434765918"})
    ingest(Delivery.find([tmp_path / "in"]), warehouse=tmp_path / "w.duckdb", key=key,
           output=tmp_path / "o")
    with Engine.open(tmp_path / "w.duckdb", read_only=True) as engine:
        value, message = engine.rows("SELECT value, message FROM ops.rejections")[0].values()
    assert value == "********18"
    assert "9434765918" not in message
    assert "9434765918" not in (tmp_path / "o" / "rejections" / "batch-1.csv").read_text()


def test_several_broken_fields_are_all_reported(tmp_path: Path, key: PseudonymKey) -> None:
    """A row with two faults is one rejected row with two reasons, so one fix pass suffices."""
    _write_case(tmp_path / "in", "offence", {"ho_offence_code": "99Z", "setting": "moon"})
    result = ingest(Delivery.find([tmp_path / "in"]), warehouse=tmp_path / "w.duckdb", key=key,
                    output=tmp_path / "o")
    assert result.rows_rejected == 1
    with Engine.open(tmp_path / "w.duckdb", read_only=True) as engine:
        rules = engine.rows("SELECT field FROM ops.rejections ORDER BY field")
    assert [r["field"] for r in rules] == ["ho_offence_code", "setting"]


def test_multi_code_field_accepts_known_codes_and_names_unknown(tmp_path: Path,
                                                                key: PseudonymKey) -> None:
    """Assessment factors are a ';' list: known codes load as a list, an unknown one is named."""
    folder = tmp_path / "in"
    la = "E08000035"
    child = person("C1", agency_code=la)
    write_extract(folder / "person_record.csv", "person_record", [child])
    base = {"agency_code": la, "extracted_at": "2024-01-15T06:00:00", "la_code": la,
            "person_record_id": "C1", "referral_date": "2023-01-10"}
    write_extract(folder / "referral.csv", "referral", [
        {**base, "source_record_id": "R1", "assessment_factors": "11A; 10A"},
        {**base, "source_record_id": "R2", "assessment_factors": "11A;99Q"}])
    result = ingest(Delivery.find([folder]), warehouse=tmp_path / "w.duckdb", key=key,
                    output=tmp_path / "o")
    with Engine.open(tmp_path / "w.duckdb", read_only=True) as engine:
        factors = engine.scalar("SELECT assessment_factors FROM analysis.referral")
        message = engine.scalar("SELECT message FROM ops.rejections")
    assert result.rows_rejected == 1
    assert factors == ["11A", "10A"]
    assert "99Q" in message
