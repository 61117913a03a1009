"""Triage pages: the area's queue, one report with its timeline, and the decision form.

Opening a report shows who the child is, so it goes through `open_report`, which logs the
read; the queue lists no identifiable details and logs nothing. The services check the user's
area again: another area's report gets the same 404 as a reference that does not exist, and
the refused attempt is logged too (rendering.py).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from tessera.casework.models import User
from tessera.casework.roles import Role
from tessera.casework.text import HIDDEN_CHARACTERS, has_forbidden_characters
from tessera.casework.triage import OUTCOME_LABELS, Outcome, decide, open_report, queue, timeline
from tessera.dataset import codelist
from tessera.errors import CaseworkError
from tessera.web.access import SignedIn, casework_of
from tessera.web.forms import FieldErrors, error_list, sentence
from tessera.web.rendering import render

policy = SignedIn(Role.TRIAGE)
router = APIRouter(prefix="/triage", dependencies=[Depends(policy)], include_in_schema=False)

PURPOSE = "triage: opened from the area's queue to decide on it"
# Where the form shows a refused decision: next to the field the outcome needs.
OUTCOME_FIELD = {Outcome.NO_FURTHER_ACTION: "reason", Outcome.TRANSFER: "transfer_to"}


@router.get("")
def queue_page(request: Request, user: Annotated[User, Depends(policy)]) -> Response:
    """Open reports of the user's area: immediate risk at the top, then oldest first."""
    with casework_of(request).reading() as session:
        items = queue(session, user)
    return render(request, "triage/queue.html", {"items": items, "column": "full"})


@router.get("/{reference}")
def report_page(request: Request, reference: str,
                user: Annotated[User, Depends(policy)]) -> Response:
    """One report, its timeline and, while it is open, the decision form (the read is logged)."""
    return _report_page(request, user, reference)


@router.post("/{reference}/decision")
def decision(request: Request, reference: str, user: Annotated[User, Depends(policy)],
             outcome: Annotated[str, Form()] = "", reason: Annotated[str, Form()] = "",
             transfer_to: Annotated[str, Form()] = "") -> Response:
    """Record the decision and show the report again, or the form with what to correct."""
    chosen = Outcome(outcome) if outcome in set(Outcome) else None
    errors = {"reason": HIDDEN_CHARACTERS} if has_forbidden_characters(reason) else {}
    if chosen is None:
        errors["outcome"] = "Select what happens next with this report"
    if chosen is None or errors:
        return _report_page(request, user, reference, errors=errors, form=dict(
            outcome=outcome if chosen else "", reason=reason, transfer_to=transfer_to))
    try:
        with casework_of(request).session() as session:
            decide(session, user, reference, chosen, reason=reason or None,
                   transfer_to=transfer_to or None)
    except CaseworkError as exc:
        if exc.http_status != 400:
            raise
        errors = {OUTCOME_FIELD.get(chosen, "outcome"): sentence(exc.message)}
        return _report_page(request, user, reference, errors=errors, form=dict(
            outcome=outcome, reason=reason, transfer_to=transfer_to))
    if chosen is Outcome.TRANSFER:  # no longer this area's report: back to the queue
        return RedirectResponse("/triage", status_code=303)
    return RedirectResponse(f"/triage/{reference}", status_code=303)


def _report_page(request: Request, user: User, reference: str, *,
                 errors: FieldErrors | None = None,
                 form: dict[str, str] | None = None) -> Response:
    with casework_of(request).session() as session:
        report = open_report(session, user, reference, PURPOSE)
        events = timeline(session, user, reference)
    errors, form = errors or {}, form or {}
    return render(request, "triage/report.html", {
        "report": report, "events": events, "outcomes": OUTCOME_LABELS, "errors": errors,
        "error_list": error_list(errors, ["outcome", "reason", "transfer_to"]),
        "form": form, "authorities": _authority_options(form.get("transfer_to", ""))},
        status_code=400 if errors else 200)


def _authority_options(selected: str) -> list[dict[str, object]]:
    """The transfer list: every local authority by name, from the code list."""
    authorities = codelist("local_authorities")
    options: list[dict[str, object]] = [{"value": "", "text": "Choose a local authority"}]
    options += sorted(({"value": code, "text": authorities.label(code),
                        "selected": code == selected} for code in authorities.codes),
                      key=lambda option: str(option["text"]))
    return options
