"""Reading and writing the standalone linkage files analysts hand to `tessera link`."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pa_csv

from tessera.errors import LinkageError


def read_records(path: Path) -> pa.Table:
    """A CSV of person records, every column as text, or a `LinkageError` naming the file."""
    try:
        header = path.read_text(encoding="utf-8").splitlines()[0].split(",")
        return pa_csv.read_csv(path, convert_options=pa_csv.ConvertOptions(
            column_types={name: pa.string() for name in header}, strings_can_be_null=True))
    except (OSError, IndexError, UnicodeDecodeError, pa.ArrowInvalid) as exc:
        raise LinkageError(f"{path}: cannot be read as a UTF-8 CSV of person records "
                           f"({type(exc).__name__})") from exc


def write_clusters(clusters: pa.Table, path: Path) -> None:
    """record_id and cluster_id, one row per input record."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pa_csv.write_csv(clusters.select(["record_id", "cluster_id"]), path)
