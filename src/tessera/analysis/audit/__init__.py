"""The national audit of child sexual abuse offences (measure M5).

Public API: `run_audit(engine) -> AuditResult` and `explain_offence(engine, crime_ref) ->
OffenceExplanation`, with the rule texts in `RULES`. The rules are SQL (`offence_category.sql`),
the tables are the other `.sql` files here, and `tables.py` (with `ethnicity.py`,
`perpetrators.py` and `rejections.py` for the tables of those concerns) shapes their counts
into typed tables (`analysis.results.StatTable`).
"""

from tessera.analysis.audit.explain import (
    ExplainedOffence,
    NetworkAssociation,
    OffenceExplanation,
    RuleCheck,
    explain_offence,
)
from tessera.analysis.audit.results import AuditResult, Headline
from tessera.analysis.audit.rules import CATEGORY_LABELS, RULES
from tessera.analysis.audit.service import run_audit

__all__ = [
    "CATEGORY_LABELS",
    "RULES",
    "AuditResult",
    "ExplainedOffence",
    "Headline",
    "NetworkAssociation",
    "OffenceExplanation",
    "RuleCheck",
    "explain_offence",
    "run_audit",
]
