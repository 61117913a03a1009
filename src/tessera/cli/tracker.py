"""`tessera tracker`: publish the recommendations tracker's warehouse indicators, and write
its ODS release."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tessera.cli import CaseworkOption, WarehouseOption, _sub_app, console
from tessera.config import load_settings

tracker_app = _sub_app("tracker", "The recommendations tracker (M10): indicators and release.")


@tracker_app.command("publish")
def tracker_publish(warehouse: WarehouseOption = None,
                    casework_url: CaseworkOption = None) -> None:
    """Compute the tracker's indicators from the warehouse, protect them as the audit's
    tables are, and store them in the casework store for the tracker page.

    The web app never opens the warehouse: the page shows the snapshot this stores (ethnicity
    recorded at the end of the investigation by force; the agencies supplying the core
    dataset and their quality scores). Needs the signing key, since each snapshot is chained
    into the ledger. Run it after each ingest.
    """
    from tessera.casework.signing import Signer
    from tessera.casework.store import Casework
    from tessera.publish.tracker_release import publish_tracker

    settings = load_settings(warehouse=warehouse, casework_url=casework_url)
    casework = Casework.open(settings.casework_url, Signer.from_file(settings.signing_key_file))
    try:
        stored = publish_tracker(settings.warehouse, casework)
    finally:
        casework.close()
    console.print(f"Published {len(stored)} indicators to the tracker: {', '.join(stored)}",
                  highlight=False)


@tracker_app.command("release")
def tracker_release(
    out: Annotated[Path, typer.Option(help="Where to write the ODS workbook.")] = Path(
        "tracker.ods"),
    casework_url: CaseworkOption = None,
) -> None:
    """Write the tracker as an ODS workbook: every recommendation with its latest status, due
    date and overdue flag, then each published indicator (the same as the page's download)."""
    from tessera.casework.store import Casework
    from tessera.publish.tracker_release import tracker_ods, tracker_page

    settings = load_settings(casework_url=casework_url)
    casework = Casework.open(settings.casework_url)
    try:
        with casework.reading() as session:
            workbook = tracker_ods(tracker_page(session))
    finally:
        casework.close()
    out.write_bytes(workbook)
    console.print(f"Tracker workbook: {out}", highlight=False)
