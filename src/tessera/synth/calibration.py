"""The published figures the synthetic year is calibrated to, and the counts they imply.

Why exact counts rather than rates: the national audit recomputes these categories from the
loaded rows by fixed rules, and a clean synthetic set (no bad rows) must give back exactly the
numbers its ground truth states, so each category's count is fixed here before any row is drawn.

Source: CSE police taskforce figures for police recorded crime in England and Wales, 2023
(see MISSION.md): about 115,000 child sexual abuse and exploitation offences; about 4,000 with
more than one perpetrator, of which about 1,100 within the family, over 300 in institutions and
717 group or gang-based CSE.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

CATEGORIES: tuple[str, ...] = (
    "single_perpetrator", "intra_familial", "institutional", "group_based_cse", "other_multiple",
)
"""Ground-truth categories, in the audit's order (single first, then first-match order)."""

PUBLISHED_OFFENCES = 115_000
PUBLISHED_MULTIPLE: dict[str, int] = {
    "intra_familial": 1_100,
    "institutional": 300,
    "group_based_cse": 717,
    "other_multiple": 4_000 - 1_100 - 300 - 717,
}
"""Offences with more than one perpetrator, by category, in one national year."""

NETWORKS_PER_YEAR = 150
"""Group-based CSE networks active in a national year (127 major investigations in 2023)."""

INTELLIGENCE_NETWORKS_PER_YEAR = 40
"""Networks active in a national year whose members never offend together, seen only through
intelligence and shared victims (assumption: no published figure; about a quarter as many
again as NETWORKS_PER_YEAR). Their offences are single-perpetrator by the audit's rules, so
they come out of the single-perpetrator count and leave every category's total unchanged."""
SINGLE_OFFENCES_PER_HIDDEN_NETWORK = 20
"""At very small scales, no more intelligence-only networks than one per this many
single-perpetrator offences (so they never take the whole budget)."""

BTP_SHARE = 0.005
"""British Transport Police's share of offences (it has no resident population)."""

NO_DATE = int(np.iinfo(np.int32).min)
"""Marks an absent date in a day-number array (any real day, even before 1970, is larger)."""


@dataclass(frozen=True)
class Targets:
    """How many offences of each category, and how many networks, to generate."""

    offences: dict[str, int]
    networks: int
    intelligence_networks: int
    """Networks seen only through intelligence (their offences within single_perpetrator)."""

    @property
    def total(self) -> int:
        """All offences."""
        return sum(self.offences.values())

    @property
    def multiple(self) -> int:
        """Offences with more than one perpetrator."""
        return self.total - self.offences["single_perpetrator"]


def scaled(count: float, scale: float, years: int = 1) -> int:
    """A published (or chosen) yearly count at `scale`, over `years`, rounded."""
    return round(count * scale * years)


def targets(scale: float, years: int) -> Targets:
    """Category counts for a national volume times `scale`, over `years` years."""
    multiple = {k: scaled(v, scale, years) for k, v in PUBLISHED_MULTIPLE.items()}
    total = scaled(PUBLISHED_OFFENCES, scale, years)
    single = max(total - sum(multiple.values()), 0)
    group = multiple["group_based_cse"]
    networks = min(max(group // 2, 1), max(1, scaled(NETWORKS_PER_YEAR, scale, years))) \
        if group else 0
    hidden = min(scaled(INTELLIGENCE_NETWORKS_PER_YEAR, scale, years),
                 single // SINGLE_OFFENCES_PER_HIDDEN_NETWORK)
    return Targets(offences={"single_perpetrator": single, **multiple}, networks=networks,
                   intelligence_networks=hidden)


@dataclass(frozen=True)
class Period:
    """The recording period, as days since 1970-01-01, and the extraction timestamp.

    Every date written is on or before `end`, and `extracted_at` is after `end`, so no row is
    dated after its own extraction.
    """

    start: int
    end: int
    extracted_at: str

    @property
    def days(self) -> int:
        """Number of days in the period."""
        return self.end - self.start + 1


def day_number(d: date) -> int:
    """Days since 1970-01-01 (the generator's date representation)."""
    return int(np.datetime64(d, "D").astype(np.int64))


def period(end_year: int, years: int) -> Period:
    """Offences recorded from 1 January of `end_year - years + 1` to 31 December `end_year`."""
    return Period(start=day_number(date(end_year - years + 1, 1, 1)),
                  end=day_number(date(end_year, 12, 31)),
                  extracted_at=f"{end_year + 1}-01-15T06:00:00")
