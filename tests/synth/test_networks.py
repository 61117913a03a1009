"""Group-based CSE comes from networks with real structure: members, victims, months, forces."""

from __future__ import annotations

import numpy as np
import pytest

from tessera.synth.calibration import period
from tessera.synth.investigation import ROLE
from tessera.synth.names import name_book
from tessera.synth.networks import Network, draw_intelligence_networks, draw_networks
from tessera.synth.objects import ObjectValues
from tessera.synth.offending import Offences, Parties
from tessera.synth.places import geography
from tessera.synth.population import People, World
from tessera.synth.rates import load_rates

from .conftest import Sql

National = tuple[Offences, Parties, list[Network], World]


@pytest.fixture(scope="module")
def national() -> National:
    """A national year's networks (150 networks, 717 offences), drawn directly."""
    world = World(np.random.default_rng(9), period(2023, 1), load_rates(), name_book(),
                  geography(), People())
    return (*draw_networks(world, 150, 717, ObjectValues(world.rng, world.geo)), world)


def test_networks_commit_exactly_their_offences(national: National) -> None:
    """The calibrated count of group-based offences is split over the networks."""
    offences, _, networks, _ = national
    assert len(offences) == 717 and len(networks) == 150
    assert set(np.unique(offences.network)) == set(range(1, 151))
    assert offences.cse.mean() > 0.85


def test_members_act_together_against_several_victims(national: National) -> None:
    """3-8 members, 2-4 of them in each offence, several offences per victim, and about 10%
    of perpetrator parties unidentified."""
    offences, parties, networks, _ = national
    perpetrator = parties.role != ROLE["victim"]
    per_offence = np.bincount(parties.offence[perpetrator], minlength=len(offences))
    assert per_offence.min() >= 2 and per_offence.max() <= 4
    assert all(3 <= len(n.members) <= 8 and len(n.victims) >= 1 for n in networks)
    victims = parties.person[~perpetrator]
    assert len(victims) / len(np.unique(victims)) > 1.2
    assert 1 - parties.identified[perpetrator].mean() == pytest.approx(0.10, abs=0.03)


def test_offences_fall_in_a_window_of_months(national: National) -> None:
    """Each network is active for 2-9 months; its offences are committed inside the window."""
    offences, _, networks, world = national
    for n in networks:
        mine = offences.network == n.number
        assert 60 <= n.end - n.start <= 270
        assert (offences.committed_from[mine] >= n.start).all()
        assert (offences.committed_to[mine] <= n.end).all()
        assert (offences.recorded[mine] <= world.period.end).all()


def test_some_networks_span_two_forces(national: National) -> None:
    """About 10% of networks have offences recorded by two forces, and an offender who is
    known (as a separate person record) to both."""
    offences, parties, networks, _ = national
    two = [n for n in networks if len(n.forces) == 2]
    assert 5 <= len(two) <= 30
    known = parties.identified & (parties.role != ROLE["victim"])
    for n in two:
        mine = offences.network[parties.offence] == n.number
        assert len(set(offences.force[offences.network == n.number])) == 2
        forces_of = {int(m): set(offences.force[parties.offence[mine & known
                                                               & (parties.person == m)]])
                     for m in n.members}
        assert max(len(f) for f in forces_of.values()) == 2


def test_group_based_offences_carry_their_network(db: Sql) -> None:
    """In the ground truth every group-based CSE offence names a co-offending network, and
    the only other offences that name one are the single-perpetrator offences of an
    intelligence-only network; network members share phones, vehicles or addresses."""
    rows = db.all("""SELECT o.category, n.kind, count(*) FROM truth_offences o
                         LEFT JOIN truth_networks n USING (network_id) GROUP BY ALL""")
    counts = {(category, kind): n for category, kind, n in rows}
    assert counts[("group_based_cse", "co_offending")] == sum(
        n for (category, _), n in counts.items() if category == "group_based_cse")
    assert counts[("single_perpetrator", "intelligence_only")] > 0
    assert {kind for (category, kind) in counts if category not in (
        "group_based_cse", "single_perpetrator")} == {None}
    shared = db.one("""SELECT count(*) FROM (SELECT _folder, object_value FROM association
        WHERE object_value IS NOT NULL GROUP BY ALL
        HAVING count(DISTINCT person_record_id) >= 2)""")
    assert shared[0] > 5


def test_intelligence_only_members_abuse_the_same_victims_apart() -> None:
    """A national year's intelligence-only networks: one perpetrator per offence, every
    member offending, each victim abused by two or more members, and some in two forces."""
    world = World(np.random.default_rng(11), period(2023, 1), load_rates(), name_book(),
                  geography(), People())
    offences, parties, networks = draw_intelligence_networks(
        world, 40, 151, ObjectValues(world.rng, world.geo))
    perpetrator = parties.role != ROLE["victim"]
    assert (np.bincount(parties.offence[perpetrator], minlength=len(offences)) == 1).all()
    assert parties.identified.all() and not offences.network.min() < 151
    victim_of = dict(zip(parties.offence[~perpetrator], parties.person[~perpetrator],
                         strict=True))
    for n in networks:
        mine = perpetrator & (offences.network[parties.offence] == n.number)
        assert n.kind == "intelligence_only" and set(parties.person[mine]) == set(n.members)
        abusers: dict[int, set[int]] = {}
        for o, p in zip(parties.offence[mine], parties.person[mine], strict=True):
            abusers.setdefault(int(victim_of[int(o)]), set()).add(int(p))
        assert min(len(a) for a in abusers.values()) >= 2
    assert 3 <= sum(len(n.forces) == 2 for n in networks) <= 20
