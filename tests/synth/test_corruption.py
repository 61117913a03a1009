"""Bad rows: exactly the rows reported are broken, each in the reported field and rule."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from tessera.dataset import codelist, entity
from tessera.synth import SynthSummary
from tessera.synth.corruption import choose_rows, faults
from tessera.synth.identity import nhs_is_valid, upn_is_valid


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _differences(clean: SynthSummary, dirty: SynthSummary) -> set[tuple[str, int, str]]:
    found: set[tuple[str, int, str]] = set()
    for path in sorted(clean.extracts.rglob("*.csv")):
        relative = str(path.relative_to(clean.extracts))
        before, after = _read(path), _read(dirty.extracts / relative)
        assert len(before) == len(after), relative
        for row, (a, b) in enumerate(zip(before, after, strict=True), start=1):
            found.update((relative, row, k) for k in a if a[k] != b[k])
    return found


def test_reported_bad_rows_are_exactly_the_changed_cells(clean: SynthSummary,
                                                         dirty: SynthSummary) -> None:
    """Same seed with and without bad rows: the files differ in exactly the reported cells,
    one per row, so validation can be scored against the ground truth."""
    reported = _read(dirty.ground_truth / "bad_rows.csv")
    assert len(reported) == dirty.bad_rows > 0
    keys = {(r["file"], int(r["row"]), r["field"]) for r in reported}
    assert len({(f, r) for f, r, _ in keys}) == len(keys)
    assert _differences(clean, dirty) == keys
    assert (clean.ground_truth / "offences.csv").read_bytes() == \
        (dirty.ground_truth / "offences.csv").read_bytes()


def test_bad_share_is_about_the_share_asked_for(dirty: SynthSummary) -> None:
    """About 2% of rows, spread over files and rules."""
    reported = _read(dirty.ground_truth / "bad_rows.csv")
    assert dirty.bad_rows / sum(dirty.rows.values()) == pytest.approx(0.02, rel=0.15)
    rules = {r["rule"] for r in reported}
    assert rules == {"code_list", "date", "date_order", "nhs_number", "upn", "required",
                     "reference"}
    assert len({r["file"] for r in reported}) > 100


def test_each_fault_breaks_its_rule(dirty: SynthSummary) -> None:
    """The broken value really fails the rule named: a validator must reject it for that."""
    files: dict[str, list[dict[str, str]]] = {}
    for bad in _read(dirty.ground_truth / "bad_rows.csv"):
        rows = files.setdefault(bad["file"], _read(dirty.extracts / bad["file"]))
        row = rows[int(bad["row"]) - 1]
        field = entity(Path(bad["file"]).stem).field(bad["field"])
        value = row[bad["field"]]
        rule = bad["rule"]
        if rule == "required":
            assert value == "" and field.required
        elif rule == "code_list":
            assert field.codelist
            lst = codelist(field.codelist)
            allowed = set(lst.codes) | {a for a, _ in lst.aliases}
            assert not set(value.split(";")) <= allowed
        elif rule == "date":
            with pytest.raises(ValueError):
                date.fromisoformat(value)
        elif rule == "date_order":
            earlier = next(o.earlier for o in entity(Path(bad["file"]).stem).date_orders
                           if o.later == bad["field"])
            assert date.fromisoformat(value) < date.fromisoformat(row[earlier])
        elif rule == "nhs_number":
            assert len(value) == 10 and not nhs_is_valid(value)
        elif rule == "upn":
            assert len(value) == 13 and not upn_is_valid(value)
        else:
            assert rule == "reference" and field.references and value.startswith("ZZ")


def test_keys_and_agency_fields_are_never_broken() -> None:
    """Breaking a key would spread the fault to every row that refers to it."""
    for e in (entity(n) for n in ("person_record", "offence", "offence_party",
                                   "party_demographics", "referral", "contact", "association")):
        touched = {f.field for f in faults(e)}
        assert not touched & {"agency_code", "source_record_id", "extracted_at", "force_code",
                              "la_code", e.natural_key}, e.name


def test_rows_are_chosen_per_file() -> None:
    """Each file gets its share (rounded at random), within its own rows."""
    rng = np.random.default_rng(0)
    rows = choose_rows(rng, np.array([0, 1000, 1010]), np.array([1000, 10, 0]), 0.1)
    assert 90 <= int((rows < 1000).sum()) <= 110
    assert rows.max() < 1010
    assert list(rows) == sorted(rows)
