"""Problem profiles and the performance framework of the hand-made warehouses, published into
a web test's casework store as `tessera publish profiles|performance` do: real analysis
output, made once per test session (the tests only read it) and published into each store.

Profiles: West Yorkshire (9 CSA offences), Kent (3) and England and Wales, of the audit
fixture. Performance: the performance fixture's West Yorkshire, Lancashire and City of London
and England and Wales. So a West Yorkshire analyst has a page of each and a force whose page
they must not see.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import cache

from tessera.analysis.data_state import WarehouseState, warehouse_state
from tessera.analysis.performance import PerformanceResult, run_performance
from tessera.analysis.profile import NATIONAL, Profile, run_profiles
from tessera.casework.store import Casework
from tessera.publish.performance_publication import publish_performance
from tessera.publish.profile_publication import publish_profiles
from tessera.warehouse.engine import Engine
from tessera.warehouse.profile_releases import record_profile_releases
from tests.analysis.audit_fixture import populate_audit_fixture
from tests.analysis.performance.performance_fixture import populate_performance_fixture

PROFILE_FORCES = ("west-yorkshire", "kent", NATIONAL)


@cache
def fixture_profiles() -> tuple[tuple[Profile, ...], WarehouseState]:
    """The profiles of `PROFILE_FORCES` over the audit fixture's span, and its state."""
    with Engine.open(None) as engine:
        populate_audit_fixture(engine)
        return tuple(run_profiles(engine, PROFILE_FORCES)), warehouse_state(engine)


PERFORMANCE_AS_AT = date(2026, 11, 30)
"""The day the fixture's P14 is computed for: West Yorkshire published its profile 60 days
before, Lancashire 400 days before, City of London never."""


@cache
def fixture_performance() -> tuple[PerformanceResult, WarehouseState]:
    """The framework over the performance fixture, and its state."""
    with Engine.open(None) as engine:
        populate_performance_fixture(engine)
        record_profile_releases(engine, ["west-yorkshire"], date(2023, 1, 1),
                                date(2023, 12, 31), datetime(2026, 10, 1, 9))
        record_profile_releases(engine, ["lancashire"], date(2022, 1, 1), date(2022, 12, 31),
                                datetime(2025, 10, 26, 9))
        return run_performance(engine, as_at=PERFORMANCE_AS_AT), warehouse_state(engine)


def publish_fixture_products(casework: Casework) -> None:
    """Publish both into `casework`."""
    profiles, state = fixture_profiles()
    result, performance_state = fixture_performance()
    with casework.session() as session:
        publish_profiles(session, profiles, state, published_by="web tests")
        publish_performance(session, result, performance_state, published_by="web tests")
