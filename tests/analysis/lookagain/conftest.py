"""The hand-made look-again warehouse (`lookagain_fixture`), in memory."""

from __future__ import annotations

import pytest

from tessera.warehouse.engine import Engine
from tests.analysis.lookagain.lookagain_fixture import (
    LookAgainWarehouse,
    populate_lookagain_fixture,
)


@pytest.fixture
def evidence_keys(engine: Engine) -> dict[str, str]:
    """The fixture's cases loaded into `engine`; the keys of the evidence the tests name."""
    return populate_lookagain_fixture(LookAgainWarehouse(engine))
