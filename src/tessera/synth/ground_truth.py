"""The answers a network analysis and a look-again list are scored against.

Why worked out from the finished data and not only from what was planted: an analysis sees
the extracts, so the truth must say what the extracts really hold, by true person: which
people a network's members are and how each is tied to the others (an intelligence-only
network through shared victims and intelligence alone), which suspects share an address
innocently, and every eligible closed case that later data reaches, whether planted on purpose
or arising from the rest (a network suspect who offends again, a victim referred again).
People are named by `true_person_id`, as in persons.csv, so any clustering of records can be
mapped onto them.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa

from tessera.synth import codes
from tessera.synth.associations import Associations
from tessera.synth.columns import dates, identifiers
from tessera.synth.decoys import Decoy
from tessera.synth.investigation import ROLE
from tessera.synth.look_again import Evidence, eligible_cases
from tessera.synth.networks import Network
from tessera.synth.offending import Offences, Parties
from tessera.synth.records import PersonRecords
from tessera.synth.referrals import Referrals

EXPLOITATION_FACTORS = ("11A", "10A")
"""CIN assessment factors that make a later referral new evidence: child sexual exploitation
and going missing (issue 12)."""


def _person_id(person: int) -> str:
    return str(identifiers("TP", np.array([person]))[0])


def _network_id(number: int) -> str:
    return f"NET-{number:04d}"


def network_tables(networks: Sequence[Network], offences: Offences, parties: Parties,
                   associations: Associations, records: PersonRecords,
                   forces: Sequence[str]) -> tuple[pa.Table, pa.Table]:
    """networks.csv (one row per network) and network_members.csv (one row per person of a
    network as the extracts show them: named members and victims, and each member's ties)."""
    perpetrator = ((parties.role == ROLE["suspect"]) | (parties.role == ROLE["offender"])) \
        & parties.identified
    victim = parties.role == ROLE["victim"]
    ties = _association_ties(networks, associations, records)
    summary: dict[str, list[object]] = {k: [] for k in (
        "network_id", "kind", "forces", "cross_force", "first_committed", "last_committed",
        "members", "victims", "offences")}
    people: dict[str, list[object]] = {k: [] for k in (
        "network_id", "true_person_id", "role", "forces", "ties")}
    in_network = np.flatnonzero(offences.network[parties.offence] > 0)
    in_network = in_network[np.argsort(offences.network[parties.offence[in_network]],
                                       kind="stable")]
    number_of = offences.network[parties.offence[in_network]]
    for network in networks:
        mine = np.flatnonzero(offences.network == network.number)
        rows = in_network[np.searchsorted(number_of, network.number):
                          np.searchsorted(number_of, network.number, side="right")]
        named = rows[perpetrator[rows]]
        hurt = rows[victim[rows]]
        member_offences: dict[int, set[int]] = {}
        member_forces: dict[int, set[str]] = {}
        for i in named:
            p, o = int(parties.person[i]), int(parties.offence[i])
            member_offences.setdefault(p, set()).add(o)
            member_forces.setdefault(p, set()).add(forces[int(offences.force[o])])
        victims_of: dict[int, set[int]] = {int(o): set() for o in mine}
        for i in hurt:
            victims_of[int(parties.offence[i])].add(int(parties.person[i]))
        for p in sorted(member_offences):
            kinds = set(ties.get((network.number, p), set()))
            others = [q for q in member_offences if q != p]
            if any(member_offences[p] & member_offences[q] for q in others):
                kinds.add("co_offending")
            if any(victims_of[a] & victims_of[b] for q in others
                   for a in member_offences[p] for b in member_offences[q] - {a}):
                kinds.add("shared_victim")
            _person_row(people, network.number, p, "member", member_forces[p], kinds)
        for p in sorted({int(parties.person[i]) for i in hurt}):
            where = {forces[int(offences.force[o])] for o in mine
                     if p in victims_of[int(o)]}
            _person_row(people, network.number, p, "victim", where, set())
        used = sorted({forces[int(f)] for f in offences.force[mine]})
        summary["network_id"].append(_network_id(network.number))
        summary["kind"].append(network.kind)
        summary["forces"].append(";".join(used))
        summary["cross_force"].append("true" if len(used) > 1 else "false")
        summary["first_committed"].append(int(offences.committed_from[mine].min()))
        summary["last_committed"].append(int(offences.committed_to[mine].max()))
        summary["members"].append(len(member_offences))
        summary["victims"].append(len({int(parties.person[i]) for i in hurt}))
        summary["offences"].append(len(mine))
    table = pa.table({k: (dates(np.array(v, dtype=np.int64)) if k.endswith("committed")
                          else pa.array(v)) for k, v in summary.items()})
    return table, pa.table({k: pa.array(v, type=pa.string()) for k, v in people.items()})


def _person_row(people: dict[str, list[object]], number: int, person: int, role: str,
                forces: set[str], ties: set[str]) -> None:
    people["network_id"].append(_network_id(number))
    people["true_person_id"].append(_person_id(person))
    people["role"].append(role)
    people["forces"].append(";".join(sorted(forces)))
    people["ties"].append(";".join(sorted(ties)))


def _association_ties(networks: Sequence[Network], associations: Associations,
                      records: PersonRecords) -> dict[tuple[int, int], set[str]]:
    """For each (network, member), the kinds of intelligence that tie them to another member:
    a person link's kind, or shared_<object kind> for an object two members are linked to."""
    network_of: dict[int, int] = {int(m): n.number for n in networks for m in n.members}
    person = records.person[associations.record]
    linked = np.where(associations.linked >= 0,
                      records.person[np.maximum(associations.linked, 0)], -1)
    rows = np.flatnonzero(np.isin(person, list(network_of)))
    ties: dict[tuple[int, int], set[str]] = {}
    holders: dict[tuple[int, str, str], set[int]] = {}
    kind_codes = codes.codes("association_kind")
    object_codes = codes.codes("object_kind")
    for i in rows:
        a, b = int(person[i]), int(linked[i])
        number = network_of[a]
        kind = kind_codes[int(associations.kind[i])]
        if b >= 0 and network_of.get(b) == number and kind != "co_offending":
            ties.setdefault((number, a), set()).add(kind)
            ties.setdefault((number, b), set()).add(kind)
        elif b < 0 and associations.object_kind[i] >= 0:
            key = (number, object_codes[int(associations.object_kind[i])],
                   str(associations.object_value[i]))
            holders.setdefault(key, set()).add(a)
    for (number, object_kind, _), members in holders.items():
        for a in members if len(members) > 1 else ():
            ties.setdefault((number, a), set()).add(f"shared_{object_kind}")
    return ties


def decoy_table(decoys: Sequence[Decoy], agency_codes: Sequence[str]) -> pa.Table:
    """decoys.csv: one row per decoy person and shared object."""
    columns: dict[str, list[str]] = {k: [] for k in (
        "decoy_id", "kind", "true_person_id", "agency_code", "object_kind", "object_value")}
    for decoy in decoys:
        for person in decoy.people:
            for object_kind, value in decoy.objects:
                columns["decoy_id"].append(f"DEC-{decoy.number:04d}")
                columns["kind"].append(decoy.kind)
                columns["true_person_id"].append(_person_id(person))
                columns["agency_code"].append(agency_codes[decoy.force])
                columns["object_kind"].append(object_kind)
                columns["object_value"].append(value)
    return pa.table({k: pa.array(v, type=pa.string()) for k, v in columns.items()})


def look_again_table(offences: Offences, parties: Parties, records: PersonRecords,
                     associations: Associations, referrals: Referrals, evidence: Evidence,
                     refs: pa.Array, association_ids: pa.Array, referral_ids: pa.Array,
                     agency_codes: Sequence[str]) -> pa.Table:
    """look_again.csv: every eligible closed case with new evidence, one row per item.

    Evidence, by true person, dated after the case's outcome date: the case's named suspect as
    a perpetrator of another offence recorded later (later_offence); in an association first
    seen later, with another person (later_intelligence) or at a phone, vehicle or address
    someone else is also linked to (new_object); the case's victim in a referral made later
    with factor 11A or 10A (victim_referral). `planted` says whether look_again.py put it
    there (else it arose from the rest of the data).
    """
    cases = np.flatnonzero(eligible_cases(offences, parties))
    perpetrator = ((parties.role == ROLE["suspect"]) | (parties.role == ROLE["offender"])) \
        & parties.identified
    victim = parties.role == ROLE["victim"]
    in_case = np.isin(parties.offence, cases)
    suspects = _pairs(parties.offence[in_case & perpetrator], parties.person[in_case & perpetrator])
    victims = _pairs(parties.offence[in_case & victim], parties.person[in_case & victim])
    planted = {(int(c), str(k), int(p), int(d))
               for c, k, p, d in zip(evidence.case, evidence.kind, evidence.person,
                                     evidence.day, strict=True)}
    out: list[tuple[int, str, int, int, int, str]] = []
    # later offences: the suspect as a named perpetrator of another offence recorded later
    by_person: dict[int, list[int]] = {}
    for o, p in zip(parties.offence[perpetrator], parties.person[perpetrator], strict=True):
        by_person.setdefault(int(p), []).append(int(o))
    for case, p in suspects:
        for o in by_person.get(p, []):
            if o != case and offences.recorded[o] > offences.outcome_date[case]:
                out.append((case, "later_offence", p, int(offences.recorded[o]),
                            int(offences.force[o]), str(refs[o])))
    # intelligence: associations first seen after the closure
    person = records.person[associations.record]
    linked = np.where(associations.linked >= 0,
                      records.person[np.maximum(associations.linked, 0)], -1)
    is_object = associations.object_kind >= 0
    holders: dict[str, set[int]] = {}
    for v, p in zip(associations.object_value[is_object], person[is_object], strict=True):
        holders.setdefault(str(v), set()).add(int(p))
    co_offending = codes.index("association_kind", "co_offending")
    about: dict[int, list[int]] = {}
    for row in map(int, np.flatnonzero(associations.kind != co_offending)):
        about.setdefault(int(person[row]), []).append(row)
        if linked[row] >= 0:
            about.setdefault(int(linked[row]), []).append(row)
    for case, p in suspects:
        for i in about.get(p, []):
            if associations.first_seen[i] <= offences.outcome_date[case]:
                continue
            if is_object[i]:
                if len(holders[str(associations.object_value[i])]) < 2:
                    continue
                kind = "new_object"
            else:
                kind = "later_intelligence"
            out.append((case, kind, p, int(associations.first_seen[i]),
                        int(records.agency[associations.record[i]]), str(association_ids[i])))
    # victims referred again for exploitation or going missing
    referred = records.person[referrals.record]
    exploitation = np.array([bool(f) and any(c in str(f).split(";")
                                            for c in EXPLOITATION_FACTORS)
                             for f in referrals.factors], dtype=bool)
    by_child: dict[int, list[int]] = {}
    for row in map(int, np.flatnonzero(exploitation)):
        by_child.setdefault(int(referred[row]), []).append(row)
    for case, p in victims:
        for i in by_child.get(p, []):
            if referrals.date[i] > offences.outcome_date[case]:
                out.append((case, "victim_referral", p, int(referrals.date[i]),
                            int(records.agency[referrals.record[i]]), str(referral_ids[i])))
    out.sort(key=lambda r: (int(offences.force[r[0]]), str(refs[r[0]]), r[3], r[1], r[5]))
    closed = np.array([r[0] for r in out], dtype=np.int64)
    return pa.table({
        "agency_code": pa.array([agency_codes[int(offences.force[c])] for c in closed],
                                type=pa.string()),
        "crime_ref": pa.array([str(refs[c]) for c in closed], type=pa.string()),
        "outcome_type": pa.array([codes.codes("outcome_types")[int(offences.outcome[c])]
                                  for c in closed], type=pa.string()),
        "outcome_date": dates(offences.outcome_date[closed]),
        "evidence": pa.array([r[1] for r in out], type=pa.string()),
        "true_person_id": pa.array([_person_id(r[2]) for r in out], type=pa.string()),
        "evidence_date": dates(np.array([r[3] for r in out], dtype=np.int64)),
        "evidence_agency": pa.array([agency_codes[r[4]] for r in out], type=pa.string()),
        "evidence_record": pa.array([r[5] for r in out], type=pa.string()),
        "planted": pa.array(["true" if (r[0], r[1], r[2], r[3]) in planted else "false"
                             for r in out], type=pa.string()),
    })


def _pairs(offence: np.ndarray, person: np.ndarray) -> list[tuple[int, int]]:
    """Distinct (offence, person) pairs, in order."""
    return sorted({(int(o), int(p)) for o, p in zip(offence, person, strict=True)})

