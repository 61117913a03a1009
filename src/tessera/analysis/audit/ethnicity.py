"""Measure M4: what the audit's ethnicity figures rest on, by stage and by source.

Why apart from the profiles: the profiles take each person's latest known ethnicity; this
table says how much of that is a person's own answer given at the end of the investigation
(the measure) and how much an officer's observation or an early statement.
"""

from __future__ import annotations

from tessera.analysis.audit.queries import audit_sql
from tessera.analysis.audit.rates import share
from tessera.analysis.audit.rules import OFFENCE_GROUP_LABELS, PARTY_LABELS
from tessera.analysis.audit.tables import OFFENCE_GROUP, PARTY, PEOPLE, share_column
from tessera.analysis.results import Column, StatTable
from tessera.warehouse.engine import Engine

ETHNICITY_BASIS_COLUMNS: tuple[Column, ...] = (
    OFFENCE_GROUP, PARTY, PEOPLE, Column("known", "Known ethnicity", "count"),
    share_column("known_share", "Known (%)", "known", "people"),
    Column("at_report", "Taken at report", "count"),
    Column("at_arrest", "Taken at arrest", "count"),
    Column("at_charge", "Taken at charge", "count"),
    Column("at_end", "Taken at the end of the investigation", "count"),
    Column("self_defined", "Self-defined", "count"),
    Column("officer_defined", "Officer-defined", "count"),
    Column("third_party", "Stated by a third party", "count"),
    Column("source_not_recorded", "Source not recorded", "count"),
    Column("self_defined_at_end", "Self-defined at the end of the investigation", "count"),
    share_column("self_defined_at_end_share", "Self-defined at the end (%)", "self_defined_at_end",
              "people"),
)
STAGE_KEYS = ("at_report", "at_arrest", "at_charge", "at_end")
SOURCE_KEYS = ("self_defined", "officer_defined", "third_party", "source_not_recorded")
"""How the known ethnicities split by stage, and by who defined them (each adds up to known)."""


def ethnicity_basis_table(engine: Engine) -> StatTable:
    """Measure M4: what every ethnicity figure rests on, and how many people self-defined it at
    the end of the investigation.

    Why beside the profiles: an ethnicity an officer wrote down at report is a different fact
    from one the person gave at the end of the investigation; a profile figure drawn mostly
    from the first must say so.
    """
    rows = tuple(
        (OFFENCE_GROUP_LABELS[r["offence_group"]], PARTY_LABELS[r["party"]], r["people"],
         r["known"], share(r["known"], r["people"]), *(r[key] for key in STAGE_KEYS),
         *(r[key] for key in SOURCE_KEYS), r["self_defined_at_end"],
         share(r["self_defined_at_end"], r["people"]))
        for r in engine.rows(audit_sql("ethnicity_basis")))
    return StatTable(
        name="ethnicity_basis",
        title="What the ethnicity figures rest on (measure M4)",
        description="People in the profiles with a known ethnicity, by the investigation stage "
                    "and the source of the statement it was taken from, and the share with a "
                    "self-defined ethnicity stated at the end of the investigation.",
        columns=ETHNICITY_BASIS_COLUMNS,
        rows=rows,
        notes=("Measure M4 is 'Self-defined at the end (%)': a person's own answer, given at "
               "the end of the investigation. The profiles take each person's latest known "
               "ethnicity, whatever its stage or source; the columns by stage and by source "
               "say how much of each figure is officer-observed or from an early stage.",),
    )
