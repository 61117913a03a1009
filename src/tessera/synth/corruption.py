"""Bad rows on purpose: a small share of rows get one fault each, recorded in the ground truth.

Why: validation (measure M2) must find every bad row and say why, and nothing may be silently
dropped; a synthetic set with known faults at known rows is how that is tested. Each fault
breaks exactly one rule of the dataset definition (an unknown code, an impossible date, dates
out of order, a broken NHS number or UPN check, a required field emptied, a reference to
nothing), chosen from the rules that apply to the row's entity and values. Keys (source_record_id,
crime_ref) and the agency fields are never touched, so a fault never spreads to other rows'
identity.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from tessera.dataset import Entity
from tessera.synth.identity import UPN_LETTERS

UNTOUCHED = ("agency_code", "source_record_id", "extracted_at", "force_code", "la_code")
UNKNOWN_CODE = "ZZ9"
"""A value no code list has."""
MISSING_PREFIX = "ZZ"
"""No generated id starts with this, so a reference built on it points at nothing."""
BAD_DATES = ("{year}-02-30", "{year}-04-31", "{year}-13-01", "not known", "TBC")


@dataclass(frozen=True)
class Fault:
    """A way to break one rule in one field (`other` is the earlier date of a date order)."""

    field: str
    rule: str
    other: str | None = None


@dataclass(frozen=True)
class BadRow:
    """One corrupted row: its index in the entity table, the field and the rule broken."""

    row: int
    field: str
    rule: str


def faults(entity: Entity) -> tuple[Fault, ...]:
    """Every fault that can be put into a row of `entity`."""
    found: list[Fault] = []
    for f in entity.fields:
        if f.name in UNTOUCHED or f.name == entity.natural_key:
            continue
        if f.codelist and f.kind in ("code", "codes"):
            found.append(Fault(f.name, "code_list"))
        if f.kind == "date":
            found.append(Fault(f.name, "date"))
        if f.check is not None:
            found.append(Fault(f.name, f.check))
        if f.required:
            found.append(Fault(f.name, "required"))
        if f.references:
            found.append(Fault(f.name, "reference"))
    found.extend(Fault(o.later, "date_order", o.earlier) for o in entity.date_orders)
    return tuple(found)


def _broken(fault: Fault, values: dict[str, str | None], rng: np.random.Generator) -> str | None:
    """The corrupted value of `fault.field`, given the row's clean values."""
    value = values[fault.field]
    if fault.rule == "code_list":
        return f"{value};{UNKNOWN_CODE}" if value and ";" in value else UNKNOWN_CODE
    if fault.rule == "date":
        year = (value or "2023")[:4]
        return str(rng.choice(BAD_DATES)).format(year=year)
    if fault.rule == "date_order":
        earlier = date.fromisoformat(str(values[fault.other or ""]))
        return (earlier - timedelta(days=int(rng.integers(1, 61)))).isoformat()
    if fault.rule == "nhs_number":
        assert value is not None
        return value[:9] + str((int(value[9]) + int(rng.integers(1, 10))) % 10)
    if fault.rule == "upn":
        assert value is not None
        letters = UPN_LETTERS.replace(value[0], "")
        return letters[int(rng.integers(0, len(letters)))] + value[1:]
    if fault.rule == "required":
        return None
    return f"{MISSING_PREFIX}{int(rng.integers(0, 10**9)):09d}"


def _applies(fault: Fault, values: dict[str, str | None]) -> bool:
    """Only break what is there: a fault needs its field (and a date order both dates)."""
    if not values[fault.field]:
        return False
    return fault.rule != "date_order" or bool(values[fault.other or ""])


def choose_rows(rng: np.random.Generator, starts: np.ndarray, sizes: np.ndarray,
                share: float) -> np.ndarray:
    """About `share` of the rows of each file (stochastic rounding), as table row indices."""
    picked: list[np.ndarray] = []
    for start, size in zip(starts, sizes, strict=True):
        k = int(np.floor(size * share + rng.random())) if size else 0
        if k:
            picked.append(start + np.sort(rng.choice(size, size=min(k, size), replace=False)))
    return np.concatenate(picked) if picked else np.empty(0, dtype=np.int64)


def corrupt(rng: np.random.Generator, entity: Entity, table: pa.Table, rows: np.ndarray
            ) -> tuple[pa.Table, list[BadRow]]:
    """Put one fault into each of `rows` (ascending) of `table`; rows with no applicable
    fault are left clean and not reported."""
    candidates = faults(entity)
    needed = sorted({f.field for f in candidates} | {f.other for f in candidates if f.other})
    taken = pa.array(rows, type=pa.int64())
    clean = {name: table.column(name).take(taken).to_pylist() for name in needed}
    changes: dict[str, tuple[list[int], list[str | None]]] = {}
    bad: list[BadRow] = []
    for i, row in enumerate(rows.tolist()):
        values = {name: clean[name][i] for name in needed}
        usable = [f for f in candidates if _applies(f, values)]
        if not usable:
            continue
        fault = usable[int(rng.integers(0, len(usable)))]
        at, new = changes.setdefault(fault.field, ([], []))
        at.append(row)
        new.append(_broken(fault, values, rng))
        bad.append(BadRow(row, fault.field, fault.rule))
    for name, (at, new) in changes.items():
        mask = np.zeros(table.num_rows, dtype=bool)
        mask[at] = True
        column = pc.replace_with_mask(table.column(name).combine_chunks(), pa.array(mask),
                                      pa.array(new, type=pa.string()))
        table = table.set_column(table.schema.get_field_index(name), name, column)
    return table, bad
