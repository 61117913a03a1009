"""Intelligence links: co-offending from crime records, shared objects, drama phone numbers."""

from __future__ import annotations

import re

import numpy as np

from tessera.synth.objects import ObjectValues
from tessera.synth.places import geography

from .conftest import Sql

PHONE = re.compile(r"07700 900\d{3}|0\d{2,3} \d{3,4} \d{4}|01632 96\d{4}")


def test_phone_numbers_are_ofcom_drama_numbers() -> None:
    """No generated number can ring a real phone; network phones come first, as mobiles."""
    objects = ObjectValues(np.random.default_rng(0), geography())
    first = objects.phones(1_000)
    rest = objects.phones(15_000)
    assert all(p.startswith("07700 900") for p in first)
    assert len(set(first) | set(rest)) == 16_000
    assert all(PHONE.fullmatch(p) for p in rest)
    assert all(re.fullmatch(r"[A-Z]{2}\d{2} [A-Z]{3}", v) for v in objects.vehicles(50))


def test_co_offending_links_people_who_offended_together(db: Sql) -> None:
    """A co_offending link from a crime record joins two perpetrators of one offence."""
    rows = db.one("""
        WITH perps AS (SELECT _folder, crime_ref, person_record_id FROM offence_party
                       WHERE role IN ('suspect', 'offender'))
        SELECT count(*), count(*) FILTER (WHERE EXISTS (
            SELECT 1 FROM perps a JOIN perps b USING (_folder, crime_ref)
            WHERE a._folder = l._folder AND a.person_record_id = l.person_record_id
              AND b.person_record_id = l.linked_person_record_id))
        FROM association l WHERE kind = 'co_offending'""")
    assert rows[0] > 0 and rows[0] == rows[1]


def test_links_include_people_objects_and_a_background(db: Sql) -> None:
    """Person-person and person-object links of every kind, most outside any network."""
    kinds = dict(db.all("SELECT object_kind, count(*) FROM association GROUP BY 1"))
    assert set(kinds) == {None, "phone", "vehicle", "address", "online_account"}
    phones = [r[0] for r in db.all("SELECT object_value FROM association "
                                       "WHERE object_kind = 'phone'")]
    assert all(PHONE.fullmatch(p) for p in phones)
