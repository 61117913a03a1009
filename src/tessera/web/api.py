"""JSON API for filing mandatory reports from other systems (a school's or a GP's records).

Authenticate with `Authorization: Bearer <token>` (a reporter's token from `tessera users
token`). Send an `Idempotency-Key` header to retry safely: the same key with the same body
returns the first report's reference and receipt again (with `Idempotent-Replayed: true`), the
same key with a different body is refused with 409. A report that is not valid gets 422 with
one entry per field saying what to fix.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Request, Response
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from tessera.casework.models import User
from tessera.casework.receipts import ReceiptSigner
from tessera.casework.reports import ReportInput, Submitted, submit_report
from tessera.casework.roles import Role
from tessera.casework.store import Casework
from tessera.web.access import BearerToken, casework_of

policy = BearerToken(Role.REPORTER)
router = APIRouter(prefix="/api", dependencies=[Depends(policy)], tags=["reports"])


class ReceiptBody(BaseModel):
    """The signed receipt: keep it; anyone can check it at /receipts/verify."""

    reference: str
    content_sha256: str
    issued_at: str
    key_id: str
    signature: str


class ReportAccepted(BaseModel):
    """A filed report's reference and the reporter's receipt."""

    reference: str
    receipt: ReceiptBody


class Problem(BaseModel):
    """Why the request was refused."""

    detail: str


class InvalidField(BaseModel):
    """One field to correct: its name in the request body and what to do."""

    field: str | None
    message: str


class InvalidReport(Problem):
    """Every field of the report that must be corrected."""

    errors: list[InvalidField]


@router.post("/reports", status_code=201, response_model=ReportAccepted, responses={
    401: {"model": Problem, "description": "No API token, or not a valid one"},
    403: {"model": Problem, "description": "The token's account is not a reporter"},
    409: {"model": Problem, "description": "Idempotency-Key reused with a different body"},
    422: {"model": InvalidReport, "description": "The report is not valid"},
})
async def file_report(
    request: Request,
    response: Response,
    report: ReportInput,
    user: Annotated[User, Depends(policy)],
    idempotency_key: Annotated[str | None, Header(
        alias="Idempotency-Key", max_length=255,
        description="Any unique string per report; a retry with it files nothing new.")] = None,
) -> ReportAccepted:
    """File a mandatory report; routed by the child's postcode, answered with a receipt.

    Why a coroutine that sends only the filing to the thread pool: for a plain function,
    FastAPI runs the function in a thread and then validates the returned model in another
    trip through the pool, two handoffs between the event loop and a thread (each a wake-up
    and a wait for the interpreter lock) where one does.
    """
    submitted = await run_in_threadpool(_file, casework_of(request), user, report,
                                        idempotency_key, request.app.state.signer)
    if not submitted.created:
        response.headers["Idempotent-Replayed"] = "true"
    return ReportAccepted(reference=submitted.reference,
                          receipt=ReceiptBody(**asdict(submitted.receipt)))


def _file(casework: Casework, user: User, report: ReportInput, idempotency_key: str | None,
          signer: ReceiptSigner) -> Submitted:
    """File the report in one writing session (sealed into the ledger when it returns)."""
    with casework.session() as session:
        return submit_report(session, user, report, idempotency_key=idempotency_key,
                             signer=signer)
