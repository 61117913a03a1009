"""Synthetic sets shared by the synth tests, generated once per session, and SQL over them.

Why session-scoped: generating even a small national set writes about a thousand files, so the
tests share one clean set (bad_share 0, where every rule must hold exactly) and one dirty set
with the same seed (which differs from the clean one only at the rows it reports as bad).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

from tessera.dataset import ENTITIES
from tessera.synth import SynthSummary, generate

SEED = 7
SCALE = 0.03


@pytest.fixture(scope="session")
def clean(tmp_path_factory: pytest.TempPathFactory) -> SynthSummary:
    """A clean set (no bad rows) at 3% of the national volume."""
    return generate(tmp_path_factory.mktemp("clean"), scale=SCALE, seed=SEED, bad_share=0)


@pytest.fixture(scope="session")
def dirty(tmp_path_factory: pytest.TempPathFactory) -> SynthSummary:
    """The same set with 2% of each file's rows broken on purpose."""
    return generate(tmp_path_factory.mktemp("dirty"), scale=SCALE, seed=SEED, bad_share=0.02)


class Sql:
    """A DuckDB connection with the two calls the tests make."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con

    def one(self, sql: str) -> tuple[Any, ...]:
        """The first row of a query that always returns one."""
        row = self.con.execute(sql).fetchone()
        assert row is not None, sql
        return row

    def all(self, sql: str) -> list[tuple[Any, ...]]:
        """Every row."""
        return self.con.execute(sql).fetchall()


def connect(extracts: Path) -> Sql:
    """DuckDB with a view per entity over every agency's file (all text, with the file's
    kind and folder), and views over the ground truth beside the extracts."""
    con = duckdb.connect()
    for e in ENTITIES:
        files = sorted(extracts.glob(f"*/*/{e.name}.csv"))
        if not files:
            continue
        listing = ", ".join(f"'{f}'" for f in files)
        con.execute(
            f"CREATE VIEW {e.name} AS SELECT *, "
            f"split_part(filename, '/', -3) AS _kind, split_part(filename, '/', -2) AS _folder "
            f"FROM read_csv([{listing}], all_varchar=true, header=true, filename=true)")
    truth = extracts.parent / "ground_truth"
    for name in ("persons", "offences", "bad_rows", "networks", "network_members", "decoys",
                 "look_again"):
        con.execute(f"CREATE VIEW truth_{name} AS SELECT * FROM "
                    f"read_csv('{truth / name}.csv', all_varchar=true, header=true)")
    return Sql(con)


@pytest.fixture(scope="session")
def db(clean: SynthSummary) -> Iterator[Sql]:
    """SQL over the clean set."""
    sql = connect(clean.extracts)
    yield sql
    sql.con.close()
