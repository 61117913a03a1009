"""Preparing person records for linkage: an analyst's column names reach SQL only quoted."""

from __future__ import annotations

import duckdb

from tessera.linkage.preparation import PREPARED, VARIANTS, prepared_records_sql
from tessera.warehouse.engine import quote_identifier


def test_an_extra_columns_name_is_escaped_as_an_identifier() -> None:
    """A name that would close the quotes is escaped by the one quoting helper, so DuckDB
    reads it as one column name and runs nothing else."""
    name = 'x" , 1 AS "injected'
    con = duckdb.connect()
    con.execute(f"CREATE TABLE raw (record_id VARCHAR, {quote_identifier(name)} VARCHAR)")
    con.execute("INSERT INTO raw VALUES ('a', 'K1')")
    con.execute(f"CREATE TABLE {VARIANTS} (name VARCHAR, variant VARCHAR)")
    con.execute(prepared_records_sql([], [name]))
    columns = [row[0] for row in con.execute(f"DESCRIBE {PREPARED}").fetchall()]
    assert name in columns and "injected" not in columns
    assert con.execute(f"SELECT {quote_identifier(name)} FROM {PREPARED}").fetchall() == [
        ("k1",)]
