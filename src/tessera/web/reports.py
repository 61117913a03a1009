"""The mandatory report form: a few questions per page, check your answers, confirmation.

Why the answers travel in hidden fields from page to page instead of a server-side draft:
nothing identifiable about a child is stored anywhere (not in a cookie, not in a table) until
the reporter presses "Send report", any worker can serve any page, and it all works with
JavaScript off. "Change" on the check page posts the answers back to the page asked for; a
page changed from there returns to the check page.

The casework model (`ReportInput`) owns every rule and message; each page shows the errors of
its own fields only, and the final send validates everything again.
"""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from pydantic import ValidationError

from tessera.casework.models import User
from tessera.casework.receipts import Receipt
from tessera.casework.reports import ReportInput, Submission, report_receipt
from tessera.casework.roles import Role
from tessera.errors import NotFound
from tessera.web.access import SignedIn, casework_of, filer_of
from tessera.web.forms import FieldErrors, Step, error_list, field_errors, page_after
from tessera.web.rendering import render

policy = SignedIn(Role.REPORTER)
router = APIRouter(prefix="/report", dependencies=[Depends(policy)], include_in_schema=False)

DOB = "child_date_of_birth"
DOB_PARTS = (f"{DOB}-day", f"{DOB}-month", f"{DOB}-year")


STEPS = (
    Step("you", "About you", ("reporter_role", "reporter_organisation", "reporter_contact")),
    Step("child", "About the child", ("child_given_name", "child_family_name", DOB,
                                      "child_age", "child_postcode", "child_setting"),
         dates=(DOB,)),
    Step("concern", "What you know", ("disclosure", "occurred_when", "alleged_person")),
    Step("risk", "Is the child at immediate risk of harm?", ("immediate_risk",)),
)
STEP = {step.name: step for step in STEPS}
INPUTS = tuple(name for step in STEPS for name in step.inputs)
ANCHORS = {DOB: f"{DOB}-day"}


async def _answers(request: Request) -> dict[str, str]:
    """Every answer the form carries so far, as the text the reporter typed."""
    form = await request.form()
    return {name: str(form.get(name, "")) for name in INPUTS}


Answers = Annotated[dict[str, str], Depends(_answers)]


def _report_data(answers: dict[str, str]) -> dict[str, object]:
    """The answers as `ReportInput` fields, typed as the API sends them: the date from its
    three boxes, the age as a number, yes/no as a bool, and an empty box as no answer."""
    data: dict[str, object] = {name: answers[name] for name in INPUTS if name not in DOB_PARTS}
    day, month, year = (answers[part].strip() for part in DOB_PARTS)
    if day.isdigit() and month.isdigit() and year.isdigit():
        data[DOB] = f"{int(year):04d}-{int(month):02d}-{int(day):02d}"
    else:
        data[DOB] = "-".join(part for part in (year, month, day) if part) or None
    age = answers["child_age"].strip()
    data["child_age"] = int(age) if age.isdigit() else age or None
    data["immediate_risk"] = {"yes": True, "no": False}.get(answers["immediate_risk"])
    return data


def _validate(answers: dict[str, str]) -> tuple[ReportInput | None, FieldErrors]:
    try:
        return ReportInput.model_validate(_report_data(answers)), {}
    except ValidationError as exc:
        return None, field_errors(exc)


def _step_page(request: Request, step: Step, answers: dict[str, str], *,
               errors: FieldErrors | None = None, returning: bool = False) -> Response:
    errors = {f: m for f, m in (errors or {}).items() if f in step.fields}
    return render(request, f"reports/{step.name}.html", {
        "step": step, "steps": STEPS, "answers": answers, "errors": errors,
        "error_list": error_list(errors, step.fields, ANCHORS), "returning": returning,
        "carried": {k: v for k, v in answers.items() if k not in step.inputs and v}},
        status_code=400 if errors else 200)


def _check_page(request: Request, answers: dict[str, str], report: ReportInput) -> Response:
    # A fresh idempotency key per check page: pressing "Send report" twice, or refreshing the
    # confirmation, files one report, not two.
    return render(request, "reports/check.html", {
        "answers": answers, "report": report, "steps": STEPS,
        "idempotency_key": secrets.token_urlsafe(16)})


@router.get("")
def first_question(request: Request, user: Annotated[User, Depends(policy)]) -> Response:
    """The first page, with the reporter's organisation filled in from their account."""
    answers = dict.fromkeys(INPUTS, "")
    answers["reporter_organisation"] = user.organisation or ""
    return _step_page(request, STEPS[0], answers)


@router.post("/change")
def change(request: Request, answers: Answers, step: Annotated[str, Form()]) -> Response:
    """From the check page: show one page again with the answers so far."""
    return _step_page(request, STEP.get(step, STEPS[0]), answers, returning=True)


@router.post("/send")
def send(request: Request, answers: Answers, user: Annotated[User, Depends(policy)],
         idempotency_key: Annotated[str, Form()]) -> Response:
    """File the report and show its reference and receipt; unfinished pages are shown first."""
    report, errors = _validate(answers)
    if report is None:
        first = next(s for s in STEPS if any(f in errors for f in s.fields))
        return _step_page(request, first, answers, errors=errors, returning=True)
    submitted = filer_of(request).file(Submission(user, report, idempotency_key))
    return _confirmation(request, submitted.receipt)


@router.get("/{reference}/receipt.json")
def receipt_file(request: Request, reference: str,
                 user: Annotated[User, Depends(policy)]) -> Response:
    """The receipt of one of the reporter's own reports, to download again later."""
    with casework_of(request).reading() as session:
        receipt = report_receipt(session, user, reference)
    return Response(receipt.to_json(), media_type="application/json", headers={
        "Content-Disposition": f'attachment; filename="receipt-{receipt.reference}.json"'})


@router.post("/{step_name}")
def answer(request: Request, step_name: str, answers: Answers,
           returning: Annotated[str, Form()] = "") -> Response:
    """Check one page's answers; then the next page, or the check page when all are given."""
    step = STEP.get(step_name)
    if step is None:
        raise NotFound(f"the report form has no page called {step_name!r}")
    report, errors = _validate(answers)
    shown = page_after(STEPS, step, errors, complete=report is not None,
                       returning=bool(returning))
    if shown is not None:
        page, page_errors, back = shown
        return _step_page(request, page, answers, errors=page_errors, returning=back)
    assert report is not None  # the check page comes only once every answer is good
    return _check_page(request, answers, report)


def _confirmation(request: Request, receipt: Receipt) -> Response:
    return render(request, "reports/confirmation.html", {
        "receipt": receipt, "receipt_json": receipt.to_json()})

