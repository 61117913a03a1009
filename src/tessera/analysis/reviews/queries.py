"""The review-request matching's named SQL (run through `analysis.sql.NamedSql`).

It reads the look-again list's `closed_case` step, so "closed" and the facts the panel's
eligibility rules read (outcome group, date closed, suspects) mean what the list means by them.
"""

from __future__ import annotations

from tessera.analysis.lookagain.queries import LOOKAGAIN_SQL
from tessera.analysis.sql import NamedSql

READS: dict[str, tuple[str, ...]] = {
    "request_candidates": ("record_identity", "closed_case"),
}
"""Every SQL file of the matching and the steps it reads by name."""

REVIEWS_SQL = NamedSql(__package__, READS, uses=(LOOKAGAIN_SQL,))
