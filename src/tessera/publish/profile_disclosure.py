"""A problem profile through disclosure control: the additive relations among its tables, the
published edition (suppressed, with derived figures worked out again) and the restricted one.

Why the same step as the audit: a force's profile is full of small counts (City of London and
British Transport Police have a handful of offences a year), and a profile's tables say the
same offences several ways (by month, by place, by outcome, by perpetrators), each adding up
to the CSA total; a count hidden in one must not come back from another. The relations are
declared here by column key, `protect` chooses the suppressions and proves them by LP audit,
and each release is recorded in the force's register for the period, so a later profile of
the same period is protected against this one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from tessera.analysis.profile import NATIONAL, Period, Profile
from tessera.analysis.results import Cell, CellRef, RowKey, StatTable
from tessera.errors import PublicationError
from tessera.publish.audit_disclosure import COUNTED_NOTE
from tessera.publish.disclosure import DisclosureRule, Protection, protect
from tessera.publish.editions import Edition, Symbol, published_edition, restricted_edition
from tessera.publish.register import CellRecord, ReleaseRegister, load_register, save_register
from tessera.publish.tabulation import Relation

ALL = "All"


def default_profile_register(output: Path, force_code: str, period: Period) -> Path:
    """Where a force's register of a period lives: beside the outputs, in `restricted/`."""
    return output / "restricted" / f"profile-register-{force_code}-{period.slug}.json"


def release_profile(profile: Profile, *, register: Path,
                    rule: DisclosureRule | None = None) -> tuple[Profile, Protection]:
    """The profile as the public may see it, protected against the register's earlier
    releases of the same force and period, and recorded there."""
    earlier = _register(register, profile.force_code, profile.period)
    tables, relations = profile_tables(profile)
    protection = protect(tables, relations, rule, earlier)
    edition = published_edition(tables, protection, rule)
    name = f"profile {datetime.now().isoformat(timespec='microseconds')}"
    save_register(earlier.record(name, protection.cells, protection.relations), register)
    return as_profile(profile, edition), protection


SMALLEST_WITH_NATION = 3
"""How many forces, those with the fewest CSA offences, are optimised together with England and
Wales rather than before it: their small monthly counts sit inside every national month, and
hiding one of their cells costs the reader far less than hiding a national figure."""


def release_profiles(profiles: Sequence[Profile], *, registers: Callable[[str], Path],
                     rule: DisclosureRule | None = None) -> list[tuple[Profile, Protection]]:
    """Every force's profile and England and Wales's, released together, in the order given.

    Why together: each national count is the sum of the 44 forces' same cells, so a reader
    holding every profile could take the shown forces' figures from the nation's and find one
    a force hides. The larger forces are released first, each on its own; then England and
    Wales and the `SMALLEST_WITH_NATION` smallest forces in one optimisation, against all of
    them, with a relation for every such sum (`national_relations`), so the same optimiser
    and LP audit hide what a hidden count needs (in a small force where that is cheaper than
    in the nation) and prove it. The England and Wales columns of every profile's trend (the
    nation's own too) then show the national profile's published months ([c] where it hides
    one) instead of rounded figures, which would otherwise narrow a hidden month to ten.
    `registers(code)` is the register of a profile's own earlier releases.
    """
    nation = next((p for p in profiles if p.force_code == NATIONAL), None)
    forces = [p for p in profiles if p.force_code != NATIONAL]
    if nation is None:
        return [release_profile(p, register=registers(p.force_code), rule=rule)
                for p in profiles]
    smallest = {p.force_code for p in sorted(forces, key=_csa_offences)[:SMALLEST_WITH_NATION]}
    released = {p.force_code: release_profile(p, register=registers(p.force_code), rule=rule)
                for p in forces if p.force_code not in smallest}
    beside = ReleaseRegister("every force")
    for code, (_, protection) in released.items():
        beside = _named(beside, code, protection.cells, protection.relations)
    beside, across = _tied_to_nation(beside, nation, forces)
    released.update(_release_jointly([nation, *(p for p in forces if p.force_code in smallest)],
                                     registers, rule, beside, across))
    national_trend = released[NATIONAL][0].tables["trend"]
    return [(with_national_trend(released[p.force_code][0], national_trend),
             released[p.force_code][1]) for p in profiles]


def national_release_recorded(period: Period, registers: Callable[[str], Path]) -> bool:
    """Whether England and Wales's profile of `period` has been published (its register
    holds a release), so every later profile of the period must be protected against it."""
    return bool(_register(registers(NATIONAL), NATIONAL, period).releases)


def release_beside_published(profile: Profile, everyone: Sequence[Profile], *,
                             registers: Callable[[str], Path],
                             rule: DisclosureRule | None = None) -> tuple[Profile, Protection]:
    """One profile (a force's, or England and Wales's) released again on its own after the
    whole period was released together (`release_profiles`), protected against all of it.

    Why: on its own it would be protected against its own register only, and a cell hidden
    before so that a national figure could not be worked out (or a force's, from the
    nation's) could now be shown; with the national profile and the other forces' published
    earlier, a hidden count would come back. So every other profile's recorded cells and
    relations stand beside it, with the sums tying forces to the nation (`national_relations`,
    over `everyone`: the nation and every force, as made now), and its trend's England and
    Wales columns show the national months as published (from the national register).
    Raises `PublicationError` when the data has changed since, so the sums no longer hold:
    the period must then be released together again.
    """
    nation = next(p for p in everyone if p.force_code == NATIONAL)
    forces = [p for p in everyone if p.force_code != NATIONAL]
    beside = ReleaseRegister("every other profile of the period")
    for other in everyone:
        if other.force_code != profile.force_code:
            earlier = _register(registers(other.force_code), other.force_code, other.period)
            beside = _named(beside, other.force_code, earlier.cells, earlier.relations)
    beside, across = _tied_to_nation(beside, nation, forces)
    try:
        released, protection = _release_jointly([profile], registers, rule, beside,
                                                across)[profile.force_code]
    except PublicationError as exc:
        raise PublicationError(
            f"the profile of {profile.force_label} no longer adds up with the profiles of "
            f"{profile.period.label} published together before ({exc}): the data has changed "
            "since, so publish the whole period again with 'tessera profile --all'") from exc
    trend = (released.tables["trend"] if profile.force_code == NATIONAL else
             published_trend(nation, _register(registers(NATIONAL), NATIONAL, nation.period)))
    return with_national_trend(released, trend), protection


def published_trend(nation: Profile, register: ReleaseRegister) -> StatTable:
    """England and Wales's trend as its releases published it: each count a release showed
    exactly, else [c]."""
    shown = {c.ref: c.low for c in register.cells if c.low is not None and c.low == c.high}
    trend = nation.tables["trend"]
    counted = {(ref.row, ref.column) for ref, _, _ in trend.count_cells()}
    rows = tuple(tuple(
        shown.get(trend.cell(trend.row_key(row), column.key), Symbol.CONFIDENTIAL.value)
        if (trend.row_key(row), column.key) in counted else cell
        for cell, column in zip(row, trend.columns, strict=True)) for row in trend.rows)
    return replace(trend, rows=rows)


def _register(path: Path, code: str, period: Period) -> ReleaseRegister:
    """A profile's register of earlier releases of `period` (empty if none yet)."""
    return load_register(path, f"{code} {period.label}")


def _named(beside: ReleaseRegister, code: str, cells: Iterable[CellRecord],
           relations: Iterable[Relation]) -> ReleaseRegister:
    """`beside` with one profile's cells and relations recorded under the names a joint
    release gives them (`_of`, `_relation_of`)."""
    return beside.record(code, (replace(c, ref=_of(code, c.ref)) for c in cells),
                         (_relation_of(code, r) for r in relations))


def _tied_to_nation(beside: ReleaseRegister, nation: Profile, forces: Sequence[Profile]
                    ) -> tuple[ReleaseRegister, list[Relation]]:
    """`beside` with the never-published differences of people counted in more than one
    force, and every relation tying the forces' cells to the nation's
    (`national_relations`)."""
    slack, across = national_relations(nation, forces)
    return beside.record("people in more than one force", slack, ()), across


def _release_jointly(profiles: Sequence[Profile], registers: Callable[[str], Path],
                     rule: DisclosureRule | None, beside: ReleaseRegister,
                     across: Sequence[Relation]) -> dict[str, tuple[Profile, Protection]]:
    """Several profiles protected in one optimisation (force tables named `CODE:table`),
    against their own registers and `beside`; each recorded in its own register."""
    earlier = {p.force_code: _register(registers(p.force_code), p.force_code, p.period)
               for p in profiles}
    own: dict[str, tuple[list[StatTable], list[Relation]]] = {
        p.force_code: profile_tables(p) for p in profiles}
    tables = [replace(t, name=_table_of(code, t.name))
              for code, (mine, _) in own.items() for t in mine]
    relations = [_relation_of(code, r) for code, (_, mine) in own.items() for r in mine]
    against = ReleaseRegister(
        "together", (),
        (*(replace(c, ref=_of(code, c.ref)) for code, e in earlier.items() for c in e.cells),
         *beside.cells),
        (*(_relation_of(code, r) for code, e in earlier.items() for r in e.relations),
         *beside.relations))
    protection = protect(tables, [*relations, *across], rule, against)
    edition = published_edition(tables, protection, rule)
    name = f"profile {datetime.now().isoformat(timespec='microseconds')}"
    result = {}
    for profile in profiles:
        code = profile.force_code
        mine = _part(protection, code)
        shown = Edition(edition.kind, {t.name: edition.tables[_table_of(code, t.name)]
                                       for t in own[code][0]})
        save_register(earlier[code].record(name, mine.cells, own[code][1]), registers(code))
        result[code] = (as_profile(profile, shown), mine)
    return result


def _part(protection: Protection, code: str) -> Protection:
    """One profile's share of a joint protection, its cells named as its own release names
    them."""
    def mine(ref: CellRef) -> bool:
        return _table_of(code, ref.table.split(":")[-1]) == ref.table

    def back(ref: CellRef) -> CellRef:
        return replace(ref, table=ref.table.split(":")[-1])

    return replace(
        protection,
        primary=frozenset(back(r) for r in protection.primary if mine(r)),
        secondary=frozenset(back(r) for r in protection.secondary if mine(r)),
        rounded={back(r): v for r, v in protection.rounded.items() if mine(r)},
        ranges={back(r): v for r, v in protection.ranges.items() if mine(r)},
        required={back(r): v for r, v in protection.required.items() if mine(r)},
        cells=tuple(replace(c, ref=back(c.ref)) for c in protection.cells if mine(c.ref)),
        relations=())


def _csa_offences(profile: Profile) -> int:
    value = next(r["offences"] for r in profile.tables["definitions"].records()
                 if r["measure_code"] == "csa_offences")
    return value if isinstance(value, int) else 0


def _relation_of(code: str, relation: Relation) -> Relation:
    """A relation of a force profile's cells as the joint release names them."""
    return Relation(_of(code, relation.total), tuple(_of(code, p) for p in relation.parts))


EXACT_SUMS: frozenset[str] = frozenset({"definitions", "trend", "nature", "co_offending",
                                        "outcomes", "field_completeness"})
"""Tables of offence counts: each offence is one force's, so the nation's cell is exactly the
forces' sum, and a reader knows it. In every other table a national count may be less than
the sum (a person, child, place or community in two forces' profiles is one nationally) or
more (a referral in no force's area): the relation is modelled with a hidden difference."""


SAME_CELLS: frozenset[str] = frozenset({"area_agencies"})
"""Tables whose rows are one supplying agency each: the nation's cell and a force's for the
same agency are the same figure."""


def national_relations(nation: Profile, forces: Sequence[Profile]
                       ) -> tuple[list[CellRecord], list[Relation]]:
    """Every count cell of the national profile that forces' profiles also hold, related to
    theirs (force tables named `CODE:table`): an exact sum for offence counts, the same figure
    for one agency's, and for people and places the sum with a never-published difference cell
    (`cross-force` table), since the reader knows only that the difference is not negative."""
    slack: list[CellRecord] = []
    relations: list[Relation] = []
    for name, table in nation.tables.items():
        rows = [(p.force_code, p.tables[name], _rows_by_key(p.tables[name])) for p in forces]
        for ref, _, value in table.count_cells():
            parts = [(_of(code, ref), part) for code, theirs, by_key in rows
                     if (part := _count(theirs, by_key, ref)) is not None]
            if not parts:
                continue
            total = sum(part for _, part in parts)
            refs = tuple(r for r, _ in parts)
            if name in EXACT_SUMS:
                relations.append(Relation(ref, refs))
                continue
            if name in SAME_CELLS:
                relations.extend(Relation(ref, (one,)) for one in refs)
                continue
            difference = replace(ref, table=f"cross-force:{ref.table}")
            if value >= total:  # more nationally: the nation = forces + difference
                slack.append(CellRecord(difference, value - total, None, None, False))
                relations.append(Relation(ref, (*refs, difference)))
            else:  # fewer: the forces = the nation + difference
                whole = replace(ref, table=f"cross-force-sum:{ref.table}")
                slack.append(CellRecord(difference, total - value, None, None, False))
                slack.append(CellRecord(whole, total, None, None, False))
                relations.append(Relation(whole, refs))
                relations.append(Relation(whole, (ref, difference)))
    return slack, relations


def with_national_trend(profile: Profile, national: StatTable) -> Profile:
    """A force's profile whose England and Wales trend columns are the national profile's
    published months (as released with it), with the note saying so."""
    months = {row[0]: row for row in national.rows}
    trend = profile.tables["trend"]
    copied = {trend.index("national_csa"): national.index("csa_offences"),
              trend.index("national_group_based"): national.index("group_based")}
    rows = tuple(tuple(months[row[0]][copied[i]] if i in copied else cell
                       for i, cell in enumerate(row)) for row in trend.rows)
    notes = (NATIONAL_TREND_NOTE, *(n for n in trend.notes if "rounded" not in n))
    return replace(profile, tables={**profile.tables,
                                    "trend": replace(trend, rows=rows, notes=notes)})


NATIONAL_TREND_NOTE = ("England and Wales figures are those of the national profile published "
                       "with this one: [c] where it hides a month, so that no month a force "
                       "hides can be worked out from the national figure and the other forces' "
                       "profiles.")


def _table_of(code: str, table: str) -> str:
    """A profile's table as the joint release names it: a force's as `CODE:table`, the
    nation's as it is."""
    return table if code == NATIONAL else f"{code}:{table}"


def _of(code: str, ref: CellRef) -> CellRef:
    """A profile's cell as the joint release names it (`_table_of`)."""
    return replace(ref, table=_table_of(code, ref.table))


def _rows_by_key(table: StatTable) -> dict[RowKey, tuple[Cell, ...]]:
    return {table.row_key(row): row for row in table.rows}


def _count(table: StatTable, rows: dict[RowKey, tuple[Cell, ...]], ref: CellRef) -> int | None:
    """The count at `ref`'s row and column of `table`, whose rows are `rows` by key (None if
    it has no such count)."""
    row = rows.get(ref.row)
    value = None if row is None else row[table.index(ref.column)]
    return value if isinstance(value, int) else None


def restricted_profile(profile: Profile) -> Profile:
    """Every figure, unsuppressed: for the force's own analysts (the view is logged first)."""
    tables, _ = profile_tables(profile)
    return as_profile(profile, restricted_edition(tables))


def as_profile(profile: Profile, edition: Edition) -> Profile:
    """`profile` with every table's rows replaced by the edition's; a note giving counts is
    dropped from a table with hidden cells, so it cannot give back what the table hides."""
    tables = {}
    for name, table in profile.tables.items():
        rows = tuple(tuple(row) for row in edition.tables[name].rows)
        hidden = any(Symbol.CONFIDENTIAL in row for row in rows)
        notes = tuple(n for n in table.notes if not (hidden and COUNTED_NOTE.search(n)))
        tables[name] = replace(table, rows=rows, notes=notes)
    return replace(profile, tables=tables)


def profile_tables(profile: Profile) -> tuple[list[StatTable], list[Relation]]:
    """Every table of the profile, with every additive relation among their counts."""
    return list(profile.tables.values()), list(_relations(profile.tables))


def _relations(tables: dict[str, StatTable]) -> Iterator[Relation]:
    """Totals of groups; the CSA and group-based totals the same in every table that adds up
    to them (definitions, months, places, perpetrators per offence, outcomes)."""
    definitions = tables["definitions"]
    csa = definitions.cell(("csa_offences", _label(definitions, "csa_offences")), "offences")
    group = definitions.cell(("group_based", _label(definitions, "group_based")), "offences")
    trend = tables["trend"]
    months = [trend.row_key(row) for row in trend.rows]
    yield Relation(csa, tuple(trend.cell(m, "csa_offences") for m in months))
    yield Relation(group, tuple(trend.cell(m, "group_based") for m in months))
    for name in ("nature", "co_offending", "outcomes"):
        table = tables[name]
        for column, whole in (("csa_offences", csa), ("group_based", group)):
            for total, parts in _groups(table):
                yield Relation(table.cell(total, column),
                               tuple(table.cell(p, column) for p in parts))
                yield Relation(whole, (table.cell(total, column),))
    for name in ("victim_profile", "perpetrator_profile"):
        table = tables[name]
        groups = list(_groups(table))
        for column in ("people", "group_based"):
            for total, parts in groups:
                yield Relation(table.cell(total, column),
                               tuple(table.cell(p, column) for p in parts))
            for total, _ in groups[1:]:
                yield Relation(table.cell(groups[0][0], column), (table.cell(total, column),))
    fields = tables["field_completeness"]
    for key in (fields.row_key(row) for row in fields.rows):
        if key[0] in ("location_type", "setting", "lsoa"):
            yield Relation(csa, (fields.cell(key, "total"),))


def _label(table: StatTable, code: str) -> str:
    (key,) = (table.row_key(row) for row in table.rows if row[0] == code)
    return key[1]


def _groups(table: StatTable) -> Iterator[tuple[RowKey, list[RowKey]]]:
    """Each total row (its last dimension `ALL`) with the rows of its group."""
    keys = [table.row_key(row) for row in table.rows]
    for total in (k for k in keys if k in table.totals):
        yield total, [k for k in keys if k[0] == total[0] and k != total] if total[0] != ALL \
            else [k for k in keys if k != total]
