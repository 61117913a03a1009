"""Asking the review panel to look again at a closed case: for victims and survivors, with no
account, and following a request with its reference and secret.

Why it is built this way:
- Answers travel from page to page in hidden fields (as the report form's do), so nothing
  is stored until the person presses "Send", and it all works with JavaScript off.
- Nothing identifiable is ever in an address, a page title or the browser's history: every
  page after the start is the answer to a POST, the reference and secret are sent in form
  bodies, and once they match, the reference is kept in the signed session cookie only
  (`_HOLDER`), so the status and stop pages need no reference in their address. Every
  response is `Cache-Control: no-store` (transport.py).
- Every page carries GOV.UK's "Exit this page" button: a plain link away without JavaScript;
  with it, pressing Shift three times leaves too.
- The words are plain and calm: what happens next and how long it takes, that they can stop
  at any time, and no question that is not needed.
"""

from __future__ import annotations

from functools import partial
from typing import Annotated, Any

import anyio
from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from tessera.casework.models import User
from tessera.casework.principals import RequestHolder
from tessera.casework.review_input import (
    FIELDS,
    REVIEW_WANTED,
    SAFE_METHODS,
    SUBMITTED_BY,
    ReviewInput,
    check_review_input,
)
from tessera.casework.review_rules import stages
from tessera.casework.reviews import (
    IssuedSecret,
    NewRequest,
    holder_of,
    issue_secret,
    progress,
    stop_request,
    submit_request,
)
from tessera.dataset import codelist
from tessera.errors import CaseworkError, NotFound
from tessera.web.access import Anyone, casework_of, client_address
from tessera.web.accounts import PASSWORD_CHECKS
from tessera.web.forms import FieldErrors, Step, error_list, page_after, sentence
from tessera.web.rendering import render

policy = Anyone()
router = APIRouter(prefix="/review-request", dependencies=[Depends(policy)],
                   include_in_schema=False)

SERVICE = "Ask for a review of a closed case"
_HOLDER = "review_holder"
"""The session key holding the reference of the request whose secret was shown to match."""


STEPS = (
    Step("who", "About you", ("submitted_by", "support_organisation", "support_contact",
                              "consent_given", "consent_how", "given_name", "family_name",
                              "date_of_birth"), dates=("date_of_birth",)),
    Step("contact", "How we can contact you safely", (
        "safe_methods", "email", "phone", "postal_address", "times_to_avoid",
        "may_say_subject")),
    Step("case", "About what happened", ("force_code", "crime_reference",
                                         "happened_from_year", "happened_to_year",
                                         "decision_year", "what_happened")),
    Step("review", "What you would like the panel to look at", (
        "review_wanted", "review_reason", "support_wanted")),
)
STEP = {step.name: step for step in STEPS}
ANCHORS = {"date_of_birth": "date_of_birth-day", "safe_methods": "safe_methods",
           "submitted_by": "submitted_by", "may_say_subject": "may_say_subject",
           "review_wanted": "review_wanted", "consent_given": "consent_given"}


async def _answers(request: Request) -> dict[str, str]:
    """Every answer so far, as typed (ticked boxes joined with commas)."""
    form = await request.form()
    answers = {name: str(form.get(name, "")) for name in FIELDS}
    answers["safe_methods"] = ",".join(str(v) for v in form.getlist("safe_methods") if v)
    return answers


Answers = Annotated[dict[str, str], Depends(_answers)]


def _page(request: Request, template: str, context: dict[str, Any] | None = None, *,
          status_code: int = 200) -> Response:
    return render(request, f"review_requests/{template}", {
        "service_name": SERVICE, "service_url": "/review-request",
        "navigation": [{"text": "Check your request", "href": "/review-request/check"}],
        **(context or {})}, status_code=status_code)


def _step_page(request: Request, step: Step, answers: dict[str, str], *,
               errors: FieldErrors | None = None, returning: bool = False) -> Response:
    errors = {f: m for f, m in (errors or {}).items() if f in step.fields}
    return _page(request, f"{step.name}.html", {
        "step": step, "steps": STEPS, "answers": answers, "errors": errors,
        "error_list": error_list(errors, step.fields, ANCHORS), "returning": returning,
        "methods": [m for m in answers["safe_methods"].split(",") if m],
        "safe_methods": SAFE_METHODS, "review_wanted": REVIEW_WANTED,
        "submitted_by": SUBMITTED_BY, "forces": _force_options(answers["force_code"]),
        "carried": {k: v for k, v in answers.items() if k not in step.inputs and v}},
        status_code=400 if errors else 200)


def _force_options(selected: str) -> list[dict[str, object]]:
    forces = codelist("police_forces")
    options: list[dict[str, object]] = [{"value": "not_known", "text": "I don't know"}]
    options += sorted(({"value": code, "text": forces.label(code), "selected": code == selected}
                       for code in forces.codes), key=lambda option: str(option["text"]))
    return options


def _check_page(request: Request, answers: dict[str, str], data: ReviewInput) -> Response:
    forces = codelist("police_forces")
    return _page(request, "check.html", {
        "answers": answers, "data": data, "steps": STEPS,
        "force_name": forces.label(data.force_code) if data.force_code else "I don't know",
        "methods": ", ".join(SAFE_METHODS[m] for m in data.safe_methods.split(",")),
        "review_wanted": REVIEW_WANTED})


@router.get("")
def start_page(request: Request, user: Annotated[User | None, Depends(policy)]) -> Response:
    """What the panel does, what happens after asking and how long it takes, and Start."""
    return _page(request, "start.html", {"stages": stages()})


@router.get("/start")
def first_question(request: Request, user: Annotated[User | None, Depends(policy)]
                   ) -> Response:
    """The first page of questions, empty."""
    return _step_page(request, STEPS[0], dict.fromkeys(FIELDS, ""))


@router.post("/change")
def change(request: Request, answers: Answers, step: Annotated[str, Form()] = "") -> Response:
    """From the check page: one page again, with every answer so far."""
    return _step_page(request, STEP.get(step, STEPS[0]), answers, returning=True)


@router.post("/send")
async def send(request: Request, answers: Answers) -> Response:
    """Record the request and show its reference and secret, once; unfinished pages first.

    The secret is hashed (argon2) on the sign-in's pool of password checks, outside the
    request's transaction (web/accounts.py says why).
    """
    data, errors = check_review_input(answers)
    if data is None:
        first = next(s for s in STEPS if any(f in errors for f in s.fields))
        return _step_page(request, first, answers, errors=errors, returning=True)
    issued = await anyio.to_thread.run_sync(issue_secret, limiter=PASSWORD_CHECKS)
    new = await anyio.to_thread.run_sync(partial(_submit, request, data, issued))
    request.session[_HOLDER] = new.reference
    return _page(request, "confirmation.html", {"new": new, "stages": stages()})


def _submit(request: Request, data: ReviewInput, issued: IssuedSecret) -> NewRequest:
    with casework_of(request).session() as session:
        return submit_request(session, data, issued)


@router.get("/check")
def check_form(request: Request, user: Annotated[User | None, Depends(policy)]) -> Response:
    """Where someone enters their reference and secret to see where their request is."""
    return _page(request, "check_form.html", {"errors": {}, "error_list": [], "form": {}})


@router.post("/check")
async def check(request: Request, reference: Annotated[str, Form()] = "",
                secret: Annotated[str, Form()] = "") -> Response:
    """Show the request's progress if the reference and secret match (throttled; argon2 on
    the sign-in's pool of password checks)."""
    errors: FieldErrors = {}
    if not reference.strip():
        errors["reference"] = "Enter your reference, for example TSV-7K3M9Q2XWD"
    if not secret.strip():
        errors["secret"] = "Enter your secret, for example 4F7K-9QXW-M2D8-J6TB"
    if not errors:
        try:
            holder = await anyio.to_thread.run_sync(partial(
                holder_of, casework_of(request), reference, secret, client_address(request)),
                limiter=PASSWORD_CHECKS)
        except CaseworkError as exc:
            if exc.http_status not in (400, 429):
                raise
            errors["reference"] = sentence(exc.message)
        else:
            request.session[_HOLDER] = holder.reference
            return await anyio.to_thread.run_sync(_status_page, request, holder)
    return _page(request, "check_form.html", {
        "errors": errors, "error_list": error_list(errors, ("reference", "secret")),
        "form": {"reference": reference}}, status_code=400)


@router.get("/your-request")
def your_request(request: Request, user: Annotated[User | None, Depends(policy)]
                 ) -> Response:
    """The progress of the request checked in this browser session, else the check form."""
    holder = _holder(request)
    if holder is None:
        return RedirectResponse("/review-request/check", status_code=303)
    return _status_page(request, holder)


@router.post("/stop")
def stop(request: Request, confirm: Annotated[str, Form()] = "") -> Response:
    """Ask whether to stop (no reason needed); stop when they say yes."""
    holder = _holder(request)
    if holder is None:
        return RedirectResponse("/review-request/check", status_code=303)
    if confirm == "no":
        return _status_page(request, holder)
    if confirm != "yes":
        errors = {"confirm": "Select yes to stop, or no to carry on"} if confirm else {}
        return _page(request, "stop.html", {"errors": errors, "error_list": error_list(
            errors, ("confirm",))}, status_code=400 if errors else 200)
    return _page(request, "status.html", {"progress": stop_request(casework_of(request),
                                                                   holder), "stopped": True})


@router.post("/forget")
def forget(request: Request) -> Response:
    """Forget the request in this browser (a shared computer): back to the start."""
    request.session.pop(_HOLDER, None)
    return RedirectResponse("/review-request", status_code=303)


@router.post("/{step_name}")
def answer(request: Request, step_name: str, answers: Answers,
           returning: Annotated[str, Form()] = "") -> Response:
    """Check one page; then the next page, or the check page when everything is answered."""
    step = STEP.get(step_name)
    if step is None:
        raise NotFound(f"this form has no page called {step_name!r}")
    data, errors = check_review_input(answers)
    shown = page_after(STEPS, step, errors, complete=data is not None,
                       returning=bool(returning))
    if shown is not None:
        page, page_errors, back = shown
        return _step_page(request, page, answers, errors=page_errors, returning=back)
    assert data is not None  # the check page comes only once every answer is good
    return _check_page(request, answers, data)


def _holder(request: Request) -> RequestHolder | None:
    reference = request.session.get(_HOLDER)
    return RequestHolder(reference) if isinstance(reference, str) else None


def _status_page(request: Request, holder: RequestHolder) -> Response:
    return _page(request, "status.html", {"progress": progress(casework_of(request), holder),
                                          "stopped": False})
