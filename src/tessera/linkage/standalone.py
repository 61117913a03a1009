"""Deduplicating one standalone file of person records into people.

Why two stages: records that share a valid NHS number or UPN and a date of birth are the same
person without any model (deterministic edges, probability 1); everything else is scored by a
Splink model trained on the file itself (u by random sampling, m by expectation
maximisation), and both kinds of edge are clustered together at the threshold. Everything
runs in one private in-memory DuckDB connection, so a call leaves no state behind.
"""

from __future__ import annotations

import logging

import duckdb
import pyarrow as pa
from splink import DuckDBAPI, Linker
from splink.clustering import cluster_pairwise_predictions_at_threshold
from splink.internals.blocking_rule_creator import BlockingRuleCreator

from tessera.errors import LinkageError
from tessera.linkage.preparation import (
    DETERMINISTIC,
    IDENTITY_COLUMNS,
    PREPARED,
    VARIANTS,
    deterministic_edges_sql,
    name_variants,
    populated_columns_sql,
    prepared_records_sql,
    relatives_apart_sql,
)
from tessera.linkage.settings import (
    DEFAULT_THRESHOLD,
    U_MAX_PAIRS,
    linkage_settings,
    prediction_rules,
    prior_rules,
    training_rules,
)

EDGES = "linkage_edges"
"""Name of the table of all scored links (deterministic and probabilistic)."""

PRIOR_RECALL = 0.7
"""Share of true matches the near-certain prior rules are assumed to find (noisy dates of
birth and missing identifiers hide the rest); only scales the prior match probability."""

MIN_TRAINING_PAIRS = 50
"""Fewest blocked pairs worth running expectation maximisation on; below this a file is too
small to learn m from and Splink's default m values stand."""

OUTPUT_SCHEMA = pa.schema([
    pa.field("record_id", pa.string(), nullable=False),
    pa.field("cluster_id", pa.string(), nullable=False),
    pa.field("match_probability", pa.float64()),
])
"""One row per input record: its person (the smallest record_id among the person's records)
and the match probability of its strongest link at or above the threshold (null if alone)."""


def link_records(records: pa.Table, *, threshold: float = DEFAULT_THRESHOLD,
                 seed: int = 0) -> pa.Table:
    """Group the person records of one file into people.

    Args:
        records: Person records with a unique `record_id` and any of given_name,
            family_name, date_of_birth (YYYY-MM-DD), sex, postcode, nhs_number, upn.
        threshold: Match probability at or above which two records are linked; see
            `settings.DEFAULT_THRESHOLD` for why 0.9.
        seed: Seed of the random sampling that estimates u, so a rerun gives the same model.

    Returns:
        A table of `OUTPUT_SCHEMA`, one row per record, ordered by record_id.

    Raises:
        LinkageError: record_id is missing or repeated, or the threshold is not in (0, 1].
    """
    if "record_id" not in records.column_names:
        raise LinkageError("person records need a record_id column to be linked")
    if not 0.0 < threshold <= 1.0:
        raise LinkageError(f"the match threshold must be above 0 and at most 1, not {threshold}")
    # Splink logs each training step at INFO; only its warnings are worth a user's attention.
    logging.getLogger("splink").setLevel(logging.WARNING)
    con = duckdb.connect(":memory:")
    try:
        con.register("raw", records)
        con.register(VARIANTS, name_variants())
        present = [c for c in IDENTITY_COLUMNS if c in records.column_names]
        con.execute(prepared_records_sql(present)).fetchall()
        _check_unique(con)
        con.execute(deterministic_edges_sql()).fetchall()
        _score_pairs(con, threshold, seed)
        return _clusters(con, threshold)
    finally:
        con.close()


def _check_unique(con: duckdb.DuckDBPyConnection) -> None:
    """Refuse repeated record ids: the output maps each id to exactly one person."""
    (repeated,), = con.execute(
        f"SELECT count(*) - count(DISTINCT record_id) FROM {PREPARED}").fetchall()
    if repeated:
        raise LinkageError(
            f"{repeated} record_id values are repeated; each record needs its own id")


def _populated(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Identity columns with at least one value after normalisation."""
    counts, = con.execute(populated_columns_sql()).fetchall()
    return [c for c, n in zip(IDENTITY_COLUMNS, counts, strict=True) if n]


def _score_pairs(con: duckdb.DuckDBPyConnection, threshold: float, seed: int) -> None:
    """Create EDGES: the deterministic pairs plus the model's pairs at or above threshold."""
    columns = _populated(con)
    predicted = "SELECT * FROM (VALUES (NULL::VARCHAR, NULL::VARCHAR, NULL::DOUBLE)) " \
                "AS t(record_id_l, record_id_r, match_probability) WHERE false"
    (record_count,), = con.execute(f"SELECT count(*) FROM {PREPARED}").fetchall()
    if columns and prediction_rules(columns) and record_count > 1:
        predicted = relatives_apart_sql(_predict(con, columns, threshold, seed))
    con.execute(
        f"CREATE OR REPLACE TABLE {EDGES} AS "
        "SELECT least(record_id_l, record_id_r) AS record_id_l, "
        "greatest(record_id_l, record_id_r) AS record_id_r, "
        "max(match_probability) AS match_probability "
        f"FROM (SELECT * FROM {DETERMINISTIC} UNION ALL {predicted}) GROUP BY ALL").fetchall()


def _predict(con: duckdb.DuckDBPyConnection, columns: list[str], threshold: float,
             seed: int) -> str:
    """Train the model on the prepared records and return the table of scored pairs."""
    db_api = DuckDBAPI(con)
    linker = Linker(db_api.register(PREPARED), linkage_settings(columns), log_level=None)
    prior = [r for r in prior_rules(columns) if _pairs(con, db_api, r) > 0]
    if prior:
        # With no pair found by any near-certain rule the estimate would be zero (an
        # infinite negative weight), so Splink's default prior stands instead.
        linker.training.estimate_probability_two_random_records_match(
            list[str | BlockingRuleCreator](prior), recall=PRIOR_RECALL)
    linker.training.estimate_u_using_random_sampling(max_pairs=U_MAX_PAIRS, seed=seed)
    for rule in training_rules(columns):
        # A rule finding almost no pairs (a small file) has nothing to teach; the levels it
        # would have trained keep Splink's default m. Checked first because a failed EM
        # session leaves the linker's comparisons half-filtered.
        if _pairs(con, db_api, rule) >= MIN_TRAINING_PAIRS:
            linker.training.estimate_parameters_using_expectation_maximisation(
                rule, estimate_without_term_frequencies=True)
    predictions = linker.inference.predict(threshold_match_probability=threshold,
                                           warning_mode="never")
    return predictions.physical_name


def _pairs(con: duckdb.DuckDBPyConnection, db_api: DuckDBAPI,
           rule: BlockingRuleCreator) -> int:
    """How many record pairs a blocking rule finds."""
    sql = rule.get_blocking_rule(db_api.sql_dialect.sql_dialect_str).blocking_rule_sql
    (pairs,), = con.execute(
        f"SELECT count(*) FROM {PREPARED} l JOIN {PREPARED} r "
        f"ON l.record_id < r.record_id AND ({sql})").fetchall()
    return int(pairs)


def _clusters(con: duckdb.DuckDBPyConnection, threshold: float) -> pa.Table:
    """Connected components of EDGES at the threshold, as OUTPUT_SCHEMA rows."""
    db_api = DuckDBAPI(con)
    components = cluster_pairwise_predictions_at_threshold(
        PREPARED, EDGES, db_api, node_id_column_name="record_id",
        edge_id_column_name_left="record_id_l", edge_id_column_name_right="record_id_r",
        threshold_match_probability=threshold)
    strongest = (
        f"SELECT id, max(match_probability) AS match_probability FROM ("
        f"SELECT record_id_l AS id, match_probability FROM {EDGES} "
        f"UNION ALL SELECT record_id_r, match_probability FROM {EDGES}) "
        f"WHERE match_probability >= ? GROUP BY id")
    table = con.sql(
        f"SELECT c.record_id, min(c.record_id) OVER (PARTITION BY c.cluster_id) AS cluster_id, "
        f"s.match_probability FROM {components.physical_name} c "
        f"LEFT JOIN ({strongest}) s ON s.id = c.record_id ORDER BY c.record_id",
        params=[threshold]).to_arrow_table()
    return table.cast(OUTPUT_SCHEMA)
