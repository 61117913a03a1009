"""Loading extracts into the warehouse: validate, pseudonymise, upsert, all in one batch.

The promises a data manager relies on: every input row ends loaded or in `ops.rejections`
(rows in = loaded + rejected, per file); a batch commits whole or not at all; a file already
loaded (same bytes) changes nothing; a row whose key was loaded before is replaced by the
newer extract.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import pyarrow as pa

from tessera import __version__
from tessera.dataset import Entity
from tessera.dataset.manifest import file_origins
from tessera.errors import WarehouseError
from tessera.warehouse.engine import Engine
from tessera.warehouse.engine import quote_identifier as q
from tessera.warehouse.profile import delivery_profile_sqls
from tessera.warehouse.pseudonym import PseudonymKey, field_key_sql
from tessera.warehouse.reference import refresh_reference_tables
from tessera.warehouse.schema import analysis_columns, create_schema_sqls, identity_columns
from tessera.warehouse.validation import (
    reference_column,
    rejections_sql,
    rule_params,
    stage_sql,
    typed_sql,
)

SHOWN_REJECTIONS = 10
Progress = Callable[[str, int, int], None]
"""progress(description, files done, files in all)."""


@dataclass(frozen=True)
class FileResult:
    """What happened to one file: its rows in, loaded and rejected, or why it was skipped."""

    path: Path
    entity: str
    rows_in: int
    rows_loaded: int
    rows_rejected: int
    already_loaded_in: int | None = None


@dataclass(frozen=True)
class EntityTotal:
    """A batch's counts for one entity, added up over its files."""

    entity: str
    files: int
    rows_in: int
    rows_loaded: int
    rows_rejected: int


@dataclass(frozen=True)
class IngestResult:
    """One batch: its number, what happened to each file, and where rejections were written."""

    batch_id: int
    files: tuple[FileResult, ...]
    rejections_csv: Path | None
    first_rejections: tuple[dict[str, Any], ...] = ()
    """The first few rejections (file, row, line, field, rule, value, message) to show."""

    def by_entity(self) -> list[EntityTotal]:
        """The files' counts added up per entity, in load order.

        Files already loaded in an earlier batch are left out: they changed nothing.
        """
        totals: dict[str, list[int]] = {}
        for f in self.files:
            if f.already_loaded_in is None:
                counts = totals.setdefault(f.entity, [0, 0, 0, 0])
                for i, n in enumerate((1, f.rows_in, f.rows_loaded, f.rows_rejected)):
                    counts[i] += n
        return [EntityTotal(name, *counts) for name, counts in totals.items()]

    @property
    def rows_in(self) -> int:
        """Rows read from files that were loaded in this batch."""
        return sum(f.rows_in for f in self.files if f.already_loaded_in is None)

    @property
    def rows_loaded(self) -> int:
        """Rows that passed every rule and are now in the warehouse."""
        return sum(f.rows_loaded for f in self.files)

    @property
    def rows_rejected(self) -> int:
        """Rows recorded in `ops.rejections` with the rules they broke."""
        return sum(f.rows_rejected for f in self.files)


def prepare_warehouse(engine: Engine, key: PseudonymKey) -> None:
    """Create missing tables, refresh code lists, and refuse a warehouse made with another key.

    Mixing keys would silently break every join on a pseudonymous key, so it is an error.
    """
    for sql in create_schema_sqls():
        engine.execute(sql)
    refresh_reference_tables(engine)
    stored = engine.scalar("SELECT value FROM ops.meta WHERE name = 'key_fingerprint'")
    if stored is None:
        engine.execute("INSERT INTO ops.meta VALUES ('key_fingerprint', ?)", [key.fingerprint])
    elif stored != key.fingerprint:
        raise WarehouseError(
            f"{engine.path}: this warehouse was pseudonymised with a different key "
            f"(fingerprint {stored}); set TESSERA_SECRET_KEY_FILE to that key")


class Extract(Protocol):
    """One agency file as read by a source: entity, rows as text, and content hash."""

    @property
    def path(self) -> Path:
        """Where the file was read from."""

    @property
    def entity(self) -> Entity:
        """The entity its rows belong to."""

    @property
    def table(self) -> pa.Table:
        """Its rows, every field as text, with `_row` numbering them from 1."""

    @property
    def sha256(self) -> str:
        """Hash of the file's bytes: the same file is loaded once."""

    @property
    def rows(self) -> int:
        """Number of data rows."""


class Delivery(Protocol):
    """A set of extract files that yields them read, one entity at a time, in load order."""

    @property
    def files(self) -> tuple[Path, ...]:
        """Every file of the delivery."""

    def entity_groups(self, on_file: Callable[[Path], None] | None = None
                      ) -> Iterator[tuple[Entity, Sequence[Extract]]]:
        """Each entity with its files read, referenced entities first."""


def ingest(delivery: Delivery, *, warehouse: Path, key: PseudonymKey, output: Path,
           progress: Progress | None = None) -> IngestResult:
    """Validate and load a delivery as one atomic batch.

    All files of one entity are staged together and checked in one pass (a national
    delivery is hundreds of small files; per-file statements would dominate). Entities come
    in the definition's order, so a party's offence and person are in the warehouse (from
    this batch or an earlier one) before the party is checked.
    """
    total = len(delivery.files)
    done = 0

    def on_file(path: Path) -> None:
        nonlocal done
        if progress:
            progress(f"reading {path.name}", done, total)
        done += 1

    results: list[FileResult] = []
    with Engine.open(warehouse) as engine, engine.transaction():
        prepare_warehouse(engine, key)
        batch_id = int(engine.scalar("SELECT nextval('ops.batch_ids')"))
        started = datetime.now()
        for entity, extracts in delivery.entity_groups(on_file):
            results += _load_entity(engine, entity, extracts, batch_id, key)
        if any(r.already_loaded_in is None for r in results):
            engine.execute("INSERT INTO ops.batches VALUES (?, ?, ?, ?)",
                           [batch_id, started, datetime.now(), __version__])
        if progress:
            progress("committing", total, total)
    if not any(f.rows_rejected for f in results):
        return IngestResult(batch_id, tuple(results), None)
    rejections = _read_rejections(warehouse, batch_id)
    path = _write_rejections_csv(output / "rejections" / f"batch-{batch_id}.csv", rejections)
    return IngestResult(batch_id, tuple(results), path, tuple(rejections[:SHOWN_REJECTIONS]))


def _load_entity(engine: Engine, entity: Entity, extracts: Sequence[Extract], batch_id: int,
                 key: PseudonymKey) -> list[FileResult]:
    """Stage, check and upsert every new file of one entity; report each file's counts."""
    loaded_before = _batches_by_hash(engine, entity, [e.sha256 for e in extracts if e.rows])
    results = [FileResult(e.path, entity.name, e.rows, 0, 0, loaded_before[e.sha256])
               for e in extracts if e.sha256 in loaded_before]
    new = [e for e in extracts if e.sha256 not in loaded_before]
    if not new:
        return results
    params = {**rule_params(entity), "inner_pad": key.inner_pad, "outer_pad": key.outer_pad,
              "batch_id": batch_id}
    engine.register("stage_raw", _concatenate(new))
    engine.execute(stage_sql(entity), params)
    engine.execute(f"CREATE OR REPLACE TEMP TABLE stage_rejections AS {rejections_sql(entity)}",
                   params)
    # A view, not a copy: rejections are few, so filtering on each use is cheaper.
    engine.execute("CREATE OR REPLACE TEMP VIEW stage_ok AS SELECT * FROM stage "
                   "ANTI JOIN stage_rejections r ON stage._n = r._n")
    for sql in _upsert_sqls(entity):
        engine.execute(sql, params)
    engine.execute(_record_rejections_sql(), params)
    for sql in delivery_profile_sqls(entity):
        engine.execute(sql, params)
    rejected = {r["file"]: r["n"] for r in engine.rows(
        "SELECT file, count(DISTINCT _n) AS n FROM stage_rejections GROUP BY file")}
    engine.unregister("stage_raw")
    for extract in new:
        n_rejected = rejected.get(str(extract.path), 0)
        results.append(FileResult(extract.path, entity.name, extract.rows,
                                  extract.rows - n_rejected, n_rejected))
    _record_files(engine, batch_id, new, results[-len(new):])
    return results


def _batches_by_hash(engine: Engine, entity: Entity, hashes: list[str]) -> dict[str, int]:
    """Which of these file hashes an earlier batch loaded as `entity`, and in which batch.

    By entity, because one file (a CIN census return) holds rows of two entities, recorded
    once for each.
    """
    rows = engine.rows("SELECT sha256, min(batch_id) AS batch_id FROM ops.files "
                       "WHERE list_contains($hashes, sha256) AND entity = $entity "
                       "GROUP BY sha256", {"hashes": hashes, "entity": entity.name})
    return {r["sha256"]: int(r["batch_id"]) for r in rows}


def _record_files(engine: Engine, batch_id: int, extracts: Sequence[Extract],
                  results: Sequence[FileResult]) -> None:
    """Add one `ops.files` row per loaded file, with its provenance, in one statement."""
    engine.register("file_rows", pa.table({
        "batch_id": pa.array([batch_id] * len(extracts), pa.int32()),
        "path": [str(e.path) for e in extracts],
        "sha256": [e.sha256 for e in extracts],
        "entity": [e.entity.name for e in extracts],
        "rows_in": pa.array([r.rows_in for r in results], pa.int64()),
        "rows_loaded": pa.array([r.rows_loaded for r in results], pa.int64()),
        "rows_rejected": pa.array([r.rows_rejected for r in results], pa.int64()),
        "provenance": file_origins((e.path, e.sha256) for e in extracts),
    }))
    engine.execute("INSERT INTO ops.files SELECT * FROM file_rows")
    engine.unregister("file_rows")


def _concatenate(extracts: Sequence[Extract]) -> pa.Table:
    """One table of every file's rows, each with its file, row and a batch-wide sequence.

    The file path is dictionary-encoded: one copy per file, not per row. The files' chunks
    are combined into one: DuckDB scans an Arrow table with a cost per chunk, and with
    hundreds of small files that cost was two thirds of copying the rows in.
    """
    table = pa.concat_tables([e.table for e in extracts]).combine_chunks()
    sizes = [e.rows for e in extracts]
    files = pa.DictionaryArray.from_arrays(
        pa.array(np.repeat(np.arange(len(extracts), dtype=np.int32), sizes)),
        pa.array([str(e.path) for e in extracts], pa.string()))
    table = table.append_column("_file", files)
    return table.append_column("_n", pa.array(np.arange(table.num_rows, dtype=np.int64)))


def _upsert_sqls(entity: Entity) -> list[str]:
    """Replace rows whose key is already loaded, then insert, in both zones."""
    table = q(entity.name)
    analysis_values = []
    for column in analysis_columns(entity):
        f = column.field
        value = q(f.name)
        if f.privacy == "pseudonymised" and f.references:
            analysis_values.append(reference_column(f))
        elif f.privacy == "pseudonymised":
            analysis_values.append(field_key_sql(f.name, value))
        elif f.privacy == "year":
            analysis_values.append(f"year({typed_sql(f, value)})")
        else:
            analysis_values.append(typed_sql(f, value))
    identity_values = [typed_sql(c.field, q(c.name)) for c in identity_columns(entity)]
    return [
        f"DELETE FROM analysis.{table} WHERE record_key IN (SELECT _key FROM stage_ok)",
        f"DELETE FROM identity.{table} WHERE record_key IN (SELECT _key FROM stage_ok)",
        f"INSERT INTO analysis.{table} SELECT _key, agency_code, CAST(extracted_at AS "
        f"TIMESTAMP), $batch_id, {', '.join(analysis_values)} FROM stage_ok",
        f"INSERT INTO identity.{table} SELECT _key, agency_code, source_record_id"
        + "".join(f", {v}" for v in identity_values) + " FROM stage_ok",
    ]


def _record_rejections_sql() -> str:
    """Copy the staged rejections (identifiers already masked) to `ops.rejections`."""
    return ("INSERT INTO ops.rejections SELECT $batch_id, file, row, field, rule, value, "
            "message FROM stage_rejections ORDER BY file, row, field")


def _read_rejections(warehouse: Path, batch_id: int) -> list[dict[str, Any]]:
    """A committed batch's rejections, in file and row order, with the file's line number."""
    with Engine.open(warehouse, read_only=True) as engine:
        return engine.rows("SELECT file, row, row + 1 AS line, field, rule, value, message "
                           "FROM ops.rejections WHERE batch_id = ? ORDER BY file, row, field",
                           [batch_id])


def _write_rejections_csv(path: Path, rejections: list[dict[str, Any]]) -> Path:
    """The rejections as a CSV a data manager can open, sort and act on."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rejections[0]))
        writer.writeheader()
        writer.writerows(rejections)
    return path
