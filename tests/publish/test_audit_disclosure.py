"""The national audit through disclosure control, on the hand-made audit warehouse."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from tessera.analysis.audit import AuditResult
from tessera.publish.audit_disclosure import audit_tables, disclose_audit
from tessera.publish.audit_report import write_audit
from tessera.publish.disclosure import Protection
from tessera.publish.editions import Symbol
from tessera.warehouse.provenance import Provenance


@pytest.fixture(scope="module")
def disclosed(audit_result: AuditResult) -> tuple[AuditResult, Protection]:
    return disclose_audit(audit_result)


def test_every_declared_relation_holds_on_the_audit(audit_result: AuditResult) -> None:
    """`build_system` refuses a relation that does not add up, so declaring is checking."""
    tables, relations = audit_tables(audit_result)
    assert len(tables) == len(audit_result.tables)
    assert len(relations) > 20


def test_no_count_of_one_to_nine_is_published(audit_result: AuditResult,
                                              disclosed: tuple[AuditResult, Protection]
                                              ) -> None:
    published, protection = disclosed
    tables, _ = audit_tables(published)
    shown = [value for table in tables for _, column, value in table.count_cells()
             if column.protected]
    assert shown and not [v for v in shown if 0 < v < 10]
    assert protection.primary, "the fixture has small counts to hide"


def test_the_lp_audit_leaves_every_hidden_small_count_its_range(
        disclosed: tuple[AuditResult, Protection]) -> None:
    _, protection = disclosed
    for ref, (low, high) in protection.required.items():
        found = protection.ranges[ref]
        assert found[0] <= low + 1e-6 and found[1] >= high - 1e-6, ref


def test_the_csvs_show_the_symbol(disclosed: tuple[AuditResult, Protection],
                                  tmp_path: Path) -> None:
    published, _ = disclosed
    outputs = write_audit(published, tmp_path, provenance=Provenance(1, 0).sentence)
    with outputs.csvs["category_by_force"].open(encoding="utf-8") as handle:
        cells = [cell for row in csv.reader(handle) for cell in row]
    assert str(Symbol.CONFIDENTIAL) in cells
    assert "[c]" in outputs.report.read_text(encoding="utf-8")


def test_a_stage_victims_never_reach_is_not_applicable(
        disclosed: tuple[AuditResult, Protection]) -> None:
    published, _ = disclosed
    stages = published.tables["completeness_by_stage"]
    cse_victims = [r for r in stages.records()
                   if r["offence_group"] == "Group-based CSE" and r["party"] == "Victims"]
    assert [r["statements"] for r in cse_victims][1:3] == [Symbol.NOT_APPLICABLE] * 2
    assert [r["known_share"] for r in cse_victims][1:3] == [Symbol.NOT_APPLICABLE] * 2


def test_a_headline_made_of_a_hidden_cell_is_left_out(
        disclosed: tuple[AuditResult, Protection]) -> None:
    """In the fixture every category count is [c] (12 CSA offences, each part small), so
    every category headline goes; 18 named perpetrators and 0 unidentified records are
    shown, so that headline stays."""
    published, _ = disclosed
    assert set(published.tables["offence_categories"].column("offences")) == {
        Symbol.CONFIDENTIAL}
    assert [h.label for h in published.headlines] == ["Named perpetrators"]


def test_the_comparison_of_forces_rests_only_on_counts_shown(
        audit_result: AuditResult, disclosed: tuple[AuditResult, Protection]) -> None:
    """The chi-squared test and the forces named outside the funnel's limits are worked out
    again from the published counts: the fixture's two forces both have a hidden count, so the
    published table compares nothing, while the restricted figures compare the two."""
    published, _ = disclosed
    full = audit_result.tables["category_by_force"].notes
    shown = published.tables["category_by_force"]
    assert set(shown.column("csa_offences")) == {Symbol.CONFIDENTIAL}
    assert any("chi-squared = 1.8 on 1 degrees of freedom" in note for note in full)
    assert not any("chi-squared" in note or "control limits" in note for note in shown.notes)
    assert "Fewer than two forces with a population and any events: no comparison." in (
        shown.notes)
