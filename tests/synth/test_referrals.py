"""Social care referrals: before and after the abuse, with the factors that say what it was."""

from __future__ import annotations

from .conftest import Sql


def test_victims_are_mostly_referred_before_the_offence(db: Sql) -> None:
    """Most victims known to social care were known before the abuse was recorded; after it,
    the police are the usual referrer."""
    rows = db.all("""
        WITH first_offence AS (
            SELECT t.true_person_id, min(CAST(o.committed_from AS DATE)) AS committed
            FROM offence_party op
            JOIN offence o ON o._folder = op._folder AND o.crime_ref = op.crime_ref
            JOIN truth_persons t ON t.agency_code = op.agency_code
                AND t.source_record_id = op.person_record_id
            WHERE op.role = 'victim' GROUP BY 1)
        SELECT CAST(r.referral_date AS DATE) < f.committed AS before, count(*),
               avg(CAST(r.referral_source = '6' AS INTEGER)),
               avg(CAST(r.assessment_factors SIMILAR TO '.*(11A|19B|19C).*' AS INTEGER))
        FROM referral r
        JOIN truth_persons t ON t.agency_code = r.agency_code
            AND t.source_record_id = r.person_record_id
        JOIN first_offence f USING (true_person_id)
        GROUP BY 1""")
    by = {before: (n, police, sexual) for before, n, police, sexual in rows}
    assert by[True][0] > by[False][0]
    assert by[False][1] > 0.4 and by[False][2] > 0.8
    assert by[True][1] < 0.3


def test_child_protection_plans_follow_enquiries(db: Sql) -> None:
    """A plan starts after a section 47 enquiry, has a category, and open plans keep the
    episode open."""
    row = db.one("""SELECT
        count(*) FILTER (WHERE cpp_start_date IS NOT NULL AND section47_date IS NULL),
        count(*) FILTER (WHERE cpp_start_date IS NOT NULL AND cpp_category IS NULL),
        count(*) FILTER (WHERE cpp_start_date IS NOT NULL AND cpp_end_date IS NULL
                         AND closure_date IS NOT NULL),
        count(*) FILTER (WHERE closure_date IS NOT NULL AND closure_reason IS NULL),
        count(*) FILTER (WHERE cpp_category = 'SAB')
        FROM referral""")
    assert row[:4] == (0, 0, 0, 0) and row[4] > 0
