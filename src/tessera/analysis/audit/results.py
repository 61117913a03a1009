"""What the audit returns: its typed tables (in report order), headlines and the rules applied.

Why plain values: the CLI (Rich), CSV, HTML and spreadsheets all render the same result; the
tables are `analysis.results.StatTable`, typed by key and kind, so none of them reads titles.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tessera.analysis.audit.rules import RULES
from tessera.analysis.results import CellRef, StatTable


@dataclass(frozen=True)
class Headline:
    """One headline figure of the audit, with a line saying what it is a share of.

    `sources` are the table cells its value and detail are made of, so a release that hides
    any of them can leave the headline out rather than give the hidden figure back.
    """

    label: str
    value: int
    detail: str
    sources: tuple[CellRef, ...] = ()


@dataclass(frozen=True)
class AuditResult:
    """The national audit: tables by name (in report order), headlines and the rules applied."""

    tables: dict[str, StatTable]
    headlines: tuple[Headline, ...]
    rules: tuple[tuple[str, str], ...] = field(default=RULES)
