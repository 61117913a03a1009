"""The release register: every count cell published (or suppressed) for a period, kept so that a
later table cannot be differenced against an earlier one.

Why a register: disclosure control of one release is not enough when a force total published
in March and a breakdown published in June add up to each other; the June run must treat the
March figures as known to every reader. The register holds true values, so it is kept with the
restricted data (never published); it is one JSON file per period, written atomically.

Why revisions are renamed: a later run may count a cell differently (a late delivery, a
corrected record). The earlier figure is then another quantity, the cell as it was, which held
the earlier release's relations; merging both into one cell would make a system no figure
satisfies. `revised` keeps such an earlier cell, and the relations it was part of, under its
own name (the table name with `@` and how many releases were recorded before), so a later
release is protected against it without being bound to equal it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from tessera.analysis.results import CellRef
from tessera.errors import PublicationError
from tessera.publish.tabulation import Relation

FORMAT = 1


@dataclass(frozen=True)
class CellRecord:
    """One count cell of a release: its true value, what a reader learnt of it and why.

    `low`..`high` is what was published (one value, or the range a rounded figure stands for);
    both are None when the cell was suppressed. `primary` marks a cell that needs protection
    in every later release too, not only the one it was first hidden in.
    """

    ref: CellRef
    value: int
    low: int | None
    high: int | None
    primary: bool

    @property
    def suppressed(self) -> bool:
        """Whether readers were given no figure for this cell."""
        return self.low is None


@dataclass(frozen=True)
class ReleaseRegister:
    """What earlier releases for one period published: their cells and additive relations."""

    period: str
    releases: tuple[str, ...] = ()
    cells: tuple[CellRecord, ...] = ()
    relations: tuple[Relation, ...] = ()

    def record(self, release: str, cells: Iterable[CellRecord],
               relations: Iterable[Relation]) -> ReleaseRegister:
        """This register with one more release's cells and relations added (earlier cells
        whose value the release revised kept apart, as `revised` does).

        Raises `PublicationError` if the release name was already recorded, because a second
        run of the same release would have to publish exactly what the first did.
        """
        if release in self.releases:
            raise PublicationError(f"release {release!r} of {self.period} is already in the "
                                   "register; give the new release another name")
        cells = tuple(cells)
        earlier = self.revised({cell.ref: cell.value for cell in cells})
        return ReleaseRegister(self.period, (*self.releases, release),
                               (*earlier.cells, *cells), (*earlier.relations, *relations))

    def revised(self, values: Mapping[CellRef, int]) -> ReleaseRegister:
        """This register with every cell whose true value differs from `values` (a new
        release's counts) renamed as the earlier figure it is, in its cells and relations."""
        changed = {cell.ref for cell in self.cells
                   if cell.ref in values and values[cell.ref] != cell.value}
        if not changed:
            return self
        vintage = f"@{len(self.releases)}"

        def kept(ref: CellRef) -> CellRef:
            return replace(ref, table=ref.table + vintage) if ref in changed else ref

        return ReleaseRegister(
            self.period, self.releases,
            tuple(replace(cell, ref=kept(cell.ref)) for cell in self.cells),
            tuple(Relation(kept(rel.total), tuple(kept(p) for p in rel.parts))
                  for rel in self.relations))


def load_register(path: Path, period: str) -> ReleaseRegister:
    """The register at `path`, or an empty one for `period` if nothing was released yet."""
    if not path.exists():
        return ReleaseRegister(period)
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("format") != FORMAT or data.get("period") != period:
        raise PublicationError(f"{path} is not a release register for {period} "
                               f"(format {data.get('format')}, period {data.get('period')})")
    return ReleaseRegister(
        period=period,
        releases=tuple(data["releases"]),
        cells=tuple(CellRecord(_ref(c["cell"]), c["value"], c["low"], c["high"], c["primary"])
                    for c in data["cells"]),
        relations=tuple(Relation(_ref(r["total"]), tuple(_ref(p) for p in r["parts"]))
                        for r in data["relations"]),
    )


def save_register(register: ReleaseRegister, path: Path) -> None:
    """Write the register to `path`, replacing the file only once the new one is complete."""
    data = {
        "format": FORMAT,
        "period": register.period,
        "releases": list(register.releases),
        "cells": [{"cell": _plain(c.ref), "value": c.value, "low": c.low, "high": c.high,
                   "primary": c.primary} for c in register.cells],
        "relations": [{"total": _plain(r.total), "parts": [_plain(p) for p in r.parts]}
                      for r in register.relations],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(data, indent=1), encoding="utf-8")
    os.replace(partial, path)


def _plain(ref: CellRef) -> dict[str, Any]:
    return {"table": ref.table, "row": list(ref.row), "column": ref.column}


def _ref(data: dict[str, Any]) -> CellRef:
    return CellRef(data["table"], tuple(data["row"]), data["column"])
