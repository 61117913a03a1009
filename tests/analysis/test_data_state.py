"""Which state of the warehouse a published product came from: the latest batch and when it
finished, the latest linkage run, and the provenance sentence."""

from __future__ import annotations

from datetime import UTC, datetime

from tessera.analysis.data_state import warehouse_state
from tessera.warehouse.engine import Engine
from tessera.warehouse.provenance import SENTENCES
from tessera.warehouse.schema import create_schema_sqls


def test_an_empty_warehouse_has_no_batch_and_says_so() -> None:
    with Engine.open(None) as engine:
        for sql in create_schema_sqls():
            engine.execute(sql)
        state = warehouse_state(engine)
    assert (state.batch_id, state.loaded_at, state.linkage_run_id) == (None, None, None)
    assert state.provenance == SENTENCES["empty"]


def test_the_latest_batch_and_linkage_run_are_named() -> None:
    """Two batches and two linkage runs: the later of each; the time is read as the local
    time `tessera ingest` wrote and given in UTC."""
    finished = datetime(2026, 11, 2, 10, 30)
    with Engine.open(None) as engine:
        for sql in create_schema_sqls():
            engine.execute(sql)
        engine.execute("INSERT INTO ops.batches VALUES (1, ?, ?, 'x'), (2, ?, ?, 'x')",
                       [finished, finished, finished, finished.replace(hour=11)])
        engine.execute("INSERT INTO ops.linkage_runs (run_id) VALUES (1), (3)")
        engine.execute("INSERT INTO ops.files (batch_id, sha256, provenance) "
                       "VALUES (2, 'abc', 'synth')")
        state = warehouse_state(engine)
    assert (state.batch_id, state.linkage_run_id) == (2, 3)
    assert state.loaded_at == finished.replace(hour=11).astimezone(UTC)
    assert state.provenance == SENTENCES["synthetic"]
