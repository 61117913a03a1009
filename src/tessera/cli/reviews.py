"""`tessera reviews match`: the review panel's identity look-up in the warehouse.

Why a command: the web app never holds the DuckDB warehouse open (a load needs it alone), so
a review caseworker runs this to find, for every request awaiting an eligibility decision,
the closed offences it may be about; what it finds is written into the casework store, where
the panel's pages show it, checked against the eligibility rules.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from tessera.cli import CaseworkOption, WarehouseOption, _sub_app, console
from tessera.config import load_settings

reviews_app = _sub_app("reviews", "Victims' review requests: the panel's casework.")


@reviews_app.command("match")
def reviews_match(
    user: Annotated[str, typer.Option(help="Your casework username (a review caseworker).")],
    purpose: Annotated[str, typer.Option(help="Why you are looking people up (kept in the "
                                              "read log).")],
    password_file: Annotated[Path | None, typer.Option(exists=True, dir_okay=False, help=(
        "Read the password from this file instead of asking for it."))] = None,
    warehouse: WarehouseOption = None,
    casework_url: CaseworkOption = None,
) -> None:
    """Match review requests to closed offences in the warehouse, by the person's linked
    identity and by the crime reference they gave.

    Needs a warehouse loaded by `tessera ingest` (linked by `tessera link` to find records of
    the same person in other forces) and a review caseworker's account. Each request looked
    up is written to the read log with your reason; the warehouse is opened read-only, and
    the matches found are kept with the request for the eligibility decision.
    """
    from tessera.analysis.reviews import find_closed_cases
    from tessera.casework.review_casework import (
        caseworker_signed_in,
        identities_to_match,
        record_matches,
    )
    from tessera.casework.signing import Signer
    from tessera.casework.store import Casework
    from tessera.warehouse.engine import Engine

    if not purpose.strip():
        raise typer.BadParameter("say why you are looking people up", param_hint="--purpose")
    password = (password_file.read_text(encoding="utf-8").rstrip("\r\n") if password_file
                else typer.prompt("Password", hide_input=True))
    settings = load_settings(warehouse=warehouse, casework_url=casework_url)
    if not settings.warehouse.exists():
        raise typer.BadParameter(f"{settings.warehouse}: no warehouse there; run 'tessera "
                                 "ingest' first", param_hint="--warehouse")
    casework = Casework.open(settings.casework_url, Signer.from_file(settings.signing_key_file))
    try:
        caseworker = caseworker_signed_in(casework, user, password)
        with casework.session() as session:
            identities = identities_to_match(session, caseworker, purpose)
        with Engine.open(settings.warehouse, read_only=True) as engine:
            found = find_closed_cases(engine, identities)
        table = Table("request", "closed cases found", "new")
        for reference, rows in found.items():
            with casework.session() as session:
                new = record_matches(session, caseworker, reference, rows)
            table.add_row(reference, str(len(rows)), str(new))
    finally:
        casework.close()
    console.print(table)
    console.print(f"Looked up {len(identities)} request(s); each look-up is in the read log.",
                  highlight=False)
