"""Read core-dataset extracts (CSV or Parquet) into Arrow tables of text, one per file.

Why everything is read as text: validation must see exactly what the agency sent (a date of
'2023-02-30' must be reported as such, not silently turned into a null), so typing happens in
the warehouse after the rules have run. A file that cannot be read at all raises
`UnreadableFileError` with one line naming the file and the problem.
"""

from __future__ import annotations

import csv
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from tessera.arrays import numbers
from tessera.dataset import ENTITIES, Entity
from tessera.errors import UnreadableFileError

PARQUET_MAGIC = b"PAR1"
PARALLEL_PARSE_BYTES = 16 << 20
ROW_COLUMN = "_row"
"""The 1-based data row number (the header is not a row), added to every extract."""

_BINARY_SIGNATURES = {
    b"PK\x03\x04": "a zip archive or Excel workbook",
    b"\xd0\xcf\x11\xe0": "an old Excel or Word file",
    b"%PDF": "a PDF",
    b"\x1f\x8b": "a gzip archive",
}


@dataclass(frozen=True)
class Extract:
    """One agency file, read: its entity, its rows as text with `_row`, and its hash."""

    path: Path
    entity: Entity
    table: pa.Table
    sha256: str

    @property
    def rows(self) -> int:
        """Number of data rows in the file."""
        return int(self.table.num_rows)


def entity_for_file(path: Path) -> Entity:
    """The entity a file holds, from its name: `<entity>.csv` or `<entity>_<anything>.csv`."""
    stem = path.stem
    matches = [e for e in ENTITIES if stem == e.name or stem.startswith(e.name + "_")
               or stem.startswith(e.name + "-")]
    if not matches:
        names = ", ".join(e.name for e in ENTITIES)
        raise UnreadableFileError(
            f"{path}: cannot tell which entity the file holds; name it after one of {names} "
            "(for example offence.csv or offence_2023.csv)")
    return max(matches, key=lambda e: len(e.name))


def read_extract(path: Path) -> Extract:
    """Read one extract file, checking it is readable and has the entity's columns.

    Parquet is told by its magic number, not the file's name, as a delivery tells formats.
    """
    entity = entity_for_file(path)
    data = path.read_bytes()
    if not data.strip():
        raise UnreadableFileError(f"{path}: the file is empty (no header row)")
    table = (_read_parquet(path, data) if data.startswith(PARQUET_MAGIC)
             else _read_csv(path, data))
    _check_columns(path, entity, table.column_names)
    table = _complete_columns(entity, table)
    table = table.append_column(ROW_COLUMN, numbers(np.arange(1, table.num_rows + 1)))
    return Extract(path, entity, table, hashlib.sha256(data).hexdigest())


def _read_csv(path: Path, data: bytes) -> pa.Table:
    for signature, kind in _BINARY_SIGNATURES.items():
        if data.startswith(signature):
            raise UnreadableFileError(f"{path}: not a CSV file (it looks like {kind})")
    if b"\x00" in data[:65536]:
        raise UnreadableFileError(f"{path}: not a CSV file (it contains binary data)")
    header = _header(path, data)
    try:
        return pa_csv.read_csv(
            pa.BufferReader(data),
            # Small files are parsed one per thread of the delivery's pool; only a large file
            # is worth splitting across Arrow's own threads as well.
            read_options=pa_csv.ReadOptions(encoding="utf8", block_size=1 << 24,
                                            use_threads=len(data) > PARALLEL_PARSE_BYTES),
            parse_options=pa_csv.ParseOptions(newlines_in_values=True),
            convert_options=pa_csv.ConvertOptions(
                column_types={name: pa.string() for name in header},
                strings_can_be_null=True, null_values=[""], quoted_strings_can_be_null=True),
        )
    except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
        raise UnreadableFileError(f"{path}: {_explain_arrow_error(str(exc))}") from exc


def _header(path: Path, data: bytes) -> list[str]:
    first_line = data.split(b"\n", 1)[0]
    try:
        text = first_line.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnreadableFileError(
            f"{path}: the header is not UTF-8 text; save the file as CSV UTF-8") from exc
    header = next(csv.reader([text.rstrip("\r")]), [])
    if len(header) < 2:
        raise UnreadableFileError(
            f"{path}: not a comma-separated file (the header has {len(header)} column)")
    if len(set(header)) != len(header):
        raise UnreadableFileError(f"{path}: the header repeats a column name")
    return header


def _explain_arrow_error(message: str) -> str:
    if "invalid UTF8" in message or "UTF8" in message:
        return "the file is not UTF-8 text; save it as CSV UTF-8"
    counts = re.search(r"Expected \d+ columns, got \d+", message)
    if counts:
        # Arrow quotes the offending row after the counts; it may hold identifiers, so it
        # is left out of the message.
        return ("a row has the wrong number of columns, so the file may be truncated "
                f"({counts.group(0).lower()})")
    return "cannot be parsed as CSV (" + message.splitlines()[0].split(":")[0] + ")"


def _read_parquet(path: Path, data: bytes) -> pa.Table:
    try:
        table = pq.read_table(pa.BufferReader(data))
    except (pa.ArrowInvalid, OSError) as exc:
        raise UnreadableFileError(f"{path}: not a readable Parquet file ({exc})") from exc
    return pa.table({name: table[name].cast(pa.string()) for name in table.column_names})


def _check_columns(path: Path, entity: Entity, columns: list[str]) -> None:
    unknown = [c for c in columns if c not in entity.column_names]
    if unknown:
        raise UnreadableFileError(
            f"{path}: unknown column(s) {', '.join(unknown)} for {entity.name}; "
            "see 'tessera dataset describe' for the fields")
    missing = [c for c in entity.required_columns if c not in columns]
    if missing:
        raise UnreadableFileError(
            f"{path}: missing required column(s) {', '.join(missing)} for {entity.name}")


def _complete_columns(entity: Entity, table: pa.Table) -> pa.Table:
    """Give the table every field of the entity, in definition order (absent optional = null)."""
    return pa.table({
        name: table[name] if name in table.column_names else pa.nulls(table.num_rows, pa.string())
        for name in entity.column_names
    })
