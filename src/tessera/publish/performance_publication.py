"""Publish the performance framework into the casework store, where a force's analysts read
their force's measures in the web app (web/performance.py) and national analysts every
force's and England and Wales's.

Why every figure (the restricted edition): the pages are behind an analyst's sign-in, scoped
to their own force and logged (casework/publications.py). The published edition, disclosure
controlled, is what `tessera performance` writes out; its quarters by force are so small that
most would be hidden there, and a force's analysts need them to read their control charts.
Each place keeps its rows of the two tables (`StatTable.as_json`), so the page formats and
charts the same figures the dashboard does, from `performance_report.py`.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any, Final

from sqlalchemy.orm import Session

from tessera.analysis.data_state import WarehouseState
from tessera.analysis.performance import NATIONAL, NATIONAL_LABEL, PerformanceResult
from tessera.analysis.performance.measures import Measure
from tessera.analysis.results import StatTable
from tessera.casework.publications import EntryRecord, PublicationRecord, Published, publish
from tessera.dataset.codelists import codelist
from tessera.publish.performance_disclosure import performance_tables, restricted_quarters
from tessera.publish.performance_report import rows_of

PRODUCT: Final = "performance"
"""The product name the casework store and the web app know the framework by."""


def publish_performance(session: Session, result: PerformanceResult, state: WarehouseState,
                        *, published_by: str) -> Published:
    """Publish every place's measures and quarters of `result`, as made from the warehouse in
    `state`; it supersedes the framework published before. An entry's score is how many of
    its measures' control charts call a special cause (what a national analyst looks at
    first)."""
    tables, _ = performance_tables(result)
    measures, period, currency = tables[0], tables[1], tables[3]
    quarters = restricted_quarters(result)
    record = PublicationRecord(
        product=PRODUCT, published_by=published_by, provenance=state.provenance,
        batch_id=state.batch_id, loaded_at=state.loaded_at,
        linkage_run_id=state.linkage_run_id,
        settings={"start": result.start.isoformat(), "end": result.end.isoformat(),
                  "measures": [asdict(m) for m in result.measures],
                  "measures_table": measures.as_json(), "peer_note": result.peer_note},
        counts={"forces": len(result.forces), "computed": len(result.computed)})
    places = [(NATIONAL, NATIONAL_LABEL, None), *((f.code, f.label, f) for f in result.forces)]
    entries = []
    for rank, (code, label, force) in enumerate(places, start=1):
        signals = sum(1 for m in result.computed
                      if result.figures[(code, m.id)].chart.signals)
        entries.append(EntryRecord(code, rank, code, float(signals), {
            "label": label,
            "residents": force.residents if force else None,
            "children": force.children if force else None,
            "density": force.density if force else None,
            "deprivation": force.deprivation if force else None,
            "peers": [codelist("police_forces").label(p) for p in force.peers] if force else [],
            "tables": {"force_measures": rows_of(period, code).as_json(),
                       "force_quarters": rows_of(quarters, code).as_json(),
                       "profile_currency": rows_of(currency, code).as_json()}}))
    return publish(session, record, entries)


def measures_of(settings: dict[str, Any]) -> tuple[Measure, ...]:
    """The measures a publication was made with (its settings keep them)."""
    return tuple(Measure(**m) for m in settings["measures"])


def tables_of(detail: dict[str, Any]) -> dict[str, StatTable]:
    """One place's tables as published."""
    return {name: StatTable.from_json(t) for name, t in detail["tables"].items()}
