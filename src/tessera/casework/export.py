"""Export the casework as one more source for `tessera ingest`: core-dataset CSV extracts.

Each local authority's reports become a `person_record` (the child, with the identifiers the
warehouse pseudonymises) and a `referral` (referral_source MR, a mandatory report) in
`<out>/casework/casework-<la_code>/`, the layout `Delivery.find` reads. A decision of no
further action closes the referral (closure_reason RC8); referrals for a strategy discussion
or a police investigation stay open, since the core dataset's referral has no field for them
(the casework store keeps them, with the ledger). Reports still in the national queue have no
local authority to own a referral, so they are counted as held back, not silently left out.

Why a separate agency code per authority ("casework-E06000001") and not the authority's own:
these rows come from a different system with its own record ids, and data quality is scored
per agency.
"""

from __future__ import annotations

import csv
import os
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from tessera.casework.models import Decision, Report
from tessera.casework.readlog import log_read
from tessera.casework.triage import Outcome
from tessera.dataset import entity
from tessera.errors import CaseworkError

AGENCY_PREFIX = "casework-"
MANDATORY_REPORT = "MR"
"""referral_source code of a report made under the mandatory duty (see the code list)."""
SEX_NOT_RECORDED = "U"
"""The report form does not ask the child's sex; the core dataset requires the field."""
CLOSED_NO_FURTHER_ACTION = "RC8"
"""closure_reason of a referral closed with no further action."""


@dataclass(frozen=True)
class ExportSummary:
    """What an export wrote: the folder, reports exported per agency, and those held back."""

    folder: Path
    reports: int
    agencies: int
    held_back: int
    """Reports in the national queue, with no local authority to own a referral yet."""


def export_casework(session: Session, out: Path, *,
                    actor: str = "tessera export-casework") -> ExportSummary:
    """Write every routed report as core-dataset extracts under `out/casework/`.

    The export reads identifiable data, so it is written to the read log under `actor`.
    """
    folder = out / "casework"
    if folder.exists() and any(folder.iterdir()):
        raise CaseworkError(f"{folder} already holds an export; choose an empty folder")
    extracted_at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S")
    closed = {report_id: decided_at for report_id, decided_at in session.execute(
        select(Decision.report_id, Decision.decided_at)
        .where(Decision.outcome == Outcome.NO_FURTHER_ACTION.value))}
    people: dict[str, list[dict[str, str]]] = defaultdict(list)
    referrals: dict[str, list[dict[str, str]]] = defaultdict(list)
    held_back = 0
    for report in session.scalars(select(Report).order_by(Report.id)
                                  .execution_options(yield_per=1000)):
        if report.la_code is None:
            held_back += 1
            continue
        agency = AGENCY_PREFIX + report.la_code
        common = {"agency_code": agency, "source_record_id": report.reference,
                  "extracted_at": extracted_at}
        people[agency].append({**common, **_child(report)})
        referrals[agency].append({**common, **_referral(report, closed.get(report.id))})
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    for agency, rows in people.items():
        _write(folder / agency / "person_record.csv", "person_record", rows)
        _write(folder / agency / "referral.csv", "referral", referrals[agency])
    exported = sum(len(rows) for rows in people.values())
    log_read(session, None, "export", str(folder), f"export of {exported} reports to the "
             "warehouse", actor=actor)
    return ExportSummary(folder, exported, len(people), held_back)


def _child(report: Report) -> dict[str, str]:
    return {"given_name": report.child_given_name, "family_name": report.child_family_name,
            "date_of_birth": report.child_date_of_birth.isoformat()
            if report.child_date_of_birth else "",
            "sex": SEX_NOT_RECORDED, "postcode": report.child_postcode or ""}


def _referral(report: Report, closed_at: datetime | None) -> dict[str, str]:
    return {"la_code": report.la_code or "", "person_record_id": report.reference,
            "referral_date": report.received_at.date().isoformat(),
            "referral_source": MANDATORY_REPORT,
            "closure_date": closed_at.date().isoformat() if closed_at else "",
            "closure_reason": CLOSED_NO_FURTHER_ACTION if closed_at else ""}


def _write(path: Path, entity_name: str, rows: list[dict[str, str]]) -> None:
    """One extract with the entity's full header, readable only by its owner (it holds names)."""
    path.parent.mkdir(exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=entity(entity_name).column_names, restval="")
        writer.writeheader()
        writer.writerows(rows)
