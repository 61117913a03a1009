"""What a problem profile returns: the force, the period, its sections in the order of the
ten-point checklist (docs/profile.md), each a heading, a paragraph and typed tables.

Why sections over tables: a profile is read as a document (definitions, scale, nature,
victims, ...), and an empty section must still be there saying what it would hold, so the
sections are fixed and the tables inside them are `analysis.results.StatTable`, which the
disclosure step, the CSV writer and the report read by key and kind.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tessera.analysis.results import StatTable

NATIONAL = "national"
"""The code of the national profile (England and Wales, every force)."""


@dataclass(frozen=True)
class Period:
    """The days a profile covers, both inclusive (offences by recorded date)."""

    start: date
    end: date

    @classmethod
    def from_iso(cls, start: str, end: str) -> Period:
        """The period of two ISO dates (as a publication keeps it)."""
        return cls(date.fromisoformat(start), date.fromisoformat(end))

    @property
    def label(self) -> str:
        """The period as a reader sees it and as the register and file names use it."""
        return f"{self.start.isoformat()} to {self.end.isoformat()}"

    @property
    def slug(self) -> str:
        """The period in a file or register name."""
        return f"{self.start.isoformat()}_{self.end.isoformat()}"


@dataclass(frozen=True)
class Section:
    """One section of a profile: its id, heading, what it answers, and its tables' names."""

    key: str
    title: str
    summary: str
    tables: tuple[str, ...]


@dataclass(frozen=True)
class Profile:
    """One force's problem profile (or the national one): sections and tables by name."""

    force_code: str
    force_label: str
    period: Period
    sections: tuple[Section, ...]
    tables: dict[str, StatTable]
