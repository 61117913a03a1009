"""Which state of the warehouse a product was made from: its latest load batch, its latest
linkage run and the provenance of what is loaded.

Why: a product published for the web app (the look-again list now, problem profiles and
performance later) is read long after it was made, so it must say which data it came from,
and a newer load must show it to be out of date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from tessera.warehouse.engine import Engine
from tessera.warehouse.provenance import release_provenance

LATEST_BATCH_SQL = ("SELECT batch_id, finished_at FROM ops.batches "
                    "ORDER BY batch_id DESC LIMIT 1")
"""The last load batch, and when it finished (local time, as `tessera ingest` wrote it)."""
LATEST_LINKAGE_SQL = "SELECT max(run_id) FROM ops.linkage_runs"
"""The last linkage run (its ids are the ones analyses join on)."""


@dataclass(frozen=True)
class WarehouseState:
    """The latest batch (None: nothing loaded), when it finished loading (UTC), the latest
    linkage run (None: never linked) and the provenance sentence of everything loaded."""

    batch_id: int | None
    loaded_at: datetime | None
    linkage_run_id: int | None
    provenance: str


def warehouse_state(engine: Engine) -> WarehouseState:
    """The state of the warehouse behind `engine` (read-only is enough)."""
    batch_id: int | None = None
    loaded_at: datetime | None = None
    if engine.table_exists("ops", "batches"):
        rows = engine.rows(LATEST_BATCH_SQL)
        if rows:
            batch_id = int(rows[0]["batch_id"])
            finished = rows[0]["finished_at"]
            # `tessera ingest` records local time, without a zone.
            loaded_at = finished.astimezone(UTC) if finished is not None else None
    run = (engine.scalar(LATEST_LINKAGE_SQL) if engine.table_exists("ops", "linkage_runs")
           else None)
    return WarehouseState(batch_id, loaded_at, int(run) if run is not None else None,
                          release_provenance(engine).sentence)
