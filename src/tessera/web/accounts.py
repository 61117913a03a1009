"""Signing in and out of the pages (the JSON API uses Bearer tokens instead).

Why sign-in runs on a thread pool of its own, `PASSWORD_CHECKS`: each attempt runs argon2 for
a third of a second of a core. On the pool pages and the API share (two threads on SQLite),
four clients guessing passwords held both threads and everyone else's requests queued behind
them. Here at most `PASSWORD_CHECKS_AT_ONCE` attempts run at once per worker process, the
rest wait in the event loop at no cost, and every other request carries on.
"""

from __future__ import annotations

from functools import partial
from typing import Annotated

import anyio
from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from tessera.casework.roles import Role
from tessera.casework.sign_in import sign_in
from tessera.casework.text import HIDDEN_CHARACTERS, has_forbidden_characters
from tessera.errors import TooManyAttempts
from tessera.web.access import Anyone, casework_of, client_address, sign_out, start_session
from tessera.web.forms import error_list, sentence
from tessera.web.rendering import render

policy = Anyone()
router = APIRouter(dependencies=[Depends(policy)], include_in_schema=False)

# Where each role lands after signing in, unless it was sent to sign in from a page.
HOME: dict[str, str] = {Role.REPORTER: "/report", Role.TRIAGE: "/triage",
                        Role.REVIEW_CASEWORKER: "/reviews",
                        Role.ADMINISTRATOR: "/admin/read-log"}
PASSWORD_CHECKS_AT_ONCE = 1
"""Sign-ins (argon2 verifications) a worker process runs at once: one core of two, so the
other is always free for pages and the API."""
PASSWORD_CHECKS = anyio.CapacityLimiter(PASSWORD_CHECKS_AT_ONCE)


@router.get("/login")
def login_page(request: Request, next: str = "") -> Response:
    """The sign-in form; `next` is the page to return to afterwards."""
    return render(request, "accounts/login.html", {"next": _safe_next(next), "errors": {}})


@router.post("/login")
async def login(request: Request, username: Annotated[str, Form()] = "",
                password: Annotated[str, Form()] = "",
                next: Annotated[str, Form()] = "") -> Response:
    """Check the password (throttled, argon2) and start a fresh session held in the store."""
    errors: dict[str, str] = {}
    for field, value, missing in (("username", username.strip(), "Enter your username"),
                                  ("password", password, "Enter your password")):
        if not value:
            errors[field] = missing
        elif has_forbidden_characters(value):
            errors[field] = HIDDEN_CHARACTERS
    headers: dict[str, str] = {}
    signed_in = None
    if not errors:
        try:
            signed_in = await anyio.to_thread.run_sync(partial(
                sign_in, casework_of(request), username.strip(), password,
                client_address(request)), limiter=PASSWORD_CHECKS)
        except TooManyAttempts as exc:
            errors["username"] = sentence(exc.message)
            headers["Retry-After"] = str(exc.retry_after)
        else:
            if signed_in is None:
                errors["username"] = "Enter a correct username and password"
    if signed_in is None:
        return render(request, "accounts/login.html", {
            "next": _safe_next(next), "username": username, "errors": errors,
            "error_list": error_list(errors, ["username", "password"])},
            status_code=429 if headers else 400, headers=headers)
    start_session(request, signed_in)
    return RedirectResponse(_safe_next(next) or HOME.get(signed_in.user.role, "/"),
                            status_code=303)


@router.post("/logout")
def logout(request: Request) -> Response:
    """End the session, here and in the store (a copy of the cookie stops working too)."""
    sign_out(request)
    return RedirectResponse("/", status_code=303)


def _safe_next(target: str) -> str:
    """Only a path on this service: never an open redirect to another site."""
    return target if target.startswith("/") and not target.startswith(("//", "/\\")) else ""
