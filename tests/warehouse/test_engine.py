"""The warehouse's one executor: the private in-memory engine a linkage run works in."""

from __future__ import annotations

from pathlib import Path

from tessera.warehouse.engine import Engine


def test_an_in_memory_engine_keeps_its_limit_and_spills_to_its_folder(tmp_path: Path) -> None:
    """The limit and the spill folder are DuckDB's settings for the run, and Splink's API
    works on the same database: a table made through the engine is one Splink sees."""
    with Engine.in_memory(memory_limit="512MB", temp_directory=tmp_path) as engine:
        assert engine.scalar("SELECT current_setting('temp_directory')") == str(tmp_path)
        limit = engine.scalar("SELECT current_setting('memory_limit')")
        assert limit.endswith("MiB") and 400 < float(limit.split()[0]) <= 512, limit
        engine.execute("CREATE TABLE shared AS SELECT 42 AS answer")
        api = engine.splink_api()
        assert api.table_exists_in_database("shared")
        assert not api.table_exists_in_database("elsewhere")
