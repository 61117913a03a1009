"""The record of published problem profiles, kept in the warehouse's `ops` zone.

Why in the warehouse: a profile is made from it, so the record of which force's profile covers
which period sits beside the batches it was made from; the tracker's currency indicator reads
it from there, through the same snapshot as its other warehouse indicators.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from tessera.warehouse.engine import Engine
from tessera.warehouse.schema import PROFILE_RELEASES_SQL


def record_profile_releases(engine: Engine, force_codes: Sequence[str], start: date, end: date,
                            at: datetime) -> None:
    """Append one row per published profile (`force_codes`, the period, when); creates the
    table in a warehouse made before profiles were recorded."""
    with engine.transaction():
        engine.execute(PROFILE_RELEASES_SQL)
        for force_code in force_codes:
            engine.execute("INSERT INTO ops.profile_releases VALUES ($force, $start, $end, $at)",
                           {"force": force_code, "start": start, "end": end, "at": at})
