"""JSON API for filing mandatory reports from other systems (a school's or a GP's records).

Authenticate with `Authorization: Bearer <token>` (a reporter's token from `tessera users
token`). Send an `Idempotency-Key` header to retry safely: the same key with the same body
returns the first report's reference and receipt again (with `Idempotent-Replayed: true`), the
same key with a different body is refused with 409. A report that is not valid gets 422 with
one entry per field saying what to fix; a body that is not JSON this service reads (not
UTF-8, nested more than 16 deep, a number of more than 32 characters, a key given twice) gets
400, and one of more than 256 KiB gets 413.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ValidationError
from starlette.concurrency import run_in_threadpool

from tessera.casework.canonical import parse_json
from tessera.casework.reports import ReportInput, Submission
from tessera.casework.roles import Role
from tessera.casework.users import TokenHolder
from tessera.errors import UnsupportedMediaType
from tessera.web.access import BearerToken, filer_of
from tessera.web.transport import MAX_BODY_BYTES

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


REPORT_BODY = {"required": True, "content": {"application/json": {"schema": {
    "$ref": f"#/components/schemas/{ReportInput.__name__}"}}}}
"""The request body as the OpenAPI document describes it. The route reads the body itself, so
FastAPI does not see the model: `add_request_schemas` puts its schema in the components."""


@router.post("/reports", status_code=201, response_model=ReportAccepted, responses={
    400: {"model": Problem, "description": "The body is not JSON this service reads"},
    401: {"model": Problem, "description": "No API token, or not a valid one"},
    403: {"model": Problem, "description": "The token's account is not a reporter, or the "
                                           "token was revoked a moment ago"},
    409: {"model": Problem, "description": "Idempotency-Key reused with a different body"},
    413: {"model": Problem, "description": f"The body is over {MAX_BODY_BYTES:,} bytes (in "
          "plain text when its declared Content-Length says so)",
          "content": {"text/plain": {"schema": {"type": "string"}}}},
    415: {"model": Problem, "description": "The body is not sent as application/json"},
    422: {"model": InvalidReport, "description": "The report is not valid"},
}, openapi_extra={"requestBody": REPORT_BODY})
async def file_report(
    request: Request,
    holder: Annotated[TokenHolder, Depends(policy)],
    idempotency_key: Annotated[str | None, Header(
        alias="Idempotency-Key", min_length=1, max_length=255,
        description="Any unique string per report; a retry with it files nothing new.")] = None,
) -> Response:
    """File a mandatory report; routed by the child's postcode, answered with a receipt.
    \f
    (OpenAPI shows only the text above the form feed.) Why the body is read here and not
    declared as a parameter: FastAPI reads a declared body before it resolves dependencies,
    so a client with no token could make the service read 256 KiB for nothing. Here the
    token is checked first, then the body read and parsed.
    """
    report = _report_of(request.headers.get("content-type", ""), await request.body())

    submitted = await run_in_threadpool(filer_of(request).file, Submission(
        holder.user, report, idempotency_key=idempotency_key, api_token=holder.token_id))
    # Answered directly: `ReportAccepted` documents the body, and having FastAPI validate
    # what this function has just built would cost a fifth of a millisecond a report.
    return JSONResponse(
        {"reference": submitted.reference, "receipt": asdict(submitted.receipt)},
        status_code=201,
        headers=None if submitted.created else {"Idempotent-Replayed": "true"})


def _report_of(content_type: str, body: bytes) -> ReportInput:
    """The report in a JSON body: 415 if it is not sent as JSON, 400 if it is not JSON this
    service reads (`parse_json`), 422 naming each field to correct."""
    media_type = content_type.split(";")[0].strip().lower()
    if media_type != "application/json" and not media_type.endswith("+json"):
        raise UnsupportedMediaType("send the report as JSON, with Content-Type: "
                                   "application/json")
    data = parse_json(body, what="the request body")
    try:
        return ReportInput.model_validate(data)
    except ValidationError as exc:
        raise RequestValidationError(exc.errors(include_url=False)) from None


def add_request_schemas(document: dict[str, Any]) -> None:
    """Put the schemas of the bodies routes read themselves into an OpenAPI document."""
    document.setdefault("components", {}).setdefault("schemas", {})[ReportInput.__name__] = (
        ReportInput.model_json_schema(ref_template="#/components/schemas/{model}"))
