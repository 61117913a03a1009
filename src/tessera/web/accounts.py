"""Signing in and out of the pages (the JSON API uses Bearer tokens instead)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from tessera.casework.roles import Role
from tessera.casework.users import User, authenticate
from tessera.web.access import Anyone, casework_of, sign_in, sign_out
from tessera.web.forms import error_list
from tessera.web.rendering import render

policy = Anyone()
router = APIRouter(dependencies=[Depends(policy)], include_in_schema=False)

# Where each role lands after signing in, unless it was sent to sign in from a page.
HOME: dict[str, str] = {Role.REPORTER: "/report", Role.TRIAGE: "/triage",
                        Role.ADMINISTRATOR: "/admin/read-log"}


@router.get("/login")
def login_page(request: Request, next: str = "") -> Response:
    """The sign-in form; `next` is the page to return to afterwards."""
    return render(request, "accounts/login.html", {"next": _safe_next(next), "errors": {}})


@router.post("/login")
def login(request: Request, username: Annotated[str, Form()] = "",
          password: Annotated[str, Form()] = "", next: Annotated[str, Form()] = "") -> Response:
    """Check the password (argon2, in the casework service) and start a fresh session."""
    errors = {}
    if not username.strip():
        errors["username"] = "Enter your username"
    if not password:
        errors["password"] = "Enter your password"
    user: User | None = None
    if not errors:
        with casework_of(request).session() as session:
            user = authenticate(session, username.strip(), password)
        if user is None:
            errors["username"] = "Enter a correct username and password"
    if user is None:
        return render(request, "accounts/login.html", {
            "next": _safe_next(next), "username": username, "errors": errors,
            "error_list": error_list(errors, ["username", "password"])}, status_code=400)
    sign_in(request, user)
    return RedirectResponse(_safe_next(next) or HOME.get(user.role, "/"), status_code=303)


@router.post("/logout")
def logout(request: Request) -> Response:
    """End the session and go back to the start page."""
    sign_out(request)
    return RedirectResponse("/", status_code=303)


def _safe_next(target: str) -> str:
    """Only a path on this service: never an open redirect to another site."""
    return target if target.startswith("/") and not target.startswith(("//", "/\\")) else ""
