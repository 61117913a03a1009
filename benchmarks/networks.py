"""Community recovery against the generator's true networks, beside networkx's Louvain.

Usage: .venv/bin/python benchmarks/networks.py [--scale 1] [--years 1] [--seed 7] [--work DIR]
       [--reuse]

Generates a synthetic set (`tessera synth`, planted networks and decoys), ingests and links it,
then in a fresh process (so peak memory is the analysis's own) builds the graph and runs the
whole network analysis (`run_network`: communities, key people, brokers, growth), timing it.
It scores the communities against ground_truth/offences.csv (adjusted Rand index over the
perpetrators of network offences, and the share of true networks recovered whole) and does the
same for the peer: networkx's Louvain (`louvain_communities`, plain modularity, the same seed)
on the same weighted graph. It also counts the decoy groups (ground_truth/decoys.csv: people
who share an address or phone innocently) reported as a group, the people in reported groups
beside the true networks' sizes, the audit's network count of group-based CSE (how much of it
is in planted networks, and how many decoy groups it counts), and the look-again list's
precision in its top 100 against ground_truth/look_again.csv (cases that truly have new
evidence). Targets (issue 12): ARI at least 0.9 and above the peer; graph build and
analysis under 60 s within 4 GiB at `--scale 1 --years 5` on 2 cores; top-100 precision at
least 0.9. `--reuse` scores a warehouse an earlier run left in `--work`.
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
from pathlib import Path
from tessera.analysis.network import build_graph, communities
from tessera.analysis.network.recovery import decoys_reported
from tessera.warehouse.engine import Engine

warehouse, truth = Path(sys.argv[1]), Path(sys.argv[2])
with Engine.open(warehouse, read_only=True) as engine:
    network = build_graph(engine)
    found = communities(network)
    shown, decoy_groups = decoys_reported(engine, network, found, truth)
true_size = {}
with (truth / "network_members.csv").open(encoding="utf-8") as handle:
    for row in csv.DictReader(handle):
        true_size[row["network_id"]] = true_size.get(row["network_id"], 0) + 1
reported = sorted(c.people for c in found if c.is_group)
def quantiles(xs):
    xs = sorted(xs)
    return [xs[min(len(xs) - 1, int(q * len(xs)))] for q in (0.5, 0.9, 0.99)] + [xs[-1]] \
        if xs else []
print(json.dumps({"decoy_groups": decoy_groups, "decoys_shown_as_groups": shown,
                  "reported_sizes": quantiles(reported),
                  "true_sizes": quantiles(list(true_size.values()))}))
'''


AUDIT = r'''
import csv, json, sys
from collections import defaultdict
from pathlib import Path
import pyarrow.csv as pc
from tessera.analysis.audit.queries import audit_sql
from tessera.analysis.audit.rules import network_params
from tessera.warehouse.engine import Engine

warehouse, truth = Path(sys.argv[1]), Path(sys.argv[2])
with Engine.open(warehouse, read_only=True) as engine:
    counts = engine.rows(audit_sql("network_groups"), network_params())[0]
    engine.register("offences_truth", pc.read_csv(truth / "offences.csv", convert_options=
                    pc.ConvertOptions(column_types={"network_id": "string"})))
    engine.register("persons_truth", pc.read_csv(truth / "persons.csv"))
    chain = audit_sql("network_groups")
    chain = chain[:chain.rindex("SELECT\n    count(*) FILTER")]
    rows = engine.rows(
        chain + "SELECT DISTINCT na.offence_key, na.person_key, na.other_person_key, "
        "t.network_id FROM network_association na JOIN identity.offence io "
        "ON io.record_key = na.offence_key LEFT JOIN offences_truth t "
        "ON t.agency_code = io.agency_code AND t.crime_ref = io.crime_ref", network_params())
    people = engine.rows(
        "SELECT t.true_person_id, coalesce(l.person_id, 'record:' || i.record_key) AS pk "
        "FROM persons_truth t JOIN identity.person_record i ON i.agency_code = t.agency_code "
        "AND i.source_record_id = t.source_record_id "
        "LEFT JOIN analysis.person_link l ON l.record_key = i.record_key")
keys = defaultdict(set)
for row in people:
    keys[row["true_person_id"]].add(row["pk"])
groups = defaultdict(set)
with (truth / "decoys.csv").open(encoding="utf-8") as handle:
    for row in csv.DictReader(handle):
        groups[row["decoy_id"]].update(keys[row["true_person_id"]])
pairs = {(r["person_key"], r["other_person_key"]) for r in rows}
counted = sum(1 for ks in groups.values()
              if any((a, b) in pairs for a in ks for b in ks if a != b))
offences = {r["offence_key"]: r["network_id"] for r in rows}
print(json.dumps({"flag": counts["flag"], "network": counts["network"],
                  "in_planted": sum(1 for v in offences.values() if v),
                  "decoy_groups_counted": counted, "decoy_groups": len(groups)}))
'''

LOOK_AGAIN = r'''
import csv, json, sys
from pathlib import Path
from tessera.analysis.lookagain import (load_rules, load_weights, look_again_warehouse,
                                        network_communities)
from tessera.analysis.network import person_communities_in
from tessera.warehouse.engine import Engine

warehouse, truth, top = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
with (truth / "look_again.csv").open(encoding="utf-8") as handle:
    refs = {(r["agency_code"], r["crime_ref"]) for r in csv.DictReader(handle)}
result = look_again_warehouse(warehouse, rules=load_rules(), weights=load_weights(),
                              communities=network_communities(person_communities_in(warehouse)))
with Engine.open(warehouse, read_only=True) as engine:
    keys = {(r["agency_code"], r["crime_ref"]): r["record_key"]
            for r in engine.rows("SELECT agency_code, crime_ref, record_key "
                                 "FROM identity.offence")}
true_keys = {keys[r] for r in refs if r in keys}
listed = [c.case_key for c in result.cases[:top]]
scored = [c for c in result.cases if c.score > 0]
print(json.dumps({"eligible": len(result.cases), "with_evidence": len(scored),
                  "truly_new": len(true_keys), "top": len(listed),
                  "precision": sum(k in true_keys for k in listed) / len(listed)
                  if listed else 0.0}))
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
    parser.add_argument("--reuse", action="store_true",
                        help="score the warehouse already in --work instead of generating")
    args = parser.parse_args()
    if args.reuse:
        warehouse, truth = args.work / "w.duckdb", args.work / "synthetic" / "ground_truth"
    else:
        warehouse, truth = prepare(args.work, args.scale, args.years, args.seed)
    measured = run(ANALYSIS, str(warehouse), str(truth / "offences.csv"), str(args.seed))
    decoys = run(DECOYS, str(warehouse), str(truth))
    audit = run(AUDIT, str(warehouse), str(truth))
    looked = run(LOOK_AGAIN, str(warehouse), str(truth), "100")
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
    print(f"decoy groups reported as a group (one community, 2+ perpetrators tied by "
          f"offending): {decoys['decoys_shown_as_groups']} of {decoys['decoy_groups']}")
    print(f"people in reported groups (median, 90th, 99th percentile, largest): "
          f"{decoys['reported_sizes']}; true networks' members and victims: "
          f"{decoys['true_sizes']}")
    print(f"audit: group-based CSE by flag {audit['flag']:,}, through the network "
          f"{audit['network']:,} ({audit['in_planted']:,} in planted networks); decoy groups "
          f"in the network count {audit['decoy_groups_counted']} of {audit['decoy_groups']}")
    print(f"look-again: {looked['eligible']:,} eligible cases, {looked['with_evidence']:,} with "
          f"evidence found, {looked['truly_new']:,} truly with new evidence; precision of the "
          f"top {looked['top']}: {looked['precision']:.2f}")


if __name__ == "__main__":
    main()
