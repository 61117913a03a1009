"""The national audit through disclosure control: the additive relations among its tables
declared by column key, and the published edition turned back into the audit's result for the
CSV and HTML writers.

Why only relations here: the audit's tables are typed as the analysis builds them (each column
a dimension, a count, or a share or rate of named counts; total rows marked), so this module
says only which figures add up to which. `build_system` checks every declared relation against
the figures, so a wrong declaration fails loudly.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace

from tessera.analysis.audit import AuditResult
from tessera.analysis.audit.ethnicity import SOURCE_KEYS, STAGE_KEYS
from tessera.analysis.audit.rules import OFFENCE_GROUP_LABELS
from tessera.analysis.audit.tables import DIMENSION_LABELS, force_comparison_notes
from tessera.analysis.results import CellRef, StatTable
from tessera.dataset.codelists import codelist
from tessera.publish.disclosure import DisclosureRule, Protection, protect
from tessera.publish.editions import Edition, Symbol, published_edition
from tessera.publish.register import ReleaseRegister
from tessera.publish.tabulation import Relation

COUNTED_NOTE = re.compile(r"\d[\d,]* of \d")
"""A note that gives counts of people, such as "(409 of 555)"."""

HIERARCHY: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("csa_offences", ("more_than_one_perpetrator", "single_perpetrator")),
    ("more_than_one_perpetrator", ("intra_familial", "institutional", "group_based_cse",
                                   "other_multiple")),
)
"""How the offence categories add up (online overlaps them all and is in no relation)."""


def disclose_audit(result: AuditResult, rule: DisclosureRule | None = None,
                   register: ReleaseRegister | None = None
                   ) -> tuple[AuditResult, Protection]:
    """The audit as the public may see it, and the decision that made it so."""
    tables, relations = audit_tables(result)
    protection = protect(tables, relations, rule, register)
    edition = published_edition(tables, protection, rule)
    return as_audit_result(result, edition), protection


def as_audit_result(result: AuditResult, edition: Edition) -> AuditResult:
    """`result` with every table's rows replaced by the edition's (symbols in place).

    The analysis wrote its notes and headlines from every figure: a note that counts people
    ("73.7% (409 of 555)") is dropped from a table with hidden cells, and a headline any of
    whose source cells is hidden is dropped, so neither gives back what the tables hide.
    """
    tables = {}
    for name, table in result.tables.items():
        rows = tuple(tuple(row) for row in edition.tables[name].rows)
        hidden = any(Symbol.CONFIDENTIAL in row for row in rows)
        notes = tuple(n for n in table.notes if not (hidden and COUNTED_NOTE.search(n)))
        tables[name] = replace(table, rows=rows, notes=notes)
    tables["category_by_force"] = _compared_as_shown(result.tables["category_by_force"],
                                                     tables["category_by_force"])
    shown = {(name, table.row_key(row), column.key): value
             for name, table in tables.items() for row in table.rows
             for column, value in zip(table.columns, row, strict=True)}
    headlines = tuple(h for h in result.headlines
                      if all(shown[(ref.table, ref.row, ref.column)] != Symbol.CONFIDENTIAL
                             for ref in h.sources))
    return replace(result, tables=tables, headlines=headlines)


def _compared_as_shown(full: StatTable, shown: StatTable) -> StatTable:
    """The force table with its comparison of forces worked out again from the counts it
    shows: named forces and the test must not rest on a count the edition hides."""
    before = set(force_comparison_notes(full))
    return replace(shown, notes=(*(n for n in shown.notes if n not in before),
                                 *force_comparison_notes(shown)))


def audit_tables(result: AuditResult) -> tuple[list[StatTable], list[Relation]]:
    """Every audit table, with every additive relation among their counts."""
    return list(result.tables.values()), list(_relations(result.tables))


def _relations(tables: dict[str, StatTable]) -> Iterator[Relation]:
    """The hierarchy of categories nationally and by force, forces against the nation,
    profiles and nationality against their totals and each other, and the ethnic groups
    against the 19 categories within them."""
    categories, forces = tables["offence_categories"], tables["category_by_force"]
    national = {key[0]: key for key in (categories.row_key(row) for row in categories.rows)}
    force_keys = [forces.row_key(row) for row in forces.rows]
    for total, parts in HIERARCHY:
        yield Relation(categories.cell(national[total], "offences"),
                       tuple(categories.cell(national[p], "offences") for p in parts))
        for key in force_keys:
            yield Relation(forces.cell(key, total), tuple(forces.cell(key, p) for p in parts))
    by_force = {column.key for column in forces.columns}
    for code, key in national.items():
        if code in by_force:
            yield Relation(categories.cell(key, "offences"),
                           tuple(forces.cell(force, code) for force in force_keys))
    yield from _group_totals(tables["victim_profile"], ("offence_group", "characteristic"))
    yield from _group_totals(tables["offender_profile"], ("offence_group", "characteristic"))
    yield from _group_totals(tables["nationality"], ("offence_group", "party"))
    yield from _ethnic_groups(tables["victim_profile"])
    yield from _ethnic_groups(tables["offender_profile"])
    yield from _same_people(tables)
    yield from _perpetrators(tables["perpetrators"], tables["offender_profile"])
    yield from _ethnicity_basis(tables["ethnicity_basis"])
    yield from _rejected_related(tables["rejected_related"], categories, national)
    yield from _outcomes(tables["outcomes"], categories, national)
    yield from _network_group(tables["network_group"], categories, national)


def _group_totals(table: StatTable, by: tuple[str, ...]) -> Iterator[Relation]:
    """In each group of rows, the total row is the sum of the others."""
    dimensions = table.dimension_keys()
    positions = [dimensions.index(d) for d in by]
    groups: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
    for key in (table.row_key(row) for row in table.rows):
        groups.setdefault(tuple(key[i] for i in positions), []).append(key)
    for keys in groups.values():
        (total,) = (k for k in keys if k in table.totals)
        yield Relation(table.cell(total, "people"),
                       tuple(table.cell(k, "people") for k in keys if k != total))


def _ethnic_groups(table: StatTable) -> Iterator[Relation]:
    """Each of the five ethnic groups is the sum of its categories among the nineteen."""
    groups: dict[str, list[str]] = {}
    ethnicity = codelist("ethnicity")
    for label, group in zip(ethnicity.column("label").values(),
                            ethnicity.column("group").values(), strict=True):
        groups.setdefault(group, []).append(label)
    keys = {table.row_key(row) for row in table.rows}
    for offence_group in dict.fromkeys(k[0] for k in keys):
        for group, labels in groups.items():
            total = (offence_group, DIMENSION_LABELS["ethnic_group"], group)
            parts = [(offence_group, DIMENSION_LABELS["ethnicity"], label) for label in labels]
            if total in keys and all(p in keys for p in parts):
                yield Relation(table.cell(total, "people"),
                               tuple(table.cell(p, "people") for p in parts))


def _same_people(tables: dict[str, StatTable]) -> Iterator[Relation]:
    """The same people counted under every characteristic and in the nationality table."""
    nationality = tables["nationality"]
    for name, party in (("victim_profile", "Victims"), ("offender_profile", "Perpetrators")):
        profile = tables[name]
        totals = [key for key in (profile.row_key(row) for row in profile.rows)
                  if key in profile.totals]
        for group in dict.fromkeys(key[0] for key in totals):
            same = [key for key in totals if key[0] == group]
            for other in same[1:]:
                yield Relation(profile.cell(same[0], "people"), (profile.cell(other, "people"),))
            (everyone,) = (key for key in nationality.totals if key[:2] == (group, party))
            yield Relation(profile.cell(same[0], "people"),
                           (nationality.cell(everyone, "people"),))
            yield Relation(profile.cell(same[0], "people"),
                           (tables["ethnicity_basis"].cell((group, party), "people"),))


def _perpetrators(perpetrators: StatTable, profile: StatTable) -> Iterator[Relation]:
    """Records are named or unidentified; the named are the people the profile counts."""
    totals = {key[0]: key for key in sorted(profile.totals)}
    for key in (perpetrators.row_key(row) for row in perpetrators.rows):
        yield Relation(perpetrators.cell(key, "perpetrator_records"),
                       (perpetrators.cell(key, "named_records"),
                        perpetrators.cell(key, "unidentified_records")))
        yield Relation(perpetrators.cell(key, "people"),
                       (profile.cell(totals[key[0]], "people"),))


def _ethnicity_basis(basis: StatTable) -> Iterator[Relation]:
    """The known ethnicities add up by stage and, again, by source."""
    for key in (basis.row_key(row) for row in basis.rows):
        for parts in (STAGE_KEYS, SOURCE_KEYS):
            yield Relation(basis.cell(key, "known"), tuple(basis.cell(key, p) for p in parts))


def _rejected_related(lost: StatTable, categories: StatTable,
                      national: dict[str, tuple[str, ...]]) -> Iterator[Relation]:
    """The offences that lost a row add up like the categories; each category's offences are
    the national figure."""
    keys = {key[0]: key for key in (lost.row_key(row) for row in lost.rows)}
    for total, parts in HIERARCHY:
        yield Relation(lost.cell(keys[total], "lost_related"),
                       tuple(lost.cell(keys[p], "lost_related") for p in parts))
    for code, key in keys.items():
        yield Relation(lost.cell(key, "offences"), (categories.cell(national[code], "offences"),))


def _outcomes(outcomes: StatTable, categories: StatTable,
              national: dict[str, tuple[str, ...]]) -> Iterator[Relation]:
    """Every CSA offence has one outcome group: the outcomes of a group add up to it."""
    groups = {OFFENCE_GROUP_LABELS["all_csa"]: "csa_offences",
              OFFENCE_GROUP_LABELS["group_based_cse"]: "group_based_cse"}
    keys = [outcomes.row_key(row) for row in outcomes.rows]
    for group, code in groups.items():
        yield Relation(categories.cell(national[code], "offences"),
                       tuple(outcomes.cell(k, "offences") for k in keys if k[0] == group))


def _network_group(network: StatTable, categories: StatTable,
                   national: dict[str, tuple[str, ...]]) -> Iterator[Relation]:
    """The flag count is the group-based CSE category; each count splits into the offences
    found only that way and those found both ways (the kinds overlap and add to nothing)."""
    keys = {key[0]: key for key in (network.row_key(row) for row in network.rows)}

    def cell(code: str) -> CellRef:
        return network.cell(keys[code], "offences")

    yield Relation(categories.cell(national["group_based_cse"], "offences"), (cell("flag"),))
    yield Relation(cell("flag"), (cell("flag_only"), cell("both_ways")))
    yield Relation(cell("network"), (cell("network_only"), cell("both_ways")))
