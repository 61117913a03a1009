"""Perpetrators counted as people: named perpetrators by person_id, unidentified suspects apart."""

from __future__ import annotations

from tessera.analysis.audit.queries import audit_sql
from tessera.analysis.audit.rules import OFFENCE_GROUP_LABELS
from tessera.analysis.audit.tables import OFFENCE_GROUP
from tessera.analysis.results import Column, StatTable
from tessera.warehouse.engine import Engine


def perpetrators_table(engine: Engine, linkage_runs: int) -> StatTable:
    """Perpetrators counted as people: named perpetrators by person, unidentified suspects apart.

    Why beside the profiles: the category rules count every suspect record, and a record of an
    unidentified suspect is a new record in each offence; counted as people they would inflate
    the profiles with people nobody can describe. Here the records are split, and the named
    ones counted by person_id once linked, which is how the profiles count them.
    """
    rows = tuple((OFFENCE_GROUP_LABELS[r["offence_group"]], r["perpetrator_records"],
                  r["named_records"], r["unidentified_records"], r["people"])
                 for r in engine.rows(audit_sql("perpetrators")))
    return StatTable(
        name="perpetrators",
        title="Perpetrators counted as people (one identifier per person)",
        description="Suspect and offender records of CSA offences, split into named "
                    "perpetrators and unidentified suspects, and the people the named ones are.",
        columns=(OFFENCE_GROUP,
                 Column("perpetrator_records", "Suspect and offender records", "count"),
                 Column("named_records", "Named perpetrator records", "count"),
                 Column("unidentified_records", "Unidentified suspect records", "count"),
                 Column("people", "Named perpetrators (people)", "count")),
        rows=rows,
        notes=(
            "A named perpetrator is one the force holds a nominal record for; an unidentified "
            "suspect's record names nobody, so it is counted as a record and left out of the "
            "perpetrator profile and the nationality table.",
            f"People are counted by person_id from 'tessera link' ({linkage_runs} linkage "
            "run(s) in this warehouse)." if linkage_runs else
            "Run 'tessera link' to count people: without linkage each named record counts as "
            "one person, so a perpetrator known to two forces counts twice.",
        ),
    )
