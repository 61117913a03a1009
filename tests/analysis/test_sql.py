"""The named-SQL loader every analysis product shares: steps chained, and borrowed by name."""

from __future__ import annotations

import pytest

from tessera.analysis.audit.queries import AUDIT_SQL, READS, audit_sql
from tessera.analysis.sql import NamedSql
from tessera.errors import AnalysisError


def test_a_product_reads_another_products_steps_by_name() -> None:
    """A product that declares only its own query gets the audit's steps from the audit, in
    the same order, so the category rule is not copied."""
    borrower = NamedSql("tessera.analysis.audit", {"outcomes": READS["outcomes"]},
                        uses=(AUDIT_SQL,))
    assert borrower.steps_for("outcomes") == AUDIT_SQL.steps_for("outcomes")
    assert borrower.sql("outcomes") == audit_sql("outcomes")
    assert borrower.has("offence_category") and not borrower.has("nope")


def test_a_name_no_product_has_is_an_error() -> None:
    with pytest.raises(AnalysisError, match="has no query named 'nope'"):
        NamedSql("tessera.analysis.audit", {}, uses=(AUDIT_SQL,)).sql("nope")
