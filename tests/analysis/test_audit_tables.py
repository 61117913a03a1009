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
from tests.analysis.audit_fixture import FixtureWarehouse, one, record_key, rows_where
from tests.conftest import offence, party, person, write_extract


def test_tables_are_in_report_order_and_described(result: AuditResult) -> None:
    assert list(result.tables) == [
        "offence_categories", "category_by_force", "network_group", "victim_profile",
        "offender_profile", "completeness_by_stage", "ethnicity_basis", "outcomes", "nationality",
        "children", "perpetrators", "data_completeness", "rejected_rows", "rejected_related"]
    for table in result.tables.values():
        assert table.title and table.description.endswith(".")
        assert all(len(row) == len(table.columns) for row in table.rows)


def test_national_categories(result: AuditResult) -> None:
    table = result.tables["offence_categories"]
    assert dict(zip(table.column("category_code"), table.column("offences"), strict=True)) == {
        "csa_offences": 12, "more_than_one_perpetrator": 8, "intra_familial": 3,
        "institutional": 2, "group_based_cse": 2, "other_multiple": 1,
        "single_perpetrator": 4, "online": 3, "intra_familial_any": 3, "institutional_any": 2}
    assert table.column("share")[:3] == [100.0, 66.7, 25.0]
    assert table.notes[0] == "15 offences read from 2 forces; 12 are CSA offences under the rules."
    assert ("CSA offences with at least one suspect or offender record: 91.7% (11 of 12)."
            in table.notes)
    assert ("CSA offences with at least one named perpetrator (a police nominal record): "
            "91.7% (11 of 12).") in table.notes
    assert [h.value for h in result.headlines] == [12, 3, 2, 8, 3, 2, 2, 3, 18]
    assert result.headlines[6].label == "Group-based CSE"
    assert result.headlines[6].detail == "25.0% of 8 offences with more than one perpetrator"
    assert result.headlines[7].detail == "25.0% of 12 CSA offences"  # online
    assert result.headlines[4].label == "Within the family, more than one perpetrator"
    assert result.headlines[1].detail == "25.0% of 12 CSA offences"  # all family CSA


def test_family_and_institutional_csa_of_any_number_sit_beside_the_categories(
        warehouse: FixtureWarehouse) -> None:
    """One perpetrator in the family or at school is no category (those need two), but it is
    family or institutional CSA, which the headlines give first."""
    warehouse.crime("SOLO-FAMILY", [("V1", "victim", 12, None),
                                    ("P1m", "suspect", 40, "family_member")])
    warehouse.crime("SOLO-SCHOOL", [("V2", "victim", 13, None), ("P2m", "suspect", 30, None)],
                    location="school")
    warehouse.crime("PAIR-FAMILY", [("V3", "victim", 9, None), ("P3m", "suspect", 40, None),
                                    ("P4m", "suspect", 41, None)], setting="family")
    result = run_audit(warehouse.engine)
    counts = dict(zip(result.tables["offence_categories"].column("category_code"),
                      result.tables["offence_categories"].column("offences"), strict=True))
    assert (counts["intra_familial"], counts["intra_familial_any"]) == (1, 2)
    assert (counts["institutional"], counts["institutional_any"]) == (0, 1)
    labels = [h.label for h in result.headlines]
    assert labels[1:3] == ["Within the family, any number of perpetrators (overlapping)",
                           "In an institution, any number of perpetrators (overlapping)"]
    assert labels.index("In an institution, more than one perpetrator") > 3


def test_categories_by_force_with_rates(result: AuditResult) -> None:
    population = int(codelist("police_forces").column("population")["west-yorkshire"])
    wy = one(result, "category_by_force", force_code="west-yorkshire")
    assert wy["force"] == "West Yorkshire Police"
    assert wy["csa_offences"] == 9 and wy["group_based_cse"] == 2
    assert wy["intra_familial"] == 3 and wy["single_perpetrator"] == 1
    assert "intra_familial_any" not in wy  # national only: it overlaps the categories
    assert wy["rate"] == round(9 / population * 100_000, 2)
    assert wy["interval_low"] < wy["rate"] < wy["interval_high"]
    kent = one(result, "category_by_force", force_code="kent")
    assert kent["csa_offences"] == 3 and kent["online"] == 2
    table = result.tables["category_by_force"]
    assert sum(table.column("csa_offences")) == 12  # type: ignore[arg-type]


def test_force_notes_give_the_population_vintage_and_the_comparison(
        result: AuditResult) -> None:
    """West Yorkshire's 9 offences against Kent's 3, per resident, with 1 degree of freedom."""
    notes = result.tables["category_by_force"].notes
    assert any("2021 Census" in note and "TS007A" in note for note in notes)
    test = next(note for note in notes if "chi-squared" in note)
    assert "on 1 degrees of freedom" in test
    assert any(note.startswith("Outside the 99.8% control limits") for note in notes)


def test_victims_are_counted_once_per_person(result: AuditResult) -> None:
    all_people = rows_where(result, "victim_profile", offence_group="All CSA offences",
                            category="All people")
    assert {r["people"] for r in all_people} == {11}  # V1 is victim of two offences
    # V1 was 12 and 13: the age at the earliest offence counts.
    ages = {r["category"]: r["people"] for r in rows_where(
        result, "victim_profile", offence_group="All CSA offences",
        characteristic="Age at offence")}
    assert ages["Aged 10-12"] == 3 and ages["Aged 13-15"] == 6 and ages["Age not known"] == 0


def test_ethnicity_comes_from_the_latest_stage_with_a_known_value(result: AuditResult) -> None:
    victims = {r["category"]: r for r in rows_where(
        result, "victim_profile", offence_group="All CSA offences",
        characteristic="Ethnic group (19 categories)")}
    # V1: '4' at report, 'NK' at charge, '13' at arrest (another offence) -> '13'.
    assert victims["English, Welsh, Scottish, Northern Irish or British"]["people"] == 1
    assert victims["Pakistani"]["people"] == 0
    # V4: nothing at report, '11' at the end of the investigation.
    assert victims["White and Black Caribbean"]["people"] == 1
    assert victims["Not known"]["people"] == 9 and victims["Not stated"]["people"] == 0
    assert victims["All people"]["known"] == 18.2

    perpetrators = {r["category"]: r for r in rows_where(
        result, "offender_profile", offence_group="Group-based CSE",
        characteristic="Ethnic group (19 categories)")}
    # P9: '17' at report, '4' at the end; P10: only 'NS'; P11: '1'.
    assert perpetrators["Pakistani"]["people"] == 1
    assert perpetrators["Other White"]["people"] == 0
    assert perpetrators["Bangladeshi"]["people"] == 1
    assert perpetrators["Not stated"]["people"] == 1  # P10 declined: not a recording gap
    assert perpetrators["Not known"]["people"] == 0
    assert perpetrators["Pakistani"]["share_of_known"] == 50.0
    assert perpetrators["Not stated"]["share_of_known"] is None
    assert perpetrators["Not stated"]["rate"] is None
    assert perpetrators["All people"]["known"] == 66.7
    groups = {r["category"]: r["people"] for r in rows_where(
        result, "offender_profile", offence_group="Group-based CSE",
        characteristic="Ethnic group (5 groups)")}
    assert groups["Asian, Asian British or Asian Welsh"] == 2
    assert "Ethnicity known for perpetrators (Group-based CSE): 66.7% (2 of 3)." in (
        result.tables["offender_profile"].notes)


def test_profile_rates_use_the_age_bands_population(result: AuditResult) -> None:
    """Age bands divide by their own Census 2021 population; sex and ethnicity have no
    population of the right ages (children, people aged 10 and over), so no rate."""
    bands = codelist("age_bands")
    population = {bands.label(code): int(p) for code, p in bands.column("population").items()}
    ages = [r for r in rows_where(result, "victim_profile", offence_group="All CSA offences",
                                  characteristic="Age at offence")
            if r["people"] and r["category"] in population]
    assert ages
    for row in ages:
        assert row["rate"] == round(
            int(row["people"]) * 100_000 / population[str(row["category"])], 2)
        low, high = rate_interval(int(row["people"]), population[str(row["category"])])
        assert (row["interval_low"], row["interval_high"]) == (low, high)
    pakistani = one(result, "offender_profile", offence_group="All CSA offences",
                    characteristic="Ethnic group (19 categories)", category="Pakistani")
    male = one(result, "offender_profile", offence_group="All CSA offences",
               characteristic="Sex", category="Male")
    assert male["people"] == 16
    assert pakistani["rate"] is None and male["rate"] is None


def test_child_age_band_rates_divide_by_the_single_year_census_counts(
        result: AuditResult) -> None:
    """The bands that cut a five-year band (10-12, 13-15, 16-17) divide by the children of
    exactly those ages, summed from the single-year table, not an even split of 10-14 and 15-19;
    the note says so and calls no band approximate."""
    years: dict[int, int] = {}
    for row in codelist("region_age_populations").rows:
        years[int(row["age"])] = years.get(int(row["age"]), 0) + int(row["population"])
    exact = {"Aged 10-12": sum(years[a] for a in range(10, 13)),
             "Aged 13-15": sum(years[a] for a in range(13, 16)),
             "Aged 16-17": sum(years[a] for a in range(16, 18))}
    rows = [r for r in rows_where(result, "victim_profile", offence_group="All CSA offences",
                                  characteristic="Age at offence")
            if r["category"] in exact and r["people"]]
    assert rows
    for row in rows:
        assert row["rate"] == round(int(row["people"]) * 100_000 / exact[str(row["category"])], 2)
    note = next(n for n in result.tables["victim_profile"].notes if n.startswith("Rates by age"))
    assert "single year of age" in note and "approximate" not in note


def test_every_reference_category_is_listed(result: AuditResult) -> None:
    ethnicity = rows_where(result, "offender_profile", offence_group="All CSA offences",
                           characteristic="Ethnic group (19 categories)")
    assert len(ethnicity) == 19 + 3  # 19 categories, not stated, not known, all people
    ages = rows_where(result, "victim_profile", offence_group="Group-based CSE",
                      characteristic="Age at offence")
    assert len(ages) == len(codelist("age_bands").codes) + 2


def test_ethnicity_completeness_by_stage(result: AuditResult) -> None:
    perpetrators = {r["stage"]: r for r in rows_where(
        result, "completeness_by_stage", offence_group="All CSA offences",
        party="Perpetrators")}
    assert list(perpetrators) == ["At report", "At arrest", "At charge",
                                  "At the end of the investigation"]
    assert (perpetrators["At report"]["statements"], perpetrators["At report"]["known"],
            perpetrators["At report"]["known_share"]) == (3, 2, 66.7)
    assert perpetrators["At charge"]["statements"] == 0
    assert perpetrators["At charge"]["known_share"] is None
    victims = {r["stage"]: r for r in rows_where(
        result, "completeness_by_stage", offence_group="All CSA offences", party="Victims")}
    assert victims["At charge"]["known_share"] == 0.0  # only 'NK', recorded though no victim
    # is charged; where none was recorded the stage does not apply to victims: [z], not 0.
    cse_victims = {r["stage"]: r for r in rows_where(
        result, "completeness_by_stage", offence_group="Group-based CSE", party="Victims")}
    assert [cse_victims[s]["statements"] for s in cse_victims] == [1, None, None, 1]
    assert cse_victims["At arrest"]["known_share"] is None


def test_outcomes_include_open_offences(result: AuditResult) -> None:
    csa = {r["outcome_group_code"]: r for r in rows_where(
        result, "outcomes", offence_group="All CSA offences")}
    assert csa["charge_summons"]["offences"] == 1
    assert csa["evidential_difficulties"]["offences"] == 1
    assert csa["open"]["offences"] == 10 and csa["open"]["share"] == 83.3
    assert sum(r["offences"] for r in csa.values()) == 12  # type: ignore[misc]
    cse = {r["outcome_group_code"]: r["offences"] for r in rows_where(
        result, "outcomes", offence_group="Group-based CSE")}
    assert cse["evidential_difficulties"] == 1 and cse["open"] == 1


def test_nationality_where_recorded(result: AuditResult) -> None:
    rows = rows_where(result, "nationality", offence_group="Group-based CSE",
                      party="Perpetrators")
    by_label = {r["nationality"]: r for r in rows}
    assert by_label["United Kingdom"]["people"] == 1  # P9, from the latest statement
    assert by_label["Romania"]["people"] == 1  # P11, from the person record
    assert by_label["Not recorded"]["people"] == 1
    assert by_label["Romania"]["share_of_recorded"] == 50.0
    assert by_label["All people"]["recorded"] == 66.7


def test_field_completeness(result: AuditResult) -> None:
    rows = {r["measure"]: r for r in result.tables["data_completeness"].records()}
    setting = rows["CSA offences with a setting recorded"]
    assert (setting["recorded"], setting["total"], setting["recorded_share"]) == (1, 12, 8.3)
    outcome = rows["CSA offences with an outcome assigned"]
    assert (outcome["recorded"], outcome["total"]) == (2, 12)


def test_named_perpetrators_and_missing_victims_are_counted_as_missing(
        warehouse: FixtureWarehouse) -> None:
    """An unidentified suspect's record is a suspect record, not a named perpetrator; an
    offence with no victim record is missing its victim's age and sex."""
    unnamed = warehouse.person("U1", sex="U", birth_year=None, nominal=False)
    offence = warehouse.offence("NO-VICTIM", code="21")
    warehouse.party(offence, unnamed, "suspect")
    warehouse.crime("NAMED", [("V1", "victim", 12, None), ("P1m", "suspect", 30, None)])
    rows = {r["measure"]: (r["recorded"], r["total"])
            for r in run_audit(warehouse.engine).tables["data_completeness"].records()}
    assert rows["CSA offences with at least one suspect or offender record"] == (2, 2)
    assert rows["CSA offences with at least one named perpetrator (a police nominal record)"] \
        == (1, 2)
    assert rows["CSA offences with a victim record"] == (1, 2)
    assert rows["CSA offences with a victim age recorded"] == (1, 2)
    assert rows["CSA offences with a victim sex recorded"] == (1, 2)


def test_empty_warehouse_gives_zeros_not_errors(warehouse: FixtureWarehouse) -> None:
    result = run_audit(warehouse.engine)
    assert set(result.tables["offence_categories"].column("offences")) == {0}
    assert set(result.tables["offence_categories"].column("share")) == {None}
    assert result.tables["category_by_force"].rows == ()
    assert result.headlines[1].detail == "no CSA offences"
    assert result.headlines[4].detail == "no offences with more than one perpetrator"


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
    counts = dict(zip(result.tables["offence_categories"].column("category_code"),
                      result.tables["offence_categories"].column("offences"), strict=True))
    assert counts["csa_offences"] == 2
    assert counts["group_based_cse"] == 1 and counts["single_perpetrator"] == 1
    assert explained.category == "group_based_cse"
    victims = one(result, "victim_profile", offence_group="All CSA offences",
                  characteristic="Age at offence", category="All people")
    assert victims["people"] == 1


CSA_VICTIMS = ("V1", "V2m", "V3", "V4", "V5", "V6", "V7m", "V9", "V12", "V13")
"""The victims of the fixture's CSA offences, all but V8 (who is V1, known to kent)."""


def test_without_linkage_no_victim_is_a_child_yet(result: AuditResult) -> None:
    """Before 'tessera link' the table counts records, no children, and says what to run."""
    row = one(result, "children", offence_group="All CSA offences")
    assert (row["victim_records"], row["children"]) == (11, 0)
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
    row = one(result, "children", offence_group="All CSA offences")
    assert (row["victim_records"], row["children"]) == (11, 10)
    assert row["more_than_one_agency"] == 2
    assert row["known_to_social_care_before"] == 1
    assert row["known_to_social_care_before_share"] == 10.0
    cse = one(result, "children", offence_group="Group-based CSE")
    assert (cse["victim_records"], cse["children"], cse["more_than_one_agency"]) == (2, 2, 1)
    assert result.headlines[-2].label == "Children who were victims"
    assert result.headlines[-2].value == 10



