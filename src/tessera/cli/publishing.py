"""`tessera publish ...`: make an analysis product from the warehouse and publish it into the
casework store, where the web app reads it (the web app never opens the warehouse: DuckDB has
one writer): the look-again list, the problem profiles and the performance framework.
"""

from __future__ import annotations

import getpass
from collections.abc import Callable, Sequence
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
from tessera.cli.performance import QuarterFromOption, QuarterToOption
from tessera.cli.profile import DayFromOption, DayToOption, day_option
from tessera.config import load_settings

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from tessera.analysis.data_state import WarehouseState
    from tessera.analysis.lookagain import LookAgainResult
    from tessera.analysis.performance import PerformanceResult
    from tessera.analysis.profile import Profile
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
    from tessera.publish.lookagain_publication import publish_look_again as publish

    return publish_product(warehouse, casework_url, command, lambda session, state, by:
                           publish(session, result, state, published_by=by))


@publish_app.command("profiles")
def publish_profiles(
    date_from: DayFromOption = None,
    date_to: DayToOption = None,
    warehouse: WarehouseOption = None,
    casework_url: CaseworkOption = None,
) -> None:
    """Publish every force's problem profile and England and Wales's for analysts to read in
    the web app.

    Makes the profiles as `tessera profile --all` does, over the period, and writes each
    force's every figure (the restricted edition) into the casework store with the warehouse
    batch and linkage run they came from. `tessera serve` shows an analyst their own force's
    at /profiles, a national analyst every force's, and logs every view. Exit status 1 for a
    bad period or no warehouse.
    """
    from tessera.analysis.profile import NATIONAL, force_codes, run_profiles
    from tessera.analysis.profile.service import parse_period
    from tessera.warehouse.engine import Engine

    settings = load_settings(warehouse=warehouse)
    start, end = day_option(date_from, "--from"), day_option(date_to, "--to")
    with Engine.open(settings.warehouse, read_only=True) as engine, \
            console.status("Running the profile queries and finding network communities"):
        period = parse_period(start.date() if start else None, end.date() if end else None,
                              engine)
        profiles = run_profiles(engine, [*force_codes(), NATIONAL], period)
    published = publish_profile_list(profiles, settings.warehouse, casework_url,
                                     "tessera publish profiles")
    console.print(f"Published {len(profiles)} problem profiles of {period.label} as "
                  f"publication {published.publication_id}{_superseding(published)}. "
                  "Analysts read them at /profiles of 'tessera serve' on the same casework "
                  "store.", highlight=False)


def publish_profile_list(profiles: Sequence[Profile], warehouse: Path,
                         casework_url: str | None, command: str) -> Published:
    """Publish `profiles`, made from `warehouse`, into the casework store; shared with
    `tessera demo`."""
    from tessera.publish.profile_publication import publish_profiles as publish

    return publish_product(warehouse, casework_url, command, lambda session, state, by:
                           publish(session, profiles, state, published_by=by))


@publish_app.command("performance")
def publish_performance(
    start: QuarterFromOption = None,
    end: QuarterToOption = None,
    warehouse: WarehouseOption = None,
    casework_url: CaseworkOption = None,
) -> None:
    """Publish the performance framework of every force and England and Wales for analysts
    to read in the web app.

    Computes every measure as `tessera performance` does and writes each force's figures
    and quarters with their control limits (every figure) into the casework store.
    `tessera serve` shows an analyst their own force's at /performance, a national analyst
    every force's, and logs every view. Exit status 2 when there is no warehouse.
    """
    from tessera.cli.performance import performance_result

    settings = load_settings(warehouse=warehouse, casework_url=casework_url)
    with console.status("Computing the measures"):
        result = performance_result(settings, start, end)
    published = publish_performance_result(result, settings.warehouse, casework_url,
                                           "tessera publish performance")
    console.print(f"Published the performance framework of {result.start} to {result.end} "
                  f"as publication {published.publication_id}{_superseding(published)}: "
                  f"{len(result.computed)} measures, {len(result.forces)} forces. Analysts "
                  "read it at /performance of 'tessera serve' on the same casework store.",
                  highlight=False)


def publish_performance_result(result: PerformanceResult, warehouse: Path,
                               casework_url: str | None, command: str) -> Published:
    """Publish `result`, made from `warehouse`, into the casework store; shared with
    `tessera demo`."""
    from tessera.publish.performance_publication import publish_performance as publish

    return publish_product(warehouse, casework_url, command, lambda session, state, by:
                           publish(session, result, state, published_by=by))


def publish_product(warehouse: Path, casework_url: str | None, command: str,
                    write: Callable[[Session, WarehouseState, str], Published]) -> Published:
    """Read which state of `warehouse` a product was made from, then `write` it into the
    casework store, named as published by `command` and the user running it."""
    from tessera.analysis.data_state import warehouse_state
    from tessera.warehouse.engine import Engine

    with Engine.open(warehouse, read_only=True) as engine:
        state = warehouse_state(engine)
    with _casework_session(casework_url, signing=True) as session:  # publications are ledgered
        return write(session, state, f"{command}, run by {getpass.getuser()}")


def _superseding(published: Published) -> str:
    return (f"; it supersedes publication {published.supersedes}"
            if published.supersedes else "")
