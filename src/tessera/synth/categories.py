"""The audit's category rules, applied to the generated offences (the ground truth).

Why the generator applies the rules itself: ground_truth/offences.csv must state the category
the national audit's documented rules give on the clean data, so that a clean set (bad_share 0)
can be checked against the audit exactly. The rules, first match wins among offences with two or
more perpetrators (distinct person records in a suspect or offender role):
intra_familial (a family-member perpetrator, or setting family), institutional (a perpetrator in
a position of trust, setting institution, or location school or care home), group_based_cse
(CSE flag or code 71), else other_multiple; one perpetrator or none is single_perpetrator.
Online overlaps: online flag, setting online or location online.
"""

from __future__ import annotations

import numpy as np

from tessera.dataset import codelist
from tessera.synth import codes
from tessera.synth.calibration import CATEGORIES
from tessera.synth.offending import Offences, Parties

PERPETRATOR_ROLES = tuple(r["code"] for r in codelist("party_role").rows
                          if r["perpetrator"] == "yes")


def _any_per_offence(n: int, offence: np.ndarray, mask: np.ndarray) -> np.ndarray:
    return np.bincount(offence[mask], minlength=n) > 0


def perpetrator_counts(offences: Offences, parties: Parties,
                       party_record: np.ndarray) -> np.ndarray:
    """Distinct person records in a perpetrator role, per offence."""
    perpetrator = np.isin(parties.role, codes.indices("party_role", PERPETRATOR_ROLES))
    pairs = np.unique(np.stack([parties.offence[perpetrator], party_record[perpetrator]]),
                      axis=1)
    return np.bincount(pairs[0], minlength=len(offences))


def categorise(offences: Offences, parties: Parties, party_record: np.ndarray) -> np.ndarray:
    """Index into CATEGORIES of each offence, by the audit's rules."""
    n = len(offences)
    perpetrator = np.isin(parties.role, codes.indices("party_role", PERPETRATOR_ROLES))
    multiple = perpetrator_counts(offences, parties, party_record) >= 2
    family = _any_per_offence(n, parties.offence, perpetrator & (
        parties.relationship == codes.index("relationship", "family_member")))
    family |= offences.setting == codes.index("setting", "family")
    institution = _any_per_offence(n, parties.offence, perpetrator & (
        parties.relationship == codes.index("relationship", "position_of_trust")))
    institution |= offences.setting == codes.index("setting", "institution")
    institution |= np.isin(offences.location, codes.indices("location_type",
                                                             ("school", "care_home")))
    cse = offences.cse | (offences.code == codes.index("offence_codes", "71"))
    category = np.select(
        [~multiple, family, institution, cse],
        [CATEGORIES.index(c) for c in ("single_perpetrator", "intra_familial", "institutional",
                                        "group_based_cse")],
        default=CATEGORIES.index("other_multiple"))
    return category.astype(np.int8)


def online(offences: Offences) -> np.ndarray:
    """The audit's online rule: flagged, or setting or location online."""
    return np.asarray(offences.online_flag
                      | (offences.setting == codes.index("setting", "online"))
                      | (offences.location == codes.index("location_type", "online")))


def child_sexual_abuse(offences: Offences, parties: Parties,
                       victim_age: np.ndarray) -> np.ndarray:
    """The audit's CSA rule: a sexual code that is child-identifiable or has a victim under 18.

    `victim_age` is each party's age_at_offence (-1 when not recorded).
    """
    code_list = codelist("offence_codes")
    sexual = np.array([r["sexual"] == "yes" for r in code_list.rows])[offences.code]
    child_code = np.array([r["child_identifiable"] == "yes" for r in code_list.rows])[
        offences.code]
    child_victim = _any_per_offence(len(offences), parties.offence, (
        parties.role == codes.index("party_role", "victim")) & (victim_age >= 0)
        & (victim_age < 18))
    return np.asarray(sexual & (child_code | child_victim))
