"""Outcomes and statuses, and what they mean for the parties."""

from __future__ import annotations

from tessera.synth.investigation import OFFENDER_OUTCOMES

from .conftest import Sql


def test_about_three_in_ten_are_still_open(db: Sql) -> None:
    """Open offences have no outcome; closed ones have an outcome and its date."""
    row = db.one("""SELECT avg(CAST(investigation_status = 'open' AS INTEGER)),
        count(*) FILTER (WHERE investigation_status = 'open'
                         AND (outcome_type IS NOT NULL OR outcome_date IS NOT NULL)),
        count(*) FILTER (WHERE investigation_status = 'closed'
                         AND (outcome_type IS NULL OR outcome_date IS NULL))
        FROM offence""")
    assert 0.22 < row[0] < 0.38 and row[1:] == (0, 0)


def test_outcome_mix_is_mostly_evidential_difficulties(db: Sql) -> None:
    """Evidential difficulties (14-16) are the commonest outcomes; some are charged (1)."""
    shares = dict(db.all("""SELECT outcome_type, count(*) / sum(count(*)) OVER ()
        FROM offence WHERE outcome_type IS NOT NULL GROUP BY 1"""))
    assert shares["14"] + shares["15"] + shares["16"] > 0.5
    assert 0.05 < shares["1"] < 0.2 and shares["18"] > 0


def test_no_suspect_outcomes_have_an_unidentified_suspect(
        db: Sql) -> None:
    """Outcome 18 means nobody was identified: the suspect record has no name, sex 'U'."""
    row = db.one("""
        SELECT count(*), count(*) FILTER (WHERE p.given_name IS NULL AND p.sex = 'U')
        FROM offence o
        JOIN offence_party op ON op._folder = o._folder AND op.crime_ref = o.crime_ref
        JOIN person_record p ON p._folder = op._folder AND p.source_record_id = op.person_record_id
        WHERE o.outcome_type = '18' AND op.role IN ('suspect', 'offender')""")
    assert row[0] > 0 and row[0] == row[1]


def test_offenders_are_charged_or_disposed_of(db: Sql) -> None:
    """Role 'offender' only where the outcome was a charge or an out-of-court disposal."""
    outcomes = {r[0] for r in db.all("""SELECT DISTINCT o.outcome_type FROM offence o
        JOIN offence_party op ON op._folder = o._folder AND op.crime_ref = o.crime_ref
        WHERE op.role = 'offender'""")}
    assert outcomes and outcomes <= set(OFFENDER_OUTCOMES)
