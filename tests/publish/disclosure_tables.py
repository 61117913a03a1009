"""Tables for the disclosure tests: two-way grids with their totals, and a reader's own LP.

Why a reader's own LP here: the property tests check `protect` against a second, independent
formulation (unknowns are the [c] cells only, published cells are constants), so a mistake in
the system the optimiser and the audit share cannot hide itself.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.optimize import linprog

from tessera.analysis.results import CellRef, Column, StatTable
from tessera.publish.disclosure import Protection
from tessera.publish.tabulation import Relation, sums_across, sums_down

TOTAL = "All"


def grid(name: str, counts: Sequence[Sequence[int]]) -> tuple[StatTable, list[Relation]]:
    """A table of `counts` (rows r0.., columns c0..) with a total column and an 'All' row,
    and the relations saying so."""
    width = len(counts[0])
    keys = [f"c{j}" for j in range(width)]
    columns = (Column("row", "Row", "dimension"),
               *(Column(key, key.upper(), "count") for key in keys),
               Column("total", "Total", "count"))
    body = [(f"r{i}", *row, sum(row)) for i, row in enumerate(counts)]
    all_row = (TOTAL, *(sum(row[j] for row in counts) for j in range(width)),
               sum(map(sum, counts)))
    table = StatTable(name, name, columns, (*body, all_row), frozenset({(TOTAL,)}))
    relations = [*sums_across(table, "total", keys),
                 *sums_down(table, (TOTAL,), [(f"r{i}",) for i in range(len(counts))],
                            [*keys, "total"])]
    return table, relations


def reader_ranges(tables: Sequence[StatTable], relations: Sequence[Relation],
                  protection: Protection) -> dict[CellRef, tuple[float, float]]:
    """What a reader of the published (unrounded) tables can work out of each [c] cell."""
    values = {ref: value for table in tables for ref, _, value in table.count_cells()}
    hidden = sorted(protection.suppressed, key=str)
    unknown = {ref: i for i, ref in enumerate(hidden)}
    rows, right = [], []
    for relation in relations:
        row, constant = np.zeros(len(hidden)), 0.0
        for ref, sign in [(relation.total, -1.0), *((p, 1.0) for p in relation.parts)]:
            if ref in unknown:
                row[unknown[ref]] += sign
            else:
                constant += sign * values[ref]
        if row.any():
            rows.append(row)
            right.append(-constant)
    result = {}
    for ref, i in unknown.items():
        objective = np.zeros(len(hidden))
        objective[i] = 1.0
        ends = []
        for sign in (1.0, -1.0):
            solved = linprog(sign * objective, A_eq=np.array(rows) if rows else None,
                             b_eq=np.array(right) if rows else None,
                             bounds=[(0, None)] * len(hidden), method="highs")
            ends.append(sign * solved.fun if solved.status == 0 else np.inf)
        result[ref] = (ends[0], ends[1])
    return result
