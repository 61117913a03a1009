"""The linear system a reader could solve: every count cell of a release and of earlier
releases for the period, what is published of each, and the additive relations among them.

Why one system: the optimiser that chooses suppressions and the LP audit that checks them must
reason about exactly the same cells and relations, so both read this and nothing else.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
from scipy.sparse import coo_array, csr_array
from scipy.sparse.csgraph import connected_components

from tessera.analysis.results import CellRef, StatTable
from tessera.errors import PublicationError
from tessera.publish.register import ReleaseRegister
from tessera.publish.tabulation import Relation

Status = Literal["free", "shown", "hidden"]
"""A cell the optimiser may suppress, one that is published whatever happens (a reference
figure, or published in an earlier release), or one that is suppressed whatever happens."""

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class CellSystem:
    """Cells by position, with the relations as a sparse matrix `A` such that `A @ values = 0`.

    `low`..`high` is what a reader learns of a cell when it is published: its value, or the
    range a rounded figure stands for. `current` marks the cells of the release being made.
    """

    refs: tuple[CellRef, ...]
    values: IntArray
    low: IntArray
    high: IntArray
    status: tuple[Status, ...]
    current: BoolArray
    matrix: csr_array

    def position(self, ref: CellRef) -> int:
        """The position of `ref` in the system."""
        return self.refs.index(ref)

    def components(self) -> list[IntArray]:
        """Groups of cells linked by relations, each of which can be protected on its own."""
        size = len(self.refs)
        incidence = abs(self.matrix)
        links = (incidence.T @ incidence) if incidence.shape[0] else csr_array((size, size))
        count, labels = connected_components(links, directed=False)
        return [np.flatnonzero(labels == label) for label in range(count)]

    def relations_within(self, cells: IntArray) -> csr_array:
        """The relations among `cells` (a component), with columns in the order of `cells`."""
        rows = np.unique(self.matrix[:, cells].nonzero()[0])
        return csr_array(self.matrix[rows][:, cells])


def build_system(tables: Sequence[StatTable], relations: Sequence[Relation],
                 register: ReleaseRegister, rounded: dict[CellRef, tuple[int, int]]
                 ) -> CellSystem:
    """The system for a release of `tables` after the releases in `register`.

    `rounded` gives the range each rounded published total stands for. Cells of the current
    release that an earlier release already covered keep the earlier status: a figure once
    published is known, a figure once suppressed stays suppressed.
    Raises `PublicationError` when a relation names an unknown cell or does not add up.
    """
    earlier = {cell.ref: cell for cell in register.cells}
    refs: list[CellRef] = []
    values: list[int] = []
    status: list[Status] = []
    current: list[bool] = []
    for table in tables:
        for ref, column, value in table.count_cells():
            before = earlier.pop(ref, None)
            refs.append(ref)
            values.append(value)
            current.append(True)
            if before is not None:
                status.append("hidden" if before.suppressed else "shown")
            else:
                status.append("free" if column.protected else "shown")
    for cell in earlier.values():
        refs.append(cell.ref)
        values.append(cell.value)
        status.append("hidden" if cell.suppressed else "shown")
        current.append(False)
    value_array = np.array(values, dtype=np.int64)
    low, high = value_array.copy(), value_array.copy()
    index = {ref: position for position, ref in enumerate(refs)}
    for ref, (lowest, highest) in rounded.items():
        low[index[ref]], high[index[ref]] = lowest, highest
    for cell in register.cells:
        if not cell.suppressed and cell.low is not None and cell.high is not None:
            low[index[cell.ref]], high[index[cell.ref]] = cell.low, cell.high
    matrix = _relation_matrix([*register.relations, *relations], index, value_array)
    return CellSystem(tuple(refs), value_array, low, high, tuple(status),
                      np.array(current, dtype=np.bool_), matrix)


def _relation_matrix(relations: Sequence[Relation], index: dict[CellRef, int],
                     values: IntArray) -> csr_array:
    """One row per relation: -1 for the total, +1 for each part; checks each adds up."""
    rows: list[int] = []
    cols: list[int] = []
    coefficients: list[float] = []
    for number, relation in enumerate(relations):
        cells = [relation.total, *relation.parts]
        unknown = [str(ref) for ref in cells if ref not in index]
        if unknown:
            raise PublicationError(f"a relation names cells that are not counts of this "
                                   f"release or the register: {', '.join(unknown)}")
        parts = sum(int(values[index[ref]]) for ref in relation.parts)
        if parts != values[index[relation.total]]:
            raise PublicationError(f"{relation.total} is {values[index[relation.total]]} but "
                                   f"its declared parts add up to {parts}")
        rows += [number] * len(cells)
        cols += [index[ref] for ref in cells]
        coefficients += [-1.0] + [1.0] * len(relation.parts)
    shape = (len(relations), len(index))
    return csr_array(coo_array((coefficients, (rows, cols)), shape=shape))
