"""Copies of the code lists inside the warehouse, so analysis SQL can join labels and
populations instead of carrying them in Python."""

from __future__ import annotations

from tessera.dataset.codelists import _read as read_codelist_rows
from tessera.dataset.codelists import codelist_names
from tessera.warehouse.engine import Engine
from tessera.warehouse.engine import quote_identifier as q


def refresh_reference_tables(engine: Engine) -> None:
    """Replace every `reference.<code list>` table with the package's current code list."""
    for name in codelist_names():
        rows = read_codelist_rows(name)
        columns = list(rows[0].keys())
        # Bound as lists, not an Arrow table: building one from Python lists imports pandas.
        values = ", ".join(f"unnest(CAST($c{i} AS VARCHAR[])) AS {q(c)}"
                           for i, c in enumerate(columns))
        engine.execute(f"CREATE OR REPLACE TABLE reference.{q(name)} AS SELECT {values}",
                       {f"c{i}": [r[c] or None for r in rows] for i, c in enumerate(columns)})
