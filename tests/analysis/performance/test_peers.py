"""Peer groups: nearest forces by sourced area figures, deterministic, never the force itself."""

from __future__ import annotations

from tessera.analysis.performance.peers import (
    CENSUS_DIMENSIONS,
    DIMENSIONS,
    PEERS,
    AreaFigures,
    dimensions_used,
    peer_groups,
    peer_note,
)
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
    note = peer_note(groups, CENSUS_DIMENSIONS)
    assert "Not used" in note and "deprivation" in note.split("Not used")[1]


def test_density_and_deprivation_make_metropolitan_and_rural_peers(engine: Engine) -> None:
    """With the council figures, all four dimensions are used: England and Wales's land is
    about 151,000 km2; West Midlands' peers are the other dense, deprived metropolitan forces,
    Dyfed-Powys's the sparse rural ones, and no metropolitan force is a rural force's peer."""
    create_schema(engine)
    land = {r["force_code"]: r for r in engine.rows(performance_sql("area_figures"))}
    areas = [AreaFigures(r["force_code"], int(r["all_ages"]), int(r["children"]),
                         land[r["force_code"]]["land_km2"], land[r["force_code"]]["deprivation"])
             for r in engine.rows(performance_sql("child_population"))]
    assert dimensions_used(areas) == DIMENSIONS
    assert 150_000 < sum(a.land_km2 or 0 for a in areas) < 152_000
    groups = peer_groups(areas)
    metropolitan = {"west-midlands", "greater-manchester", "merseyside", "west-yorkshire",
                    "south-yorkshire", "northumbria", "metropolitan"}
    assert {"greater-manchester", "merseyside"} <= set(groups["west-midlands"][:4])
    assert {"north-yorkshire", "cumbria"} & set(groups["dyfed-powys"][:3])
    for rural in ("dyfed-powys", "north-yorkshire", "cumbria", "lincolnshire"):
        assert not metropolitan & set(groups[rural]), rural
    density = {a.force_code: a.density or 0 for a in areas}
    assert density["metropolitan"] > 5_000 > 100 > density["dyfed-powys"]
    deprivation = {a.force_code: a.deprivation or 0 for a in areas}
    assert deprivation["merseyside"] > deprivation["surrey"]
    assert "Not used" not in peer_note(groups, dimensions_used(areas))
