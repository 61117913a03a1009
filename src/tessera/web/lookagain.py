"""The look-again list in the web app: an analyst's own force's closed cases to look at again,
every force's for a national analyst, and one case with its explained score and evidence
trail.

Why from the casework store: the list is published there by `tessera publish look-again`
(the web app never opens the warehouse); the pages show the latest publication, saying when
it was published and from which data. Every view is logged (casework/publications.py); a case
of another force is answered as if it did not exist, and that attempt is logged too.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from tessera.casework.models import User
from tessera.casework.publications import READER_ROLES, force_list, open_entry
from tessera.publish.lookagain_publication import PRODUCT
from tessera.web.access import SignedIn, casework_of
from tessera.web.rendering import render

policy = SignedIn(*READER_ROLES)
router = APIRouter(prefix="/look-again", dependencies=[Depends(policy)],
                   include_in_schema=False)

LIST_PURPOSE = "look-again: viewed the list of closed cases to look at again"
CASE_PURPOSE = "look-again: opened a case from the list to decide whether to review it"


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
    score, and the evidence trail (the view is logged)."""
    with casework_of(request).session() as session:
        publication, entry = open_entry(session, user, PRODUCT, key, purpose=CASE_PURPOSE)
    return render(request, "lookagain/case.html", {
        "publication": publication, "entry": entry, "column": "full"})
