"""Group-based CSE counted through the network beside the flag, on a hand-made warehouse.

Each case is one pair of single-perpetrator CSA offences (dated 2023-01-01 by the fixture)
whose perpetrators are, or are not, associated; the right answer is worked out on paper.
"""

from __future__ import annotations

from datetime import date

import pytest
from rich.console import Console

from tessera.analysis.audit import AuditResult, explain_offence, run_audit
from tessera.analysis.audit.rules import NETWORK_WINDOW_DAYS, rule_text
from tessera.publish.audit_disclosure import disclose_audit
from tessera.publish.terminal import render_explanation
from tessera.warehouse.engine import Engine
from tests.analysis.audit_fixture import FixtureWarehouse, one, record_key


def _single(w: FixtureWarehouse, crime_ref: str, perpetrator: str, victim: str,
            **offence: object) -> str:
    """A CSA offence (19D, a victim aged 12) with one perpetrator; returns the perpetrator's
    person record key."""
    w.crime(crime_ref, [(victim, "victim", 12, None), (perpetrator, "suspect", 30, "stranger")],
            **offence)
    return record_key("person_record", str(offence.get("force", "west-yorkshire")), perpetrator)


@pytest.fixture
def network_engine(warehouse: FixtureWarehouse) -> Engine:
    """Pairs of single-perpetrator offences, associated or not, and one flagged offence."""
    w = warehouse
    within = date(2023, 3, 1)
    # A phone shared within the window by two who abused the same child (one is not enough
    # alone): both offences counted, the other party by person_id.
    ph1, ph2 = _single(w, "PH-1", "S1m", "C1"), _single(w, "PH-2", "S2m", "C1")
    w.link(ph2, "P-S2")
    for person in (ph1, ph2):
        w.association(person, kind="phone_contact", first_seen=within, object_kind="phone",
                      object_value="07700900001")
    # The same more than the window before the offences: not counted.
    old1, old2 = _single(w, "OLD-1", "S3m", "C3"), _single(w, "OLD-2", "S4m", "C4")
    for person in (old1, old2):
        w.association(person, kind="phone_contact", first_seen=date(2020, 1, 1),
                      object_kind="phone", object_value="07700900002")
    # Relatives sharing an address within the window: never each other's association.
    fam1, fam2 = _single(w, "FAM-1", "S5m", "C5"), _single(w, "FAM-2", "S6m", "C6")
    for person in (fam1, fam2):
        w.association(person, kind="address_link", first_seen=within, object_kind="address",
                      object_value="1 Any Street")
    w.association(fam1, kind="family", first_seen=date(2015, 1, 1), other=fam2)
    # Two children (the same victim records) each abused by the same two perpetrators, one
    # per offence: all four offences counted.
    for crime_ref, perpetrator, child in (("SV-1", "S7m", "C7"), ("SV-2", "S8m", "C7"),
                                          ("SV-3", "S7m", "C8"), ("SV-4", "S8m", "C8")):
        _single(w, crime_ref, perpetrator, child)
    # One child abused by two otherwise unconnected people: repeat victimisation, not counted.
    _single(w, "ONE-1", "S13m", "C13")
    _single(w, "ONE-2", "S14m", "C13")
    # An ungraded shared vehicle: intelligence no one has graded does not count.
    ug1, ug2 = _single(w, "UG-1", "S9m", "C9"), _single(w, "UG-2", "S10m", "C10")
    for person in (ug1, ug2):
        w.association(person, kind="vehicle_use", first_seen=within, object_kind="vehicle",
                      object_value="AB12CDE", grading=None)
    # A phone shared within the window by two with no child in common: they know each other,
    # nothing says they offend together; not counted.
    for crime_ref, perpetrator, child in (("NC-1", "S15m", "C15"), ("NC-2", "S16m", "C16")):
        w.association(_single(w, crime_ref, perpetrator, child), kind="phone_contact",
                      first_seen=within, object_kind="phone", object_value="07700900003")
    # A hostel: two residents abused the same child, but eleven residents share the address,
    # more than tie_rules.csv's max_sharers (10), so it ties none of them; not counted.
    for n, (perpetrator, child) in enumerate([("S17m", "C17"), ("S18m", "C17")]
                                             + [(f"S{30 + n}m", f"C{30 + n}") for n in range(9)]):
        w.association(_single(w, f"HO-{n}", perpetrator, child), kind="address_link",
                      first_seen=within, object_kind="address", object_value="1 Hostel Row")
    # Group-based CSE by the flag (two perpetrators, flagged), associated with no one else.
    w.crime("CSE-1", [("C11", "victim", 15, None), ("S11m", "suspect", 25, "acquaintance"),
                      ("S12m", "suspect", 26, "acquaintance")], cse=True)
    return w.engine


@pytest.fixture
def network_result(network_engine: Engine) -> AuditResult:
    return run_audit(network_engine)


def _counts(result: AuditResult) -> dict[str, object]:
    table = result.tables["network_group"]
    return dict(zip(table.column("measure_code"), table.column("offences"), strict=True))


def test_the_network_count_takes_shared_phones_and_victims_in_the_window(
        network_result: AuditResult) -> None:
    assert _counts(network_result) == {
        "flag": 1, "network": 6, "both_ways": 0, "flag_only": 1, "network_only": 6,
        "shared_victim": 4, "co_offending": 0, "shared_phone": 2, "shared_vehicle": 0,
        "shared_address": 0, "shared_online_account": 0}


def test_the_flag_count_is_the_category(network_result: AuditResult) -> None:
    assert _counts(network_result)["flag"] == one(
        network_result, "offence_categories", category_code="group_based_cse")["offences"]


def test_co_offending_elsewhere_counts_and_overlaps_the_flag(warehouse: FixtureWarehouse
                                                            ) -> None:
    """Two who offended together in a non-CSA offence are each other's association in their
    CSA offences; the flagged one is then counted both ways."""
    warehouse.crime("CO-X", [("A1", "victim", 30, None), ("S20m", "suspect", 30, None),
                             ("S21m", "suspect", 31, None)], code="11A")
    _single(warehouse, "CO-1", "S20m", "C20")
    warehouse.crime("CO-2", [("C21", "victim", 15, None), ("S21m", "suspect", 31, None),
                             ("S22m", "suspect", 32, None)], cse=True)
    counts = _counts(run_audit(warehouse.engine))
    assert (counts["network"], counts["co_offending"], counts["both_ways"]) == (2, 2, 1)


def test_the_table_states_the_rule_with_its_window(network_result: AuditResult) -> None:
    notes = network_result.tables["network_group"].notes
    assert notes[0] == rule_text("network_group")
    assert f"{NETWORK_WINDOW_DAYS} days" in notes[0]


def test_explain_lists_the_association_that_placed_the_offence(network_engine: Engine
                                                               ) -> None:
    (offence,) = explain_offence(network_engine, "PH-1").offences
    (association,) = offence.network
    assert (association.kind, association.other_person_key) == ("shared_phone", "P-S2")
    assert association.seen_on == date(2023, 3, 1)
    assert association.source == "intelligence_report"
    (outside,) = explain_offence(network_engine, "OLD-1").offences
    assert outside.network == ()
    console = Console(width=200, record=True)
    for renderable in render_explanation(explain_offence(network_engine, "PH-1")):
        console.print(renderable)
    text = console.export_text()
    assert "shared_phone" in text and "P-S2" in text


def test_relatives_ungraded_objects_and_one_shared_child_are_not_associations(
        network_engine: Engine) -> None:
    """Nor a shared phone without a shared child, nor a hostel's address (more people on it
    than max_sharers) even with a shared child."""
    for crime_ref in ("FAM-1", "FAM-2", "UG-1", "ONE-1", "NC-1", "NC-2", "HO-0", "HO-1"):
        (offence,) = explain_offence(network_engine, crime_ref).offences
        assert offence.network == (), crime_ref


def test_disclosure_protects_the_network_table(network_result: AuditResult) -> None:
    """The declared relations hold (the protection would refuse them otherwise) and no count
    of one to nine is published."""
    published, protection = disclose_audit(network_result)
    shown = [v for _, column, v in published.tables["network_group"].count_cells()
             if column.protected]
    assert shown and not [v for v in shown if isinstance(v, int) and 0 < v < 10]
    assert protection.primary
