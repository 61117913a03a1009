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

from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from tessera.analysis.profile import Period, Profile
from tessera.analysis.results import RowKey, StatTable
from tessera.publish.audit_disclosure import COUNTED_NOTE
from tessera.publish.disclosure import DisclosureRule, Protection, protect
from tessera.publish.editions import Edition, Symbol, published_edition, restricted_edition
from tessera.publish.register import load_register, save_register
from tessera.publish.tabulation import Relation

ALL = "All"


def default_profile_register(output: Path, force_code: str, period: Period) -> Path:
    """Where a force's register of a period lives: beside the outputs, in `restricted/`."""
    return output / "restricted" / f"profile-register-{force_code}-{period.slug}.json"


def release_profile(profile: Profile, *, register: Path,
                    rule: DisclosureRule | None = None) -> tuple[Profile, Protection]:
    """The profile as the public may see it, protected against the register's earlier
    releases of the same force and period, and recorded there."""
    period = f"{profile.force_code} {profile.period.label}"
    earlier = load_register(register, period)
    tables, relations = profile_tables(profile)
    protection = protect(tables, relations, rule, earlier)
    edition = published_edition(tables, protection, rule)
    name = f"profile {datetime.now().isoformat(timespec='microseconds')}"
    save_register(earlier.record(name, protection.cells, protection.relations), register)
    return as_profile(profile, edition), protection


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
