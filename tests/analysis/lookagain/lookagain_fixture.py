"""A hand-made warehouse for the look-again list: closed cases whose right place on the list
can be worked out on paper, with evidence of every kind dated after closure and, as decoys,
before it.

Why by hand: each feature, each eligibility rule and the rule that only evidence after
closure counts need one small case; `tests/analysis/lookagain/test_end_to_end.py` runs the
real synth -> ingest -> link pipeline.

The cases (keys from `audit_fixture.record_key`):
  WY-A  eligible (CSE flag, outcome 15 on 2015-06-01, suspects S1 and S2, victim VA): new
        evidence of every feature, and evidence of most before closure, which must not count;
        an address S2 shares with family after closure, which must not count either.
  K-E   eligible (kent, Home Office code 71, outcome 21 on 2019-01-01): later intelligence only.
  K-D   eligible (kent, outcome 9 on 2020-01-01): no new evidence, score 0.
  WY-B  closed 2009-12-01, before the window: not eligible, though its suspect reoffended.
  WY-C  one suspect: not eligible.
  WY-G  not group-based (no CSE flag, code 19D): not eligible.
  WY-F  charged (outcome 1): not eligible; it is the charge that `charged_community` finds.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from tessera.analysis.lookagain import Community
from tests.analysis.audit_fixture import FixtureWarehouse, record_key

WY, KENT, LEEDS = "west-yorkshire", "kent", "E08000035"
CLOSED_A = date(2015, 6, 1)
COMMUNITIES = {"P-S1": Community("K1", 3), "P-CH": Community("K1", 3),
               "P-OTHER": Community("K1", 3)}
"""S1 shares a community with CH, who was charged after case A closed."""


def person_key(person_id: str, force: str = WY) -> str:
    """The record_key of a police person record made by `FixtureWarehouse.crime`."""
    return record_key("person_record", force, person_id)


def offence_key(crime_ref: str, force: str = WY) -> str:
    """The record_key of an offence: the case key of a closed case."""
    return record_key("offence", force, crime_ref)


class LookAgainWarehouse(FixtureWarehouse):
    """The audit fixture's rows, with dated offences, links, intelligence and referrals."""

    def dated_crime(self, crime_ref: str, parties: list[tuple[str, str]], *, recorded: date,
                    closed: date | None = None, **offence: Any) -> str:
        """An offence with (person id, role) parties, recorded on `recorded` and given its
        outcome on `closed`; returns its key."""
        force = offence.get("force", WY)
        self.crime(crime_ref, [(p, role, 15 if role == "victim" else 30, None)
                               for p, role in parties], **offence)
        key = offence_key(crime_ref, force)
        self.engine.execute(
            "UPDATE analysis.offence SET recorded_date = ?, committed_from = ?, "
            "outcome_date = ? WHERE record_key = ?", [recorded, recorded, closed, key])
        return key

    def link(self, record: str, *, person_id: str | None = None,
             child_id: str | None = None) -> None:
        """What `tessera link` writes for one record."""
        self._insert("analysis.person_link", {
            "record_key": record, "agency_code": WY, "linked_id": person_id or child_id,
            "child_id": child_id, "person_id": person_id, "match_probability": 1.0,
            "run_id": 1})

    def association(self, record: str, *, kind: str, first_seen: date,
                    other: str | None = None, object_kind: str | None = None,
                    object_value: str | None = None, agency: str = WY) -> str:
        """An intelligence link of `record` to another person record or to an object."""
        key = record_key("association", agency, self._next_id("association"))
        self._insert("analysis.association", {
            "record_key": key, "agency_code": agency, "extracted_at": None, "batch_id": 1,
            "person_record_id_key": record, "linked_person_record_id_key": other,
            "object_kind": object_kind,
            "object_value_key": record_key("object", "", object_value) if object_value else None,
            "kind": kind, "first_seen": first_seen, "last_seen": None,
            "source": "intelligence_report", "grading": "2B"})
        return key

    def referral(self, child_record: str, *, on: date, factors: list[str]) -> str:
        """A children's social care referral of a local authority's child record."""
        key = record_key("referral", LEEDS, self._next_id("referral"))
        self._insert("analysis.referral", {
            "record_key": key, "agency_code": LEEDS, "extracted_at": None, "batch_id": 1,
            "la_code": LEEDS, "person_record_id_key": child_record, "referral_date": on,
            "assessment_factors": factors})
        return key


def populate_lookagain_fixture(w: LookAgainWarehouse) -> dict[str, str]:
    """The cases above and their evidence; returns the evidence keys the tests look for."""
    cse = {"cse": True, "outcome": "15"}
    w.dated_crime("WY-A", [("VA", "victim"), ("S1m", "suspect"), ("S2m", "suspect")],
                  recorded=date(2014, 3, 1), closed=CLOSED_A, **cse)
    # S1 again, in kent (another record of the same person), with a new victim VB.
    later = w.dated_crime("K-LATER", [("VB", "victim"), ("S1m", "suspect")],
                          recorded=date(2017, 1, 1), force=KENT)
    # S2 with another victim BEFORE case A closed: not new evidence.
    earlier = w.dated_crime("WY-EARLIER", [("VC", "victim"), ("S2m", "suspect")],
                            recorded=date(2014, 1, 1))
    for person, pid in (("S1m", "P-S1"), ("S2m", "P-S2")):
        w.link(person_key(person), person_id=pid)
    w.link(person_key("S1m", KENT), person_id="P-S1")
    w.link(person_key("VA"), child_id="C-VA")
    va_leeds = w.person("VA-LEEDS", agency=LEEDS)
    w.link(va_leeds, child_id="C-VA")

    x1, x2, x3, x4 = (w.person(x, agency=WY) for x in ("X1", "X2", "X3", "X4"))
    later_intel = w.association(person_key("S2m"), kind="associate", other=x1,
                                first_seen=date(2016, 3, 1))
    early_intel = w.association(x2, kind="associate", other=person_key("S2m"),
                                first_seen=date(2014, 5, 1))
    w.association(person_key("S1m"), kind="phone_contact", object_kind="phone",
                  object_value="07700900001", first_seen=date(2016, 5, 1))
    w.association(x3, kind="phone_contact", object_kind="phone", object_value="07700900001",
                  first_seen=date(2016, 7, 1))
    w.association(person_key("S2m"), kind="vehicle_use", object_kind="vehicle",
                  object_value="AB12CDE", first_seen=date(2013, 1, 1))
    w.association(x4, kind="vehicle_use", object_kind="vehicle", object_value="AB12CDE",
                  first_seen=date(2014, 1, 1))
    # S2 shares an address with X5 after closure, but X5 is family: not a new tie.
    x5 = w.person("X5", agency=WY)
    w.association(person_key("S2m"), kind="family", other=x5, first_seen=date(2010, 1, 1))
    w.association(person_key("S2m"), kind="address_link", object_kind="address",
                  object_value="1 High Street", first_seen=date(2016, 1, 1))
    w.association(x5, kind="address_link", object_kind="address",
                  object_value="1 High Street", first_seen=date(2016, 2, 1))
    later_referral = w.referral(va_leeds, on=date(2016, 9, 1), factors=["11A", "10A"])
    early_referral = w.referral(va_leeds, on=date(2015, 1, 1), factors=["11A"])

    # CH, in S1's community, charged in 2018.
    charged = w.dated_crime("WY-F", [("VF", "victim"), ("CHm", "offender"), ("OTm", "suspect")],
                            recorded=date(2017, 6, 1), closed=date(2018, 1, 1), cse=True,
                            outcome="1")
    w.link(person_key("CHm"), person_id="P-CH")

    w.dated_crime("K-E", [("VE", "victim"), ("E1m", "suspect"), ("E2m", "suspect")],
                  recorded=date(2018, 1, 1), closed=date(2019, 1, 1), code="71",
                  outcome="21", force=KENT)
    w.association(person_key("E1m", KENT), kind="co_offending", other=person_key("E2m", KENT),
                  first_seen=date(2019, 2, 1), agency=KENT)
    w.dated_crime("K-D", [("VD", "victim"), ("D1m", "suspect"), ("D2m", "suspect")],
                  recorded=date(2019, 1, 1), closed=date(2020, 1, 1), cse=True, outcome="9",
                  force=KENT)

    w.dated_crime("WY-B", [("VB2", "victim"), ("B1m", "suspect"), ("B2m", "suspect")],
                  recorded=date(2009, 1, 1), closed=date(2009, 12, 1), **cse)
    w.dated_crime("WY-B-LATER", [("VB3", "victim"), ("B1m", "suspect")],
                  recorded=date(2012, 1, 1))
    w.dated_crime("WY-C", [("VC2", "victim"), ("C1m", "suspect")],
                  recorded=date(2015, 1, 1), closed=date(2016, 1, 1), **cse)
    w.dated_crime("WY-G", [("VG", "victim"), ("G1m", "suspect"), ("G2m", "suspect")],
                  recorded=date(2015, 1, 1), closed=date(2016, 1, 1), outcome="15")
    return {"later": later, "earlier": earlier, "later_intel": later_intel,
            "early_intel": early_intel, "later_referral": later_referral,
            "early_referral": early_referral, "charged": charged,
            "phone": record_key("object", "", "07700900001"),
            "family_address": record_key("object", "", "1 High Street")}
