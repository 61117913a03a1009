"""The clean set obeys every rule of the dataset definition, checked from the written files.

Why from the files: the loader sees only the files, so codes, identifiers, references, patterns
and date orders are checked on what was written, not on the generator's arrays.
"""

from __future__ import annotations

import re

import pytest

from tessera.dataset import ENTITIES, codelist, entity
from tessera.synth.identity import nhs_is_valid, upn_is_valid

from .conftest import Sql


def _values(db: Sql, table: str, column: str) -> list[str]:
    return [r[0] for r in db.all(
        f"SELECT DISTINCT {column} FROM {table} WHERE {column} IS NOT NULL")]


@pytest.mark.parametrize("name", [e.name for e in ENTITIES if e.name not in (
    "mandatory_report", "review_request")])
def test_codes_belong_to_their_lists(db: Sql, name: str) -> None:
    """A code outside its list is a rejection; the clean set must have none."""
    for f in entity(name).fields:
        if not f.codelist:
            continue
        lst = codelist(f.codelist)
        allowed = set(lst.codes) | {alias for alias, _ in lst.aliases}
        values = _values(db, name, f.name)
        if f.kind == "codes":
            values = [c for v in values for c in v.split(";")]
        assert set(values) <= allowed, (name, f.name, set(values) - allowed)


def test_nhs_numbers_and_upns_pass_their_checks(db: Sql) -> None:
    """Linkage trusts a valid number; clean rows carry only numbers that pass the check."""
    nhs = _values(db, "person_record", "nhs_number")
    upns = _values(db, "person_record", "upn")
    assert len(nhs) > 1000 and len(upns) > 1000
    assert all(nhs_is_valid(v) and v.startswith("9") for v in nhs)
    assert all(upn_is_valid(v) for v in upns)


def test_patterns_and_lengths_hold(db: Sql) -> None:
    """Postcodes, LSOAs and agency codes have formats; text fields have maximum lengths."""
    for e in ENTITIES:
        if e.name in ("mandatory_report", "review_request"):
            continue
        for f in e.fields:
            if f.pattern:
                pattern = re.compile(f.pattern)
                assert all(pattern.fullmatch(v) for v in _values(db, e.name, f.name)), f.name
            if f.max_length:
                longest = db.one(f"SELECT max(length({f.name})) FROM {e.name}")
                assert (longest[0] or 0) <= f.max_length, (e.name, f.name)


def test_keys_are_unique_within_each_agency(db: Sql) -> None:
    """Loading is idempotent on (agency, id, entity): a repeated id would overwrite a row."""
    for e in ENTITIES:
        if e.name in ("mandatory_report", "review_request"):
            continue
        for key in {"source_record_id", e.natural_key}:
            repeated = db.one(f"SELECT count(*) FROM (SELECT agency_code, {key} FROM "
                                  f"{e.name} GROUP BY ALL HAVING count(*) > 1)")
            assert repeated == (0,), (e.name, key)


def test_references_resolve_in_the_same_folder(db: Sql) -> None:
    """A party, referral, contact or link points at a row the same agency sent."""
    for e in ENTITIES:
        if e.name in ("mandatory_report", "review_request"):
            continue
        for f in e.fields:
            if not f.references:
                continue
            target = entity(f.references)
            orphans = db.one(
                f"SELECT count(*) FROM {e.name} s WHERE s.{f.name} IS NOT NULL AND NOT EXISTS "
                f"(SELECT 1 FROM {target.name} t WHERE t._kind = s._kind AND t._folder = s._folder "
                f"AND t.{target.natural_key} = s.{f.name})")
            assert orphans == (0,), (e.name, f.name)


def test_dates_are_in_order_and_before_extraction(db: Sql) -> None:
    """No outcome before recording, no plan end before its start, nothing after extraction."""
    for e in ENTITIES:
        if e.name in ("mandatory_report", "review_request"):
            continue
        for order in e.date_orders:
            wrong = db.one(f"SELECT count(*) FROM {e.name} WHERE CAST({order.earlier} "
                               f"AS DATE) > CAST({order.later} AS DATE)")
            assert wrong == (0,), (e.name, order)
        for f in e.fields:
            if f.kind == "date":
                late = db.one(f"SELECT count(*) FROM {e.name} WHERE CAST({f.name} AS DATE) "
                                  "> CAST(extracted_at AS TIMESTAMP)")
                assert late == (0,), (e.name, f.name)


def test_people_are_born_before_their_offences(db: Sql) -> None:
    """age_at_offence agrees with the record's date of birth and committed_from."""
    rows = db.one("""
        SELECT count(*) FILTER (WHERE CAST(p.date_of_birth AS DATE)
                                      > CAST(o.committed_from AS DATE)),
               count(*) FILTER (WHERE CAST(op.age_at_offence AS INTEGER) <> date_sub('year',
                   CAST(p.date_of_birth AS DATE), CAST(o.committed_from AS DATE))),
               count(*)
        FROM offence_party op
        JOIN offence o ON o._folder = op._folder AND o.crime_ref = op.crime_ref
        JOIN person_record p ON p._folder = op._folder AND p.source_record_id = op.person_record_id
        WHERE p.date_of_birth IS NOT NULL""")
    assert rows[0] == 0 and rows[1] == 0 and rows[2] > 1000


def test_association_links_one_person_or_one_object(db: Sql) -> None:
    """Exactly one of linked person and object value, and an object always has its kind."""
    wrong = db.one("""SELECT count(*) FROM association WHERE
        (linked_person_record_id IS NULL) = (object_value IS NULL)
        OR (object_value IS NULL) <> (object_kind IS NULL)""")
    assert wrong == (0,)


def test_contact_setting_matches_agency_type(db: Sql) -> None:
    """A school contact is never in a health extract, and the folder's kind says which."""
    setting_type = codelist("contact_setting").column("agency_type")
    pairs = db.all("SELECT DISTINCT _kind, agency_type, setting FROM contact")
    assert {(k, t) for k, t, _ in pairs} == {("health", "health"), ("education", "education")}
    assert all(setting_type[s] == t for _, t, s in pairs)
