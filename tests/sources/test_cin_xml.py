"""Reading CIN census XML returns: round trip through the writer, streaming, bad files.

Why a round trip: the writer's returns pass the DfE validator (tests/synth), so reading them
back unchanged shows the reader maps a valid return onto the core dataset without loss.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tessera.dataset import codelist
from tessera.errors import UnreadableFileError
from tessera.sources.cin_xml import cin_ethnicity_to_ons, read_cin_census
from tessera.synth import generate
from tessera.synth.cin_census import census_rows, ons_to_cin_ethnicity, write_cin_census
from tests.synth.test_cin_census import largest_authority

YEAR = 2024
PERSON_FIELDS = ("la_child_id", "upn", "date_of_birth", "sex")
REFERRAL_FIELDS = ("referral_date", "referral_source", "primary_need", "assessment_factors",
                   "section47_date", "cpp_start_date", "cpp_end_date", "cpp_category",
                   "closure_date", "closure_reason")


def test_round_trip_keeps_every_child_and_episode(tmp_path: Path) -> None:
    generate(tmp_path / "synth", scale=0.1, seed=3, bad_share=0)
    la_code, people, referrals = largest_authority(tmp_path / "synth", YEAR)
    la_number = codelist("local_authorities").column("la_number")[la_code]
    path = write_cin_census(people, referrals, la_number, tmp_path / "cin.xml", YEAR)
    written_people, written_episodes = census_rows(people, referrals, YEAR)

    person_extract, referral_extract = read_cin_census(path)

    read_people = person_extract.table.to_pylist()
    assert len(read_people) == len(written_people) > 0
    for row, (position, read) in zip(written_people, enumerate(read_people, start=1),
                                     strict=True):
        assert {f: read[f] for f in PERSON_FIELDS} == {f: row.get(f) for f in PERSON_FIELDS}
        # ONS 18 (Arab) has no CIN code, so it comes back as 19 (any other); none as NK.
        expected = cin_ethnicity_to_ons()[ons_to_cin_ethnicity().get(row.get("ethnicity", ""),
                                                                     "NOBT")]
        assert read["ethnicity"] == expected
        assert read["source_record_id"] == row["la_child_id"]
        assert read["agency_code"] == la_code
        assert read["disability"] == ("true" if row.get("disability") == "true" else "false")
        assert read["_row"] == position
    ids = {p["source_record_id"]: p["la_child_id"] for p in written_people}
    read_episodes = referral_extract.table.to_pylist()
    assert len(read_episodes) == len(written_episodes)
    for row, read in zip(written_episodes, read_episodes, strict=True):
        assert {f: read[f] for f in REFERRAL_FIELDS} == {f: row.get(f) for f in REFERRAL_FIELDS}
        assert read["person_record_id"] == ids[row["person_record_id"]]
        assert read["la_code"] == la_code
        assert read["source_record_id"].startswith(read["person_record_id"] + "-")
    assert person_extract.table.column_names[:-1] == list(person_extract.entity.column_names)


def test_a_large_return_is_streamed(tmp_path: Path) -> None:
    people = [{"source_record_id": f"C{i}", "la_child_id": f"C{i}", "sex": "F",
               "date_of_birth": "2012-03-04", "extracted_at": "2024-04-02T00:00:00"}
              for i in range(5000)]
    referrals = [{"person_record_id": f"C{i}", "referral_date": "2023-06-01"}
                 for i in range(5000)]
    path = write_cin_census(people, referrals, "805", tmp_path / "big.xml", YEAR)

    person_extract, referral_extract = read_cin_census(path, agency_code="TEST")

    assert person_extract.rows == referral_extract.rows == 5000
    assert person_extract.table["source_record_id"][4999].as_py() == "C4999"
    assert set(referral_extract.table["agency_code"].to_pylist()) == {"TEST"}
    assert set(referral_extract.table["la_code"].to_pylist()) == {"E06000001"}


@pytest.mark.parametrize(("description", "text", "problem"), [
    ("not XML at all", "a,b\n1,2\n", "not well-formed XML"),
    ("a namespaced root", '<Message xmlns="http://www.dfe.gov.uk/CIN"><Header/></Message>',
     "not a CIN census return"),
    ("an unknown LEA", "<Message><Header><Source><LEA>000</LEA></Source></Header>"
     "<Children/></Message>", "not a known local authority"),
])
def test_bad_files_are_unreadable(tmp_path: Path, description: str, text: str,
                                  problem: str) -> None:
    path = tmp_path / "bad.xml"
    path.write_text(text)
    with pytest.raises(UnreadableFileError, match=problem) as raised:
        read_cin_census(path)
    assert str(path) in raised.value.message, description


HAND_WRITTEN = Path(__file__).parent.parent / "data" / "cin"


def test_a_hand_written_2024_25_return_maps_what_a_generator_rarely_makes() -> None:
    """Several episodes, assessments, enquiries and plans; optional parts absent; no UPN."""
    people, referrals = read_cin_census(HAND_WRITTEN / "hartlepool_2024-25.xml")

    assert [(p["source_record_id"], p["upn"], p["date_of_birth"], p["sex"], p["disability"],
             p["_row"]) for p in people.table.to_pylist()] == [
        ("HART0001", "Q383200101001", "2010-03-04", "F", "true", 1),
        ("HART0002", None, "2025-04-10", "U", None, 2),  # expected date of birth
        ("HART0003", "G805123423001", "2012-11-30", "X", "false", 3),
    ]
    first, second, nfa, bad = referrals.table.to_pylist()
    assert (first["assessment_factors"], first["section47_date"]) == ("11A;19B;10A",
                                                                      "2024-05-06")
    # Two plans (SAB, then NEG turned EMO): first start, last end, several categories.
    assert (first["cpp_start_date"], first["cpp_end_date"], first["cpp_category"]) == (
        "2024-05-24", "2025-02-21", "MUL")
    assert {k: v for k, v in second.items() if v is not None} == {
        "agency_code": "E06000001", "source_record_id": "HART0001-2",
        "extracted_at": "2025-04-20T09:30:00", "la_code": "E06000001",
        "person_record_id": "HART0001", "referral_date": "2025-03-10", "_row": 1}
    assert (nfa["closure_reason"], nfa["_row"]) == ("RC8", 2)
    assert (bad["referral_date"], bad["_row"]) == ("2024-02-30", 3)


def test_a_hand_written_return_of_the_earlier_format_reads_gender_and_01_booleans() -> None:
    """GenderCurrent 1 and 2 are M and F; no DateTime means made on the ReferenceDate."""
    people, referrals = read_cin_census(HAND_WRITTEN / "birmingham_2023-24.xml")

    assert [(p["agency_code"], p["sex"], p["upn"], p["extracted_at"])
            for p in people.table.to_pylist()] == [
        ("E08000025", "M", "N330400124002", "2024-03-31T00:00:00"),
        ("E08000025", "F", None, "2024-03-31T00:00:00")]
    assert [(r["section47_date"], r["cpp_start_date"], r["cpp_end_date"], r["cpp_category"])
            for r in referrals.table.to_pylist()] == [
        ("2023-06-14", None, None, None), (None, "2023-10-20", None, "SAB")]


def test_an_unknown_gender_code_is_kept_for_the_code_list_rule(tmp_path: Path) -> None:
    """Mapping an unknown GenderCurrent to nothing would hide what the authority sent."""
    text = (HAND_WRITTEN / "birmingham_2023-24.xml").read_text(encoding="utf-8")
    path = tmp_path / "return.xml"
    path.write_text(text.replace("<GenderCurrent>1<", "<GenderCurrent>7<"), encoding="utf-8")
    people, _ = read_cin_census(path)
    assert people.table["sex"].to_pylist() == ["7", "F"]
