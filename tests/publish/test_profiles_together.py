"""Every profile released together (`release_profiles`, as `tessera profile --all` does): a
reader holding all 45 published profiles cannot work out a count a force hides by taking the
other forces' figures from the nation's.

Checked with a reader's own LP (tests/publish/disclosure_tables.py: the [c] cells unknown,
every published cell a constant) over every profile at once, with each national count the
sum of the forces' (exactly for offences; for people, places and communities up to a
difference the reader does not know). The hand-made audit warehouse has CSA offences in West
Yorkshire (9) and Kent (3) only, so nearly every national count is one force's.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

import pytest

from tessera.analysis.profile import NATIONAL, Profile, force_codes, run_profiles
from tessera.analysis.results import CellRef, StatTable
from tessera.errors import PublicationError
from tessera.publish.disclosure import DisclosureRule, Protection
from tessera.publish.editions import Symbol
from tessera.publish.profile_disclosure import (
    national_relations,
    national_release_recorded,
    profile_tables,
    release_beside_published,
    release_profile,
    release_profiles,
)
from tessera.warehouse.engine import Engine
from tests.analysis.audit_fixture import populate_audit_fixture
from tests.publish.disclosure_tables import reader_ranges

EVERY = [*force_codes(), NATIONAL]


@pytest.fixture(scope="module")
def profiles() -> Iterator[list[Profile]]:
    with Engine.open(None) as engine:
        populate_audit_fixture(engine)
        yield run_profiles(engine, EVERY)


@pytest.fixture(scope="module")
def together(profiles: list[Profile], tmp_path_factory: pytest.TempPathFactory
             ) -> list[tuple[Profile, Protection]]:
    """Every profile released together, once for the module."""
    return _released(profiles, tmp_path_factory.mktemp("together"), together=True)


def _released(profiles: list[Profile], folder: Path, *, together: bool
              ) -> list[tuple[Profile, Protection]]:
    def register(code: str) -> Path:
        return folder / f"register-{code}.json"

    if together:
        return release_profiles(profiles, registers=register)
    return [release_profile(p, register=register(p.force_code)) for p in profiles]


def _uncovered(profiles: list[Profile], released: list[tuple[Profile, Protection]]
               ) -> list[str]:
    """The protected cells of every profile a reader of all of them pins down within less
    than the rule's margin."""
    rule = DisclosureRule()
    tables: list[StatTable] = []
    relations = []
    hidden: set[CellRef] = set()
    primary: dict[CellRef, int] = {}
    forces = [p for p in profiles if p.force_code != NATIONAL]
    for profile, (_, protection) in zip(profiles, released, strict=True):
        code = profile.force_code

        def named(ref: CellRef, code: str = code) -> CellRef:
            return ref if code == NATIONAL else replace(ref, table=f"{code}:{ref.table}")

        own_tables, own_relations = profile_tables(profile)
        tables += [replace(t, name=named(CellRef(t.name, (), "")).table) for t in own_tables]
        relations += [replace(r, total=named(r.total), parts=tuple(named(p) for p in r.parts))
                      for r in own_relations]
        hidden |= {named(ref) for ref in protection.suppressed}
        values = {ref: v for t in own_tables for ref, _, v in t.count_cells()}
        primary |= {named(ref): values[ref] for ref in protection.primary}
    (nation,) = [p for p in profiles if p.force_code == NATIONAL]
    slack, across = national_relations(nation, forces)
    hidden |= {cell.ref for cell in slack}
    ranges = reader_ranges(tables, [*relations, *across],
                           SimpleNamespace(suppressed=frozenset(hidden)))  # type: ignore[arg-type]
    failed = []
    for ref, value in primary.items():
        low, high = ranges[ref]
        margin = rule.margin(value)
        if low > max(value - margin, 0) + 1e-6 or high < value + margin - 1e-6:
            failed.append(f"{ref}: {value} within [{low:g}, {high:g}]")
    return failed


def test_no_hidden_count_comes_back_from_the_national_profile(
        profiles: list[Profile], together: list[tuple[Profile, Protection]]) -> None:
    assert _uncovered(profiles, together) == []


def test_released_one_by_one_a_hidden_count_would_come_back(
        profiles: list[Profile], tmp_path: Path) -> None:
    """The same profiles each released on its own: the reader's LP finds counts it pins
    down, so the check above can fail."""
    released = _released(profiles, tmp_path, together=False)
    assert _uncovered(profiles, released)


def test_forces_trend_shows_the_nations_published_months(
        profiles: list[Profile], together: list[tuple[Profile, Protection]]) -> None:
    released = dict(zip((p.force_code for p in profiles), together, strict=True))
    nation = released[NATIONAL][0].tables["trend"]
    for code in ("west-yorkshire", "city-of-london", NATIONAL):
        trend = released[code][0].tables["trend"]
        assert trend.column("national_csa") == nation.column("csa_offences")
        assert trend.column("national_group_based") == nation.column("group_based")
        assert "published with this one" in trend.notes[0]
    assert Symbol.CONFIDENTIAL in nation.column("csa_offences")


def test_a_force_released_again_alone_stays_protected_with_the_period(
        profiles: list[Profile], tmp_path: Path) -> None:
    """After every profile of the period was released together, City of London (optimised
    with the nation) released again on its own is protected against all of it: a reader
    holding both of its releases (a cell shown in either is known) and every other profile
    finds no hidden count, and its trend shows the nation's published months."""
    first = _released(profiles, tmp_path, together=True)
    codes = [p.force_code for p in profiles]
    at = codes.index("city-of-london")
    assert national_release_recorded(profiles[at].period,
                                     lambda code: tmp_path / f"register-{code}.json")
    again, protection = release_beside_published(
        profiles[at], profiles, registers=lambda code: tmp_path / f"register-{code}.json")
    before = first[at][1]
    known = replace(protection, primary=protection.primary | before.primary,
                    secondary=(protection.suppressed & before.suppressed)
                    - protection.primary - before.primary)
    both = [*first[:at], (again, known), *first[at + 1:]]
    assert _uncovered(profiles, both) == []
    nation = first[codes.index(NATIONAL)][0].tables["trend"]
    trend = again.tables["trend"]
    assert trend.column("national_csa") == nation.column("csa_offences")
    assert "published with this one" in trend.notes[0]


def test_a_force_changed_since_the_period_was_published_is_a_clear_error(
        tmp_path: Path) -> None:
    """One more West Yorkshire offence loaded after the period was released together: its
    profile made again no longer adds up with the national profile published before, so it
    is one error naming the cell, not a release that would contradict the national one."""
    def register(code: str) -> Path:
        return tmp_path / f"register-{code}.json"

    with Engine.open(None) as engine:
        warehouse = populate_audit_fixture(engine)
        release_profiles(run_profiles(engine, EVERY), registers=register)
        warehouse.crime("WY-LATE", [("V9", "victim", 13, None), ("P99m", "suspect", 30, None)])
        again = run_profiles(engine, EVERY)
    yorkshire = next(p for p in again if p.force_code == "west-yorkshire")
    with pytest.raises(PublicationError, match=r"no longer adds up .* profile --all"):
        release_beside_published(yorkshire, again, registers=register)
