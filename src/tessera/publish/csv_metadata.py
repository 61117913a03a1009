"""The notes of a release's CSV files, in a CSV on the Web (CSVW) metadata file beside them.

Why a metadata file and not notes inside each CSV: the Analysis Function's guidance is that CSV
is for loading into software, with its description in a separate JSON metadata file, so every
CSV stays one header row and one row per record. CSVW is the W3C standard for that file: it
names each CSV, its title, description and notes, each column's type, and the shorthand a
figure column may hold instead of a number ([c], [x], [z], [u]), explained once for the release.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

from tessera.analysis.results import Column
from tessera.publish.editions import Symbol
from tessera.publish.sheet_layout import Release, symbol_meanings

METADATA_NAME = "csv-metadata.json"
"""The name CSVW processors look for in a folder of CSV files."""
DATATYPES = {"dimension": "string", "count": "integer"}
"""CSVW datatypes by column kind; shares, rates and interval bounds are decimals."""


def write_csv_metadata(release: Release, csvs: Mapping[str, Path], folder: Path) -> Path:
    """Write `folder/csv-metadata.json` describing the CSV of every table of `release`."""
    meanings = symbol_meanings(release.rule)
    document = {
        "@context": "http://www.w3.org/ns/csvw",
        "dc:title": release.title,
        "dc:description": release.summary,
        "dc:source": release.provenance,
        "dc:issued": release.published.isoformat(),
        "rdfs:comment": [meanings[symbol] for symbol in Symbol],
        "tables": [_table(release, name, csvs[name]) for name in release.edition.tables],
    }
    path = folder / METADATA_NAME
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def _table(release: Release, name: str, csv: Path) -> dict[str, object]:
    text = release.texts[name]
    columns = release.edition.tables[name].table.columns
    return {"url": csv.name, "dc:title": text.title, "dc:description": text.description,
            "rdfs:comment": list(text.notes),
            "tableSchema": {"columns": [_column(column) for column in columns]}}


def _column(column: Column) -> dict[str, object]:
    """A column's title, type and the values that stand for no figure (blank or shorthand)."""
    figure = column.kind != "dimension"
    return {"titles": column.label, "datatype": DATATYPES.get(column.kind, "decimal"),
            "null": ["", *(str(symbol) for symbol in Symbol)] if figure else [""]}
