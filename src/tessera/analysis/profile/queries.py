"""The problem profile's named SQL files and the steps each reads (run through
`analysis.sql.NamedSql`).

The profile uses the audit's steps (`offence_category`, `csa_party`, `party_statement`,
`person_ethnicity`, `network_association`) rather than a copy, so a CSA offence, a group-based
offence and a person mean the same in the profile as in the national audit.
"""

from __future__ import annotations

from tessera.analysis.audit.queries import AUDIT_SQL
from tessera.analysis.sql import NamedSql

READS: dict[str, tuple[str, ...]] = {
    # steps
    "profile_offence": ("offence_category",),
    # table queries
    "definitions": ("profile_offence", "network_association"),
    "trend": ("profile_offence",),
    "nature": ("profile_offence",),
    "people": ("profile_offence", "csa_party", "party_statement", "person_ethnicity"),
    "ethnicity_stage": ("profile_offence", "party_statement"),
    "co_offending": ("profile_offence",),
    "partner": ("profile_offence",),
    "outcomes": ("profile_offence",),
    "gaps": ("profile_offence",),
    "field_completeness": ("profile_offence",),
    "currency": (),
}
"""Every SQL file of the profile and the steps it reads by name."""

PROFILE_SQL = NamedSql(__package__, READS, uses=(AUDIT_SQL,))
"""The profile's SQL files, reading the audit's steps."""

profile_sql = PROFILE_SQL.sql
"""One runnable statement of the profile: a query and the steps it reads."""
