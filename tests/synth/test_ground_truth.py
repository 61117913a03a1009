"""The planted structures' ground truth holds in the extracts: intelligence-only networks,
two-force networks, decoys and closed cases with later evidence.

Why a set of its own, at 10%: the shared 3% set holds a single intelligence-only network and a
dozen eligible closed cases, too few for every kind of planted evidence to occur.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

import pytest

from tessera.synth import generate
from tessera.synth.look_again import NO_FURTHER_ACTION

from .conftest import SEED, Sql, connect


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sql]:
    """SQL over a clean set at 10% of the national volume."""
    summary = generate(tmp_path_factory.mktemp("planted"), scale=0.1, seed=SEED, bad_share=0)
    sql = connect(summary.extracts)
    yield sql
    sql.con.close()

PEOPLE = """CREATE OR REPLACE TEMP VIEW who AS
    SELECT agency_code AS _folder, source_record_id AS person_record_id, true_person_id
    FROM truth_persons"""
"""Each record's true person (the truth's agency_code is the extracts' folder)."""
PERPETRATORS = """CREATE OR REPLACE TEMP VIEW perpetrators AS
    SELECT p._folder, p.crime_ref, w.true_person_id FROM offence_party p
    JOIN who w USING (_folder, person_record_id) WHERE p.role IN ('suspect', 'offender')"""
VICTIMS = """CREATE OR REPLACE TEMP VIEW victims AS
    SELECT p._folder, p.crime_ref, w.true_person_id FROM offence_party p
    JOIN who w USING (_folder, person_record_id) WHERE p.role = 'victim'"""


def _views(db: Sql) -> None:
    for sql in (PEOPLE, PERPETRATORS, VICTIMS):
        db.con.execute(sql)


def test_intelligence_only_networks_share_no_offence(db: Sql) -> None:
    """Every offence of an intelligence-only network has one perpetrator, a member; its
    members are tied by shared victims and intelligence, never by co-offending."""
    _views(db)
    rows = db.all("""
        SELECT o.network_id, o.crime_ref, count(p.true_person_id),
               count(*) FILTER (WHERE m.true_person_id IS NOT NULL)
        FROM truth_offences o JOIN truth_networks n USING (network_id)
        JOIN perpetrators p ON p._folder = o.agency_code AND p.crime_ref = o.crime_ref
        LEFT JOIN truth_network_members m ON m.network_id = o.network_id
             AND m.true_person_id = p.true_person_id AND m.role = 'member'
        WHERE n.kind = 'intelligence_only' GROUP BY ALL""")
    assert rows and all(n == 1 and member == 1 for _, _, n, member in rows)
    ties = db.all("""SELECT ties FROM truth_network_members m JOIN truth_networks n
                     USING (network_id) WHERE n.kind = 'intelligence_only'
                     AND m.role = 'member'""")
    assert ties and all(t and "co_offending" not in t for (t,) in ties)


def test_intelligence_only_networks_are_connected_by_associations(db: Sql) -> None:
    """The association extracts alone (person links and shared objects, in any force) join
    every member of an intelligence-only network to the others."""
    _views(db)
    members: dict[str, set[str]] = defaultdict(set)
    for network, person in db.all("""SELECT network_id, true_person_id
            FROM truth_network_members JOIN truth_networks USING (network_id)
            WHERE kind = 'intelligence_only' AND role = 'member'"""):
        members[network].add(person)
    links = db.all("""
        SELECT a.true_person_id, coalesce(b.true_person_id, l.object_kind || ':' || l.object_value)
        FROM association l JOIN who a USING (_folder, person_record_id)
        LEFT JOIN who b ON b._folder = l._folder AND b.person_record_id = l.linked_person_record_id
        WHERE b.true_person_id IS NOT NULL OR l.object_value IS NOT NULL""")
    assert members
    for network, people in members.items():
        graph: dict[str, set[str]] = defaultdict(set)
        for a, b in links:
            if a in people and (b in people or ":" in b):
                graph[a].add(b)
                graph[b].add(a)
        start = min(people)
        reached, todo = {start}, [start]
        while todo:
            for nxt in graph[todo.pop()] - reached:
                reached.add(nxt)
                todo.append(nxt)
        assert people <= reached, network


def test_cross_force_networks_span_two_forces(db: Sql) -> None:
    """A cross-force network's offences are recorded by its two forces, and a member has
    records in both (the person a linkage across forces must find)."""
    rows = db.all("""
        SELECT n.network_id, n.kind, n.forces, count(DISTINCT o.agency_code),
               max(length(m.forces) - length(replace(m.forces, ';', '')))
        FROM truth_networks n JOIN truth_offences o USING (network_id)
        JOIN truth_network_members m USING (network_id)
        WHERE n.cross_force AND m.role = 'member' GROUP BY ALL""")
    assert {kind for _, kind, _, _, _ in rows} >= {"intelligence_only"}
    for _, _, forces, recorded_by, most in rows:
        assert len(forces.split(";")) == 2 and recorded_by == 2 and most == 1


def test_decoys_share_an_object_but_no_offence_or_victim(db: Sql) -> None:
    """Every decoy is linked in intelligence to the address (and a household to the phone)
    the truth names; no two decoys of a group share an offence or a victim, and none is a
    network member."""
    _views(db)
    kinds = dict(db.all("SELECT kind, count(DISTINCT decoy_id) FROM truth_decoys GROUP BY 1"))
    assert kinds.get("household", 0) + kinds.get("shared_accommodation", 0) >= 3
    missing = db.one("""
        SELECT count(*) FROM truth_decoys d WHERE NOT EXISTS (
            SELECT 1 FROM association l JOIN who w USING (_folder, person_record_id)
            WHERE w.true_person_id = d.true_person_id AND l._folder = d.agency_code
              AND l.object_kind = d.object_kind AND l.object_value = d.object_value)""")
    assert missing == (0,)
    together = db.one("""
        WITH decoy AS (SELECT DISTINCT decoy_id, true_person_id FROM truth_decoys),
        offended AS (SELECT d.decoy_id, d.true_person_id, p._folder, p.crime_ref
                     FROM decoy d JOIN perpetrators p USING (true_person_id)),
        harmed AS (SELECT o.decoy_id, o.true_person_id, v.true_person_id AS victim
                   FROM offended o JOIN victims v USING (_folder, crime_ref))
        SELECT (SELECT count(*) FROM offended a JOIN offended b USING (decoy_id, _folder, crime_ref)
                WHERE a.true_person_id < b.true_person_id),
               (SELECT count(*) FROM harmed a JOIN harmed b USING (decoy_id, victim)
                WHERE a.true_person_id < b.true_person_id),
               (SELECT count(*) FROM decoy JOIN truth_network_members USING (true_person_id))""")
    assert together == (0, 0, 0)


def test_look_again_cases_are_eligible_with_evidence_after_closure(db: Sql) -> None:
    """Every case listed is group-based CSE (CSE flag or code 71) closed with no further action
    inside Beaconport's window with at least two suspects, and each item of evidence is in the
    extracts, about the case's suspect (or, for a referral, its victim), dated after the
    closure; every kind was planted."""
    _views(db)
    nfa = ", ".join(f"'{c}'" for c in NO_FURTHER_ACTION)
    wrong = db.one(f"""
        SELECT count(*) FROM (SELECT DISTINCT agency_code, crime_ref FROM truth_look_again) c
        JOIN offence o ON o._folder = c.agency_code AND o.crime_ref = c.crime_ref
        WHERE o.investigation_status <> 'closed' OR o.outcome_type NOT IN ({nfa})
           OR NOT (o.cse_flag = 'true' OR o.ho_offence_code = '71')
           OR o.outcome_date NOT BETWEEN '2010-01-01' AND '2025-03-31'
           OR (SELECT count(*) FROM offence_party p WHERE p._folder = o._folder
               AND p.crime_ref = o.crime_ref AND p.role IN ('suspect', 'offender')) < 2""")
    assert wrong == (0,)
    evidence = db.all("""
        SELECT t.evidence, t.planted,
            CASE t.evidence
            WHEN 'later_offence' THEN EXISTS (
                SELECT 1 FROM offence o JOIN perpetrators p USING (_folder, crime_ref)
                WHERE o._folder = t.evidence_agency AND o.crime_ref = t.evidence_record
                  AND p.true_person_id = t.true_person_id AND o.recorded_date = t.evidence_date
                  AND EXISTS (SELECT 1 FROM perpetrators s WHERE s._folder = t.agency_code
                      AND s.crime_ref = t.crime_ref AND s.true_person_id = t.true_person_id))
            WHEN 'victim_referral' THEN EXISTS (
                SELECT 1 FROM referral r JOIN who w USING (_folder, person_record_id)
                WHERE r._folder = t.evidence_agency AND r.source_record_id = t.evidence_record
                  AND w.true_person_id = t.true_person_id AND r.referral_date = t.evidence_date
                  AND regexp_matches(r.assessment_factors, '11A|10A')
                  AND EXISTS (SELECT 1 FROM victims v WHERE v._folder = t.agency_code
                      AND v.crime_ref = t.crime_ref AND v.true_person_id = t.true_person_id))
            ELSE EXISTS (
                SELECT 1 FROM association l JOIN who a USING (_folder, person_record_id)
                LEFT JOIN who b ON b._folder = l._folder
                     AND b.person_record_id = l.linked_person_record_id
                WHERE l._folder = t.evidence_agency AND l.source_record_id = t.evidence_record
                  AND t.true_person_id IN (a.true_person_id, b.true_person_id)
                  AND l.first_seen = t.evidence_date)
            END AND t.evidence_date > t.outcome_date
        FROM truth_look_again t""")
    assert evidence and all(ok for _, _, ok in evidence)
    planted = {kind for kind, was, _ in evidence if was == "true"}
    assert planted == {"later_offence", "later_intelligence", "new_object", "victim_referral"}


def test_decoys_live_where_their_records_say(db: Sql) -> None:
    """The police records agree with the decoys' story: nearly every resident's recorded
    postcode (where recorded) is the shared address's, and a household's two share a family
    name (up to case and the odd recording error)."""
    rows = db.all("""
        SELECT d.decoy_id, d.kind, upper(r.family_name), r.postcode, d.object_value
        FROM (SELECT DISTINCT decoy_id, kind, true_person_id, agency_code, object_value
              FROM truth_decoys WHERE object_kind = 'address') d
        JOIN truth_persons t USING (true_person_id, agency_code)
        JOIN person_record r ON r._folder = t.agency_code
             AND r.source_record_id = t.source_record_id""")
    postcodes = [address.endswith(" " + postcode) for _, _, _, postcode, address in rows
                 if postcode]
    assert postcodes and sum(postcodes) >= 0.8 * len(postcodes)
    names: dict[str, set[str]] = defaultdict(set)
    for decoy, kind, family, _, _ in rows:
        if kind == "household":
            names[decoy].add(family)
    assert names and sum(len(n) == 1 for n in names.values()) >= 0.8 * len(names)
