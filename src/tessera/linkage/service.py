"""`tessera link` on the warehouse: every person record into stable child and person ids.

Why read the identity zone here and nowhere else: linkage is the one job that must compare
names, dates of birth and postcodes; it reads them, links, and writes back only pseudonymous
ids (`analysis.person_link`), so every analysis after it counts children without seeing who
they are. The run is one transaction: the ids, the history and the run's record are written
together or not at all.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pa_csv

from tessera.errors import LinkageError
from tessera.linkage.pipeline import Linkage, run_linkage
from tessera.linkage.quality import (
    PAIRS,
    TRUTH,
    Quality,
    Scores,
    borderline_pairs_sql,
    cluster_counts_sql,
    pair_counts_sql,
    records_scored_sql,
)
from tessera.linkage.settings import DEFAULT_THRESHOLD
from tessera.linkage.stable_ids import (
    CLUSTERS,
    carry_ids_sqls,
    run_summary_sql,
    write_links_sqls,
)
from tessera.warehouse.engine import Engine
from tessera.warehouse.schema import linkage_table_sqls

Progress = Callable[[str, float], None]

RECORDS_SQL = (
    "SELECT i.record_key AS record_id, i.given_name, i.family_name, "
    "strftime(i.date_of_birth, '%Y-%m-%d') AS date_of_birth, a.sex, i.postcode, "
    "i.nhs_number, i.upn "
    "FROM identity.person_record i JOIN analysis.person_record a USING (record_key)"
)
"""The person records linkage reads: identities from the identity zone, sex from analysis."""

HISTORY_SHOWN = 20
"""Merges and splits of a run listed in its report; the rest are in ops.linkage_history."""


@dataclass(frozen=True)
class LinkRun:
    """What one warehouse linkage run did."""

    run_id: int
    threshold: float
    records: int
    people: int
    children: int
    persons: int
    kept: int
    new: int
    merged: int
    split: int
    model: dict[str, Any]
    history: list[dict[str, Any]]
    borderline: list[dict[str, Any]]
    quality: Quality | None


def link_warehouse(warehouse: Path, *, threshold: float = DEFAULT_THRESHOLD, seed: int = 0,
                   truth: Path | None = None,
                   progress: Progress | None = None) -> LinkRun:
    """Link every person record in the warehouse and carry each person's id forward.

    Args:
        warehouse: The DuckDB warehouse, loaded by `tessera ingest`.
        threshold: Match probability at which two records are one person.
        seed: Seed of u estimation, so the same warehouse links the same way.
        truth: Optional CSV (agency_code, source_record_id, true_person_id), such as the
            synthetic generator's ground_truth/persons.csv, to score the run against.
        progress: Called with a description and the fraction done.

    Raises:
        LinkageError: no warehouse, no person records, or an unreadable truth file.
    """
    report = progress or (lambda _description, _fraction: None)
    if not warehouse.exists():
        raise LinkageError(f"{warehouse}: no warehouse here yet; run 'tessera ingest' first")
    truth_table = _read_truth(truth) if truth else None
    with Engine.open(warehouse) as engine:
        if not engine.table_exists("identity", "person_record"):
            raise LinkageError(f"{warehouse}: holds no person records; run 'tessera ingest'")
        report("Reading person records", 0.05)
        records = engine.arrow(RECORDS_SQL)
        if records.num_rows == 0:
            raise LinkageError(f"{warehouse}: holds no person records to link")
        report(f"Linking {records.num_rows:,} records", 0.1)
        linkage = run_linkage(records, threshold=threshold, seed=seed)
        report("Carrying identifiers forward", 0.8)
        run = _write_run(engine, linkage, seed)
        report("Scoring the linkage", 0.9)
        result = _describe(engine, run, linkage, truth_table)
        report("Done", 1.0)
        return result


def _read_truth(path: Path) -> pa.Table:
    """The ground truth CSV, or a LinkageError naming the file and what is missing."""
    try:
        table = pa_csv.read_csv(path, convert_options=pa_csv.ConvertOptions(
            include_columns=["agency_code", "source_record_id", "true_person_id"],
            column_types={c: pa.string() for c in
                          ("agency_code", "source_record_id", "true_person_id")}))
    except (OSError, pa.ArrowInvalid, KeyError) as exc:
        raise LinkageError(f"{path}: cannot be read as a ground truth CSV with agency_code, "
                           f"source_record_id and true_person_id ({exc})") from exc
    return table


def _write_run(engine: Engine, linkage: Linkage, seed: int) -> dict[str, Any]:
    """Write ids, history and the run's record in one transaction; return the run's row."""
    params: dict[str, Any] = {}
    with engine.transaction():
        # A warehouse loaded before linkage existed lacks its tables.
        for sql in linkage_table_sqls():
            engine.execute(sql)
        params["run_id"] = int(engine.scalar("SELECT nextval('ops.linkage_run_ids')"))
        started = datetime.now()
        engine.register(CLUSTERS, linkage.clusters)
        try:
            for sql in carry_ids_sqls() + write_links_sqls():
                engine.execute(sql, params)
            summary = engine.rows(run_summary_sql(), params)[0]
        finally:
            engine.unregister(CLUSTERS)
        engine.execute(
            "INSERT INTO ops.linkage_runs VALUES ($run_id, $started, now(), $threshold, $seed, "
            "$records, $people, $children, $persons, $kept, $new, $merged, $split, $model)",
            {**params, **summary, "started": started, "threshold": linkage.threshold,
             "seed": seed, "model": json.dumps(linkage.model)})
    return {**params, **summary}


def _describe(engine: Engine, run: dict[str, Any], linkage: Linkage,
              truth: pa.Table | None) -> LinkRun:
    """The run's figures, history, borderline pairs and (with a truth) its scores."""
    history = engine.rows(
        "SELECT event, linked_id, other_id, records FROM ops.linkage_history "
        "WHERE run_id = $run_id ORDER BY records DESC, linked_id LIMIT $shown",
        {"run_id": run["run_id"], "shown": HISTORY_SHOWN})
    engine.register(PAIRS, linkage.pairs)
    if truth is not None:
        engine.register(TRUTH, truth)
    try:
        borderline = engine.rows(borderline_pairs_sql(truth is not None),
                                 {"threshold": linkage.threshold})
        quality = _score(engine) if truth is not None else None
    finally:
        engine.unregister(PAIRS)
        if truth is not None:
            engine.unregister(TRUTH)
    return LinkRun(
        run_id=run["run_id"], threshold=linkage.threshold, records=run["records"],
        people=run["people"], children=run["children"], persons=run["persons"],
        kept=run["kept"], new=run["new"], merged=run["merged"], split=run["split"],
        model=linkage.model, history=history, borderline=borderline, quality=quality)


def _score(engine: Engine) -> Quality:
    """Pair and cluster scores of the current ids against the registered truth."""
    def scores(sql: str) -> Scores:
        row = engine.rows(sql)[0]
        return Scores(int(row["true_positives"]), int(row["predicted"]), int(row["actual"]))

    return Quality(pairs=scores(pair_counts_sql()), clusters=scores(cluster_counts_sql()),
                   child_pairs=scores(pair_counts_sql(children_only=True)),
                   records_scored=int(engine.scalar(records_scored_sql())))
