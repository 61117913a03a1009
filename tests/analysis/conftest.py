"""Fixtures for the analysis tests: in-memory warehouses built by `audit_fixture`."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tessera.analysis.audit import AuditResult, run_audit
from tessera.warehouse.engine import Engine
from tests.analysis.audit_fixture import FixtureWarehouse, populate_audit_fixture


@pytest.fixture
def engine() -> Iterator[Engine]:
    """An empty in-memory DuckDB warehouse."""
    with Engine.open(None) as eng:
        yield eng


@pytest.fixture
def warehouse(engine: Engine) -> FixtureWarehouse:
    """The audit schema with no rows, for tests that add their own."""
    return FixtureWarehouse(engine)


@pytest.fixture
def audit_engine(engine: Engine) -> Engine:
    """The hand-made audit warehouse of `populate_audit_fixture`."""
    populate_audit_fixture(engine)
    return engine


@pytest.fixture
def result(audit_engine: Engine) -> AuditResult:
    """The audit of the hand-made warehouse."""
    return run_audit(audit_engine)
