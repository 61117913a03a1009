"""Linking person records into people: the one pipeline behind every `tessera link`.

Why two stages: records that share a valid NHS number or UPN and a date of birth are the same
person without any model (deterministic edges, probability 1); everything else is scored by a
Splink model trained on the records themselves (u by random sampling, m by expectation
maximisation), and both kinds of edge are clustered together at the threshold. Everything
runs in one private in-memory engine (`warehouse.Engine.in_memory`), so a call leaves no
state behind, and every statement, Tessera's and Splink's, passes the warehouse's one
executor, ready for another backend; the warehouse run (`linkage.service`) and the
standalone file (`link_records`) share it.
"""

from __future__ import annotations

import json
import logging
import math
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
from splink import DuckDBAPI, Linker, block_on
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
    relatives_evidence_sql,
)
from tessera.linkage.settings import (
    DEFAULT_THRESHOLD,
    U_MAX_PAIRS,
    Extras,
    Key,
    broad_keys,
    choose_broad_keys,
    key_pairs_sql,
    linkage_settings,
    pair_budget,
    prediction_rules,
    prior_keys,
    training_rules,
)
from tessera.warehouse.engine import Engine

EDGES = "linkage_edges"
"""Name of the table of all scored pairs (deterministic and probabilistic), each flagged
`kept` unless the relatives rule keeps it apart."""
LINKS = "linkage_links"
"""Name of the table of the pairs that count: kept, at or above the threshold."""

EM_ITERATIONS = 25
"""Splink's default most EM iterations per session, where a saved model does not say."""
UNDERFLOW = "below the minimum allowed value"
"""What Splink 5 says when EM sets an m or u probability to exactly zero."""

MIN_TRAINING_PAIRS = 50
"""Fewest blocked pairs worth running expectation maximisation on; below this a file is too
small to learn m from and Splink's default m values stand."""

BORDERLINE_FLOOR = 0.5
"""Lowest match probability kept for review: pairs between this and the threshold are the
near misses a reviewer should see beside the near hits."""

RELATIVES_SAME_BIRTH_DATE = 0.25
"""Share of sibling-like pairs born on the same day at or below which the relatives rule holds.

Why the rule depends on the data: "a clearly different given name is a different child" is
true where a file holds families and agencies record given names consistently, and false
where different given names are corruptions of one person's (FEBRL). Pairs with one family
name and postcode but clearly different given names tell the two apart: siblings are born on
different days, one person's corrupted records on the same one. Measured: 7% and 9% of such
pairs share the birth date in the synthetic agency files (1% scale, seeds 5 and 21), 95%, 58%,
85% and 47% in FEBRL 1 to 4 (whose corrupted birth dates bring FEBRL 4 down).
"""
RELATIVES_MIN_PAIRS = 20
"""Fewest sibling-like pairs that measure the share above; with fewer, the trained weight of
clearly different given names decides (`RELATIVES_RULE_WEIGHT`)."""
RELATIVES_RULE_WEIGHT = -4.0
"""Match weight of clearly different given names at or below which the relatives rule holds
when the file has too few sibling-like pairs to measure (one person's records disagree at
most a sixteenth as often as strangers'). A fallback only: EM's estimate of this weight
moves by half a unit between samples of one population (-3.9 to -5.7 on synthetic agency
files, -2.9 to -3.6 on FEBRL), too little margin to decide alone.
"""

MEMORY_LIMIT = "6GB"
"""DuckDB's ceiling for one linkage run; beyond it DuckDB spills to a temporary folder. The
target is a million records within 6 GiB on a 2-core machine
(`benchmarks/linkage_public.py --scales 2.2`)."""

OUTPUT_SCHEMA = pa.schema([
    pa.field("record_id", pa.string(), nullable=False),
    pa.field("cluster_id", pa.string(), nullable=False),
    pa.field("match_probability", pa.float64()),
])
"""One row per input record: its person (the smallest record_id among the person's records)
and the match probability of its strongest link at or above the threshold (null if alone)."""

PAIR_SCHEMA = pa.schema([
    pa.field("record_id_l", pa.string(), nullable=False),
    pa.field("record_id_r", pa.string(), nullable=False),
    pa.field("match_probability", pa.float64()),
    pa.field("match_weight", pa.float64()),
    pa.field("kept", pa.bool_()),
])
"""A scored pair of records (the deterministic rule's pairs have probability 1 and no
weight); `kept` is false where the relatives rule keeps the two apart."""


@dataclass(frozen=True)
class Linkage:
    """What one run of the pipeline found, and the model that found it."""

    clusters: pa.Table
    """`OUTPUT_SCHEMA` rows, one per record."""
    pairs: pa.Table
    """`PAIR_SCHEMA` rows: every pair scored at or above `BORDERLINE_FLOOR` (or the threshold,
    if lower), kept apart or not."""
    model: dict[str, Any]
    """The trained Splink model (settings with m and u), as Splink saves it; empty when the
    records held nothing to train on."""
    threshold: float


def link_records(records: pa.Table, *, threshold: float = DEFAULT_THRESHOLD,
                 seed: int = 0, extra_columns: Extras | None = None) -> pa.Table:
    """Group the person records of one file into people.

    Args:
        records: Person records with a unique `record_id` and any of given_name,
            family_name, date_of_birth (YYYY-MM-DD), sex, postcode, nhs_number, upn.
        threshold: Match probability at or above which two records are linked; see
            `settings.DEFAULT_THRESHOLD` for why 0.9.
        seed: Seed of the random sampling that estimates u, so a rerun gives the same model.
        extra_columns: Further columns of the file to compare, each "text" (compared by
            similarity, as an address line) or "identifier" (compared exactly and used to
            find candidate pairs, as a local case number).

    Returns:
        A table of `OUTPUT_SCHEMA`, one row per record, ordered by record_id.

    Raises:
        LinkageError: record_id is missing or repeated, the threshold is not in (0, 1], or an
            extra column is absent or is one of the identity columns.
    """
    return run_linkage(records, threshold=threshold, seed=seed,
                       extra_columns=extra_columns).clusters


def run_linkage(records: pa.Table, *, threshold: float = DEFAULT_THRESHOLD,
                seed: int = 0, extra_columns: Extras | None = None) -> Linkage:
    """Link person records and keep what a report needs: clusters, scored pairs, the model.

    Arguments and errors as `link_records`.
    """
    if "record_id" not in records.column_names:
        raise LinkageError("person records need a record_id column to be linked")
    if not 0.0 < threshold <= 1.0:
        raise LinkageError(f"the match threshold must be above 0 and at most 1, not {threshold}")
    extras = _checked_extras(records, extra_columns or {})
    # Splink logs each training step at INFO; only its warnings are worth a user's attention.
    logging.getLogger("splink").setLevel(logging.ERROR)
    with (tempfile.TemporaryDirectory(prefix="tessera-link-") as spill,
          Engine.in_memory(memory_limit=MEMORY_LIMIT, temp_directory=Path(spill)) as engine):
        engine.register("raw", records)
        engine.register(VARIANTS, name_variants())
        present = [c for c in IDENTITY_COLUMNS if c in records.column_names]
        engine.execute(prepared_records_sql(present, extras))
        _check_unique(engine)
        engine.execute(deterministic_edges_sql())
        model = _score_pairs(engine, threshold, seed, extras)
        pairs = engine.arrow(f"SELECT * FROM {EDGES}").cast(PAIR_SCHEMA)
        return Linkage(clusters=_clusters(engine, threshold), pairs=pairs, model=model,
                       threshold=threshold)


def _checked_extras(records: pa.Table, extras: Mapping[str, str]) -> Extras:
    """The extra columns, if each is in the file, not an identity column, and of a known kind."""
    for name, kind in extras.items():
        if '"' in name or not name.isprintable():
            raise LinkageError(f"extra column {name!r}: a column compared by linkage cannot have "
                               "a double quote or a control character in its name; rename it")
        if name not in records.column_names:
            raise LinkageError(f"extra column {name!r} is not in the records")
        if name in (*IDENTITY_COLUMNS, "record_id", "given_name_forms", "postcode_district"):
            raise LinkageError(f"{name!r} is compared already; it cannot be an extra column")
        if kind not in ("text", "identifier"):
            raise LinkageError(f"extra column {name!r}: compare as 'text' or 'identifier', "
                               f"not {kind!r}")
    return dict(extras)  # type: ignore[arg-type]


def _check_unique(engine: Engine) -> None:
    """Refuse repeated record ids: the output maps each id to exactly one person."""
    repeated = engine.scalar(
        f"SELECT count(*) - count(DISTINCT record_id) FROM {PREPARED}")
    if repeated:
        raise LinkageError(
            f"{repeated} record_id values are repeated; each record needs its own id")


def _filled(engine: Engine) -> tuple[int, dict[str, float]]:
    """The number of records, and the share of them holding a value, after normalisation,
    of each identity column that holds any."""
    row = engine.rows(populated_columns_sql())[0]
    records = int(row.pop("records"))
    return records, {c: n / records for c, n in row.items() if n}


def _score_pairs(engine: Engine, threshold: float, seed: int,
                 extras: Extras) -> dict[str, Any]:
    """Create EDGES: the deterministic pairs plus the model's pairs; return the model."""
    record_count, filled = _filled(engine)
    predicted = ("SELECT * FROM (VALUES (NULL::VARCHAR, NULL::VARCHAR, NULL::DOUBLE, "
                 "NULL::DOUBLE, NULL::BOOLEAN)) AS t(record_id_l, record_id_r, "
                 "match_probability, match_weight, kept) WHERE false")
    model: dict[str, Any] = {}
    if filled and prediction_rules(list(filled), extras) and record_count > 1:
        table, model = _predict(engine, filled, extras, min(threshold, BORDERLINE_FLOOR),
                                seed, record_count)
        pairs, same_birth_date = engine.rows(relatives_evidence_sql())[0].values()
        predicted = relatives_apart_sql(
            table, apply=relatives_rule_holds(model, int(pairs), int(same_birth_date)),
            identifiers=[name for name, kind in extras.items() if kind == "identifier"])
    engine.execute(
        f"CREATE OR REPLACE TABLE {EDGES} AS "
        "SELECT least(record_id_l, record_id_r) AS record_id_l, "
        "greatest(record_id_l, record_id_r) AS record_id_r, "
        "max(match_probability) AS match_probability, max(match_weight) AS match_weight, "
        "bool_or(kept) AS kept "
        f"FROM (SELECT *, NULL::DOUBLE AS match_weight, true AS kept FROM {DETERMINISTIC} "
        f"UNION ALL {predicted}) GROUP BY ALL")
    engine.execute(f"CREATE OR REPLACE TABLE {LINKS} AS SELECT * FROM {EDGES} "
                   "WHERE kept AND match_probability >= $threshold", {"threshold": threshold})
    return model


def level_weight(level: Mapping[str, Any]) -> float | None:
    """A trained comparison level's match weight, log2(m / u) as Splink defines it: how far
    that result moves the score. None when the model has no estimate of m or of u."""
    m, u = level.get("m_probability"), level.get("u_probability")
    return math.log2(m / u) if m and u else None


def relatives_rule_holds(model: dict[str, Any], pairs: int = 0,
                         same_birth_date: int = 0) -> bool:
    """Whether the file holds families whose members the model would merge: measured from
    its sibling-like pairs (`RELATIVES_SAME_BIRTH_DATE`) where it has enough, else from how
    consistently the trained model shows given names are recorded."""
    if pairs >= RELATIVES_MIN_PAIRS:
        return same_birth_date / pairs <= RELATIVES_SAME_BIRTH_DATE
    for comparison in model.get("comparisons", []):
        if comparison.get("output_column_name") == "given_name":
            weight = level_weight(comparison["comparison_levels"][-1])
            return weight is not None and weight <= RELATIVES_RULE_WEIGHT
    return False


def exact_m(model: Mapping[str, Any], column: str) -> float | None:
    """m of a trained comparison's exact level (the first after the null level in every
    comparison Tessera builds): the chance one person's two records agree on `column`."""
    for comparison in model.get("comparisons", []):
        if comparison.get("output_column_name") == column:
            levels = [lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")]
            m = levels[0].get("m_probability") if levels else None
            return float(m) if m is not None else None
    return None


def key_recall(model: Mapping[str, Any], key: Key, filled: Mapping[str, float]) -> float:
    """Share of true matches a near-certain key finds, as the trained model sees the data.

    Why measured: the prior (the chance two random records match) is the pairs such a key
    finds divided by its recall, and the recall depends on the data: for the full name with
    the date of birth, about 0.6 on the synthetic agency records and 0.3 on FEBRL 3, whose
    duplicates are made by corrupting fields (0.7 was assumed before). For each
    column of the key, both records must hold a value (the share filled, squared) and agree
    exactly (the exact level's m); the columns are taken as independent, as the model
    takes them.
    """
    recall = 1.0
    for column in key:
        recall *= filled.get(column, 0.0) ** 2 * (exact_m(model, column) or 0.0)
    return recall


def _predict(engine: Engine, filled: Mapping[str, float], extras: Extras,
             floor: float, seed: int, record_count: int) -> tuple[str, dict[str, Any]]:
    """Train the model on the prepared records; return the scored pairs' table and model."""
    columns = list(filled)
    db_api = engine.splink_api()
    counts = {key: int(engine.scalar(key_pairs_sql(key))) for key in broad_keys(columns)}
    broad = choose_broad_keys(counts, pair_budget(record_count))
    table = db_api.register(PREPARED)
    linker = Linker(table, linkage_settings(columns, extras, broad), log_level=None)
    linker.training.estimate_u_using_random_sampling(max_pairs=U_MAX_PAIRS, seed=seed)
    for rule in training_rules(columns, extras):
        # A rule finding almost no pairs (a small file) has nothing to teach; the levels it
        # would have trained keep Splink's default m. Checked first because a failed EM
        # session leaves the linker's comparisons half-filtered.
        if _finds_pairs(engine, db_api, rule, MIN_TRAINING_PAIRS):
            linker = _trained_by_em(linker, rule,
                                    lambda model: Linker(table, model, log_level=None))
    trained = linker.misc.save_model_to_json()
    recalls = {key: key_recall(trained, key, filled) for key in prior_keys(columns)
               if _finds_pairs(engine, db_api, block_on(*key), 1)}
    if recalls and max(recalls.values()) > 0:
        # With no pair found by any near-certain key the estimate would be zero (an
        # infinite negative weight), so Splink's default prior stands instead.
        key, recall = max(recalls.items(), key=lambda item: item[1])
        linker.training.estimate_probability_two_random_records_match(
            [block_on(*key)], recall=recall)
    predictions = linker.inference.predict(threshold_match_probability=floor,
                                           warning_mode="never")
    model = json.loads(json.dumps(linker.misc.save_model_to_json()))
    return predictions.physical_name, model


def _trained_by_em(linker: Linker, rule: BlockingRuleCreator,
                   rebuild: Callable[[dict[str, Any]], Linker]) -> Linker:
    """The linker after an EM session on the pairs `rule` finds.

    Term frequencies are left out of training (they still weigh in prediction): EM then works
    on counts of agreement patterns rather than on every pair, seconds instead of minutes.
    Why the retry: where a level is all but absent among a file's matches, EM drives its m
    towards zero and, once the pairs showing it have a match probability that underflows,
    to exactly zero, which Splink 5 refuses (`m_probability ... below the minimum`). The
    session is then run again from the model as it was before it with half the iterations,
    until EM stops short of zero: the level keeps the tiny m (and so the large negative
    weight) the data were leading to.
    """
    before = linker.misc.save_model_to_json()
    iterations = int(before.get("max_iterations", EM_ITERATIONS))
    while True:
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(
                rule, estimate_without_term_frequencies=True)
            return linker
        except ValueError as error:
            if UNDERFLOW not in str(error) or iterations <= 1:
                raise
            iterations //= 2
            linker = rebuild({**before, "max_iterations": iterations})


def _finds_pairs(engine: Engine, db_api: DuckDBAPI, rule: BlockingRuleCreator,
                 at_least: int) -> bool:
    """Whether a blocking rule finds at least `at_least` record pairs (stops counting there,
    so asking costs little even where a rule finds millions)."""
    sql = rule.get_blocking_rule(db_api.sql_dialect.sql_dialect_str).blocking_rule_sql
    pairs = engine.scalar(
        f"SELECT count(*) FROM (SELECT 1 FROM {PREPARED} l JOIN {PREPARED} r "
        f"ON l.record_id < r.record_id AND ({sql}) LIMIT {int(at_least)})")
    return int(pairs) >= at_least


def _clusters(engine: Engine, threshold: float) -> pa.Table:
    """Connected components of EDGES at the threshold, as OUTPUT_SCHEMA rows."""
    components = cluster_pairwise_predictions_at_threshold(
        PREPARED, LINKS, engine.splink_api(),
        node_id_column_name="record_id",
        edge_id_column_name_left="record_id_l", edge_id_column_name_right="record_id_r",
        threshold_match_probability=threshold)
    strongest = (
        f"SELECT id, max(match_probability) AS match_probability FROM ("
        f"SELECT record_id_l AS id, match_probability FROM {LINKS} "
        f"UNION ALL SELECT record_id_r, match_probability FROM {LINKS}) GROUP BY id")
    table = engine.arrow(
        f"SELECT c.record_id, min(c.record_id) OVER (PARTITION BY c.cluster_id) AS cluster_id, "
        f"s.match_probability FROM {components.physical_name} c "
        f"LEFT JOIN ({strongest}) s ON s.id = c.record_id ORDER BY c.record_id")
    return table.cast(OUTPUT_SCHEMA)
