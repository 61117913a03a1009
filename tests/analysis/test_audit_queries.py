"""The audit's named SQL files and the builder that chains them."""

from __future__ import annotations

from importlib import resources

import pytest

from tessera.analysis.audit.queries import AUDIT_SQL, READS, audit_sql
from tessera.analysis.audit.rules import network_params
from tessera.errors import AnalysisError
from tests.analysis.audit_fixture import FixtureWarehouse

SQL_FILES = sorted(p.name.removesuffix(".sql")
                   for p in resources.files("tessera.analysis.audit").iterdir()
                   if p.name.endswith(".sql"))


def test_every_sql_file_is_declared_and_every_declared_query_has_a_file() -> None:
    assert sorted(READS) == SQL_FILES
    for name, needed in READS.items():
        assert set(needed) <= set(READS), name


@pytest.mark.parametrize("name", SQL_FILES)
def test_every_query_says_what_it_counts(name: str) -> None:
    text = AUDIT_SQL.load(name)
    assert text.startswith("-- "), f"{name}.sql must open with a comment saying what it counts"


@pytest.mark.parametrize("name", SQL_FILES)
def test_every_query_runs_on_the_warehouse_schema(warehouse: FixtureWarehouse,
                                                  name: str) -> None:
    params = {"party": "victim", "crime_ref": "X", **network_params()}
    warehouse.engine.rows(audit_sql(name), params)


def test_steps_come_after_the_steps_they_read() -> None:
    assert AUDIT_SQL.steps_for("party_statement") == [
        "offence_category", "offence_in_group", "csa_party"]
    order = AUDIT_SQL.steps_for("profile")
    assert order.index("offence_category") < order.index("csa_party")
    assert order.index("csa_party") < order.index("party_statement")
    assert len(order) == len(set(order))
    assert AUDIT_SQL.steps_for("offence_category") == []


def test_a_query_with_its_own_with_joins_the_chain() -> None:
    sql = audit_sql("profile")
    assert sql.startswith("WITH audit_group AS (") and "\noffence_category AS (" in sql
    assert sql.count("WITH person AS") == 0 and ",\nperson AS (" in sql


def test_unknown_query_is_an_error() -> None:
    with pytest.raises(AnalysisError, match="has no query named 'nope'"):
        audit_sql("nope")
