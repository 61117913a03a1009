"""The look-again list of the hand-made warehouse (tests/analysis/lookagain), published into a
web test's casework store: real analysis output, made in memory in well under a second.

West Yorkshire has one eligible case (WY-A, top of the list), Kent two (K-E, K-D), so an
analyst of one force has something to see and something they must not.
"""

from __future__ import annotations

from tessera.analysis.data_state import warehouse_state
from tessera.analysis.lookagain import load_rules, load_weights, run_look_again
from tessera.casework.publications import Published
from tessera.casework.store import Casework
from tessera.publish.lookagain_publication import publish_look_again
from tessera.warehouse.engine import Engine
from tests.analysis.lookagain.lookagain_fixture import (
    COMMUNITIES,
    KENT,
    LookAgainWarehouse,
    offence_key,
    populate_lookagain_fixture,
)

WY_CASE = offence_key("WY-A")
KENT_CASES = (offence_key("K-E", KENT), offence_key("K-D", KENT))


def publish_fixture_list(casework: Casework) -> Published:
    """Publish the hand-made warehouse's list into `casework`, as the command does."""
    with Engine.open(None) as engine:
        populate_lookagain_fixture(LookAgainWarehouse(engine))
        result = run_look_again(engine, rules=load_rules(), weights=load_weights(),
                                communities=COMMUNITIES)
        state = warehouse_state(engine)
    with casework.session() as session:
        return publish_look_again(session, result, state, published_by="web tests")
