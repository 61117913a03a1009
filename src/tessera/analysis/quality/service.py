"""Data quality per agency and per delivery (measure M2): read the delivery profiles, compare
each delivery with the agency's earlier ones, score, and shape the tables.

Why a service: `tessera quality` (and `tessera demo`) call `run_quality` and render what it
returns; neither knows where the counts come from or how a score is made.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from itertools import groupby
from pathlib import Path
from typing import Any

from tessera.analysis.quality import queries, scores
from tessera.analysis.quality.consistency import (
    Comparison,
    completeness_comparison,
    volume_comparison,
)
from tessera.analysis.quality.tables import quality_tables
from tessera.analysis.results import StatTable
from tessera.errors import NothingToScoreError
from tessera.warehouse.engine import Engine


@dataclass(frozen=True)
class EntityRows:
    """One entity's rows in a delivery, and the extraction time and period of those loaded."""

    entity: str
    rows_in: int
    rows_loaded: int
    rows_rejected: int
    extracted_at: datetime | None
    period_start: date | None
    period_end: date | None


@dataclass(frozen=True)
class FieldCount:
    """A field the analyses read: loaded rows it applies to, and how many of them have it."""

    entity: str
    field: str
    read_by: str
    applicable: int
    present: int

    @property
    def subject(self) -> str:
        """`entity.field`, as flags and tables name it."""
        return f"{self.entity}.{self.field}"


@dataclass(frozen=True)
class Rejection:
    """Rows of a delivery rejected under one rule of one field."""

    entity: str
    field: str
    rule: str
    rows: int


@dataclass(frozen=True)
class DeliveryQuality:
    """One delivery of one agency (a batch that loaded its rows), measured and compared."""

    batch_id: int
    loaded_at: datetime | None
    entities: tuple[EntityRows, ...]
    fields: tuple[FieldCount, ...]
    rejections: tuple[Rejection, ...]
    comparisons: tuple[Comparison, ...]

    @property
    def rows_in(self) -> int:
        """Rows the agency sent in this delivery."""
        return sum(e.rows_in for e in self.entities)

    @property
    def rows_loaded(self) -> int:
        """Rows that passed every rule."""
        return sum(e.rows_loaded for e in self.entities)

    @property
    def rows_rejected(self) -> int:
        """Rows rejected (each once, however many rules it broke)."""
        return sum(e.rows_rejected for e in self.entities)

    @property
    def extracted_at(self) -> datetime | None:
        """When the latest of its loaded rows was extracted."""
        return max((e.extracted_at for e in self.entities if e.extracted_at), default=None)

    @property
    def period_start(self) -> date | None:
        """The earliest date of its dated records."""
        return min((e.period_start for e in self.entities if e.period_start), default=None)

    @property
    def period_end(self) -> date | None:
        """The latest date of its dated records: the end of the period it covers."""
        return max((e.period_end for e in self.entities if e.period_end), default=None)

    @property
    def lag_days(self) -> int | None:
        """Days from the end of the period covered to the extraction."""
        if self.extracted_at is None or self.period_end is None:
            return None
        return (self.extracted_at.date() - self.period_end).days

    @property
    def flags(self) -> tuple[Comparison, ...]:
        """Falls beyond chance against earlier deliveries."""
        return tuple(c for c in self.comparisons if c.flagged)

    def dimensions(self) -> dict[scores.Dimension, float | None]:
        """Each measurable dimension of this delivery as a share from 0 to 1.

        Completeness is the mean over the analysed fields it sent of the share of rows
        with a value, so each field the analyses read counts once, however many rows it has.
        """
        shares = [f.present / f.applicable for f in self.fields if f.applicable]
        return {
            "completeness": sum(shares) / len(shares) if shares else None,
            "validity": self.rows_loaded / self.rows_in if self.rows_in else None,
            "timeliness": scores.timeliness(self.lag_days),
            "consistency": scores.consistency(len(self.flags)),
        }

    @property
    def score(self) -> float | None:
        """The delivery's overall score out of 100 (linkage is scored per agency only)."""
        return scores.overall(self.dimensions())


@dataclass(frozen=True)
class LinkageShare:
    """An agency's person records in the last linkage run, and those joined to another's."""

    records: int
    joined: int

    @property
    def share(self) -> float | None:
        """Share of its person records joined to a record of another agency."""
        return self.joined / self.records if self.records else None


@dataclass(frozen=True)
class AgencyQuality:
    """One agency: its deliveries in order, and its record linkage (None before any run)."""

    agency_code: str
    agency_label: str
    deliveries: tuple[DeliveryQuality, ...]
    linkage: LinkageShare | None

    @property
    def latest(self) -> DeliveryQuality:
        """The agency's latest delivery, which its score describes."""
        return self.deliveries[-1]

    def dimensions(self) -> dict[scores.Dimension, float | None]:
        """The latest delivery's dimensions, with linkage as it stands now."""
        linked = self.linkage.share if self.linkage else None
        return {**self.latest.dimensions(), "linkage": linked}

    @property
    def score(self) -> float | None:
        """The agency's overall score out of 100."""
        return scores.overall(self.dimensions())

    @property
    def change(self) -> float | None:
        """Points gained (or lost) by the latest delivery's score since the one before."""
        if len(self.deliveries) < 2:
            return None
        now, before = self.latest.score, self.deliveries[-2].score
        return now - before if now is not None and before is not None else None


@dataclass(frozen=True)
class QualityResult:
    """Every agency's quality, whether linkage has run, and the tables to publish."""

    agencies: tuple[AgencyQuality, ...]
    linked: bool
    tables: dict[str, StatTable]


def score_warehouse(warehouse: Path) -> QualityResult:
    """Score the warehouse file at `warehouse`, opened read-only.

    Raises `NothingToScoreError` when there is no warehouse there yet.
    """
    if not warehouse.exists():
        raise NothingToScoreError(f"{warehouse}: no warehouse here yet; run 'tessera ingest' "
                                  "first")
    with Engine.open(warehouse, read_only=True) as engine:
        return run_quality(engine)


def run_quality(engine: Engine) -> QualityResult:
    """Score every agency and delivery in the warehouse behind `engine`.

    Raises `NothingToScoreError` when the warehouse holds no delivery profiles (nothing
    ingested yet, or only by a Tessera older than the profiles).
    """
    missing = [f"{s}.{t}" for s, t in queries.REQUIRED_TABLES if not engine.table_exists(s, t)]
    if missing or not engine.scalar("SELECT count(*) FROM ops.deliveries"):
        raise NothingToScoreError(
            f"{engine.path}: no delivery has been profiled here yet; run 'tessera ingest' "
            "(deliveries loaded before Tessera profiled them must be loaded again)")
    linked = bool(engine.scalar(queries.LINKED_RUNS_SQL))
    linkage = ({r["agency_code"]: LinkageShare(int(r["records"]), int(r["joined"]))
                for r in engine.rows(queries.LINKAGE_SQL)} if linked else {})
    agencies = tuple(_agencies(engine.rows(queries.DELIVERIES_SQL),
                               engine.rows(queries.FIELDS_SQL),
                               engine.rows(queries.REJECTIONS_SQL), linkage, linked))
    return QualityResult(agencies, linked, quality_tables(agencies, linked))


def _agencies(deliveries: list[dict[str, Any]], fields: list[dict[str, Any]],
              rejections: list[dict[str, Any]], linkage: dict[str, LinkageShare],
              linked: bool) -> Iterable[AgencyQuality]:
    """Group the profile rows by agency and delivery, comparing each with those before."""
    field_rows = _by_delivery(fields)
    rejection_rows = _by_delivery(rejections)
    for (code, label), agency_rows in groupby(
            deliveries, key=lambda r: (r["agency_code"], r["agency_label"])):
        measured: list[DeliveryQuality] = []
        for batch_id, batch_rows in groupby(agency_rows, key=lambda r: r["batch_id"]):
            rows = list(batch_rows)
            entities = [EntityRows(r["entity"], int(r["rows_in"]), int(r["rows_loaded"]),
                                   int(r["rows_rejected"]), r["extracted_at"],
                                   r["period_start"], r["period_end"]) for r in rows]
            counts = [FieldCount(r["entity"], r["field"], r["read_by"], int(r["applicable"]),
                                 int(r["present"])) for r in field_rows[(code, batch_id)]]
            measured.append(DeliveryQuality(
                batch_id, rows[0]["loaded_at"], tuple(entities), tuple(counts),
                tuple(Rejection(r["entity"], r["field"], r["rule"], int(r["rows"]))
                      for r in rejection_rows[(code, batch_id)]),
                _compare(measured, entities, counts)))
        records = linkage.get(code, LinkageShare(0, 0)) if linked else None
        yield AgencyQuality(code, label, tuple(measured), records)


def _by_delivery(rows: list[dict[str, Any]]) -> dict[tuple[str, int], list[dict[str, Any]]]:
    """Rows keyed by (agency_code, batch_id), each list in query order."""
    grouped: dict[tuple[str, int], list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        grouped[(row["agency_code"], row["batch_id"])].append(row)
    return grouped


def _compare(earlier: list[DeliveryQuality], entities: list[EntityRows],
             counts: list[FieldCount]) -> tuple[Comparison, ...]:
    """Each entity's rows and each analysed field's completeness against earlier deliveries.

    Only what this delivery holds is compared: an entity it did not send is not a fall to
    zero, since agencies may send entities in separate deliveries.
    """
    comparisons = [volume_comparison(
        e.entity, [x.rows_in for d in earlier for x in d.entities if x.entity == e.entity],
        e.rows_in) for e in entities]
    for f in counts:
        before = [x for d in earlier for x in d.fields if x.subject == f.subject]
        comparisons.append(completeness_comparison(
            f.subject, sum(x.present for x in before), sum(x.applicable for x in before),
            f.present, f.applicable))
    return tuple(c for c in comparisons if c is not None)
