"""The one object that runs SQL against the warehouse.

Why one engine: every query, whether it loads, validates or analyses, goes through here, so
moving the same SQL to another backend (Spark, at national scale) means one new class, not a
hunt through the code base.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import pyarrow as pa

from tessera.errors import WarehouseError

if TYPE_CHECKING:
    from splink import DuckDBAPI

Params = Mapping[str, Any] | Sequence[Any] | None


class Engine:
    """A DuckDB connection to the warehouse file, with the few operations Tessera needs."""

    def __init__(self, connection: duckdb.DuckDBPyConnection, path: Path | None) -> None:
        self._con = connection
        self.path = path

    @classmethod
    def open(cls, path: Path | None, *, read_only: bool = False) -> Engine:
        """Open (creating if needed) the warehouse at `path`; `None` opens one in memory."""
        try:
            if path is None:
                con = duckdb.connect(":memory:")
            else:
                if read_only and not path.exists():
                    raise WarehouseError(
                        f"{path}: no warehouse here yet; run 'tessera ingest' first"
                    )
                path.parent.mkdir(parents=True, exist_ok=True)
                con = duckdb.connect(str(path), read_only=read_only)
            if not read_only:
                # Loads and analyses order their results explicitly; not keeping insertion
                # order lets DuckDB write in parallel with less memory.
                con.execute("SET preserve_insertion_order = false")
        except duckdb.Error as exc:
            raise WarehouseError(f"{path}: cannot open the warehouse ({exc})") from exc
        return cls(con, path)

    @classmethod
    def in_memory(cls, *, memory_limit: str, temp_directory: Path) -> Engine:
        """A private in-memory database for one job's working tables (a linkage run).

        Why a limit and a folder: such a job can outgrow memory (a million records make
        tens of millions of candidate pairs); DuckDB then spills to `temp_directory`
        rather than failing, and stays within `memory_limit` (DuckDB's syntax, "6GB").
        """
        con = duckdb.connect(":memory:", config={
            "memory_limit": memory_limit, "temp_directory": str(temp_directory)})
        return cls(con, None)

    def splink_api(self) -> DuckDBAPI:
        """Splink's database API on this engine's connection, so the statements Splink
        generates run on the same database as Tessera's own."""
        from splink import DuckDBAPI

        return DuckDBAPI(connection=self._con)

    def close(self) -> None:
        """Close the connection; the file stays as the last committed batch left it."""
        self._con.close()

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _run(self, sql: str, params: Params) -> duckdb.DuckDBPyConnection:
        """Execute with only the named parameters the statement uses.

        Builders hand over one parameter set for a family of statements; DuckDB refuses
        names a statement does not use, so they are dropped here, in one place.
        """
        return self._con.execute(sql, _used(sql, params))

    def execute(self, sql: str, params: Params = None) -> None:
        """Run a statement that returns nothing of interest, to completion."""
        self._run(sql, params).fetchall()

    def rows(self, sql: str, params: Params = None) -> list[dict[str, Any]]:
        """Run a query and return its rows as dictionaries keyed by column name."""
        cursor = self._run(sql, params)
        names = [d[0] for d in cursor.description or ()]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def scalar(self, sql: str, params: Params = None) -> Any:
        """Run a query that returns one value."""
        rows = self._run(sql, params).fetchall()
        return rows[0][0] if rows else None

    def arrow(self, sql: str, params: Params = None) -> pa.Table:
        """Run a query and return an Arrow table (for CSV output and large results)."""
        return self._con.sql(sql, params=_used(sql, params)).to_arrow_table()

    def register(self, name: str, table: pa.Table) -> None:
        """Expose an Arrow table to SQL under `name` without copying it."""
        self._con.register(name, table)

    def unregister(self, name: str) -> None:
        """Forget a table registered with `register`."""
        self._con.unregister(name)

    def table_exists(self, schema: str, table: str) -> bool:
        """Whether `schema.table` exists in the warehouse."""
        return bool(self.scalar(
            "SELECT count(*) FROM information_schema.tables "
            "WHERE table_schema = ? AND table_name = ?", [schema, table]))

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Run a block atomically: all of it is committed, or none of it is."""
        self.execute("BEGIN TRANSACTION")
        try:
            yield
        except BaseException:
            self.execute("ROLLBACK")
            raise
        self.execute("COMMIT")


def _used(sql: str, params: Params) -> Params:
    """Only the named parameters `sql` uses (positional ones pass as they are)."""
    if isinstance(params, Mapping):
        used = set(re.findall(r"\$([A-Za-z_][A-Za-z0-9_]*)", sql))
        return {k: v for k, v in params.items() if k in used}
    return params


def quote_identifier(name: str) -> str:
    """Quote a table or column name for SQL: the one place identifiers are escaped."""
    return '"' + name.replace('"', '""') + '"'


def quote_literal(text: str) -> str:
    """Quote fixed text (a rule's message) as an SQL string literal."""
    return "'" + text.replace("'", "''") + "'"
