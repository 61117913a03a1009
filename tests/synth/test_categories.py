"""The ground truth's categories are what the audit's documented rules give on the files."""

from __future__ import annotations

import numpy as np

from tessera.dataset import codelist
from tessera.synth import codes
from tessera.synth.calibration import CATEGORIES
from tessera.synth.categories import categorise, online
from tessera.synth.offending import Offences, Parties

from .conftest import Sql

RULES_SQL = """
WITH parties AS (
    SELECT _folder, crime_ref,
        count(DISTINCT person_record_id) FILTER (WHERE role IN ('suspect', 'offender')) AS perps,
        coalesce(bool_or(role IN ('suspect', 'offender')
                         AND relationship_to_victim = 'family_member'), false) AS family,
        coalesce(bool_or(role IN ('suspect', 'offender')
                         AND relationship_to_victim = 'position_of_trust'), false) AS trust
    FROM offence_party GROUP BY ALL
)
SELECT o.agency_code, o.crime_ref,
    CASE WHEN coalesce(perps, 0) < 2 THEN 'single_perpetrator'
         WHEN family OR coalesce(setting = 'family', false) THEN 'intra_familial'
         WHEN trust OR coalesce(setting = 'institution', false)
              OR coalesce(location_type IN ('school', 'care_home'), false) THEN 'institutional'
         WHEN cse_flag = 'true' OR ho_offence_code = '71' THEN 'group_based_cse'
         ELSE 'other_multiple' END AS category,
    online_flag = 'true' OR coalesce(setting = 'online', false)
        OR coalesce(location_type = 'online', false) AS online
FROM offence o LEFT JOIN parties p USING (_folder, crime_ref)
"""


def test_ground_truth_follows_the_audit_rules(db: Sql) -> None:
    """Recomputed in SQL from the written files, every offence's category and online flag
    equal the ground truth: a clean set is an exact test of the audit."""
    mismatches = db.one(f"""
        SELECT count(*), count(*) FILTER (WHERE r.category <> t.category),
               count(*) FILTER (WHERE CAST(r.online AS VARCHAR) <> t.online)
        FROM ({RULES_SQL}) r JOIN truth_offences t USING (agency_code, crime_ref)""")
    total = db.one("SELECT count(*) FROM offence")
    assert mismatches == (total[0], 0, 0)


def test_every_offence_is_child_sexual_abuse(db: Sql) -> None:
    """A sexual code, and either child-identifiable or with a victim under 18; codes that are
    not child-identifiable (20A, 17A, 19C...) occur, so the age rule matters."""
    codes_sql = ", ".join(f"('{r['code']}', '{r['sexual']}', '{r['child_identifiable']}')"
                          for r in codelist("offence_codes").rows)
    row = db.one(f"""
        WITH c(code, sexual, child) AS (VALUES {codes_sql}),
        v AS (SELECT _folder, crime_ref, bool_or(CAST(age_at_offence AS INTEGER) < 18) AS young
              FROM offence_party WHERE role = 'victim' GROUP BY ALL)
        SELECT count(*) FILTER (WHERE sexual = 'yes' AND (child = 'yes' OR young)),
               count(*) FILTER (WHERE child = 'no'), count(*)
        FROM offence o JOIN c ON c.code = o.ho_offence_code
        LEFT JOIN v USING (_folder, crime_ref)""")
    assert row[0] == row[2]
    assert 0.05 < row[1] / row[2] < 0.5


def _offences(n: int, **columns: list[object]) -> Offences:
    base: dict[str, object] = {
        "force": [0] * n, "recorded": [0] * n, "committed_from": [0] * n,
        "committed_to": [0] * n, "code": [codes.index("offence_codes", "19D")] * n,
        "cse": [False] * n, "online_flag": [False] * n, "setting": [-1] * n,
        "location": [-1] * n, "outcome": [-1] * n, "outcome_date": [0] * n,
        "status": [0] * n, "network": [-1] * n, "intended": [0] * n}
    base.update(columns)
    return Offences(**{k: np.array(v) for k, v in base.items()})


def test_first_matching_rule_wins() -> None:
    """Family beats institution beats CSE; one record listed twice is one perpetrator."""
    rel = {c: codes.index("relationship", c) for c in ("family_member", "position_of_trust",
                                                        "peer")}
    suspect, victim = codes.index("party_role", "suspect"), codes.index("party_role", "victim")
    offences = _offences(
        5, cse=[True, True, True, False, True],
        setting=[-1, codes.index("setting", "institution"), -1, -1, codes.index("setting",
                                                                                 "online")])
    # offence: 0 family+trust, 1 peers in an institution, 2 peers CSE, 3 peers, 4 one person
    parties = Parties(
        offence=np.array([0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4]),
        person=np.arange(11),
        role=np.array([victim] + [suspect] * 10),
        relationship=np.array([-1, rel["position_of_trust"], rel["family_member"], rel["peer"],
                               rel["peer"], rel["peer"], rel["peer"], rel["peer"], rel["peer"],
                               rel["peer"], rel["peer"]]),
        identified=np.ones(11, bool))
    record = np.array([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 9])
    got = [CATEGORIES[i] for i in categorise(offences, parties, record)]
    assert got == ["intra_familial", "institutional", "group_based_cse", "other_multiple",
                   "single_perpetrator"]
    assert online(offences).tolist() == [False, False, False, False, True]
