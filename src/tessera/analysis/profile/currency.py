"""How current each force's problem profile is: HMICFRS 2023 (recommendation 2) asked every
force to refresh its profile of group-based child sexual exploitation at least once a year.

Why one place: the recommendations tracker shows it beside the other recommendations, and the
performance framework as measure P14; both read each force's latest profile from the record
`tessera profile` keeps (`ops.profile_releases`) through `profile_currency`, so a profile is
current by the same rule in both.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from tessera.analysis.profile.queries import profile_sql
from tessera.warehouse.engine import Engine

CURRENT_DAYS = 365
"""A profile is current when published within a year ("refreshed at least once a year")."""
SEEN_NOTE = ("Counts the profiles published with 'tessera profile'; a profile kept elsewhere "
             "is not seen here.")
"""What every table of profile currency says about what it can see."""


@dataclass(frozen=True)
class ProfileCurrency:
    """One force's latest published profile as at a day (`published` None: never)."""

    force_code: str
    force_label: str
    published: date | None
    period_start: date | None
    period_end: date | None
    days: int | None
    """Days from the profile's publication to the day asked about."""

    @property
    def current(self) -> bool:
        """Whether the profile was published within `CURRENT_DAYS` of the day asked about."""
        return self.days is not None and self.days <= CURRENT_DAYS

    @property
    def published_text(self) -> str:
        """The day of publication as a table shows it: 'YYYY-MM-DD', or 'never'."""
        return self.published.isoformat() if self.published else "never"

    @property
    def current_text(self) -> str:
        """'yes' or 'no', as a table shows whether the profile is current."""
        return "yes" if self.current else "no"

    @property
    def period(self) -> str:
        """The period the profile covers, as 'YYYY-MM-DD to YYYY-MM-DD' ('' if none)."""
        return f"{self.period_start} to {self.period_end}" if self.published else ""


def profile_currency(engine: Engine, as_at: date) -> tuple[ProfileCurrency, ...]:
    """Every force of the code list with its latest profile published on or before `as_at`,
    by force name; a warehouse where no profile was ever published (no `ops.profile_releases`)
    gives every force as never."""
    if not engine.table_exists("ops", "profile_releases"):
        return tuple(ProfileCurrency(str(r["code"]), str(r["label"]), None, None, None, None)
                     for r in engine.rows("SELECT code, label FROM reference.police_forces "
                                          "ORDER BY label"))
    return tuple(_currency(r, as_at)
                 for r in engine.rows(profile_sql("currency"), {"as_at": as_at}))


def _currency(row: dict[str, Any], as_at: date) -> ProfileCurrency:
    made = row["published_at"].date() if row["published_at"] else None
    return ProfileCurrency(str(row["force_code"]), str(row["force_label"]), made,
                           row["period_start"], row["period_end"],
                           None if made is None else (as_at - made).days)
