"""The recommendations tracker: the public page, its ODS release, and the administrator's form
to record a status change with its source.

The page and the release are public (no sign-in): they hold recommendations, sourced statuses
and indicators that have been through the disclosure step, nothing about a person. Recording a
status is for administrators only, behind a CSRF-checked form; each change is chained into the
ledger by the casework service.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from tessera.casework.models import User
from tessera.casework.roles import Role
from tessera.casework.tracker import (
    StatusChangeInput,
    recommendation,
    record_status_change,
    states,
)
from tessera.publish.tracker_release import display_rows, tracker_ods, tracker_page
from tessera.web.access import Anyone, SignedIn, casework_of
from tessera.web.forms import FieldErrors, error_list, field_errors
from tessera.web.rendering import render

public = Anyone()
router = APIRouter(prefix="/tracker", dependencies=[Depends(public)], include_in_schema=False)
administrators = SignedIn(Role.ADMINISTRATOR)
admin_router = APIRouter(prefix="/tracker", dependencies=[Depends(administrators)],
                         include_in_schema=False)

FIELDS = ["state", "status_date", "status_text", "source"]
ODS_TYPE = "application/vnd.oasis.opendocument.spreadsheet"


@router.get("")
def tracker(request: Request, user: Annotated[User | None, Depends(public)]) -> Response:
    """Every recommendation with its status, due date, overdue flag, sources and evidence."""
    with casework_of(request).reading() as session:
        page = tracker_page(session)
    tables = {i.code: display_rows(i.table) for i in page.indicators if i.table is not None}
    return render(request, "tracker/index.html", {"page": page, "tables": tables,
                                                  "column": "full"})


@router.get("/tracker.ods")
def tracker_release(request: Request, user: Annotated[User | None, Depends(public)]
                    ) -> Response:
    """The tracker as an ODS workbook (the recommendations, then each published indicator)."""
    with casework_of(request).reading() as session:
        workbook = tracker_ods(tracker_page(session))
    return Response(workbook, media_type=ODS_TYPE,
                    headers={"Content-Disposition": 'attachment; filename="tracker.ods"'})


@admin_router.get("/{recommendation_id}/status")
def status_form(request: Request, recommendation_id: str,
                user: Annotated[User, Depends(administrators)]) -> Response:
    """The form to record a recommendation's new status."""
    return _form(request, recommendation_id)


@admin_router.post("/{recommendation_id}/status")
def record_status(request: Request, recommendation_id: str,
                  user: Annotated[User, Depends(administrators)],
                  state: Annotated[str, Form()] = "",
                  day: Annotated[str, Form(alias="status_date-day")] = "",
                  month: Annotated[str, Form(alias="status_date-month")] = "",
                  year: Annotated[str, Form(alias="status_date-year")] = "",
                  status_text: Annotated[str, Form()] = "",
                  source: Annotated[str, Form()] = "") -> Response:
    """Record the status and go back to the tracker, or show the form with what to correct."""
    form = {"state": state, "status_date-day": day, "status_date-month": month,
            "status_date-year": year, "status_text": status_text, "source": source}
    recommendation(recommendation_id)  # 404 before anything else for an unknown one
    try:
        change = StatusChangeInput(recommendation_id=recommendation_id, state=state,
                                   status_date=_iso_date(day, month, year),
                                   status_text=status_text, source=source)
    except ValidationError as exc:
        return _form(request, recommendation_id, field_errors(exc), form)
    with casework_of(request).session() as session:
        record_status_change(session, user, change)
    return RedirectResponse(f"/tracker#{recommendation_id}", status_code=303)


def _iso_date(day: str, month: str, year: str) -> str:
    """The three boxes of a GOV.UK date input as year-month-day (left for the service to refuse
    when they are not numbers)."""
    parts = (year.strip(), month.strip(), day.strip())
    if all(part.isdigit() for part in parts):
        return f"{int(parts[0]):04d}-{int(parts[1]):02d}-{int(parts[2]):02d}"
    return "-".join(parts)


def _form(request: Request, recommendation_id: str, errors: FieldErrors | None = None,
          form: dict[str, str] | None = None) -> Response:
    errors = errors or {}
    return render(request, "tracker/status.html", {
        "rec": recommendation(recommendation_id), "states": states(), "errors": errors,
        "error_list": error_list(errors, FIELDS, {"status_date": "status_date-day"}),
        "form": form or {}},
        status_code=400 if errors else 200)
