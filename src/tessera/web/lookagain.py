"""The look-again list in the web app: an analyst's own force's closed cases to look at again,
every force's for a national analyst, and one case with its explained score, evidence trail
and the decisions recorded on it (refer for reinvestigation, or no further action).

Why from the casework store: the list is published there by `tessera publish look-again`
(the web app never opens the warehouse); the pages show the latest publication, saying when
it was published and from which data. Every view is logged (casework/publications.py); a case
of another force is answered as if it did not exist, and that attempt is logged too.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from tessera.casework.lookagain_decisions import (
    DECISIONS,
    decision_errors,
    decisions_on,
    record_decision,
)
from tessera.casework.models import User
from tessera.casework.publications import READER_ROLES, force_list, open_entry
from tessera.publish.lookagain_publication import PRODUCT
from tessera.web.access import SignedIn, casework_of
from tessera.web.forms import error_list
from tessera.web.rendering import render

policy = SignedIn(*READER_ROLES)
router = APIRouter(prefix="/look-again", dependencies=[Depends(policy)],
                   include_in_schema=False)

LIST_PURPOSE = "look-again: viewed the list of closed cases to look at again"
CASE_PURPOSE = "look-again: opened a case from the list to decide whether to review it"
DECIDE_PURPOSE = "look-again: recorded a decision on a case of the list"


@router.get("")
def list_page(request: Request, user: Annotated[User, Depends(policy)],
              force: Annotated[str | None, Query(max_length=40)] = None) -> Response:
    """The latest list: the analyst's own force's cases, or (national analysts) every force's
    or one force's (`?force=CODE`), in rank order (the view is logged)."""
    with casework_of(request).session() as session:
        listed = force_list(session, user, PRODUCT, force=force or None, purpose=LIST_PURPOSE)
    options = [{"value": "", "text": "Every force", "selected": listed.force is None}] + [
        {"value": code, "text": name, "selected": code == listed.force}
        for code, name in listed.forces]
    return render(request, "lookagain/list.html", {"listed": listed, "options": options,
                                                   "column": "full"})


@router.get("/cases/{key}")
def case_page(request: Request, key: str, user: Annotated[User, Depends(policy)]) -> Response:
    """One case: the facts that meet the rules, each feature's weight and contribution to the
    score, the evidence trail, and the decisions recorded on it (the view is logged)."""
    return _case_page(request, user, key)


@router.post("/cases/{key}/decision")
def decision(request: Request, key: str, user: Annotated[User, Depends(policy)],
             decision: Annotated[str, Form()] = "",
             reason: Annotated[str, Form()] = "") -> Response:
    """Record the analyst's decision on a case they may see (the case is opened again, so the
    read is checked and logged), then show the case; or the form with what to correct."""
    errors = decision_errors(decision, reason)
    if errors:
        return _case_page(request, user, key, errors=errors,
                          form={"decision": decision, "reason": reason})
    with casework_of(request).session() as session:
        publication, entry = open_entry(session, user, PRODUCT, key, purpose=DECIDE_PURPOSE)
        record_decision(session, user, entry, publication.publication_id, decision, reason)
    return RedirectResponse(f"/look-again/cases/{key}#decisions", status_code=303)


def _case_page(request: Request, user: User, key: str, *,
               errors: dict[str, str] | None = None,
               form: dict[str, str] | None = None) -> Response:
    with casework_of(request).session() as session:
        publication, entry = open_entry(session, user, PRODUCT, key, purpose=CASE_PURPOSE)
        decided = decisions_on(session, entry.key)
    errors = errors or {}
    return render(request, "lookagain/case.html", {
        "publication": publication, "entry": entry, "decisions": decided,
        "labels": DECISIONS, "errors": errors, "form": form or {},
        "error_list": error_list(errors, ["decision", "reason"]), "column": "full"},
        status_code=400 if errors else 200)
