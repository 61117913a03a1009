"""Children across agencies: victims with noisy records in social care, health and schools."""

from __future__ import annotations

import pytest

from .conftest import Sql

VICTIMS_SQL = """
    SELECT DISTINCT t.true_person_id
    FROM offence_party op
    JOIN truth_persons t ON t.agency_code = op.agency_code
        AND t.source_record_id = op.person_record_id
    WHERE op.role = 'victim' AND t.is_child = 'true'
"""


def _kinds_of_victims(db: Sql) -> dict[str, float]:
    rows = db.all(f"""
        WITH v AS ({VICTIMS_SQL}),
        seen AS (SELECT DISTINCT t.true_person_id, left(t.source_record_id, 2) AS prefix
                 FROM truth_persons t JOIN v USING (true_person_id))
        SELECT prefix, count(*) / (SELECT count(*) FROM v) FROM seen GROUP BY 1""")
    return dict(rows)


def test_child_victims_are_known_to_other_agencies(db: Sql) -> None:
    """About 40% of child victims have a social care record; most have health and school
    records (ids: SC social care, HR health, ED education)."""
    share = _kinds_of_victims(db)
    assert share["PR"] == pytest.approx(1.0)
    assert share["SC"] == pytest.approx(0.40, abs=0.06)
    assert share["HR"] > 0.6 and share["ED"] > 0.5


def test_perpetrators_are_police_records_only(db: Sql) -> None:
    """Adults who offend are not subjects of children's services extracts."""
    outside = db.one("""
        WITH p AS (SELECT DISTINCT t.true_person_id FROM offence_party op
                   JOIN truth_persons t ON t.agency_code = op.agency_code
                       AND t.source_record_id = op.person_record_id
                   WHERE op.role IN ('suspect', 'offender'))
        SELECT count(*) FROM truth_persons t JOIN p USING (true_person_id)
        WHERE NOT t.source_record_id LIKE 'PR%'""")
    assert outside == (0,)


def test_records_of_one_child_disagree_between_agencies(db: Sql) -> None:
    """Linkage has work to do: names, dates of birth or postcodes differ for some children
    seen by two agencies, and police records rarely carry an NHS number."""
    row = db.one("""
        WITH r AS (SELECT t.true_person_id, p.* FROM person_record p JOIN truth_persons t
                   ON t.agency_code = p.agency_code AND t.source_record_id = p.source_record_id)
        SELECT count(*),
               count(*) FILTER (WHERE lower(a.given_name) <> lower(b.given_name)),
               count(*) FILTER (WHERE a.date_of_birth <> b.date_of_birth),
               count(*) FILTER (WHERE a.postcode <> b.postcode)
        FROM r a JOIN r b ON a.true_person_id = b.true_person_id
        WHERE a._kind = 'health' AND b._kind = 'education'""")
    pairs, names, dobs, postcodes = row
    assert pairs > 500
    assert 0.02 < names / pairs < 0.3 and 0 < dobs / pairs < 0.1 and postcodes / pairs > 0.02


def test_siblings_and_twins_are_different_people(db: Sql) -> None:
    """Records that share family name, postcode and even date of birth can still be two
    children: the hard non-matches a linkage method must keep apart."""
    row = db.one("""
        WITH r AS (SELECT t.true_person_id, p.* FROM person_record p JOIN truth_persons t
                   ON t.agency_code = p.agency_code AND t.source_record_id = p.source_record_id
                   WHERE p._kind = 'health')
        SELECT count(*) FILTER (WHERE a.date_of_birth = b.date_of_birth), count(*)
        FROM r a JOIN r b ON a.family_name = b.family_name AND a.postcode = b.postcode
            AND a.true_person_id < b.true_person_id""")
    twins, siblings = row
    assert siblings > 50 and twins > 0


def test_contacts_record_more_concerns_for_victims(db: Sql) -> None:
    """Safeguarding concerns are more often recorded at victims' contacts."""
    rows = dict(db.all(f"""
        WITH v AS ({VICTIMS_SQL})
        SELECT t.true_person_id IN (SELECT true_person_id FROM v),
               avg(CAST(c.safeguarding_concern = 'true' AS INTEGER))
        FROM contact c JOIN truth_persons t ON t.agency_code = c.agency_code
            AND t.source_record_id = c.person_record_id
        GROUP BY 1"""))
    assert rows[True] > 2 * rows[False]
