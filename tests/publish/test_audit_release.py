"""Releases of the audit for one period: a later run, with a revised figure, is protected
against what the earlier one published, and the register holds both."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from scipy.optimize import linprog

from tessera.analysis.audit import run_audit
from tessera.analysis.audit.period import audit_period
from tessera.analysis.results import CellRef
from tessera.publish.audit_release import default_register, release_audit
from tessera.publish.disclosure import DisclosureRule, required_range
from tessera.publish.register import ReleaseRegister, load_register
from tessera.warehouse.engine import Engine
from tests.analysis.audit_fixture import populate_audit_fixture

MOVE_ONE_OFFENCE = (
    "UPDATE analysis.offence SET force_code = 'kent', agency_code = 'kent' "
    "WHERE rowid = (SELECT min(rowid) FROM analysis.offence "
    "WHERE force_code = 'west-yorkshire')")
"""A correction between the runs: one West Yorkshire offence was Kent's."""


def _register_ranges(register: ReleaseRegister) -> dict[CellRef, tuple[float, float]]:
    """What a reader of every release in the register can work out of each hidden cell, by
    a linear programme written apart from the one Tessera audits with."""
    cells = {cell.ref: cell for cell in register.cells}
    hidden = sorted((ref for ref, cell in cells.items() if cell.suppressed), key=str)
    unknown = {ref: i for i, ref in enumerate(hidden)}
    rows, right = [], []
    for relation in register.relations:
        row, constant = np.zeros(len(hidden)), 0.0
        for ref, sign in [(relation.total, -1.0), *((p, 1.0) for p in relation.parts)]:
            if ref in unknown:
                row[unknown[ref]] += sign
            else:
                constant += sign * cells[ref].value
        if row.any():
            rows.append(row)
            right.append(-constant)
    ranges = {}
    for ref, i in unknown.items():
        ends = []
        for sign in (1.0, -1.0):
            objective = np.zeros(len(hidden))
            objective[i] = sign
            solved = linprog(objective, A_eq=np.array(rows) if rows else None,
                             b_eq=np.array(right) if rows else None,
                             bounds=[(0, None)] * len(hidden), method="highs")
            ends.append(sign * solved.fun if solved.status == 0 else np.inf)
        ranges[ref] = (ends[0], ends[1])
    return ranges


def test_a_later_run_with_a_revised_figure_is_protected_against_both(tmp_path: Path) -> None:
    rule = DisclosureRule()
    with Engine.open(tmp_path / "w.duckdb") as engine:
        populate_audit_fixture(engine)
        period = audit_period(engine)
        register = default_register(tmp_path / "output", period)
        first = run_audit(engine)
        release_audit(first, register=register, period=period, release="first")
        engine.execute(MOVE_ONE_OFFENCE)
        second = run_audit(engine)
    assert period == "2023" and register == tmp_path / "output" / "restricted" / \
        "register-2023.json"
    assert first.tables["category_by_force"].rows != second.tables["category_by_force"].rows
    _, protection = release_audit(second, register=register, period=period, release="second")

    kept = load_register(register, period)
    assert kept.releases == ("first", "second")
    revised = {cell.ref for cell in kept.cells if cell.ref.table.endswith("@1")}
    assert revised and {ref.table for ref in revised} == {"category_by_force@1"}
    for ref, (low, high) in protection.required.items():
        found = protection.ranges[ref]
        assert found[0] <= low + 1e-6 and found[1] >= high - 1e-6, ref
    # Independently: from everything both releases published, every small count of either
    # release keeps the range the rule asks for.
    ranges = _register_ranges(kept)
    primary = {cell.ref: cell.value for cell in kept.cells if cell.primary}
    assert primary and any(ref in revised for ref in primary)
    for ref, value in primary.items():
        low, high = required_range(value, rule.margin(value))
        assert ranges[ref][0] <= low + 1e-6 and ranges[ref][1] >= high - 1e-6, ref


def test_the_same_figures_again_merge_with_the_earlier_release(tmp_path: Path) -> None:
    """A rerun that changes nothing publishes what the first run did and renames nothing."""
    with Engine.open(tmp_path / "w.duckdb") as engine:
        populate_audit_fixture(engine)
        result = run_audit(engine)
    register = tmp_path / "register.json"
    first, protection = release_audit(result, register=register, period="2023")
    again, protected_again = release_audit(result, register=register, period="2023")
    assert first == again
    # cells hidden the first time are still counted as small counts, not as secondary ones
    assert protected_again.primary == protection.primary
    assert protected_again.secondary == protection.secondary
    kept = load_register(register, "2023")
    assert len(kept.releases) == 2 and not any("@" in c.ref.table for c in kept.cells)
