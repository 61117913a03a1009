"""A small generated warehouse for the performance framework: seeded random offences (160) over
eight quarters in three forces, with victims, named and unidentified suspects, demographic
statements, outcomes and their dates, written through the audit fixture's `FixtureWarehouse`
(the schema `tessera ingest` creates).

Why generated and not hand-listed: every measure is checked against a recount of these raw
rows in plain Python (`recount`), which shares no code with the framework's SQL, so the
figures need not be worked out on paper; a seed keeps the rows the same every run.
"""

from __future__ import annotations

import random
import statistics
from collections import Counter
from datetime import date, timedelta
from typing import Any

from tessera.warehouse.engine import Engine
from tests.analysis.audit_fixture import FixtureWarehouse

FORCES = ("west-yorkshire", "lancashire", "city-of-london")
START = date(2022, 1, 1)
DAYS = 730
OUTCOMES = (None, "1", "2", "3", "8", "14", "15", "16", "18", "21", "22", "10")
CODES = ("19D", "19D", "22B", "19C", "8O")
"""Offence codes drawn: sexual offences against children, others, and a non-sexual code."""


def populate_performance_fixture(engine: Engine, *, offences: int = 160, seed: int = 13) -> None:
    """Write `offences` random offences (and their parties) into `engine`'s schema."""
    warehouse = FixtureWarehouse(engine)
    rng = random.Random(seed)
    for number in range(offences):
        force = rng.choice(FORCES)
        outcome = rng.choice(OUTCOMES)
        key = warehouse.offence(f"P{number}", force=force, code=rng.choice(CODES),
                                cse=rng.random() < 0.2, outcome=outcome)
        recorded = START + timedelta(days=rng.randrange(DAYS))
        outcome_on = recorded + timedelta(days=rng.randrange(0, 400)) if outcome else None
        engine.execute("UPDATE analysis.offence SET recorded_date = ?, outcome_date = ? "
                       "WHERE record_key = ?", [recorded, outcome_on, key])
        for victim in range(rng.choice((0, 1, 1, 2))):
            person = warehouse.person(f"V{number}-{victim}", agency=force)
            party = warehouse.party(key, person, "victim", age=rng.choice((9, 14, 16, 19, None)),
                                    agency=force)
            if rng.random() < 0.7:
                warehouse.statement(party, "report", agency=force,
                                    ethnicity=rng.choice(("1", "5", "NS", "NK", None)))
        for suspect in range(rng.choice((0, 1, 1, 2, 3))):
            named = rng.random() < 0.8
            person = warehouse.person(f"S{number}-{suspect}", agency=force, birth_year=1980,
                                      sex="M", nominal=named,
                                      nationality="GBR" if rng.random() < 0.3 else None)
            party = warehouse.party(key, person, rng.choice(("suspect", "offender")),
                                    age=35, agency=force)
            for stage in rng.sample(("report", "arrest", "charge"), rng.randrange(3)):
                warehouse.statement(party, stage, agency=force,
                                    ethnicity=rng.choice(("2", "NK", None)),
                                    nationality=rng.choice(("GBR", None, None)))


def _rows(engine: Engine, sql: str) -> list[dict[str, Any]]:
    return engine.rows(sql)


def recount(engine: Engine, start: date, end: date) -> dict[str, dict[str, Any]]:
    """Every count and median the measures name, per force, from the raw tables in Python.

    The CSA rule is the audit's, written out again here: a sexual Home Office code, and a code
    that identifies a child victim or any victim under 18 at the offence.
    """
    codes = {r["code"]: r for r in _rows(engine, "SELECT * FROM reference.offence_codes")}
    perpetrator = {r["code"] for r in _rows(engine, "SELECT * FROM reference.party_role")
                   if r["perpetrator"] == "yes"}
    people = {r["record_key"]: r for r in _rows(engine, "SELECT * FROM analysis.person_record")}
    parties: dict[str, list[dict[str, Any]]] = {}
    for party in _rows(engine, "SELECT * FROM analysis.offence_party"):
        parties.setdefault(party["crime_ref_key"], []).append(party)
    statements: dict[str, list[dict[str, Any]]] = {}
    for s in _rows(engine, "SELECT * FROM analysis.party_demographics"):
        statements.setdefault(s["offence_party_id_key"], []).append(s)
    counts: dict[str, Counter[str]] = {}
    days: dict[str, dict[str, list[int]]] = {}
    for offence in _rows(engine, "SELECT * FROM analysis.offence"):
        code = codes.get(offence["ho_offence_code"], {})
        mine = parties.get(offence["record_key"], [])
        under_18 = any(p["role"] == "victim" and p["age_at_offence"] is not None
                       and p["age_at_offence"] < 18 for p in mine)
        if not (code.get("sexual") == "yes"
                and (code.get("child_identifiable") == "yes" or under_18)):
            continue
        force = offence["force_code"]
        tally = counts.setdefault(force, Counter())
        if start <= offence["recorded_date"] <= end:
            tally["csa_recorded"] += 1
            tally["cse_flagged"] += bool(offence["cse_flag"])
            perpetrators = {p["person_record_id_key"] for p in mine if p["role"] in perpetrator}
            family = any(p["relationship_to_victim"] == "family_member" for p in mine) or \
                offence["setting"] == "family"
            institution = any(p["relationship_to_victim"] == "position_of_trust"
                              for p in mine) or offence["setting"] == "institution" or \
                offence["location_type"] in ("school", "care_home")
            tally["group_based"] += (
                len(perpetrators) >= 2 and not family and not institution
                and (bool(offence["cse_flag"]) or offence["ho_offence_code"] == "71"))
            for p in mine:
                said = statements.get(p["record_key"], [])
                ethnicity = any(s["ethnicity"] not in (None, "NS", "NK") for s in said)
                if p["role"] == "victim":
                    tally["victims"] += 1
                    tally["victims_ethnicity_known"] += ethnicity
                elif p["role"] in perpetrator and \
                        people[p["person_record_id_key"]]["police_person_id_key"]:
                    tally["suspects"] += 1
                    tally["suspects_ethnicity_known"] += ethnicity
                    tally["suspects_nationality_known"] += (
                        any(s["nationality"] for s in said)
                        or bool(people[p["person_record_id_key"]]["nationality"]))
        outcome = offence["outcome_type"]
        if outcome is not None and start <= offence["outcome_date"] <= end:
            taken = (offence["outcome_date"] - offence["recorded_date"]).days
            tally["outcomes_assigned"] += 1
            days.setdefault(force, {}).setdefault("days_to_outcome", []).append(taken)
            if outcome in ("1", "14", "15", "16", "18", "21"):
                tally[f"outcome_{outcome}"] += 1
            if outcome in ("2", "3", "8", "22"):
                tally["out_of_court"] += 1
            if outcome == "1":
                days[force].setdefault("days_to_charge", []).append(taken)
    return {force: {**tally, **{name: statistics.median(values)
                                for name, values in days.get(force, {}).items()}}
            for force, tally in counts.items()}
