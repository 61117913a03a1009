"""Fixtures for the network tests: the hand-made warehouse of `network_fixture`."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tessera.warehouse.engine import Engine
from tests.analysis.network.network_fixture import NetworkWarehouse


@pytest.fixture
def net() -> Iterator[NetworkWarehouse]:
    """The audit fixture in memory, ready for associations and linked ids."""
    with Engine.open(None) as engine:
        yield NetworkWarehouse(engine)
