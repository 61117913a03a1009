"""`tessera publish ...`: make an analysis product from the warehouse and publish it into the
casework store, where the web app reads it (the web app never opens the warehouse: DuckDB has
one writer). The look-again list now; problem profiles and performance are to follow as
`tessera publish profiles` and `tessera publish performance`.
"""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tessera.cli import (
    CaseworkOption,
    WarehouseOption,
    _casework_session,
    _sub_app,
    console,
)
from tessera.config import load_settings

if TYPE_CHECKING:
    from tessera.analysis.lookagain import LookAgainResult
    from tessera.casework.publications import Published

publish_app = _sub_app("publish", "Publish analysis products for analysts to read in the "
                                  "web app.")


@publish_app.command("look-again")
def publish_look_again(
    rules: Annotated[Path | None, typer.Option(help=(
        "Eligibility rules CSV \\[default: Operation Beaconport's, docs/look-again.md]."))]
    = None,
    weights: Annotated[Path | None, typer.Option(help=(
        "Feature weights CSV \\[default: the documented weights, docs/look-again.md]."))]
    = None,
    warehouse: WarehouseOption = None,
    casework_url: CaseworkOption = None,
) -> None:
    """Publish the look-again list of every force for analysts to read in the web app.

    Makes the list as `tessera look-again` does (with the network's communities) and writes
    it into the casework store with the warehouse batch and linkage run it came from and the
    rules and weights it was made with. It supersedes the list published before (which is
    kept); `tessera serve` shows analysts their force's cases of the latest at /look-again,
    national analysts every force's, and logs every view. Exit status 2 for a bad rules or
    weights file.
    """
    from tessera.analysis.lookagain import (
        load_rules,
        load_weights,
        look_again_warehouse,
        network_communities,
    )
    from tessera.analysis.network import person_communities_in

    settings = load_settings(warehouse=warehouse)
    chosen_rules, chosen_weights = load_rules(rules), load_weights(weights)
    with console.status("Finding network communities"):
        refs = person_communities_in(settings.warehouse)
    result = look_again_warehouse(settings.warehouse, rules=chosen_rules,
                                  weights=chosen_weights, communities=network_communities(refs))
    published = publish_list(result, settings.warehouse, casework_url,
                             "tessera publish look-again")
    before = (f"; it supersedes publication {published.supersedes}"
              if published.supersedes else "")
    console.print(f"Published the look-again list as publication {published.publication_id}"
                  f"{before}: {len(result.cases):,} cases of {published.counts['forces']:,} "
                  f"forces, {result.with_evidence:,} with new evidence, from load batch "
                  f"{published.batch_id or 'none'}. {published.provenance}\nAnalysts read it at "
                  "/look-again of 'tessera serve' on the same casework store.",
                  highlight=False)


def publish_list(result: LookAgainResult, warehouse: Path, casework_url: str | None,
                 command: str) -> Published:
    """Publish `result`, made from `warehouse`, into the casework store (`command` names who
    published it); shared with `tessera demo`."""
    from tessera.analysis.data_state import warehouse_state
    from tessera.publish.lookagain_publication import publish_look_again as publish
    from tessera.warehouse.engine import Engine

    with Engine.open(warehouse, read_only=True) as engine:
        state = warehouse_state(engine)
    with _casework_session(casework_url, signing=True) as session:  # publications are ledgered
        return publish(session, result, state,
                       published_by=f"{command}, run by {getpass.getuser()}")
