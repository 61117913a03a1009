"""The network's results as typed tables, for the terminal, CSV and the HTML report.

Why tables of ids and counts: analysts read them beside their own systems, so every person is
shown by the pseudonymous id those systems can resolve through a logged look-up, never by name.
These are restricted operational outputs for cleared analysts, not statistics for publication.
"""

from __future__ import annotations

from tessera.analysis.network.communities import Community
from tessera.analysis.network.growth import Quarter
from tessera.analysis.network.paths import Contact
from tessera.analysis.network.roles import Broker, KeyPerson
from tessera.analysis.results import Cell, Column, StatTable

RESTRICTED = ("Restricted: pseudonymous ids of people, for cleared analysts; not for "
              "publication.")


def _date(value: object) -> Cell:
    return None if value is None else str(value)


def communities_table(found: list[Community]) -> StatTable:
    """One row per community: its people by role, forces, time span, offences, victims."""
    return StatTable(
        name="communities", title="Communities",
        columns=(Column("community_id", "Community", "dimension"),
                 Column("people", "People", "count"),
                 Column("perpetrators", "Perpetrators", "count"),
                 Column("tied_perpetrators", "Tied by an offence or a child", "count"),
                 Column("charged", "Charged", "count"),
                 Column("victims", "Victims", "count"),
                 Column("associates", "Intelligence only", "count"),
                 Column("objects", "Phones, vehicles, addresses, accounts", "count"),
                 Column("offences", "Offences", "count"),
                 Column("forces", "Forces", "figure"),
                 Column("first", "First seen", "figure"),
                 Column("last", "Last seen", "figure")),
        rows=tuple((c.community_id, c.people, c.perpetrators, c.tied_perpetrators, c.charged,
                    c.victims, c.associates, c.objects, c.offences, "; ".join(c.forces),
                    _date(c.first), _date(c.last)) for c in found),
        description="Leiden communities of the network graph with two or more perpetrators, "
                    "largest first.",
        notes=(RESTRICTED,))


def key_people_table(people: list[KeyPerson]) -> StatTable:
    """Key people: degree, betweenness and eigenvector centrality side by side."""
    return StatTable(
        name="key_people", title="Key people",
        columns=(Column("community_id", "Community", "dimension"),
                 Column("person", "Person (pseudonymous id)", "dimension"),
                 Column("role", "Role", "figure"),
                 Column("degree", "Degree", "figure"),
                 Column("betweenness", "Betweenness", "figure", decimals=2),
                 Column("eigenvector", "Eigenvector", "figure", decimals=3)),
        rows=tuple((p.community_id, p.person, p.role, p.degree, p.betweenness, p.eigenvector)
                   for p in people),
        description="Within each community, by betweenness then degree; no one measure is "
                    "taken to show a leader.",
        notes=(RESTRICTED,))


def brokers_table(found: list[Broker]) -> StatTable:
    """Brokers and why each is one."""
    return StatTable(
        name="brokers", title="Brokers",
        columns=(Column("community_id", "Community", "dimension"),
                 Column("person", "Person (pseudonymous id)", "dimension"),
                 Column("reasons", "Why", "figure")),
        rows=tuple((b.community_id, b.person, "; ".join(r.replace("_", " ") for r in b.reasons))
                   for b in found),
        description="People whose removal splits the perpetrators of their community, whose "
                    "ties reach another community, or whose ties span two forces.",
        notes=(RESTRICTED,))


def growth_table(quarters: list[Quarter]) -> StatTable:
    """Each community quarter by quarter."""
    return StatTable(
        name="growth", title="Growth by quarter",
        columns=(Column("community_id", "Community", "dimension"),
                 Column("quarter", "Quarter", "dimension"),
                 Column("new_people", "New people", "count"),
                 Column("people_to_date", "People to date", "count"),
                 Column("offences", "Offences begun", "count")),
        rows=tuple((q.community_id, q.quarter, q.new_people, q.people_to_date, q.offences)
                   for q in quarters),
        description="People by the quarter their first tie was seen; offences by the quarter "
                    "they began.")


def contacts_table(contacts: list[Contact]) -> StatTable:
    """For each offence with two or more perpetrators, how each pair was in contact before
    it."""
    return StatTable(
        name="contacts", title="Contact before each offence",
        columns=(Column("offence_key", "Offence (key)", "dimension"),
                 Column("first", "Person", "dimension"),
                 Column("second", "Other person", "dimension"),
                 Column("path", "Path before the offence", "figure")),
        rows=tuple((c.offence_key, c.first, c.second,
                    " – ".join(c.path) if c.path else "none before the offence")
                   for c in contacts),
        description="The shortest chain of ties first seen before the offence began "
                    "(earlier offences, shared children, phones, vehicles, addresses, "
                    "intelligence); a tie seen later does not count.",
        notes=(RESTRICTED,))
