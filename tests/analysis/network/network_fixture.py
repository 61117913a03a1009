"""A hand-made warehouse for the network: the audit's fixture offences, plus intelligence
associations and linked ids written straight into the analysis zone.

Why by hand: that two offenders who never offend together are joined through a phone, that a
broker sits on the one bridge between two groups, and that a path uses no edge dated after an
offence are cases whose right answer can be worked out on paper.
"""

from __future__ import annotations

from datetime import date

from tessera.warehouse.engine import Engine
from tests.analysis.audit_fixture import (
    EXTRACTED,
    FixtureWarehouse,
    populate_audit_fixture,
    record_key,
)


class NetworkWarehouse:
    """The audit fixture, with helpers for associations, linked ids and offence dates."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.w: FixtureWarehouse = populate_audit_fixture(engine)
        self._serial = 0

    def person_key(self, person: str, force: str = "west-yorkshire") -> str:
        """The record key the fixture gives `person` in `force`."""
        return record_key("person_record", force, person)

    def node(self, person: str, force: str = "west-yorkshire") -> str:
        """The graph node of `person` once `link_ids` has run."""
        return "N-" + self.person_key(person, force)[:16].upper()

    def person_id(self, person: str, force: str = "west-yorkshire") -> str:
        """The person_id of `person` once `link_ids` has run."""
        return "P-" + self.person_key(person, force)[:16].upper()

    def crime(self, crime_ref: str, victim: str, perpetrators: list[str], *,
              on: date = date(2023, 1, 1), force: str = "west-yorkshire",
              outcome: str | None = None) -> str:
        """A CSE offence against `victim` by `perpetrators` on `on`; returns its key."""
        parties = [(victim, "victim", 14, None)] + [(p, "suspect", 30, "acquaintance")
                                                    for p in perpetrators]
        self.w.crime(crime_ref, parties, cse=True, force=force, outcome=outcome)
        key = record_key("offence", force, crime_ref)
        self.engine.execute("UPDATE analysis.offence SET committed_from = ?, recorded_date = ? "
                            "WHERE record_key = ?", [on, on, key])
        return key

    def shares(self, person: str, kind: str, value: str, *, seen: date,
               force: str = "west-yorkshire", grading: str = "1A",
               source: str = "intelligence_report") -> None:
        """Intelligence placing `person` on an object (`kind` phone, vehicle, ...)."""
        link = {"phone": "phone_contact", "vehicle": "vehicle_use", "address": "address_link",
                "online_account": "online_contact"}[kind]
        self._association(person, force, seen, grading, source, kind=link, object_kind=kind,
                          object_value_key=record_key("object", kind, value))

    def knows(self, person: str, other: str, *, seen: date, force: str = "west-yorkshire",
              other_force: str = "west-yorkshire", grading: str = "2B") -> None:
        """Intelligence that `person` is a known associate of `other`."""
        self._association(person, force, seen, grading, "intelligence_report", kind="associate",
                          linked_person_record_id_key=self.person_key(other, other_force))

    def link_ids(self) -> None:
        """Linked ids as `tessera link` writes them: every record its own person, with a
        person_id for perpetrators and a child_id for victims (again from scratch each call)."""
        self.engine.execute("DELETE FROM analysis.person_link")
        self.engine.execute(
            "INSERT INTO analysis.person_link (record_key, agency_code, linked_id, child_id, "
            "person_id) SELECT pr.record_key, pr.agency_code, upper(left(pr.record_key, 16)), "
            "CASE WHEN bool_or(op.role = 'victim') THEN 'C-' || upper(left(pr.record_key, 16)) "
            "END, CASE WHEN bool_or(op.role <> 'victim') THEN 'P-' || "
            "upper(left(pr.record_key, 16)) END FROM analysis.person_record pr "
            "LEFT JOIN analysis.offence_party op ON op.person_record_id_key = pr.record_key "
            "GROUP BY pr.record_key, pr.agency_code")

    def same_person(self, person: str, force: str, other_force: str) -> None:
        """Linkage found `person`'s record in `other_force` to be the one in `force`."""
        self.engine.execute(
            "UPDATE analysis.person_link AS l SET linked_id = k.linked_id, "
            "person_id = k.person_id FROM analysis.person_link AS k "
            "WHERE k.record_key = ? AND l.record_key = ?",
            [self.person_key(person, force), self.person_key(person, other_force)])

    def _association(self, person: str, force: str, seen: date, grading: str, source: str,
                     **link: str) -> None:
        self._serial += 1
        values = {"record_key": record_key("association", force, f"A-{self._serial}"),
                  "agency_code": force, "extracted_at": EXTRACTED, "batch_id": 1,
                  "person_record_id_key": self.person_key(person, force), "first_seen": seen,
                  "last_seen": seen, "source": source, "grading": grading, **link}
        names = ", ".join(values)
        self.engine.execute(f"INSERT INTO analysis.association ({names}) VALUES "
                            f"({', '.join('?' for _ in values)})", list(values.values()))
