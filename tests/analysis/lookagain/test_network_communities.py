"""The look-again list reads the network analysis's communities."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from tessera.analysis.lookagain import (
    Community,
    load_rules,
    load_weights,
    network_communities,
    run_look_again,
)
from tessera.analysis.network import person_communities_in
from tessera.warehouse.engine import Engine
from tests.analysis.lookagain.lookagain_fixture import COMMUNITIES, offence_key
from tests.analysis.network.network_fixture import NetworkWarehouse


def test_each_suspect_gets_the_community_the_network_finds(tmp_path: Path) -> None:
    """Two suspects tied by an address share a community whose size counts its people; a
    suspect elsewhere has another."""
    path = tmp_path / "w.duckdb"
    with Engine.open(path) as engine:
        net = NetworkWarehouse(engine)
        net.crime("LA-1", "LV1", ["LA1m"], on=date(2021, 1, 1), outcome="1")
        net.crime("LA-2", "LV2", ["LA2m"], on=date(2021, 6, 1))
        net.crime("LA-3", "LV3", ["LA3m"], on=date(2021, 6, 1))
        net.shares("LA1m", "address", "2 Low Road", seen=date(2021, 2, 1))
        net.shares("LA2m", "address", "2 Low Road", seen=date(2021, 3, 1))
        net.link_ids()
        ids = [net.person_id(p) for p in ("LA1m", "LA2m", "LA3m")]
    found = network_communities(person_communities_in(path))
    one, two, three = (found[i] for i in ids)
    assert one == two and one.community_id != three.community_id
    assert one.size == 4  # two suspects, their two victims (the address is no person)


def test_two_suspects_of_a_case_in_the_charged_community_make_one_item(
        engine: Engine, evidence_keys: dict[str, str]) -> None:
    """S1 and S2 of case A are both in CH's community (as the network often finds the
    suspects of one case): one item per charge, naming both, and the tables build."""
    both = {**COMMUNITIES, "P-S2": Community("K1", 3)}
    result = run_look_again(engine, rules=load_rules(), weights=load_weights(),
                            communities=both)
    (a,) = [c for c in result.cases if c.case_key == offence_key("WY-A")]
    (item,) = [e for e in a.evidence if e.feature == "charged_community"]
    assert "P-S1" in item.detail and "P-S2" in item.detail
    assert result.tables()["evidence"].rows
