"""The network's named SQL files and the steps each reads (run through `analysis.sql.NamedSql`)."""

from __future__ import annotations

from tessera.analysis.sql import NamedSql

READS: dict[str, tuple[str, ...]] = {
    # steps
    "person_node": (),
    "offence_party_node": ("person_node",),
    # table queries
    "nodes": ("person_node", "offence_party_node"),
    "edges": ("person_node", "offence_party_node"),
    "true_network": ("person_node", "offence_party_node"),
    "context": ("person_node", "offence_party_node"),
}
"""Every SQL file of the network and the steps it reads by name (each a file of the same name)."""

NETWORK_SQL = NamedSql(__package__, READS)
"""The network's SQL files."""
