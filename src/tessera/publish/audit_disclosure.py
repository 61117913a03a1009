"""The national audit through disclosure control: its tables typed, their relations declared,
and the published edition turned back into audit tables for the CSV and HTML writers.

Why a bridge by column title: the audit's tables have display titles only; until they carry
typed columns themselves, this module is the one place that says which titles are counts,
which are shares or rates of what, and which figures add up to which. `build_system` checks
every declared relation against the figures, so a wrong declaration fails loudly.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace

from tessera.analysis.audit import AuditResult, AuditTable
from tessera.dataset.codelists import codelist
from tessera.publish.disclosure import DisclosureRule, Protection, protect
from tessera.publish.editions import Edition, Symbol, published_edition
from tessera.publish.register import ReleaseRegister
from tessera.publish.tabulation import Column, Relation, Rows, StatTable

DIMENSIONS = frozenset({
    "Category code", "Category", "Force code", "Force", "Offence group", "Characteristic",
    "Party", "Stage", "Outcome group code", "Outcome", "Nationality code", "Nationality",
    "Measure"})
REFERENCE_COUNTS = frozenset({"Population"})
ALL_PEOPLE = "All people"
NOT_KNOWN = frozenset({ALL_PEOPLE, "Age not known", "Sex not known", "Not stated or not known"})

COUNTED_NOTE = re.compile(r"\d[\d,]* of \d")
"""A note that gives counts of people, such as "(409 of 555)"."""
CHILDREN_HEADLINE = "Children who were victims"

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
    ("73.7% (409 of 555)") is dropped from a table with hidden cells, and a headline whose
    figure is hidden is dropped, so neither gives back what the tables hide.
    """
    tables = {}
    for name, table in result.tables.items():
        rows = [tuple(row) for row in edition.tables[name].rows]
        hidden = any(Symbol.CONFIDENTIAL in row for row in rows)
        notes = tuple(n for n in table.notes if not (hidden and COUNTED_NOTE.search(n)))
        tables[name] = replace(table, rows=rows, notes=notes)
    categories = tables["offence_categories"]
    hidden_labels = {label for label, offences in zip(
        categories.column("Category"), categories.column("Offences"), strict=True)
        if offences == Symbol.CONFIDENTIAL}
    if Symbol.CONFIDENTIAL in tables["children"].column("Children"):
        hidden_labels.add(CHILDREN_HEADLINE)
    headlines = tuple(h for h in result.headlines if h.label not in hidden_labels)
    return replace(result, tables=tables, headlines=headlines)


def audit_tables(result: AuditResult) -> tuple[list[StatTable], list[Relation]]:
    """Every audit table typed, with every additive relation among their counts."""
    tables = {name: StatTable(name, table.title, _columns(name, table), tuple(table.rows))
              for name, table in result.tables.items()}
    return list(tables.values()), list(_relations(tables))


def _columns(name: str, table: AuditTable) -> tuple[Column, ...]:
    """Each title typed; derived titles name what they are made of."""
    return tuple(_column(name, title, table) for title in table.columns)


def _column(name: str, title: str, table: AuditTable) -> Column:
    derived = _derived(name, title, table)
    if derived is not None:
        return derived
    if title in DIMENSIONS:
        return Column(title, title, "dimension")
    return Column(title, title, "count", protected=title not in REFERENCE_COUNTS)


def _derived(name: str, title: str, table: AuditTable) -> Column | None:
    """The derived columns of the audit, by table and title (None: not a derived column)."""
    if title == "Share of CSA offences (%)":
        return Column(title, title, "share", of="Offences",
                      per=Rows("Offences", "Category code", ("csa_offences",)))
    if title == "Per 100,000":
        return Column(title, title, "rate", of="CSA offences", per="Population")
    if title.startswith("95% interval") and name == "category_by_force":
        return Column(title, title, "interval_low" if title.endswith("low") else "interval_high",
                      of="CSA offences", per="Population")
    if name in ("victim_profile", "offender_profile"):
        known = Rows("People", "Category", _labels(table, "Category", NOT_KNOWN),
                     ("Offence group", "Characteristic"))
        return {"Share of known (%)": Column(title, title, "share", of="People", per=known),
                "Rate per 100,000": Column(title, title, "rate", of="People"),
                "95% interval low": Column(title, title, "interval_low", of="People"),
                "95% interval high": Column(title, title, "interval_high", of="People"),
                "Known (%)": Column(title, title, "share", of=known, per="People")}.get(title)
    if name == "nationality":
        recorded = Rows("People", "Nationality code",
                        tuple(str(code) for code in table.column("Nationality code")
                              if code is not None), ("Offence group", "Party"))
        return {"Share of recorded (%)": Column(title, title, "share", of="People",
                                                per=recorded),
                "Recorded (%)": Column(title, title, "share", of=recorded,
                                       per="People")}.get(title)
    if title == "Share (%)":
        return Column(title, title, "share", of="Offences", per=Rows(
            "Offences", "Outcome group code", _labels(table, "Outcome group code", frozenset()),
            ("Offence group",)))
    counts = {"Known (%)": ("Known ethnicity", "Statements"),
              "Recorded (%)": ("Recorded", "Of"),
              "In more than one agency (%)": ("In more than one agency", "Children"),
              "Known to social care before (%)": ("Known to social care before", "Children")}
    if title in counts:
        return Column(title, title, "share", of=counts[title][0], per=counts[title][1])
    return None


def _labels(table: AuditTable, column: str, leave_out: frozenset[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(str(v) for v in table.column(column) if v not in leave_out))


def _relations(tables: dict[str, StatTable]) -> Iterator[Relation]:
    """The hierarchy of categories nationally and by force, forces against the nation,
    profiles and nationality against their totals and each other, and the ethnic groups
    against the 19 categories within them."""
    categories, forces = tables["offence_categories"], tables["category_by_force"]
    national = {str(row[0]): (str(row[0]), str(row[1])) for row in categories.rows}
    titles = {code: str(key[1]) for code, key in national.items()}
    titles["csa_offences"] = "CSA offences"
    for total, parts in HIERARCHY:
        yield Relation(categories.cell(national[total], "Offences"),
                       tuple(categories.cell(national[p], "Offences") for p in parts))
        for key in (forces.row_key(row) for row in forces.rows):
            yield Relation(forces.cell(key, titles[total]),
                           tuple(forces.cell(key, titles[p]) for p in parts))
    for code, key in national.items():
        yield Relation(categories.cell(key, "Offences"),
                       tuple(forces.cell(forces.row_key(row), titles[code])
                             for row in forces.rows))
    yield from _group_totals(tables["victim_profile"], ("Offence group", "Characteristic"))
    yield from _group_totals(tables["offender_profile"], ("Offence group", "Characteristic"))
    yield from _group_totals(tables["nationality"], ("Offence group", "Party"))
    yield from _ethnic_groups(tables["victim_profile"])
    yield from _ethnic_groups(tables["offender_profile"])
    yield from _same_people(tables)
    yield from _outcomes(tables["outcomes"], categories, national)


def _group_totals(table: StatTable, by: tuple[str, ...]) -> Iterator[Relation]:
    """In each group of rows, the 'All people' row is the sum of the others."""
    dimensions = table.dimension_keys()
    positions = [dimensions.index(d) for d in by]
    label = len(dimensions) - 1
    groups: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
    for key in (table.row_key(row) for row in table.rows):
        groups.setdefault(tuple(key[i] for i in positions), []).append(key)
    for keys in groups.values():
        total = [k for k in keys if k[label] == ALL_PEOPLE]
        yield Relation(table.cell(total[0], "People"),
                       tuple(table.cell(k, "People") for k in keys if k[label] != ALL_PEOPLE))


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
            total = (offence_group, "Ethnic group (5 groups)", group)
            parts = [(offence_group, "Ethnic group (19 categories)", label) for label in labels]
            if total in keys and all(p in keys for p in parts):
                yield Relation(table.cell(total, "People"),
                               tuple(table.cell(p, "People") for p in parts))


def _same_people(tables: dict[str, StatTable]) -> Iterator[Relation]:
    """The same people counted under every characteristic and in the nationality table."""
    for name, party in (("victim_profile", "Victims"), ("offender_profile", "Perpetrators")):
        profile = tables[name]
        totals = [profile.row_key(row) for row in profile.rows if row[2] == ALL_PEOPLE]
        for group in dict.fromkeys(key[0] for key in totals):
            same = [key for key in totals if key[0] == group]
            for other in same[1:]:
                yield Relation(profile.cell(same[0], "People"), (profile.cell(other, "People"),))
            yield Relation(profile.cell(same[0], "People"), (tables["nationality"].cell(
                (group, party, "", ALL_PEOPLE), "People"),))


def _outcomes(outcomes: StatTable, categories: StatTable,
              national: dict[str, tuple[str, str]]) -> Iterator[Relation]:
    """Every CSA offence has one outcome group: the outcomes of a group add up to it."""
    groups = {"All CSA offences": "csa_offences", "Group-based CSE": "group_based_cse"}
    keys = [outcomes.row_key(row) for row in outcomes.rows]
    for group, code in groups.items():
        yield Relation(categories.cell(national[code], "Offences"),
                       tuple(outcomes.cell(k, "Offences") for k in keys if k[0] == group))

