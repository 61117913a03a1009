"""Publish problem profiles into the casework store, where a force's analysts read their
force's profile in the web app (web/profiles.py) and national analysts every force's and
England and Wales's.

Why the restricted edition: the pages are behind an analyst's sign-in, scoped to their own
force and logged (casework/publications.py), which is what the restricted edition asks of its
readers (`tessera profile --edition restricted`); disclosure control is for the published
edition, which `tessera profile` writes out for partners and the public. Each profile is kept
as its typed tables (`StatTable.as_json`), so the page formats and charts the same figures
the report does, from `profile_report.py`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from typing import Any, Final

from sqlalchemy.orm import Session

from tessera.analysis.data_state import WarehouseState
from tessera.analysis.profile import NATIONAL, Period, Profile, Section
from tessera.analysis.results import StatTable
from tessera.casework.publications import (
    ENGLAND_AND_WALES,
    EntryRecord,
    PublicationRecord,
    Published,
    publish,
)
from tessera.errors import PublicationError
from tessera.publish.profile_disclosure import restricted_profile
from tessera.publish.profile_report import headlines

PRODUCT: Final = "problem_profile"
"""The product name the casework store and the web app know the profiles by."""


def publish_profiles(session: Session, profiles: Sequence[Profile], state: WarehouseState,
                     *, published_by: str) -> Published:
    """Publish every profile of `profiles` (one period), restricted edition, as made from the
    warehouse in `state`; it supersedes the profiles published before."""
    periods = {profile.period for profile in profiles}
    if len(periods) != 1:
        raise PublicationError("publish profiles of one period together")
    (period,) = periods
    record = PublicationRecord(
        product=PRODUCT, published_by=published_by, provenance=state.provenance,
        batch_id=state.batch_id, loaded_at=state.loaded_at,
        linkage_run_id=state.linkage_run_id,
        settings={"period": {"start": period.start.isoformat(), "end": period.end.isoformat()},
                  "edition": "restricted"},
        counts={"profiles": len(profiles)})
    entries = []
    for rank, profile in enumerate(profiles, start=1):
        shown = restricted_profile(profile)
        code = ENGLAND_AND_WALES if profile.force_code == NATIONAL else profile.force_code
        csa = next(r["offences"] for r in shown.tables["definitions"].records()
                   if r["measure_code"] == "csa_offences")
        entries.append(EntryRecord(code, rank, code, float(csa or 0), profile_detail(shown)))
    return publish(session, record, entries)


def profile_detail(profile: Profile) -> dict[str, Any]:
    """What the page shows of one profile: its force, period, headlines, sections and tables."""
    return {"force_code": profile.force_code, "force_label": profile.force_label,
            "period": {"start": profile.period.start.isoformat(),
                       "end": profile.period.end.isoformat()},
            "headlines": [asdict(h) for h in headlines(profile)],
            "sections": [asdict(s) for s in profile.sections],
            "tables": {name: table.as_json() for name, table in profile.tables.items()}}


def profile_of(detail: dict[str, Any]) -> Profile:
    """The profile `profile_detail` kept (for the page, its charts and tests)."""
    return Profile(
        force_code=detail["force_code"], force_label=detail["force_label"],
        period=Period.from_iso(detail["period"]["start"], detail["period"]["end"]),
        sections=tuple(Section(s["key"], s["title"], s["summary"], tuple(s["tables"]))
                       for s in detail["sections"]),
        tables={name: StatTable.from_json(t) for name, t in detail["tables"].items()})
