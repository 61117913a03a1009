"""Warehouses for the quality tests, built by real ingest of small police extracts.

Why ingest and not hand-made ops rows: the scores read the profiles that loading writes, so
the tests go through the same staging, rules and profiling as a real delivery.
"""

from __future__ import annotations

from pathlib import Path

from tessera.sources.delivery import Delivery
from tessera.warehouse.loading import ingest
from tessera.warehouse.pseudonym import PseudonymKey
from tests.conftest import FORCE, offence, write_extract

OFFENCES = 40
"""Offences per delivery: enough for a real fall to stand out from chance."""


def deliver(folder: Path, warehouse: Path, key: PseudonymKey, *, batch: str, offences: int,
            without_setting: int, agency: str = FORCE) -> None:
    """Ingest `offences` new offences of force `agency` (keys unique to `batch`), the first
    `without_setting` of them with no setting recorded."""
    rows = [offence(f"{batch}/{n}", agency_code=agency, force_code=agency,
                    **({"setting": ""} if n < without_setting else {}))
            for n in range(offences)]
    write_extract(folder / batch / "offence.csv", "offence", rows)
    ingest(Delivery.find([folder / batch]), warehouse=warehouse, key=key,
           output=folder / "out")
