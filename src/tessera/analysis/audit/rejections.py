"""The rows rejected at ingest, and the offences of each category placed without one.

Why in the audit: a rejected second perpetrator moves an offence from 'more than one
perpetrator' to 'single', so rejections bias the small categories; the audit says how many
offences each figure was counted without a related row.
"""

from __future__ import annotations

from tessera.analysis.audit.queries import audit_sql
from tessera.analysis.audit.rates import share
from tessera.analysis.audit.rules import CATEGORY_LABELS
from tessera.analysis.audit.tables import COUNTED_CATEGORIES, share_column
from tessera.analysis.results import Column, StatTable
from tessera.warehouse.engine import Engine


def rejected_rows_table(engine: Engine) -> StatTable:
    """How many input rows of the entities the audit reads were rejected at ingest."""
    rows = tuple((r["entity"], r["rows_in"], r["rows_rejected"],
                  share(r["rows_rejected"], r["rows_in"]))
                 for r in engine.rows(audit_sql("rejected_rows")))
    return StatTable(
        name="rejected_rows",
        title="Input rows rejected at ingest",
        description="Rows of the extracts the audit reads, over every delivery loaded, and how "
                    "many 'tessera ingest' rejected for breaking a core dataset rule.",
        columns=(Column("entity", "Entity", "dimension"),
                 Column("rows_in", "Rows delivered", "count", protected=False),
                 Column("rows_rejected", "Rows rejected", "count", protected=False),
                 share_column("rejected_share", "Rejected (%)", "rows_rejected", "rows_in")),
        rows=rows,
        notes=("A rejected offence is in no count of the audit; a rejected party, person record "
               "or demographic statement leaves its offence counted without it (see 'CSA "
               "offences that lost a related row'). The rejections CSV of each batch says what "
               "to fix.",),
    )


def rejected_related_table(engine: Engine, categories: StatTable) -> StatTable:
    """CSA offences per category that were placed without a row rejected at ingest.

    Why per category: a rejected second perpetrator moves an offence from 'more than one
    perpetrator' to 'single', so rejections bias the small categories most; a reader must
    see how many offences each figure may have lost or gained that way.
    """
    lost = engine.rows(audit_sql("rejected_related"))[0]
    offences = dict(zip(categories.column("category_code"), categories.column("offences"),
                        strict=True))
    rows = tuple((code, CATEGORY_LABELS[code], offences[code], lost[code],
                  share(lost[code], int(str(offences[code]))))
                 for code in COUNTED_CATEGORIES)
    return StatTable(
        name="rejected_related",
        title="CSA offences that lost a related row to rejection",
        description="CSA offences in each category one of whose party rows, or a demographic "
                    "statement about one of its parties, was rejected at ingest: each was "
                    "placed without that row.",
        columns=(Column("category_code", "Category code", "dimension"),
                 Column("category", "Category", "dimension"),
                 Column("offences", "Offences", "count"),
                 Column("lost_related", "With a related row rejected", "count"),
                 share_column("lost_related_share", "With a related row rejected (%)",
                           "lost_related", "offences")),
        rows=rows,
        totals=frozenset({("csa_offences", CATEGORY_LABELS["csa_offences"])}),
        notes=("A row rejected in one delivery and loaded in a later one no longer counts.",),
    )
