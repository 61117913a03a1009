"""Carrying ids forward: kept, new, merged and split, on hand-made clusters in a real DuckDB."""

from __future__ import annotations

from collections.abc import Iterator

import pyarrow as pa
import pytest

from tessera.linkage.stable_ids import CLUSTERS, carry_ids_sqls
from tessera.warehouse.engine import Engine
from tessera.warehouse.schema import linkage_table_sqls


@pytest.fixture
def engine() -> Iterator[Engine]:
    """An in-memory warehouse with the linkage tables and an earlier run's ids.

    Earlier: A holds r1, r2, r3; B holds r4, r5; C holds r6.
    """
    with Engine.open(None) as engine:
        for schema in ("analysis", "ops"):
            engine.execute(f"CREATE SCHEMA {schema}")
        for sql in linkage_table_sqls():
            engine.execute(sql)
        engine.execute(
            "INSERT INTO analysis.person_link (record_key, linked_id, run_id) VALUES "
            "('r1', 'A', 1), ('r2', 'A', 1), ('r3', 'A', 1), ('r4', 'B', 1), ('r5', 'B', 1), "
            "('r6', 'C', 1)")
        yield engine


def _carry(engine: Engine, clusters: dict[str, str]) -> tuple[dict[str, str], list[tuple]]:
    """Run the carry statements on `clusters` (record -> cluster); return record -> id and
    the history rows written."""
    table = pa.table({"record_id": list(clusters), "cluster_id": list(clusters.values()),
                      "match_probability": [None] * len(clusters)},
                     schema=pa.schema([("record_id", pa.string()), ("cluster_id", pa.string()),
                                       ("match_probability", pa.float64())]))
    engine.register(CLUSTERS, table)
    for sql in carry_ids_sqls():
        engine.execute(sql, {"run_id": 2})
    ids = {r["record_id"]: r["linked_id"] for r in engine.rows(
        f"SELECT c.record_id, a.linked_id FROM {CLUSTERS} c JOIN link_assigned a "
        "USING (cluster_id)")}
    history = [tuple(r.values()) for r in engine.rows(
        "SELECT event, linked_id, other_id, records FROM ops.linkage_history "
        "ORDER BY event, linked_id, other_id")]
    return ids, history


def test_the_same_clusters_keep_every_id(engine: Engine) -> None:
    """A rerun on the same records changes nothing and records no event."""
    ids, history = _carry(engine, {"r1": "x", "r2": "x", "r3": "x", "r4": "y", "r5": "y",
                                   "r6": "z"})
    assert ids == {"r1": "A", "r2": "A", "r3": "A", "r4": "B", "r5": "B", "r6": "C"}
    assert history == []


def test_a_new_record_joins_a_person_who_keeps_their_id(engine: Engine) -> None:
    """New extracts: r7 joins B, r8 is somebody new and gets a fresh 16-digit id."""
    ids, history = _carry(engine, {"r1": "x", "r2": "x", "r3": "x", "r4": "y", "r5": "y",
                                   "r7": "y", "r6": "z", "r8": "w"})
    assert ids["r7"] == "B"
    assert ids["r8"] not in {"A", "B", "C"} and len(ids["r8"]) == 16
    assert history == []


def test_a_merge_keeps_the_larger_id_and_records_the_other(engine: Engine) -> None:
    """A and B become one: A (3 records) keeps its id, B is retired into it."""
    ids, history = _carry(engine, {"r1": "x", "r2": "x", "r3": "x", "r4": "x", "r5": "x",
                                   "r6": "z"})
    assert set(ids[r] for r in ("r1", "r2", "r3", "r4", "r5")) == {"A"}
    assert history == [("merge", "A", "B", 2)]


def test_a_split_keeps_the_id_with_the_larger_part(engine: Engine) -> None:
    """A splits into r1+r2 (keeps A) and r3 (a new id, recorded as split from A)."""
    ids, history = _carry(engine, {"r1": "x", "r2": "x", "r3": "v", "r4": "y", "r5": "y",
                                   "r6": "z"})
    assert ids["r1"] == ids["r2"] == "A"
    assert ids["r3"] not in {"A", "B", "C"}
    assert history == [("split", ids["r3"], "A", 1)]


def test_records_moving_between_people_are_a_split_from_the_old_id(engine: Engine) -> None:
    """r3 leaves A for C: both keep their ids; the move is recorded against A."""
    ids, history = _carry(engine, {"r1": "x", "r2": "x", "r3": "z", "r4": "y", "r5": "y",
                                   "r6": "z"})
    assert ids["r3"] == ids["r6"] == "C"
    assert history == [("split", "C", "A", 1)]
