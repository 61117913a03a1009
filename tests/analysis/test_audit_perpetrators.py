"""Perpetrators counted as people: by person_id once linked, unidentified suspects apart."""

from __future__ import annotations

from tessera.analysis.audit import run_audit
from tests.analysis.audit_fixture import FixtureWarehouse, one, record_key, rows_where


def test_perpetrators_are_people_by_person_id_and_unidentified_suspects_apart(
        warehouse: FixtureWarehouse) -> None:
    """P1 is known to two forces (one person_id); U1 and U2 are blank records of unidentified
    suspects. Five suspect records: three named (two people once linked), two unidentified."""
    a = warehouse.crime("WY-1", [("V1", "victim", 12, None), ("P1m", "suspect", 30, None)])
    b = warehouse.crime("K-1", [("V2", "victim", 13, None), ("P1m", "suspect", 30, None),
                                ("P2m", "offender", 40, None)], force="kent")
    for crime, force, unnamed in (("WY-1", "west-yorkshire", "U1"), ("K-1", "kent", "U2")):
        suspect = warehouse.person(unnamed, agency=force, sex="U", birth_year=None,
                                   nominal=False)
        warehouse.party(record_key("offence", force, crime), suspect, "suspect", agency=force)
    warehouse.statement(a["P1m"], "investigation_end", ethnicity="4")
    warehouse.statement(b["P1m"], "report", ethnicity="NS", agency="kent")

    def perpetrators() -> dict[str, object]:
        return one(run_audit(warehouse.engine), "perpetrators", offence_group="All CSA offences")

    unlinked = perpetrators()
    assert (unlinked["perpetrator_records"], unlinked["named_records"],
            unlinked["unidentified_records"], unlinked["people"]) == (5, 3, 2, 3)
    for agency, perpetrator in (("west-yorkshire", "P1m"), ("kent", "P1m"), ("kent", "P2m")):
        warehouse._insert("analysis.person_link", {
            "record_key": record_key("person_record", agency, perpetrator),
            "agency_code": agency, "linked_id": perpetrator, "person_id": f"P-{perpetrator}",
            "run_id": 1})
    warehouse._insert("ops.linkage_runs", {"run_id": 1})
    result = run_audit(warehouse.engine)
    linked = one(result, "perpetrators", offence_group="All CSA offences")
    assert (linked["perpetrator_records"], linked["people"]) == (5, 2)
    assert "1 linkage run(s)" in result.tables["perpetrators"].notes[1]
    headline = result.headlines[-1]
    assert (headline.label, headline.value) == ("Named perpetrators", 2)
    assert headline.detail == "one person_id each; besides them, 2 records of unidentified suspects"
    sexes = {r["category"]: r["people"] for r in rows_where(
        result, "offender_profile", offence_group="All CSA offences", characteristic="Sex")}
    assert sexes["Male"] == 2 and sexes["All people"] == 2  # no blank 'U' suspect in it
    ethnicity = {r["category"]: r["people"] for r in rows_where(
        result, "offender_profile", offence_group="All CSA offences",
        characteristic="Ethnic group (19 categories)")}
    # P1's two records are one person: the known '4' from west-yorkshire wins over kent's 'NS'.
    assert ethnicity["Pakistani"] == 1 and ethnicity["Not stated"] == 0
    assert ethnicity["Not known"] == 1  # P2
