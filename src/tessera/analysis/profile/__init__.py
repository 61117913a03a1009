"""Problem profiles of group-based child sexual exploitation, one per police force (issue 13).

Public API: `run_profiles(engine, forces, period) -> list[Profile]`, `default_period`,
`force_codes`, and the `Period`, `Profile` and `Section` types. The queries are the `.sql`
files here (reading the audit's steps); `tables.py` and `area.py` shape them per force.
"""

from tessera.analysis.profile.results import NATIONAL, Period, Profile, Section
from tessera.analysis.profile.service import (
    SECTIONS,
    default_period,
    force_codes,
    run_profiles,
)

__all__ = ["NATIONAL", "SECTIONS", "Period", "Profile", "Section", "default_period",
           "force_codes", "run_profiles"]
