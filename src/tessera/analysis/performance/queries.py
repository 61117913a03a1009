"""The performance framework's named SQL files; they read the audit's `offence_category` step,
so a CSA offence is the same offence here as in the audit."""

from __future__ import annotations

from tessera.analysis.audit.queries import AUDIT_SQL
from tessera.analysis.sql import NamedSql

READS: dict[str, tuple[str, ...]] = {
    "child_population": (),
    "area_figures": (),
    "forces": (),
    "recorded": ("offence_category",),
    "outcomes": ("offence_category",),
    "parties": ("offence_category",),
}
"""Every SQL file of the framework and the steps it reads by name."""

PERFORMANCE_SQL = NamedSql(__package__, READS, uses=(AUDIT_SQL,))
"""The framework's SQL files."""

performance_sql = PERFORMANCE_SQL.sql
"""One runnable statement of the framework (see `NamedSql.sql`)."""
