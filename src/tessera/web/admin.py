"""The administrator's view of the read log: who opened which identifiable record, and why.

Read-only by construction: this router has only GET routes and the casework service offers no
way to change or delete an entry, so nobody can tidy the log through the app.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from tessera.casework.models import User
from tessera.casework.readlog import read_log
from tessera.casework.roles import Role
from tessera.web.access import SignedIn, casework_of
from tessera.web.rendering import render

policy = SignedIn(Role.ADMINISTRATOR)
router = APIRouter(prefix="/admin", dependencies=[Depends(policy)], include_in_schema=False)


@router.get("/read-log")
def read_log_page(request: Request, user: Annotated[User, Depends(policy)]) -> Response:
    """The most recent reads, newest first."""
    with casework_of(request).reading() as session:
        entries = read_log(session, user)
    return render(request, "admin/read_log.html", {"entries": entries, "column": "full"})
