"""The service's start page: what the duty to report is, and where to begin."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from tessera.casework.users import User
from tessera.web.access import Anyone
from tessera.web.rendering import render

policy = Anyone()
router = APIRouter(dependencies=[Depends(policy)], include_in_schema=False)


@router.get("/")
def start_page(request: Request, user: Annotated[User | None, Depends(policy)]) -> Response:
    """GOV.UK start page: who must report, what they get, and the Start now button."""
    return render(request, "start/index.html")
