"""The national audit tables over the hand-made warehouse of `populate_audit_fixture`."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tessera.analysis.audit import AuditResult, explain_offence, run_audit
from tessera.analysis.audit.rates import rate_interval, rate_per_100k, share
from tessera.dataset import codelist
from tessera.errors import AnalysisError
from tessera.sources.delivery import Delivery
from tessera.warehouse.engine import Engine
from tessera.warehouse.loading import ingest
from tessera.warehouse.pseudonym import PseudonymKey
from tests.analysis.audit_fixture import FixtureWarehouse, record_key
from tests.conftest import offence, party, person, write_extract


@pytest.fixture
def result(audit_engine: Engine) -> AuditResult:
    return run_audit(audit_engine)


def rows_where(result: AuditResult, table: str, **match: object) -> list[dict[str, object]]:
    return [r for r in result.tables[table].records()
            if all(r[k.replace("_", " ")] == v for k, v in match.items())]


def one(result: AuditResult, table: str, **match: object) -> dict[str, object]:
    (row,) = rows_where(result, table, **match)
    return row


def test_tables_are_in_report_order_and_described(result: AuditResult) -> None:
    assert list(result.tables) == [
        "offence_categories", "category_by_force", "victim_profile", "offender_profile",
        "completeness_by_stage", "outcomes", "nationality", "children", "data_completeness"]
    for table in result.tables.values():
        assert table.title and table.description.endswith(".")
        assert all(len(row) == len(table.columns) for row in table.rows)


def test_national_categories(result: AuditResult) -> None:
    table = result.tables["offence_categories"]
    assert dict(zip(table.column("Category code"), table.column("Offences"), strict=True)) == {
        "csa_offences": 12, "more_than_one_perpetrator": 8, "intra_familial": 3,
        "institutional": 2, "group_based_cse": 2, "other_multiple": 1,
        "single_perpetrator": 4, "online": 3}
    assert table.column("Share of CSA offences (%)")[:3] == [100.0, 66.7, 25.0]
    assert table.notes[0] == "15 offences read from 2 forces; 12 are CSA offences under the rules."
    assert "at least one perpetrator identified: 91.7% (11 of 12)" in table.notes[1]
    assert [h.value for h in result.headlines] == [12, 8, 3, 2, 2, 3]
    assert result.headlines[4].label == "Group-based CSE"
    assert result.headlines[4].detail == "25.0% of 8 offences with more than one perpetrator"
    assert result.headlines[5].detail == "25.0% of 12 CSA offences"  # online


def test_categories_by_force_with_rates(result: AuditResult) -> None:
    population = int(codelist("police_forces").column("population")["west-yorkshire"])
    wy = one(result, "category_by_force", Force_code="west-yorkshire")
    assert wy["Force"] == "West Yorkshire Police"
    assert wy["CSA offences"] == 9 and wy["Group-based CSE"] == 2
    assert wy["Within the family"] == 3 and wy["Single perpetrator or none identified"] == 1
    assert wy["Per 100,000"] == round(9 / population * 100_000, 2)
    assert wy["95% interval low"] < wy["Per 100,000"] < wy["95% interval high"]
    kent = one(result, "category_by_force", Force_code="kent")
    assert kent["CSA offences"] == 3 and kent["Online (overlapping)"] == 2
    table = result.tables["category_by_force"]
    assert sum(table.column("CSA offences")) == 12  # type: ignore[arg-type]


def test_force_notes_give_the_population_vintage_and_the_comparison(
        result: AuditResult) -> None:
    """West Yorkshire's 9 offences against Kent's 3, per resident, with 1 degree of freedom."""
    notes = result.tables["category_by_force"].notes
    assert any("2021 Census" in note and "TS007A" in note for note in notes)
    test = next(note for note in notes if "chi-squared" in note)
    assert "on 1 degrees of freedom" in test
    assert any(note.startswith("Outside the 99.8% control limits") for note in notes)


def test_victims_are_counted_once_per_person(result: AuditResult) -> None:
    all_people = rows_where(result, "victim_profile", Offence_group="All CSA offences",
                            Category="All people")
    assert {r["People"] for r in all_people} == {11}  # V1 is victim of two offences
    # V1 was 12 and 13: the age at the earliest offence counts.
    ages = {r["Category"]: r["People"] for r in rows_where(
        result, "victim_profile", Offence_group="All CSA offences",
        Characteristic="Age at offence")}
    assert ages["Aged 10-12"] == 3 and ages["Aged 13-15"] == 6 and ages["Age not known"] == 0


def test_ethnicity_comes_from_the_latest_stage_with_a_known_value(result: AuditResult) -> None:
    victims = {r["Category"]: r for r in rows_where(
        result, "victim_profile", Offence_group="All CSA offences",
        Characteristic="Ethnic group (19 categories)")}
    # V1: '4' at report, 'NK' at charge, '13' at arrest (another offence) -> '13'.
    assert victims["English, Welsh, Scottish, Northern Irish or British"]["People"] == 1
    assert victims["Pakistani"]["People"] == 0
    # V4: nothing at report, '11' at the end of the investigation.
    assert victims["White and Black Caribbean"]["People"] == 1
    assert victims["Not stated or not known"]["People"] == 9
    assert victims["All people"]["Known (%)"] == 18.2

    perpetrators = {r["Category"]: r for r in rows_where(
        result, "offender_profile", Offence_group="Group-based CSE",
        Characteristic="Ethnic group (19 categories)")}
    # P9: '17' at report, '4' at the end; P10: only 'NS'; P11: '1'.
    assert perpetrators["Pakistani"]["People"] == 1
    assert perpetrators["Other White"]["People"] == 0
    assert perpetrators["Bangladeshi"]["People"] == 1
    assert perpetrators["Not stated or not known"]["People"] == 1
    assert perpetrators["Pakistani"]["Share of known (%)"] == 50.0
    assert perpetrators["Not stated or not known"]["Share of known (%)"] is None
    assert perpetrators["Not stated or not known"]["Rate per 100,000"] is None
    assert perpetrators["All people"]["Known (%)"] == 66.7
    groups = {r["Category"]: r["People"] for r in rows_where(
        result, "offender_profile", Offence_group="Group-based CSE",
        Characteristic="Ethnic group (5 groups)")}
    assert groups["Asian, Asian British or Asian Welsh"] == 2
    assert "Ethnicity known for perpetrators (Group-based CSE): 66.7% (2 of 3)." in (
        result.tables["offender_profile"].notes)


def test_profile_rates_use_the_age_bands_population(result: AuditResult) -> None:
    """Age bands divide by their own Census 2021 population; sex and ethnicity have no
    population of the right ages (children, people aged 10 and over), so no rate."""
    bands = codelist("age_bands")
    population = {bands.label(code): int(p) for code, p in bands.column("population").items()}
    ages = [r for r in rows_where(result, "victim_profile", Offence_group="All CSA offences",
                                  Characteristic="Age at offence")
            if r["People"] and r["Category"] in population]
    assert ages
    for row in ages:
        assert row["Rate per 100,000"] == round(
            int(row["People"]) * 100_000 / population[str(row["Category"])], 2)
        low, high = rate_interval(int(row["People"]), population[str(row["Category"])])
        assert (row["95% interval low"], row["95% interval high"]) == (low, high)
    pakistani = one(result, "offender_profile", Offence_group="All CSA offences",
                    Characteristic="Ethnic group (19 categories)", Category="Pakistani")
    male = one(result, "offender_profile", Offence_group="All CSA offences",
               Characteristic="Sex", Category="Male")
    assert male["People"] == 16
    assert pakistani["Rate per 100,000"] is None and male["Rate per 100,000"] is None


def test_every_reference_category_is_listed(result: AuditResult) -> None:
    ethnicity = rows_where(result, "offender_profile", Offence_group="All CSA offences",
                           Characteristic="Ethnic group (19 categories)")
    assert len(ethnicity) == 19 + 2  # 19 categories, not known, all people
    ages = rows_where(result, "victim_profile", Offence_group="Group-based CSE",
                      Characteristic="Age at offence")
    assert len(ages) == len(codelist("age_bands").codes) + 2


def test_ethnicity_completeness_by_stage(result: AuditResult) -> None:
    perpetrators = {r["Stage"]: r for r in rows_where(
        result, "completeness_by_stage", Offence_group="All CSA offences",
        Party="Perpetrators")}
    assert list(perpetrators) == ["At report", "At arrest", "At charge",
                                  "At the end of the investigation"]
    assert (perpetrators["At report"]["Statements"], perpetrators["At report"]["Known ethnicity"],
            perpetrators["At report"]["Known (%)"]) == (3, 2, 66.7)
    assert perpetrators["At charge"]["Statements"] == 0
    assert perpetrators["At charge"]["Known (%)"] is None
    victims = {r["Stage"]: r for r in rows_where(
        result, "completeness_by_stage", Offence_group="All CSA offences", Party="Victims")}
    assert victims["At charge"]["Known (%)"] == 0.0  # only 'NK'


def test_outcomes_include_open_offences(result: AuditResult) -> None:
    csa = {r["Outcome group code"]: r for r in rows_where(
        result, "outcomes", Offence_group="All CSA offences")}
    assert csa["charge_summons"]["Offences"] == 1
    assert csa["evidential_difficulties"]["Offences"] == 1
    assert csa["open"]["Offences"] == 10 and csa["open"]["Share (%)"] == 83.3
    assert sum(r["Offences"] for r in csa.values()) == 12  # type: ignore[misc]
    cse = {r["Outcome group code"]: r["Offences"] for r in rows_where(
        result, "outcomes", Offence_group="Group-based CSE")}
    assert cse["evidential_difficulties"] == 1 and cse["open"] == 1


def test_nationality_where_recorded(result: AuditResult) -> None:
    rows = rows_where(result, "nationality", Offence_group="Group-based CSE",
                      Party="Perpetrators")
    by_label = {r["Nationality"]: r for r in rows}
    assert by_label["United Kingdom"]["People"] == 1  # P9, from the latest statement
    assert by_label["Romania"]["People"] == 1  # P11, from the person record
    assert by_label["Not recorded"]["People"] == 1
    assert by_label["Romania"]["Share of recorded (%)"] == 50.0
    assert by_label["All people"]["Recorded (%)"] == 66.7


def test_field_completeness(result: AuditResult) -> None:
    rows = {r["Measure"]: r for r in result.tables["data_completeness"].records()}
    setting = rows["CSA offences with a setting recorded"]
    assert (setting["Recorded"], setting["Of"], setting["Recorded (%)"]) == (1, 12, 8.3)
    outcome = rows["CSA offences with an outcome assigned"]
    assert (outcome["Recorded"], outcome["Of"]) == (2, 12)


def test_empty_warehouse_gives_zeros_not_errors(warehouse: FixtureWarehouse) -> None:
    result = run_audit(warehouse.engine)
    assert set(result.tables["offence_categories"].column("Offences")) == {0}
    assert set(result.tables["offence_categories"].column("Share of CSA offences (%)")) == {None}
    assert result.tables["category_by_force"].rows == []
    assert result.headlines[1].detail == "no CSA offences"
    assert result.headlines[2].detail == "no offences with more than one perpetrator"


def test_unloaded_warehouse_is_an_error(engine: Engine) -> None:
    with pytest.raises(AnalysisError, match="run 'tessera ingest' first"):
        run_audit(engine)


@pytest.mark.parametrize(("count", "population", "expected"), [
    (0, 100_000, 0.0), (9, 2_226_058, 0.4), (5, None, None), (5, 0, None)])
def test_rate_per_100k(count: int, population: int | None, expected: float | None) -> None:
    assert rate_per_100k(count, population) == expected


def test_shares() -> None:
    assert share(1, 3) == 33.3 and share(0, 0) is None


def test_audit_reads_what_ingest_loads(tmp_path: Path, small_extract: Path,
                                       key: PseudonymKey) -> None:
    """The real loader's warehouse: a group-based CSE offence and a single-victim one."""
    folder = small_extract
    write_extract(folder / "offence.csv", "offence", [
        offence("13/1/23"), offence("13/2/23", cse_flag="false", setting="", location_type="",
                                    outcome_type="", outcome_date="",
                                    investigation_status="open")])
    write_extract(folder / "person_record.csv", "person_record", [
        person("P1"), person("P2", sex="M", nhs_number="", upn="", ethnicity="A2",
                             date_of_birth="1983-07-09"),
        person("P3", sex="M", nhs_number="", upn="", ethnicity="", ethnicity_source="",
               date_of_birth="1990-01-01")])
    write_extract(folder / "offence_party.csv", "offence_party", [
        party("X1", "13/1/23", "P1"),
        party("X2", "13/1/23", "P2", role="suspect", age_at_offence="39",
              relationship_to_victim="acquaintance"),
        party("X3", "13/1/23", "P3", role="offender", age_at_offence="33",
              relationship_to_victim="acquaintance"),
        party("X4", "13/2/23", "P1", age_at_offence="14")])
    loaded = ingest(Delivery.find([folder]), warehouse=tmp_path / "w.duckdb", key=key,
                    output=tmp_path / "o")
    assert loaded.rows_rejected == 0

    with Engine.open(tmp_path / "w.duckdb", read_only=True) as engine:
        result = run_audit(engine)
        explained = explain_offence(engine, "13/1/23").offences[0]
    counts = dict(zip(result.tables["offence_categories"].column("Category code"),
                      result.tables["offence_categories"].column("Offences"), strict=True))
    assert counts["csa_offences"] == 2
    assert counts["group_based_cse"] == 1 and counts["single_perpetrator"] == 1
    assert explained.category == "group_based_cse"
    victims = one(result, "victim_profile", Offence_group="All CSA offences",
                  Characteristic="Age at offence", Category="All people")
    assert victims["People"] == 1


CSA_VICTIMS = ("V1", "V2m", "V3", "V4", "V5", "V6", "V7m", "V9", "V12", "V13")
"""The victims of the fixture's CSA offences, all but V8 (who is V1, known to kent)."""


def test_without_linkage_no_victim_is_a_child_yet(result: AuditResult) -> None:
    """Before 'tessera link' the table counts records, no children, and says what to run."""
    row = one(result, "children", Offence_group="All CSA offences")
    assert (row["Victim records"], row["Children"]) == (11, 0)
    assert "Run 'tessera link' first" in result.tables["children"].notes[0]
    assert "Children who were victims" not in [h.label for h in result.headlines]


def test_children_are_counted_once_with_their_other_agencies(audit_engine: Engine) -> None:
    """V1 (west-yorkshire) and V8 (kent) are one child, known to social care before the
    offence; V4 has a health contact only after. Eleven victim records, ten children."""
    w = FixtureWarehouse.__new__(FixtureWarehouse)
    w.engine = audit_engine
    kent = {"V8", "V9", "V12"}
    for victim in (*CSA_VICTIMS, "V8"):
        agency = "kent" if victim in kent else "west-yorkshire"
        child = "C-V1" if victim == "V8" else f"C-{victim}"
        w._insert("analysis.person_link", {
            "record_key": record_key("person_record", agency, victim), "agency_code": agency,
            "linked_id": child[2:], "child_id": child, "run_id": 1})
    w._insert("ops.linkage_runs", {"run_id": 1})
    social_care = w.person("CSC-1", agency="E08000035")
    w._insert("analysis.referral", {"record_key": "ref-1", "agency_code": "E08000035",
                                    "person_record_id_key": social_care, "la_code": "E08000035",
                                    "referral_date": date(2022, 5, 1)})
    w._insert("analysis.person_link", {"record_key": social_care, "agency_code": "E08000035",
                                       "linked_id": "V1", "child_id": "C-V1", "run_id": 1})
    health = w.person("NHS-4", agency="nhs-west-yorkshire")
    w._insert("analysis.contact", {"record_key": "contact-4", "agency_code": "nhs-west-yorkshire",
                                   "person_record_id_key": health, "agency_type": "health",
                                   "setting": "gp", "contact_date": date(2023, 8, 1),
                                   "safeguarding_concern": True})
    w._insert("analysis.person_link", {"record_key": health, "agency_code": "nhs-west-yorkshire",
                                       "linked_id": "V4", "child_id": "C-V4", "run_id": 1})
    result = run_audit(audit_engine)
    row = one(result, "children", Offence_group="All CSA offences")
    assert (row["Victim records"], row["Children"]) == (11, 10)
    assert row["In more than one agency"] == 2
    assert row["Known to social care before"] == 1
    assert row["Known to social care before (%)"] == 10.0
    cse = one(result, "children", Offence_group="Group-based CSE")
    assert (cse["Victim records"], cse["Children"], cse["In more than one agency"]) == (2, 2, 1)
    assert result.headlines[-1].label == "Children who were victims"
    assert result.headlines[-1].value == 10
