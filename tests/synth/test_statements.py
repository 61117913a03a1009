"""Demographic statements by investigation stage (measure M4)."""

from __future__ import annotations

from tessera.dataset import codelist
from tessera.synth.ethnicity import ROMA

from .conftest import Sql


def test_every_victim_and_perpetrator_is_described_at_report(
        db: Sql) -> None:
    """Each victim, suspect and offender party has a 'report' statement; witnesses none."""
    row = db.one("""
        SELECT count(*) FILTER (WHERE role <> 'witness' AND NOT EXISTS (
                   SELECT 1 FROM party_demographics d WHERE d._folder = op._folder
                   AND d.offence_party_id = op.source_record_id
                   AND d.captured_at_stage = 'report')),
               count(*) FILTER (WHERE role = 'witness' AND EXISTS (
                   SELECT 1 FROM party_demographics d WHERE d._folder = op._folder
                   AND d.offence_party_id = op.source_record_id))
        FROM offence_party op""")
    assert row == (0, 0)


def test_ethnicity_is_more_complete_at_the_end_of_an_investigation(
        db: Sql) -> None:
    """About a third missing at report, under a tenth at the end of the investigation."""
    missing = dict(db.all("""SELECT captured_at_stage,
        avg(CAST(ethnicity IS NULL OR ethnicity IN ('NS', 'NK') AS INTEGER))
        FROM party_demographics GROUP BY 1"""))
    assert 0.28 < missing["report"] < 0.42
    assert missing["investigation_end"] < 0.11
    assert missing["report"] > missing["arrest"] > missing["charge"]


def test_police_write_18_plus_1_codes_and_others_ons_codes(
        db: Sql) -> None:
    """Police use self-defined 18+1 codes (W1, A2...), and ONS 2021's Roma (16), which 18+1
    lacks; other agencies ONS 2021 codes."""
    police = {c for c, _ in codelist("ethnicity").aliases} | {"NS", "NK", ROMA}
    ons = set(codelist("ethnicity").codes)
    by_kind = db.all("SELECT _kind, list(DISTINCT ethnicity) FROM person_record "
                         "WHERE ethnicity IS NOT NULL GROUP BY 1")
    for kind, values in by_kind:
        assert set(values) <= (police if kind == "police" else ons), kind
    stated = {r[0] for r in db.all("SELECT DISTINCT ethnicity FROM party_demographics "
                                       "WHERE ethnicity IS NOT NULL")}
    assert stated <= police and {"W3", ROMA} <= stated | police
