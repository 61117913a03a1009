"""Finding, for each review request, the closed offences it may be about.

Why a command and not the web app: the warehouse is one DuckDB file that loading writes in
atomic batches, and a web app holding it open would block every load (and a worker per
process would each hold it). `tessera reviews match` opens it read-only for the moment it
takes, and writes what it finds into the casework store, where the panel's pages read it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from tessera.analysis.reviews.queries import REVIEWS_SQL
from tessera.analysis.sql import require_tables
from tessera.warehouse.engine import Engine

MATCH_COLUMNS = ("basis", "force_code", "crime_reference", "ho_offence_code", "outcome_type",
                 "outcome_group", "closed_on", "victim_age", "suspects")


def find_closed_cases(engine: Engine, identities: Sequence[Mapping[str, Any]]
                      ) -> dict[str, list[dict[str, Any]]]:
    """For each request (its reference, the person's name and date of birth, and the force
    and crime reference if they gave them): the closed offences it may be about."""
    require_tables(engine, [("identity", "person_record"), ("identity", "offence"),
                            ("analysis", "offence_party")])
    sql = REVIEWS_SQL.sql("request_candidates")
    found: dict[str, list[dict[str, Any]]] = {}
    for identity in identities:
        params = {name: identity[name] for name in ("given_name", "family_name",
                                                    "date_of_birth", "crime_reference",
                                                    "force_code")}
        rows = engine.rows(sql, params)
        found[str(identity["reference"])] = [
            {name: (str(row[name]) if name in ("ho_offence_code", "outcome_type")
                    else row[name]) for name in MATCH_COLUMNS} for row in rows]
    return found
