"""Offences and parties: who, how old, how related, and codes that fit the victim."""

from __future__ import annotations

from .conftest import Sql


def test_victims_are_children_and_most_are_teenagers(db: Sql) -> None:
    """Victims are 0-17 at the offence, most often 13-15; perpetrators 10-75, mostly adults
    with some peers under 18."""
    rows = {role: (lo, hi, teens, minors) for role, lo, hi, teens, minors in db.all("""
        SELECT role, min(a), max(a), avg(CAST(a BETWEEN 13 AND 15 AS INTEGER)),
               avg(CAST(a < 18 AS INTEGER))
        FROM (SELECT role, CAST(age_at_offence AS INTEGER) AS a FROM offence_party
              WHERE age_at_offence IS NOT NULL) GROUP BY 1""")}
    lo, hi, teens, _ = rows["victim"]
    assert lo == 0 and hi == 17 and teens > 0.3
    lo, hi, _, minors = rows["suspect"]
    assert lo >= 10 and hi <= 75 and 0.05 < minors < 0.4


def test_codes_respect_the_victims_age(db: Sql) -> None:
    """An under-13 code never has an older first victim; a 16-and-over code never a younger."""
    wrong = db.one("""
        SELECT count(*) FILTER (WHERE ho_offence_code IN ('19E', '19H', '17B', '20B')
                                AND youngest >= 13),
               count(*) FILTER (WHERE ho_offence_code IN ('19C', '19F') AND youngest < 16)
        FROM offence o JOIN (SELECT _folder, crime_ref,
                                    min(CAST(age_at_offence AS INTEGER)) AS youngest
                             FROM offence_party WHERE role = 'victim' GROUP BY ALL) v
        USING (_folder, crime_ref)""")
    assert wrong == (0, 0)


def test_repeat_victims_and_repeat_offenders_are_one_record(
        db: Sql) -> None:
    """The same person in several offences of a force is one person_record there."""
    repeated = dict(db.all("""SELECT role, count(*) FROM (
        SELECT role, _folder, person_record_id FROM offence_party GROUP BY ALL
        HAVING count(DISTINCT crime_ref) > 1) GROUP BY 1"""))
    assert repeated["victim"] > 50 and repeated["suspect"] > 20


def test_family_offenders_often_share_the_victims_name(db: Sql) -> None:
    """Within-family abuse: perpetrators and victims often have one family name."""
    share = db.one("""
        WITH p AS (SELECT op.*, upper(r.family_name) AS family
                   FROM offence_party op JOIN person_record r ON r._folder = op._folder
                   AND r.source_record_id = op.person_record_id)
        SELECT avg(CAST(v.family = s.family AS INTEGER)) FROM p s
        JOIN p v ON v._folder = s._folder AND v.crime_ref = s.crime_ref AND v.role = 'victim'
        WHERE s.relationship_to_victim = 'family_member'""")[0]
    assert 0.5 < share < 0.9


def test_suspects_are_mostly_male_at_the_published_share(db: Sql) -> None:
    """Perpetrators' sex comes from the published share (82% male, VKPP 2023), not from the
    population's, which made half of them female."""
    male, known = db.one("""
        SELECT count(*) FILTER (WHERE p.sex = 'M'), count(*)
        FROM (SELECT DISTINCT _folder, person_record_id FROM offence_party
              WHERE role = 'suspect') AS s
        JOIN person_record AS p
          ON p._folder = s._folder AND p.source_record_id = s.person_record_id
        WHERE p.sex IN ('M', 'F')""")
    assert known > 1000 and 0.77 < male / known < 0.87


def test_no_spike_of_suspects_at_the_youngest_age(db: Sql) -> None:
    """Ages 10 to 13 each hold a similar share of young suspects: none piles up at 10, the
    age a clip would push every younger sibling or peer to."""
    counts = dict(db.all("""
        SELECT CAST(age_at_offence AS INTEGER) AS a, count(*) FROM offence_party
        WHERE role = 'suspect' AND CAST(age_at_offence AS INTEGER) BETWEEN 10 AND 13
        GROUP BY 1"""))
    assert set(counts) == {10, 11, 12, 13}
    assert counts[10] < 1.5 * min(counts[11], counts[12], counts[13])
