"""The generated performance warehouse (`performance_fixture`), in memory, and its result."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tessera.analysis.performance import PerformanceResult, run_performance
from tessera.warehouse.engine import Engine
from tests.analysis.performance.performance_fixture import populate_performance_fixture


@pytest.fixture(scope="module")
def perf_engine() -> Iterator[Engine]:
    """A hundred and sixty random offences over eight quarters in three forces."""
    with Engine.open(None) as engine:
        populate_performance_fixture(engine)
        yield engine


@pytest.fixture(scope="module")
def perf_result(perf_engine: Engine) -> PerformanceResult:
    """The framework over the whole fixture."""
    return run_performance(perf_engine)
