"""The CIN census writer's returns pass the DfE validator (csc-validator-be-cin).

Why the real validator: a return that only our own reader accepts would prove nothing about
the files authorities send. The validator pins pandas<2, so scripts/cin-validator.sh runs it in
its own virtual environment; if it cannot be installed this test fails rather than skips.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pa_csv
import pytest

from tessera.dataset import codelist, entity
from tessera.synth import generate
from tessera.synth.cin_census import census_rows, write_cin_census

PERSON_RECORD = entity("person_record")
REFERRAL = entity("referral")
ROOT = Path(__file__).resolve().parents[2]
YEAR = 2024
MIN_CHILDREN = 25
"""Returns of under about 20 children trip the LA-level query 2887Q (cin_census.md)."""
KNOWN_RETURN_QUERIES = {"2888Q"}
"""Return-level query: one disability code per child; the core dataset holds only a flag."""


def read_rows(path: Path, columns: tuple[str, ...]) -> pa.Table:
    """A core CSV extract as text."""
    return pa_csv.read_csv(path, convert_options=pa_csv.ConvertOptions(
        column_types=dict.fromkeys(columns, pa.string()), strings_can_be_null=True))


def largest_authority(out: Path, year: int) -> tuple[str, pa.Table, pa.Table]:
    """The synthetic authority whose return for `year` has the most children."""
    best: tuple[int, str, pa.Table, pa.Table] | None = None
    for folder in sorted((out / "extracts" / "social_care").iterdir()):
        people = read_rows(folder / "person_record.csv", PERSON_RECORD.column_names)
        referrals = read_rows(folder / "referral.csv", REFERRAL.column_names)
        count = len(census_rows(people, referrals, year)[0])
        if best is None or count > best[0]:
            best = (count, folder.name, people, referrals)
    assert best is not None
    return best[1], best[2], best[3]


@pytest.fixture(scope="module")
def cin_return(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A written return of the largest authority in a small synthetic set."""
    out = tmp_path_factory.mktemp("cin")
    generate(out, scale=0.1, seed=3, bad_share=0)
    la_code, people, referrals = largest_authority(out, YEAR)
    assert len(census_rows(people, referrals, YEAR)[0]) >= MIN_CHILDREN
    la_number = codelist("local_authorities").column("la_number")[la_code]
    return write_cin_census(people, referrals, la_number, out / "cin.xml", YEAR)


def test_written_return_passes_the_dfe_validator(cin_return: Path) -> None:
    result = subprocess.run(["bash", str(ROOT / "scripts" / "cin-validator.sh"),
                             str(cin_return), "cin2024_25"],
                            capture_output=True, text=True, timeout=900, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    issues = [line.split("\t") for line in result.stdout.splitlines() if line.strip()]
    child_issues = [i for i in issues if i[0] == "child"]
    return_issues = {i[1] for i in issues if i[0] == "return"}
    assert child_issues == []
    assert return_issues <= KNOWN_RETURN_QUERIES


def test_only_episodes_the_year_can_hold_are_written(cin_return: Path) -> None:
    text = cin_return.read_text()
    assert "<ReferenceDate>2024-03-31</ReferenceDate>" in text
    assert text.count("<Child>") >= MIN_CHILDREN
    assert 'xmlns' not in text


def test_a_lone_no_factor_code_is_given_to_assessed_closures_without_factors() -> None:
    person = {"agency_code": "E06000001", "source_record_id": "SC1", "la_child_id": "8051",
              "date_of_birth": "2015-01-01", "sex": "F"}
    referral = {"person_record_id": "SC1", "referral_date": "2023-05-02",
                "closure_date": "2023-06-01", "closure_reason": "RC8", "assessment_factors": ""}
    _, episodes = census_rows([person], [referral], YEAR)
    assert episodes[0]["assessment_factors"] == "21"


def test_overlapping_and_out_of_year_episodes_are_left_out() -> None:
    person = {"source_record_id": "SC1", "date_of_birth": "2015-01-01", "sex": "F"}
    referrals = [
        {"person_record_id": "SC1", "referral_date": "2023-05-02"},  # open all year
        {"person_record_id": "SC1", "referral_date": "2023-07-01"},  # overlaps the first
        {"person_record_id": "SC1", "referral_date": "2022-07-01"},  # before the year
    ]
    _, episodes = census_rows([person], referrals, YEAR)
    assert [e["referral_date"] for e in episodes] == ["2023-05-02"]
