"""Filing a mandatory report: validate, route, sign a receipt, stage it for the ledger.

Why the receipt is signed before the transaction commits and stored with the report: the
reporter's proof and the record must agree, and a retry with the same Idempotency-Key must
return the very same receipt rather than a second report.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tessera.casework import ledger
from tessera.casework.access import acting_user, actors_refused, may_see
from tessera.casework.canonical import utc_iso
from tessera.casework.models import OPEN, Report, User
from tessera.casework.receipts import Receipt, sign_receipt
from tessera.casework.report_input import ReportInput, report_content_sha256
from tessera.casework.roles import Role
from tessera.casework.routing import route_postcode
from tessera.casework.store import NewRows
from tessera.errors import CaseworkError, IdempotencyConflict, NoSuchReport

__all__ = ["ReportInput", "Submission", "Submitted", "new_reference", "receipt_of",
           "report_receipt", "submit_report", "submit_reports", "visible_report"]

REFERENCE_PREFIX = "TSR-"
REFERENCE_LENGTH = 10
"""Ten Crockford base32 characters are 50 random bits: a reference cannot be guessed (a
million guesses find one of a million reports with odds of one in a billion) yet can be read
over the phone, with no I/L/O/U to confuse."""
CROCKFORD_BASE32 = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_REFERENCE = re.compile(f"{re.escape(REFERENCE_PREFIX)}[{CROCKFORD_BASE32}]{{{REFERENCE_LENGTH}}}")
MAX_IDEMPOTENCY_KEY = 255
_NEW_REPORTS = NewRows(Report.__table__,  # type: ignore[arg-type]
                       ("reporter_id", "idempotency_key"), key="reference")
"""Reports inserted unless the reporter's Idempotency-Key was used before."""


@dataclass(frozen=True)
class Submitted:
    """The answer to a submission: the reference, the receipt, and whether it was new."""

    reference: str
    receipt: Receipt
    created: bool
    """False when the same Idempotency-Key returned an earlier submission."""


def new_reference() -> str:
    """A fresh report reference such as TSR-7K3M9Q2XWD: one draw of random bytes, five bits
    a character (32 is a power of two, so no character is likelier than another)."""
    return REFERENCE_PREFIX + "".join(CROCKFORD_BASE32[byte % 32]
                                      for byte in secrets.token_bytes(REFERENCE_LENGTH))


@dataclass(frozen=True)
class Submission:
    """A report to file: who sends it, what it says, and the request's own keys."""

    reporter: User
    data: ReportInput
    idempotency_key: str | None = None
    api_token: int | None = None
    """The id of the API token it came with, so a token revoked a moment ago files nothing."""


def submit_report(session: Session, reporter: User, data: ReportInput, *,
                  idempotency_key: str | None = None, api_token: int | None = None
                  ) -> Submitted:
    """File a report by `reporter` (a reporter account), routed by the child's postcode, with
    a receipt signed by the store's key (`submit_reports`, for one)."""
    (answer,) = submit_reports(session, [Submission(reporter, data, idempotency_key,
                                                    api_token)])
    if isinstance(answer, CaseworkError):
        raise answer
    return answer


def submit_reports(session: Session, submissions: Sequence[Submission]
                   ) -> list[Submitted | CaseworkError]:
    """File several reports in the session's one transaction, each with its own answer: its
    reference and receipt, or why it was refused (`NotPermitted`, `IdempotencyConflict`, a
    bad Idempotency-Key), which leaves the others filed.

    Why together: filing is a transaction, the write lock (SQLite) and a commit whatever the
    number of reports, so reports that arrive together are filed together (`filing.py`), and
    every reporter and token is checked in one statement and every report inserted in one. A
    refusal is found before its report is written (at most a token's last-used time has
    been), so one report's refusal needs no savepoint to keep the others as they were. The same
    Idempotency-Key from the same reporter returns the first submission if the body is the
    same, and is refused with `IdempotencyConflict` if it differs.
    """
    # Everything that needs no database comes first: on SQLite the first statement takes
    # the one write lock, and what runs before it does not hold anyone up.
    prepared = [_prepared(session, submission) for submission in submissions]
    ready = [(n, submissions[n], item) for n, item in enumerate(prepared)
             if not isinstance(item, CaseworkError)]
    refused = actors_refused(session, [(s.reporter.id, s.api_token) for _, s, _ in ready],
                             Role.REPORTER)
    answers: list[Submitted | CaseworkError | None] = [
        item if isinstance(item, CaseworkError) else None for item in prepared]
    permitted = []
    for (n, submission, item), refusal in zip(ready, refused, strict=True):
        if refusal is None:
            permitted.append((n, submission, item))
        else:
            answers[n] = refusal
    new_ids = _NEW_REPORTS.insert(session, [row for _, _, (row, _) in permitted])
    for n, submission, (row, receipt) in permitted:
        report_id = new_ids.get(row["reference"])
        if report_id is None:
            # The reporter used this Idempotency-Key before (or is sending it twice at once,
            # and the other request's report committed first). Not looked up beforehand: a
            # retry is rare, and a query for every report that is not one would cost intake.
            try:
                answers[n] = _earlier_submission(session, submission.reporter,
                                                 submission.idempotency_key or "",
                                                 row["content_sha256"])
            except CaseworkError as conflict:
                answers[n] = conflict
            continue
        ledger.stage_row(session, "reports", {"id": report_id, **row}, kind="report",
                         label=f"report {row['reference']}")
        answers[n] = Submitted(row["reference"], receipt, created=True)
    filled = [answer for answer in answers if answer is not None]
    assert len(filled) == len(submissions)  # every submission was answered above
    return filled


def _prepared(session: Session, submission: Submission
              ) -> tuple[dict[str, Any], Receipt] | CaseworkError:
    """The report's row and signed receipt, or why it cannot be filed at all."""
    key = submission.idempotency_key
    if key is not None and not 0 < len(key) <= MAX_IDEMPOTENCY_KEY:
        return CaseworkError(f"an Idempotency-Key is 1 to {MAX_IDEMPOTENCY_KEY} characters")
    content = submission.data.model_dump()
    digest = report_content_sha256(content)
    route = route_postcode(submission.data.child_postcode)
    received_at = datetime.now(UTC)
    reference = new_reference()
    receipt = sign_receipt(ledger.signer_of(session), reference, digest, received_at)
    row = {"reference": reference, "reporter_id": submission.reporter.id,
           "received_at": received_at, "idempotency_key": key, "content_sha256": digest,
           "receipt_key_id": receipt.key_id, "receipt_signature": receipt.signature,
           "la_code": route.la_code, "force_code": route.force_code, "queue": route.queue,
           "status": OPEN, **content}
    return row, receipt


def _earlier_submission(session: Session, user: User, idempotency_key: str, digest: str
                        ) -> Submitted:
    """The reporter's earlier submission with this key: returned again if its content is the
    same (committed, so already chained), a conflict if not."""
    earlier = session.scalars(select(Report).where(
        Report.reporter_id == user.id, Report.idempotency_key == idempotency_key)).one()
    if earlier.content_sha256 != digest:
        raise IdempotencyConflict("this Idempotency-Key was used for a different report "
                                  f"({earlier.reference})")
    return Submitted(earlier.reference, receipt_of(earlier), created=False)


def receipt_of(report: Report) -> Receipt:
    """The receipt issued for a report, rebuilt from what the report row keeps."""
    return Receipt(report.reference, report.content_sha256, utc_iso(report.received_at),
                   report.receipt_key_id, report.receipt_signature)


def report_receipt(session: Session, user: User, reference: str) -> Receipt:
    """The receipt of a report, for the reporter who made it or triage in its area."""
    current = acting_user(session, user, Role.REPORTER, Role.TRIAGE)
    return receipt_of(visible_report(session, current, reference))


def visible_report(session: Session, user: User, reference: str, *,
                   lock: bool = False) -> Report:
    """The report with this reference, if `user` may see it; else `NoSuchReport`.

    The same refusal whether there is no such report, the reference is not one at all, or
    the report is another area's or another reporter's. With `lock`, the row is locked for
    the rest of the transaction first (two people deciding at once: the second waits here,
    then reads the first's decision; on SQLite BEGIN IMMEDIATE has serialised them already).
    """
    standard = reference.strip().upper()
    if not _REFERENCE.fullmatch(standard):
        raise NoSuchReport(ascii(reference)[:200])
    report = session.scalar(select(Report).where(Report.reference == standard))
    if report is None:
        raise NoSuchReport(standard)
    if lock:
        session.refresh(report, with_for_update=True)
    if not may_see(session, user, report):
        raise NoSuchReport(standard)
    return report
