"""Problem profiles on the hand-made audit warehouse (`populate_audit_fixture`): every section
for every force, and figures against a recount over the warehouse's raw tables.

The fixture's CSA offences are known (its docstring): west-yorkshire 9, kent 3, group-based
CSE 2 (both west-yorkshire); every other force, City of London and British Transport Police
among them, has none, so their profiles must come out whole with zeros.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from tessera.analysis.profile import (
    NATIONAL,
    SECTIONS,
    Period,
    Profile,
    force_codes,
    run_profiles,
)
from tessera.analysis.results import StatTable
from tessera.errors import AnalysisError
from tessera.warehouse.engine import Engine
from tests.analysis.audit_fixture import populate_audit_fixture

EVERY = [*force_codes(), NATIONAL]


@pytest.fixture(scope="module")
def profiles() -> Iterator[dict[str, Profile]]:
    """Every force's profile and the national one over the fixture's whole span (built once:
    the tests only read them)."""
    with Engine.open(None) as engine:
        populate_audit_fixture(engine)
        yield {p.force_code: p for p in run_profiles(engine, EVERY)}


def _value(table: StatTable, code: str, column: str) -> object:
    (row,) = (r for r in table.records() if next(iter(r.values())) == code)
    return row[column]


def test_every_force_has_every_section_and_table(profiles: dict[str, Profile]) -> None:
    """45 profiles (44 forces and England and Wales), each with all nine sections' tables."""
    assert len(profiles) == 45 and {"city-of-london", "btp"} <= set(
        profiles)
    for profile in profiles.values():
        assert [s.key for s in profile.sections] == [s.key for s in SECTIONS]
        for section in profile.sections:
            for name in section.tables:
                assert name in profile.tables, (profile.force_code, name)


def test_a_force_with_no_offences_gets_zeros_not_gaps(profiles: dict[str, Profile]) -> None:
    """City of London has no offence in the fixture: its tables hold zeros, every month is
    listed, and the national picture is still beside it."""
    city = profiles["city-of-london"]
    assert _value(city.tables["definitions"], "csa_offences", "offences") == 0
    trend = city.tables["trend"]
    assert trend.rows and all(r["csa_offences"] == 0 for r in trend.records())
    assert sum(int(str(v)) for v in trend.column("national_csa")) > 0
    assert all(r["people"] == 0 for r in city.tables["victim_profile"].records())


def test_definitions_agree_with_a_recount(profiles: dict[str, Profile],
                                          audit_engine: Engine) -> None:
    """CSA offences per force as documented; the flag and code 71 recounted from the raw
    offence table of the same CSA offences."""
    west, kent = profiles["west-yorkshire"], profiles["kent"]
    assert _value(west.tables["definitions"], "csa_offences", "offences") == 9
    assert _value(kent.tables["definitions"], "csa_offences", "offences") == 3
    assert _value(west.tables["definitions"], "group_based", "offences") == 2
    assert _value(profiles[NATIONAL].tables["definitions"], "csa_offences", "offences") == 12
    flagged = audit_engine.scalar(
        "SELECT count(*) FROM analysis.offence WHERE force_code = 'west-yorkshire' "
        "AND cse_flag")
    # WY-CSE and WY-PRECEDENCE are flagged; both are CSA offences.
    assert _value(west.tables["definitions"], "cse_flag", "offences") == flagged == 2
    code_71 = audit_engine.scalar(
        "SELECT count(*) FROM analysis.offence WHERE force_code = 'west-yorkshire' "
        "AND ho_offence_code = '71'")
    assert _value(west.tables["definitions"], "code_71", "offences") == code_71 == 1


def test_trend_and_places_add_up_to_the_total(profiles: dict[str, Profile],
                                              audit_engine: Engine) -> None:
    """Months sum to the CSA total; hotels recounted from the raw table."""
    west = profiles["west-yorkshire"]
    assert sum(int(str(v)) for v in west.tables["trend"].column("csa_offences")) == 9
    places = {r["category"]: r for r in west.tables["nature"].records()
              if r["aspect"] == "Kind of place"}
    hotels = audit_engine.scalar(
        "SELECT count(*) FROM analysis.offence WHERE force_code = 'west-yorkshire' "
        "AND location_type = 'hotel'")
    assert places["Hotel or short-let accommodation"]["csa_offences"] == hotels == 1
    assert places["All"]["csa_offences"] == 9
    familial = {r["category"]: r["csa_offences"] for r in west.tables["nature"].records()
                if r["aspect"] == "Familial or not"}
    # Family member perpetrators (WY-INTRA, WY-PRECEDENCE) and the family setting.
    assert familial[next(k for k in familial if str(k).startswith("Familial"))] == 3


def test_victims_counted_with_their_completeness(profiles: dict[str, Profile],
                                                 audit_engine: Engine) -> None:
    """Victims by sex recounted from the raw tables (distinct victim records of the force's
    CSA offences)."""
    west = profiles["west-yorkshire"].tables["victim_profile"]
    by_sex = {r["category"]: r["people"] for r in west.records()
              if r["characteristic"] == "Sex"}
    males = audit_engine.scalar(
        "SELECT count(DISTINCT op.person_record_id_key) FROM analysis.offence_party op "
        "JOIN analysis.offence o ON o.record_key = op.crime_ref_key "
        "JOIN analysis.person_record p ON p.record_key = op.person_record_id_key "
        "WHERE o.force_code = 'west-yorkshire' AND op.role = 'victim' AND p.sex = 'M' "
        "AND op.age_at_offence < 18")
    assert by_sex["Male"] == males == 2
    totals = {r["characteristic"]: r["people"] for r in west.records() if r["category"] == "All"}
    assert len(set(totals.values())) == 1, "the same people under every characteristic"
    assert any("Ethnic group" in note for note in west.notes)


def test_a_period_leaves_out_offences_outside_it(audit_engine: Engine) -> None:
    """A period before every offence holds none."""
    (early,) = run_profiles(audit_engine, ["west-yorkshire"],
                            Period(date(1990, 1, 1), date(1990, 12, 31)))
    definitions = early.tables["definitions"]
    assert _value(definitions, "csa_offences", "offences") == 0
    assert len(early.tables["trend"].rows) == 12


def test_an_unknown_force_and_a_backwards_period_are_refused(audit_engine: Engine) -> None:
    with pytest.raises(AnalysisError, match="no police force 'atlantis'"):
        run_profiles(audit_engine, ["atlantis"])
    with pytest.raises(AnalysisError, match="before"):
        run_profiles(audit_engine, ["kent"], Period(date(2024, 1, 1), date(2023, 1, 1)))


def test_an_empty_warehouse_is_refused(engine: Engine) -> None:
    with pytest.raises(AnalysisError, match="tessera ingest"):
        run_profiles(engine, ["kent"])
