"""The network's named SQL files: each declared, each saying what it holds, each running on an
empty warehouse and each plain enough for sqlglot to write as Spark."""

from __future__ import annotations

from importlib import resources

import pytest
import sqlglot

from tessera.analysis.network.queries import NETWORK_SQL, READS
from tessera.warehouse.engine import Engine
from tests.analysis.audit_fixture import create_schema

SQL_FILES = sorted(p.name.removesuffix(".sql")
                   for p in resources.files("tessera.analysis.network").iterdir()
                   if p.name.endswith(".sql"))
QUERIES = ("nodes", "edges")


def test_every_sql_file_is_declared_and_every_declared_query_has_a_file() -> None:
    """A file nobody declares is dead; a step read but not declared would not be found."""
    assert sorted(READS) == SQL_FILES
    for name, needed in READS.items():
        assert all(NETWORK_SQL.has(step) for step in needed), name


@pytest.mark.parametrize("name", SQL_FILES)
def test_every_file_says_what_it_holds(name: str) -> None:
    """Each file opens with a comment saying what it is, beside the SQL."""
    assert NETWORK_SQL.load(name).startswith("-- "), name


@pytest.mark.parametrize("name", QUERIES)
def test_every_query_runs_on_an_empty_warehouse(name: str) -> None:
    """Nothing loaded: no rows, no error."""
    with Engine.open(None) as engine:
        create_schema(engine)
        assert engine.rows(NETWORK_SQL.sql(name)) == []


@pytest.mark.parametrize("name", SQL_FILES)
def test_every_query_transpiles_to_spark(name: str) -> None:
    """sqlglot reads the DuckDB text and writes Spark without an unsupported construct."""
    (spark,) = sqlglot.transpile(NETWORK_SQL.sql(name), read="duckdb", write="spark",
                                 unsupported_level=sqlglot.ErrorLevel.RAISE)
    assert spark
