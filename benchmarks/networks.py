"""Community recovery against the generator's true networks, beside networkx's Louvain.

Usage: .venv/bin/python benchmarks/networks.py [--scale 1] [--years 1] [--seed 7] [--work DIR]

Generates a synthetic set (`tessera synth`, planted networks and decoys), ingests and links it,
then in a fresh process (so peak memory is the analysis's own) builds the graph and runs the
whole network analysis (`run_network`: communities, key people, brokers, growth), timing it.
It scores the communities against ground_truth/offences.csv (adjusted Rand index over the
perpetrators of network offences, and the share of true networks recovered whole) and does the
same for the peer: networkx's Louvain (`louvain_communities`, plain modularity, the same seed)
on the same weighted graph. It also counts the decoy groups (ground_truth/decoys.csv: people
who share an address or phone innocently) that land in one community with two or more
perpetrators. Targets (issue 12): ARI at least 0.9 and above the peer; graph build and
analysis under 60 s within 4 GiB at `--scale 1 --years 5` on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from pathlib import Path

ANALYSIS = r'''
import json, resource, sys, time
from pathlib import Path
from tessera.analysis.network import run_network
from tessera.analysis.network.communities import community_of_vertices
from tessera.analysis.network.recovery import recovery
from tessera.warehouse.engine import Engine

warehouse, truth, seed = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
started = time.perf_counter()
with Engine.open(warehouse, read_only=True) as engine:
    result = run_network(engine)
    seconds = time.perf_counter() - started
    peak_mib = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    ours = recovery(engine, result.network, community_of_vertices(result.communities), truth)
    import networkx as nx  # after the peak is read, so the peer's memory is not counted
    simple = result.network.weighted
    peer_graph = nx.Graph()
    peer_graph.add_nodes_from(range(simple.vcount()))
    peer_graph.add_weighted_edges_from(
        (e.source, e.target, e["weight"]) for e in simple.es)
    peer_started = time.perf_counter()
    louvain = nx.community.louvain_communities(peer_graph, weight="weight", seed=seed)
    peer_seconds = time.perf_counter() - peer_started
    peer = recovery(engine, result.network,
                    {v: f"L-{n}" for n, members in enumerate(louvain) for v in members}, truth)
print(json.dumps({
    "vertices": result.network.graph.vcount(), "edges": result.network.graph.ecount(),
    "communities": len(result.communities), "groups": len(result.shown),
    "seconds": round(seconds, 1),
    "peak_mib": peak_mib,
    "ours": ours.__dict__, "peer": peer.__dict__, "peer_seconds": round(peer_seconds, 1)}))
'''

DECOYS = r'''
import csv, json, sys
from collections import defaultdict
from pathlib import Path
import pyarrow.csv as pc
from tessera.analysis.network import build_graph, communities
from tessera.analysis.network.communities import community_of_vertices
from tessera.warehouse.engine import Engine

warehouse, truth = Path(sys.argv[1]), Path(sys.argv[2])
with Engine.open(warehouse, read_only=True) as engine:
    network = build_graph(engine)
    found = communities(network)
    engine.register("persons_truth", pc.read_csv(truth / "persons.csv"))
    rows = engine.rows(
        "SELECT t.true_person_id, 'N-' || coalesce(l.linked_id, i.record_key) AS node "
        "FROM persons_truth t JOIN identity.person_record i ON i.agency_code = t.agency_code "
        "AND i.source_record_id = t.source_record_id "
        "LEFT JOIN analysis.person_link l ON l.record_key = i.record_key")
where = community_of_vertices(found)
by_id = {c.community_id: c for c in found}
nodes = defaultdict(set)
for row in rows:
    nodes[row["true_person_id"]].add(row["node"])
groups = defaultdict(set)
with (truth / "decoys.csv").open(encoding="utf-8") as handle:
    for row in csv.DictReader(handle):
        groups[row["decoy_id"]].add(row["true_person_id"])
shown = 0
for people in groups.values():
    found_in = {where[network.index[n]] for p in people for n in nodes[p] if n in network.index}
    if len(found_in) == 1 and by_id[found_in.pop()].perpetrators >= 2:
        shown += 1
print(json.dumps({"decoy_groups": len(groups), "decoys_shown_as_groups": shown}))
'''


def prepare(work: Path, scale: float, years: int, seed: int) -> tuple[Path, Path]:
    """Generate, ingest and link a synthetic set under `work`; its warehouse and truth."""
    from tessera.linkage.service import link_warehouse
    from tessera.sources.delivery import Delivery
    from tessera.synth import generate
    from tessera.warehouse.loading import ingest
    from tessera.warehouse.pseudonym import PseudonymKey

    shutil.rmtree(work / "synthetic", ignore_errors=True)  # each run starts afresh
    summary = generate(work / "synthetic", scale=scale, years=years, seed=seed, bad_share=0.0)
    warehouse = work / "w.duckdb"
    warehouse.unlink(missing_ok=True)
    ingest(Delivery.find([summary.extracts]), warehouse=warehouse,
           key=PseudonymKey.from_secret(b"benchmark-networks"), output=work / "out")
    link_warehouse(warehouse)
    return warehouse, summary.ground_truth


def run(script: str, *args: str) -> dict[str, object]:
    """Run one measurement in a fresh interpreter and read its JSON line."""
    done = subprocess.run([sys.executable, "-c", script, *args], capture_output=True,
                          text=True, check=True)
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--years", type=int, default=1)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--work", type=Path, default=Path("benchmark-networks"))
    args = parser.parse_args()
    warehouse, truth = prepare(args.work, args.scale, args.years, args.seed)
    measured = run(ANALYSIS, str(warehouse), str(truth / "offences.csv"), str(args.seed))
    decoys = run(DECOYS, str(warehouse), str(truth))
    print(f"scale {args.scale}, {args.years} year(s), seed {args.seed}: "
          f"{measured['vertices']:,} vertices, {measured['edges']:,} edges, "
          f"{measured['communities']:,} communities ({measured['groups']:,} with 2+ "
          "perpetrators)")
    print(f"run_network: {measured['seconds']} s, peak {measured['peak_mib']} MiB")
    for name in ("ours", "peer"):
        scores = measured[name]
        assert isinstance(scores, dict)
        label = "Tessera (Leiden)" if name == "ours" else "networkx Louvain"
        print(f"{label}: ARI {scores['adjusted_rand_index']:.3f}, recovered whole "
              f"{scores['recovered_whole']:.1%} of {scores['networks']} networks "
              f"({scores['perpetrators']} perpetrators)")
    print(f"networkx Louvain took {measured['peer_seconds']} s")
    print(f"decoy groups in one community with 2+ perpetrators: "
          f"{decoys['decoys_shown_as_groups']} of {decoys['decoy_groups']}")


if __name__ == "__main__":
    main()
