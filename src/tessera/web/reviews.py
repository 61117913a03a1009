"""The review panel's pages: the queue, one request with its matches and history, and the
forms that move it on (acknowledge, assign, eligibility, outcome) and write its letters.

Opening a request shows who the person is and how to reach them, so it goes through
`open_request`, which logs the read; the queue lists no names and logs nothing. Every form
posts back to the request's page: a refusal is shown there in a GOV.UK error summary naming
the field, and a decision made redirects to the page (so a refresh does not repeat it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from tessera.casework.letters import LETTERS, make_letter
from tessera.casework.models import User
from tessera.casework.review_casework import (
    OUTCOMES,
    acknowledge,
    assign,
    caseworkers,
    decide_eligibility,
    open_request,
    queue,
    record_outcome,
)
from tessera.casework.review_input import REVIEW_WANTED, SAFE_METHODS
from tessera.casework.review_rules import ROUTE_LABELS, eligibility_rules
from tessera.casework.roles import Role
from tessera.casework.text import HIDDEN_CHARACTERS, has_forbidden_characters
from tessera.dataset import codelist
from tessera.errors import CaseworkError
from tessera.web.access import SignedIn, casework_of
from tessera.web.forms import FieldErrors, error_list, sentence
from tessera.web.rendering import render

policy = SignedIn(Role.REVIEW_CASEWORKER)
router = APIRouter(prefix="/reviews", dependencies=[Depends(policy)], include_in_schema=False)

PURPOSE = "review panel: opened from the queue to work on the request"
FIELD_ORDER = ("assign_to", "eligible", "match_id", "eligibility_reasons", "outcome",
               "outcome_reasons", "letter")


@router.get("")
def queue_page(request: Request, user: Annotated[User, Depends(policy)]) -> Response:
    """Open requests: overdue and at risk of missing their time limit first."""
    with casework_of(request).reading() as session:
        rows = queue(session, user)
    return render(request, "reviews/queue.html", {"rows": rows, "column": "full"})


@router.get("/{reference}")
def request_page(request: Request, reference: str,
                 user: Annotated[User, Depends(policy)]) -> Response:
    """One request: what the person said, the matched closed cases checked against the
    rules, its history, and the forms for its stage (the read is logged)."""
    return _request_page(request, user, reference)


@router.post("/{reference}/acknowledge")
def acknowledge_request(request: Request, reference: str,
                        user: Annotated[User, Depends(policy)]) -> Response:
    """Acknowledge a new request (write the acknowledgement letter next)."""
    return _act(request, user, reference, "acknowledge", lambda session: acknowledge(
        session, user, reference))


@router.post("/{reference}/assign")
def assign_request(request: Request, reference: str, user: Annotated[User, Depends(policy)],
                   assign_to: Annotated[str, Form()] = "") -> Response:
    """Assign the request to a review caseworker."""
    return _act(request, user, reference, "assign_to", lambda session: assign(
        session, user, reference, assign_to), form={"assign_to": assign_to})


@router.post("/{reference}/eligibility")
def eligibility(request: Request, reference: str, user: Annotated[User, Depends(policy)],
                eligible: Annotated[str, Form()] = "", match_id: Annotated[str, Form()] = "",
                eligibility_reasons: Annotated[str, Form()] = "") -> Response:
    """Record the eligibility decision, with reasons (and the matched case, if eligible)."""
    form = {"eligible": eligible, "match_id": match_id,
            "eligibility_reasons": eligibility_reasons}
    errors: FieldErrors = {}
    if eligible not in ("yes", "no"):
        errors["eligible"] = "Select whether the panel can review this case"
    if has_forbidden_characters(eligibility_reasons):
        errors["eligibility_reasons"] = HIDDEN_CHARACTERS
    if errors:
        return _request_page(request, user, reference, errors=errors, form=form)
    chosen = int(match_id) if match_id.isdigit() else None
    field = "match_id" if eligible == "yes" and chosen is None else "eligibility_reasons"
    return _act(request, user, reference, field, lambda session: decide_eligibility(
        session, user, reference, eligible == "yes", eligibility_reasons, chosen), form=form)


@router.post("/{reference}/outcome")
def outcome(request: Request, reference: str, user: Annotated[User, Depends(policy)],
            outcome: Annotated[str, Form()] = "",
            outcome_reasons: Annotated[str, Form()] = "") -> Response:
    """Record the review's outcome, with the panel's reasons."""
    form = {"outcome": outcome, "outcome_reasons": outcome_reasons}
    errors: FieldErrors = {}
    if outcome not in OUTCOMES:
        errors["outcome"] = "Select the outcome of the review"
    if has_forbidden_characters(outcome_reasons):
        errors["outcome_reasons"] = HIDDEN_CHARACTERS
    if errors:
        return _request_page(request, user, reference, errors=errors, form=form)
    return _act(request, user, reference, "outcome_reasons", lambda session: record_outcome(
        session, user, reference, outcome, outcome_reasons), form=form)


@router.post("/{reference}/letter")
def letter(request: Request, reference: str, user: Annotated[User, Depends(policy)],
           letter: Annotated[str, Form()] = "",
           format: Annotated[str, Form()] = "text") -> Response:
    """Download a letter to the person, as text or HTML, to send in a way that is safe for
    them (Tessera sends nothing). The file's name says nothing about the person."""
    try:
        with casework_of(request).session() as session:
            made = make_letter(session, user, reference, letter)
    except CaseworkError as exc:
        if exc.http_status != 400:
            raise
        return _request_page(request, user, reference, errors={"letter": sentence(
            exc.message)}, form={"letter": letter})
    html = format == "html"
    return Response(made.html if html else made.text,
                    media_type="text/html" if html else "text/plain; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{made.kind}-letter.'
                                                    f'{"html" if html else "txt"}"'})


def _act(request: Request, user: User, reference: str, field: str,
         action: Callable[[Session], None], *,
         form: dict[str, str] | None = None) -> Response:
    """Run one decision in its own transaction; a refusal is shown at `field`."""
    try:
        with casework_of(request).session() as session:
            action(session)
    except CaseworkError as exc:
        if exc.http_status != 400:
            raise
        return _request_page(request, user, reference, errors={field: sentence(exc.message)},
                             form=form)
    return RedirectResponse(f"/reviews/{reference}", status_code=303)


def _request_page(request: Request, user: User, reference: str, *,
                  errors: FieldErrors | None = None,
                  form: dict[str, str] | None = None) -> Response:
    with casework_of(request).session() as session:
        view = open_request(session, user, reference, PURPOSE)
        workers = caseworkers(session, user)
    errors = errors or {}
    forces = codelist("police_forces")
    req = view.request
    return render(request, "reviews/request.html", {
        "view": view, "req": req, "errors": errors, "form": form or {},
        "error_list": error_list(errors, FIELD_ORDER, {"eligible": "eligible",
                                                        "outcome": "outcome"}),
        "force_name": forces.label(req.force_code) if req.force_code else "Not known",
        "methods": ", ".join(SAFE_METHODS[m] for m in req.safe_methods.split(",") if m),
        "review_wanted": REVIEW_WANTED, "outcomes": OUTCOMES, "letters": LETTERS,
        "workers": workers, "routes": ROUTE_LABELS, "rules": eligibility_rules().written,
        "column": "full"}, status_code=400 if errors else 200)
