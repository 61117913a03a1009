"""Peer groups: nearest forces by sourced area figures, deterministic, never the force itself."""

from __future__ import annotations

from tessera.analysis.performance.peers import PEERS, AreaFigures, peer_groups, peer_note
from tessera.analysis.performance.queries import performance_sql
from tessera.warehouse.engine import Engine
from tests.analysis.audit_fixture import create_schema


def test_the_nearest_areas_are_peers_in_order() -> None:
    """Of four areas, the one most like a middle-sized young area comes first."""
    areas = [AreaFigures("a", 1_000_000, 220_000), AreaFigures("b", 1_100_000, 225_000),
             AreaFigures("c", 8_000_000, 1_700_000), AreaFigures("d", 100_000, 15_000)]
    groups = peer_groups(areas, size=2)
    assert groups["a"] == ("b", "c") or groups["a"][0] == "b"
    assert groups["b"][0] == "a"
    assert all(code not in peers for code, peers in groups.items())


def test_the_same_figures_give_the_same_groups_in_any_order() -> None:
    """Ties and input order do not change a group: they are sorted by distance, then code."""
    areas = [AreaFigures(code, 500_000, 100_000) for code in ("x", "y", "z")]
    assert peer_groups(areas, size=2) == peer_groups(list(reversed(areas)), size=2)
    assert peer_groups(areas, size=2)["x"] == ("y", "z")


def test_the_census_force_areas_give_43_groups_of_seven(engine: Engine) -> None:
    """Every territorial force has a peer group of 7 other forces; the child population of
    England and Wales is about 12.5 million (2021 Census, under 18)."""
    create_schema(engine)
    rows = engine.rows(performance_sql("child_population"))
    assert len(rows) == 43
    groups = peer_groups([AreaFigures(r["force_code"], int(r["all_ages"]), int(r["children"]))
                          for r in rows])
    assert all(len(peers) == PEERS and code not in peers for code, peers in groups.items())
    children = sum(int(r["children"]) for r in rows)
    assert 12_300_000 < children < 12_700_000
    populations = {r["force_code"]: int(r["all_ages"]) for r in rows}
    forces = {r["code"]: r["population"] for r in engine.rows(
        "SELECT code, TRY_CAST(population AS BIGINT) AS population FROM reference.police_forces")}
    assert all(populations[code] == forces[code] for code in populations)
    assert "Not used" in peer_note(groups) and "deprivation" in peer_note(groups)
