"""The quality queries are plain SQL: each transpiles to Spark, as national scale needs."""

from __future__ import annotations

import pytest
import sqlglot

from tessera.analysis.quality import queries

QUERIES = {name: value for name, value in vars(queries).items() if name.endswith("_SQL")}


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_query_transpiles_to_spark(name: str) -> None:
    """sqlglot reads the DuckDB text and writes Spark without an unsupported construct."""
    (spark,) = sqlglot.transpile(QUERIES[name], read="duckdb", write="spark",
                                 unsupported_level=sqlglot.ErrorLevel.RAISE)
    assert spark.upper().startswith(("SELECT", "WITH"))
