"""Fixtures for the publish tests: the audit of the hand-made warehouse, run once per module."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tessera.analysis.audit import AuditResult, run_audit
from tessera.warehouse.engine import Engine
from tests.analysis.audit_fixture import populate_audit_fixture


@pytest.fixture(scope="module")
def audit_engine() -> Iterator[Engine]:
    """The hand-made audit warehouse (see tests/analysis/audit_fixture.py)."""
    with Engine.open(None) as engine:
        populate_audit_fixture(engine)
        yield engine


@pytest.fixture(scope="module")
def audit_result(audit_engine: Engine) -> AuditResult:
    """The audit of that warehouse: 12 CSA offences, 2 of them group-based CSE."""
    return run_audit(audit_engine)
