"""A hand-made warehouse for the audit: the schema `tessera ingest` creates, and a few rows per
rule written straight into it.

Why by hand: each category rule, the latest-stage ethnicity choice and the counting of people
need one small case whose right answer can be worked out on paper; the end-to-end tests run the
real synth -> ingest -> audit pipeline. `populate_audit_fixture` is shared by the analysis and
publish tests (and any demo that wants a small audit).
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from typing import Any

from tessera.analysis.audit import AuditResult
from tessera.warehouse.engine import Engine
from tessera.warehouse.reference import refresh_reference_tables
from tessera.warehouse.schema import create_schema_sqls

EXTRACTED = datetime(2024, 4, 1, 9, 0)


def record_key(entity: str, agency: str, natural_key: str) -> str:
    """A stand-in for the loader's HMAC: stable, opaque, and the same for a reference."""
    return hashlib.sha256(f"{entity}|{agency}|{natural_key}".encode()).hexdigest()[:32]


def create_schema(engine: Engine) -> None:
    """Create every zone exactly as `tessera ingest` does, with the reference code lists."""
    for sql in create_schema_sqls():
        engine.execute(sql)
    refresh_reference_tables(engine)


class FixtureWarehouse:
    """Adds rows to the audit schema with the keys the loader would give them."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._serial = 0
        create_schema(engine)

    def _insert(self, table: str, values: dict[str, Any]) -> None:
        names = ", ".join(values)
        placeholders = ", ".join("?" for _ in values)
        self.engine.execute(f"INSERT INTO {table} ({names}) VALUES ({placeholders})",
                            list(values.values()))

    def _next_id(self, prefix: str) -> str:
        self._serial += 1
        return f"{prefix}-{self._serial}"

    def person(self, person_id: str, *, agency: str = "west-yorkshire", sex: str = "F",
               birth_year: int | None = 2010, ethnicity: str | None = None,
               nationality: str | None = None, nominal: bool = True) -> str:
        """A person record; returns its record_key. `nominal=False` is an unidentified
        suspect's record: the force holds no nominal id for them."""
        key = record_key("person_record", agency, person_id)
        self._insert("analysis.person_record", {
            "record_key": key, "agency_code": agency, "extracted_at": EXTRACTED, "batch_id": 1,
            "date_of_birth_year": birth_year, "sex": sex, "ethnicity": ethnicity,
            "nationality": nationality,
            "police_person_id_key": record_key("id", agency, person_id) if nominal else None})
        return key

    def offence(self, crime_ref: str, *, force: str = "west-yorkshire", code: str = "19D",
                cse: bool = False, online: bool = False, setting: str | None = None,
                location: str | None = None, outcome: str | None = None,
                status: str = "open") -> str:
        """An offence recorded by `force`; returns its record_key."""
        key = record_key("offence", force, crime_ref)
        self._insert("analysis.offence", {
            "record_key": key, "agency_code": force, "extracted_at": EXTRACTED, "batch_id": 1,
            "force_code": force, "recorded_date": date(2023, 6, 1),
            "committed_from": date(2023, 1, 1), "ho_offence_code": code, "cse_flag": cse,
            "online_flag": online, "setting": setting, "location_type": location,
            "outcome_type": outcome, "outcome_date": date(2023, 9, 1) if outcome else None,
            "investigation_status": "closed" if outcome else status})
        self._insert("identity.offence", {
            "record_key": key, "agency_code": force, "source_record_id": f"src-{crime_ref}",
            "crime_ref": crime_ref})
        return key

    def party(self, offence_key: str, person_key: str, role: str, *, age: int | None = None,
              relationship: str | None = None, agency: str = "west-yorkshire") -> str:
        """A person's part in an offence; returns the party's record_key."""
        key = record_key("offence_party", agency, self._next_id("party"))
        self._insert("analysis.offence_party", {
            "record_key": key, "agency_code": agency, "extracted_at": EXTRACTED, "batch_id": 1,
            "crime_ref_key": offence_key, "person_record_id_key": person_key, "role": role,
            "age_at_offence": age, "relationship_to_victim": relationship})
        return key

    def statement(self, party_key: str, stage: str, *, ethnicity: str | None = None,
                  nationality: str | None = None, agency: str = "west-yorkshire",
                  extracted_at: datetime = EXTRACTED, source: str = "self_defined") -> str:
        """A demographic statement about a party at an investigation stage; an ethnicity is
        defined by `source` (self-defined unless said)."""
        key = record_key("party_demographics", agency, self._next_id("statement"))
        self._insert("analysis.party_demographics", {
            "record_key": key, "agency_code": agency, "extracted_at": extracted_at,
            "batch_id": 1, "offence_party_id_key": party_key, "captured_at_stage": stage,
            "ethnicity": ethnicity, "ethnicity_source": source if ethnicity else None,
            "nationality": nationality})
        return key

    def association(self, person_key: str, *, kind: str, first_seen: date,
                    other: str | None = None, object_kind: str | None = None,
                    object_value: str | None = None, grading: str | None = "2B",
                    agency: str = "west-yorkshire") -> str:
        """An intelligence link of a person record to another person record or to an object
        (the object's value pseudonymised as the loader would); returns its record_key."""
        key = record_key("association", agency, self._next_id("association"))
        self._insert("analysis.association", {
            "record_key": key, "agency_code": agency, "extracted_at": EXTRACTED, "batch_id": 1,
            "person_record_id_key": person_key, "linked_person_record_id_key": other,
            "object_kind": object_kind,
            "object_value_key": record_key("object", "", object_value) if object_value else None,
            "kind": kind, "first_seen": first_seen, "last_seen": None,
            "source": "intelligence_report", "grading": grading})
        return key

    def link(self, person_key: str, person_id: str) -> None:
        """What `tessera link` writes for a perpetrator's record: its person_id."""
        self._insert("analysis.person_link", {
            "record_key": person_key, "agency_code": "west-yorkshire", "linked_id": person_id,
            "child_id": None, "person_id": person_id, "match_probability": 1.0, "run_id": 1})

    def crime(self, crime_ref: str, parties: list[tuple[str, str, int | None, str | None]],
              **offence: Any) -> dict[str, str]:
        """An offence with its parties, each (person id, role, age, relationship); people are
        created on first use. Returns the party record_key of each person id."""
        force = offence.get("force", "west-yorkshire")
        key = self.offence(crime_ref, **offence)
        party_keys: dict[str, str] = {}
        for person_id, role, age, relationship in parties:
            person = record_key("person_record", force, person_id)
            if not self.engine.scalar("SELECT count(*) FROM analysis.person_record "
                                      "WHERE record_key = ?", [person]):
                self.person(person_id, agency=force,
                            sex="M" if person_id.endswith("m") else "F")
            party_keys[person_id] = self.party(key, person, role, age=age,
                                               relationship=relationship, agency=force)
        return party_keys


def populate_audit_fixture(engine: Engine) -> FixtureWarehouse:
    """Fifteen offences in two forces covering every audit rule; figures are in the tests.

    Person ids ending in 'm' are male. CSA offences: 12 (west-yorkshire 9, kent 3); more than
    one perpetrator 8: intra-familial 3, institutional 2, group-based CSE 2, other 1; single 4;
    online 3; not CSA 3 (adult victim, non-sexual code, and DUP-1 in kent).
    """
    w = FixtureWarehouse(engine)
    w.person("V1", ethnicity="13")
    o1 = w.crime("WY-INTRA", [("V1", "victim", 12, None), ("P1m", "suspect", 40, "family_member"),
                              ("P2m", "offender", 35, "acquaintance")],
                 location="dwelling", outcome="1")
    w.crime("WY-FAMILY-SETTING", [("V2m", "victim", 14, None), ("P3m", "suspect", 30, "stranger"),
                                  ("P4m", "suspect", 31, "stranger")],
            code="20A", setting="family")
    w.crime("WY-TRUST", [("V3", "victim", 9, None), ("P5m", "offender", 50, "position_of_trust"),
                         ("P6", "suspect", 45, "acquaintance")], code="21")
    o4 = w.crime("WY-SCHOOL", [("V1", "victim", 13, None), ("P7m", "suspect", 15, "peer"),
                               ("P8m", "suspect", 16, "peer")], code="22B", location="school")
    o5 = w.crime("WY-CSE", [("V4", "victim", 15, None), ("P9m", "suspect", 28, "acquaintance"),
                            ("P10m", "suspect", 33, "acquaintance"),
                            ("P11m", "offender", 41, "acquaintance")],
                 cse=True, location="hotel", outcome="15")
    o6 = w.crime("WY-71", [("V5", "victim", 16, None), ("P9m", "suspect", 28, None),
                           ("P10m", "suspect", 33, None)], code="71", online=True)
    w.crime("WY-PRECEDENCE", [("V6", "victim", 11, None), ("P12m", "suspect", 38, "family_member"),
                              ("P13", "suspect", 36, "family_member")], code="19E", cse=True)
    w.crime("WY-OTHER", [("V7m", "victim", 10, None), ("P14m", "suspect", 22, "stranger"),
                         ("P15m", "suspect", 25, "stranger"), ("W1", "witness", 30, None)],
            code="19H")
    k = {"force": "kent"}
    w.crime("K-SINGLE", [("V8", "victim", 14, None), ("P16m", "offender", 19, "online_contact")],
            location="online", **k)
    w.crime("K-NONE", [("V9", "victim", 13, None)], code="88A", online=True, **k)
    w.crime("K-ADULT", [("V10", "victim", 25, None), ("P17m", "suspect", 30, "stranger")],
            code="19C", **k)
    w.crime("K-NONSEX", [("V11", "victim", 8, None), ("P18", "suspect", 30, "family_member")],
            code="11A", **k)
    w.crime("K-SAMEPERSON", [("V12", "victim", 15, None), ("P19m", "suspect", 20, None),
                             ("P19m", "offender", 20, "acquaintance")], code="20A", **k)
    w.crime("DUP-1", [("V13", "victim", 15, None), ("P20m", "suspect", 20, "stranger")])
    w.crime("DUP-1", [("V14", "victim", 30, None), ("P21m", "suspect", 20, "stranger")],
            code="19C", **k)

    # Latest-stage ethnicity: V1's known statements are '4' at report and '13' at arrest (in
    # another offence); 'NK' at charge is not known, so V1 counts as '13'.
    w.statement(o1["V1"], "report", ethnicity="4")
    w.statement(o1["V1"], "charge", ethnicity="NK")
    w.statement(o4["V1"], "arrest", ethnicity="13")
    # P9: '17' at report, '4' at the end of the investigation; P10 only 'NS'; P11 '1'.
    w.statement(o5["P9m"], "report", ethnicity="17")
    w.statement(o5["P9m"], "investigation_end", ethnicity="4", nationality="GBR")
    w.statement(o6["P9m"], "arrest", ethnicity="4")
    w.statement(o5["P10m"], "report", ethnicity="NS")
    w.statement(o5["P11m"], "report", ethnicity="1")
    w.statement(o5["V4"], "report", ethnicity=None)
    w.statement(o5["V4"], "investigation_end", ethnicity="11", nationality="GBR")
    engine.execute("UPDATE analysis.person_record SET nationality = 'ROU' WHERE record_key = ?",
                   [record_key("person_record", "west-yorkshire", "P11m")])
    return w


def rows_where(result: AuditResult, table: str, **match: object) -> list[dict[str, object]]:
    """The rows of one audit table whose columns (by key) hold the values given."""
    return [r for r in result.tables[table].records()
            if all(r[k] == v for k, v in match.items())]


def one(result: AuditResult, table: str, **match: object) -> dict[str, object]:
    """The one row of an audit table matching `match`."""
    (row,) = rows_where(result, table, **match)
    return row
