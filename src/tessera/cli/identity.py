"""`tessera identify`: the records and name behind a pseudonymous identifier, for a role
allowed to see them, each look-up in the read log."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from tessera.cli import CaseworkOption, WarehouseOption, app, console, read_password
from tessera.config import load_settings


@app.command()
def identify(
    identifier: Annotated[str, typer.Argument(help=(
        "A person_id (P-...), child_id (C-...) or network node (N-...) from a report, "
        "export or list; or an offence (X-...) of a network export, for its crime "
        "reference."))],
    user: Annotated[str, typer.Option(help=(
        "Your casework username: an analyst (for people known in your area) or a national "
        "analyst (the password is asked for)."))],
    purpose: Annotated[str, typer.Option(help="Why you need the name (kept in the read log).")],
    password_file: Annotated[Path | None, typer.Option(exists=True, dir_okay=False, help=(
        "Read the password from this file instead."))] = None,
    warehouse: WarehouseOption = None,
    casework_url: CaseworkOption = None,
) -> None:
    """Show who a pseudonymous identifier is: each agency's record of the person, with the
    name, date of birth and postcode on it (for an offence, the force's crime reference).

    Products name people only by keyed pseudonyms; this is the one way back. An analyst
    scoped to a force or local authority may look up a person known there (a party to one
    of its offences, or in one of its records); a national analyst anyone. The look-up is
    written to the read log, and so the ledger, before anything is shown.
    """
    from tessera.casework.identity_reads import log_identity_read
    from tessera.casework.signing import Signer
    from tessera.casework.store import Casework
    from tessera.warehouse.engine import Engine
    from tessera.warehouse.identity import identity_of

    if not purpose.strip():
        raise typer.BadParameter("say why you need the name", param_hint="--purpose")
    settings = load_settings(warehouse=warehouse, casework_url=casework_url)
    with Engine.open(settings.warehouse, read_only=True) as engine:
        identity = identity_of(engine, identifier.strip())
    casework = Casework.open(settings.casework_url, Signer.from_file(settings.signing_key_file))
    try:
        viewer = log_identity_read(casework, user, read_password(password_file),
                                   identity.identifier, identity.areas, purpose)
    finally:
        casework.close()
    table = Table(title=f"{identity.identifier}: {len(identity.records)} record(s)")
    records = identity.records
    if any(record.crime_ref for record in records):
        columns: tuple[str, ...] = ("force", "force's record", "crime reference")
        rows: list[tuple[str, ...]] = [(r.agency_code, r.source_record_id, r.crime_ref or "")
                                       for r in records]
    else:
        columns = ("agency", "agency's record", "given name", "family name", "born", "postcode")
        rows = [(r.agency_code, r.source_record_id, r.given_name or "", r.family_name or "",
                 str(r.date_of_birth or ""), r.postcode or "") for r in records]
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*row)
    console.print(f"Shown to {viewer}; this look-up is in the read log.", highlight=False)
    console.print(table)
