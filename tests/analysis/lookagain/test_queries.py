"""The look-again list's named SQL files: each declared, each saying what it finds, each
running on an empty warehouse and each plain enough for sqlglot to write as Spark."""

from __future__ import annotations

import re
from importlib import resources

import pytest
import sqlglot

from tessera.analysis.lookagain import load_rules
from tessera.analysis.lookagain.queries import LOOKAGAIN_SQL, READS, lookagain_sql
from tessera.analysis.lookagain.service import register_communities
from tests.analysis.audit_fixture import FixtureWarehouse

SQL_FILES = sorted(p.name.removesuffix(".sql")
                   for p in resources.files("tessera.analysis.lookagain").iterdir()
                   if p.name.endswith(".sql"))
QUERIES = ("cases", "evidence")


def test_every_sql_file_is_declared_and_every_declared_query_has_a_file() -> None:
    """A file nobody declares is dead; a step read but not declared would not be found."""
    assert sorted(READS) == SQL_FILES
    for name, needed in READS.items():
        assert all(LOOKAGAIN_SQL.has(step) for step in needed), name


@pytest.mark.parametrize("name", SQL_FILES)
def test_every_file_says_what_it_finds(name: str) -> None:
    """Each file opens with a comment: the rule or feature in words, beside the SQL."""
    assert LOOKAGAIN_SQL.load(name).startswith("-- "), name


@pytest.mark.parametrize("name", QUERIES)
def test_every_query_runs_on_an_empty_warehouse(warehouse: FixtureWarehouse,
                                                name: str) -> None:
    """Nothing loaded: no rows, no error."""
    register_communities(warehouse.engine, {})
    assert warehouse.engine.rows(lookagain_sql(name),
                                 {**load_rules().params(), "force": None}) == []


@pytest.mark.parametrize("name", QUERIES)
def test_every_query_transpiles_to_spark(name: str) -> None:
    """sqlglot reads the DuckDB text and writes Spark without an unsupported construct (the
    bound parameters stand in as literals)."""
    sql = re.sub(r"\$[a-z_]+", "NULL", lookagain_sql(name))
    (spark,) = sqlglot.transpile(sql, read="duckdb", write="spark",
                                 unsupported_level=sqlglot.ErrorLevel.RAISE)
    assert spark.upper().startswith("WITH")
