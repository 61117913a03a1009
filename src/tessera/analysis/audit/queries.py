"""The audit's named SQL files and the steps each reads (run through `analysis.sql.NamedSql`)."""

from __future__ import annotations

from tessera.analysis.sql import NamedSql

READS: dict[str, tuple[str, ...]] = {
    # steps
    "offence_category": (),
    "audit_group": (),
    "force_category_counts": ("offence_category",),
    "offence_in_group": ("offence_category",),
    "csa_party": ("offence_in_group",),
    "party_statement": ("csa_party",),
    "person_ethnicity": ("party_statement",),
    "network_association": ("offence_category",),
    # table queries
    "offence_categories": ("force_category_counts",),
    "category_by_force": ("force_category_counts",),
    "completeness": ("offence_category",),
    "profile": ("audit_group", "csa_party", "party_statement", "person_ethnicity"),
    "completeness_by_stage": ("audit_group", "party_statement"),
    "outcomes": ("audit_group", "offence_category", "offence_in_group"),
    "nationality": ("audit_group", "csa_party", "party_statement"),
    "explain": ("offence_category",),
    "network_groups": ("offence_category", "network_association"),
    "explain_network": ("offence_category", "network_association"),
    "children": ("audit_group", "csa_party"),
    "perpetrators": ("audit_group", "csa_party"),
    "rejected_rows": (),
    "rejected_related": ("offence_category",),
    "ethnicity_basis": ("audit_group", "csa_party", "party_statement", "person_ethnicity"),
}
"""Every SQL file of the audit and the steps it reads by name (each a file of the same name)."""

AUDIT_SQL = NamedSql(__package__, READS)
"""The audit's SQL files."""

audit_sql = AUDIT_SQL.sql
"""One runnable statement of the audit: a query and the steps it reads (see `NamedSql.sql`)."""
