"""The look-again list's named SQL files and the steps each reads (run through
`analysis.sql.NamedSql`).

The list reads the audit's `offence_category` step, so "group-based" means exactly what the
audit counts as group-based CSE. `charged_community` also reads `lookagain_community`, a table
the service registers on the connection (see `service.register_communities`).
"""

from __future__ import annotations

from tessera.analysis.audit.queries import AUDIT_SQL
from tessera.analysis.sql import NamedSql

CASE_STEPS = ("record_identity", "party_identity", "closed_case", "eligible_case")

READS: dict[str, tuple[str, ...]] = {
    # steps
    "record_identity": (),
    "party_identity": ("record_identity",),
    "closed_case": ("offence_category", "party_identity"),
    "eligible_case": ("closed_case",),
    "case_suspect": ("eligible_case", "party_identity"),
    "case_victim": ("eligible_case", "party_identity"),
    "person_association": ("record_identity",),
    # feature steps
    "later_offence": ("case_suspect", "party_identity"),
    "later_intelligence": ("case_suspect", "person_association"),
    "new_victim": ("case_suspect", "case_victim", "party_identity"),
    "victim_referral": ("case_victim", "record_identity"),
    "new_object_tie": ("case_suspect", "record_identity", "person_association"),
    "charged_community": ("case_suspect", "party_identity"),
    # queries
    "cases": ("eligible_case",),
    "evidence": ("later_offence", "later_intelligence", "new_victim", "victim_referral",
                 "new_object_tie", "charged_community"),
}
"""Every SQL file of the look-again list and the steps it reads by name."""

LOOKAGAIN_SQL = NamedSql(__package__, READS, uses=(AUDIT_SQL,))
"""The look-again list's SQL files."""

lookagain_sql = LOOKAGAIN_SQL.sql
"""One runnable statement of the look-again list: a query and the steps it reads."""
