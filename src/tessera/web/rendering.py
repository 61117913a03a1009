"""Templates and the one error renderer: every page and every error leaves the app through here.

Why one renderer: a `TesseraError` raised anywhere below a route (a service refusing an action,
a missing report, a role that may not see a page) becomes the same GOV.UK error page for a
browser and the same `{"detail": ...}` body for the JSON API, with the error's own HTTP status.
The API is told apart by its path, so a browser never gets JSON and a client never gets HTML.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import ChoiceLoader, Environment, PackageLoader, PrefixLoader
from starlette.exceptions import HTTPException

from tessera.casework.readlog import log_read
from tessera.casework.roles import Role
from tessera.casework.store import Casework
from tessera.errors import NoSuchRecord, NoSuchReport, NotSignedIn, TesseraError

SERVICE_NAME = "Report child sexual abuse"
API_PREFIX = "/api/"
REFUSED = "refused: not in your area or no such report"
"""The read log's purpose for an attempt to open a report that was refused."""
REFUSED_RECORD = "refused: not in your force or no such record"
"""The same for a published record (a case of the look-again list)."""

templates = Jinja2Templates(env=Environment(
    loader=ChoiceLoader([
        PackageLoader("tessera.web", "templates"),
        PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
    ]),
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
))


# Where each role works; the service navigation shows a signed-in user theirs.
_NAVIGATION = {
    Role.REPORTER: [("Make a report", "/report")],
    Role.TRIAGE: [("Reports to triage", "/triage")],
    Role.REVIEW_CASEWORKER: [("Review requests", "/reviews")],
    Role.ADMINISTRATOR: [("Read log", "/admin/read-log")],
    Role.ANALYST: [("Cases to look at again", "/look-again"), ("Problem profile", "/profiles"),
                   ("Performance", "/performance")],
    Role.NATIONAL_ANALYST: [("Cases to look at again", "/look-again"),
                            ("Problem profiles", "/profiles"), ("Performance", "/performance")],
}


def navigation_for(user: Any) -> list[dict[str, str]]:
    """The service navigation: a user's own pages, then the public receipt check."""
    links = _NAVIGATION.get(user.role, []) if user else [("Sign in", "/login")]
    links = [*links, ("Verify a receipt", "/receipts/verify")]
    return [{"text": text, "href": href} for text, href in links]


templates.env.globals["navigation_for"] = navigation_for


def render(request: Request, template: str, context: dict[str, Any] | None = None, *,
           status_code: int = 200, headers: dict[str, str] | None = None) -> Response:
    """A page from `templates/`, with what every page's layout needs added to its context.

    The layout reads the signed-in user (for the header's sign-out button) and the session's
    CSRF token (for every form) from the request, so routes pass only their own data.
    """
    page = {"service_name": SERVICE_NAME, "user": getattr(request.state, "user", None),
            "csrf_token": request.session.get("csrf", ""), **(context or {})}
    return templates.TemplateResponse(request, template, page, status_code=status_code,
                                      headers=headers)


CHART_POLICY = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
"""A chart's own Content-Security-Policy: matplotlib's SVG styles itself inline, which the
pages' policy forbids; the chart may load and run nothing."""


def svg_response(svg: str) -> Response:
    """A chart drawn as SVG, for an `<img>` on a page: an image runs no script, and its own
    policy lets it keep its inline styles and nothing else."""
    return Response(svg, media_type="image/svg+xml",
                    headers={"Content-Security-Policy": CHART_POLICY})


def is_api(request: Request) -> bool:
    """The JSON API lives under /api/; everything else is a page for a person."""
    return request.url.path.startswith(API_PREFIX)


def render_error(request: Request, exc: Exception) -> Response:
    """Render a `TesseraError` (or Starlette's 404/405) as a page or as JSON.

    A browser that is not signed in is sent to the sign-in page and back afterwards, rather
    than shown an error: that is the GOV.UK pattern, and it keeps deep links working. A
    refused attempt to open a report is written to the read log first (`log_refusal`).
    """
    headers: dict[str, str] | None = None
    if isinstance(exc, TesseraError):
        status, message = exc.http_status, exc.message
    elif isinstance(exc, HTTPException):
        status, message = exc.status_code, _STARLETTE_MESSAGES.get(exc.status_code, exc.detail)
        headers = dict(exc.headers or {})  # 405's Allow
    else:  # pragma: no cover - only the two types above are registered
        raise exc
    if isinstance(exc, NoSuchReport):
        log_refusal(request, "report", exc.reference, REFUSED)
    elif isinstance(exc, NoSuchRecord):
        log_refusal(request, exc.record_kind, exc.key, REFUSED_RECORD)
    if is_api(request):
        if isinstance(exc, NotSignedIn):
            headers = {"WWW-Authenticate": "Bearer"}
        return JSONResponse({"detail": message}, status_code=status, headers=headers)
    if isinstance(exc, NotSignedIn):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target)}", status_code=303)
    return render(request, "error.html", {"status": status, "message": message},
                  status_code=status, headers=headers)


def log_refusal(request: Request, record_kind: str, record_id: str, purpose: str) -> None:
    """Write a refused attempt to open a record to the read log, in a transaction of its own
    (the refusing one has rolled back): probing for references shows up there."""
    user = getattr(request.state, "user", None)
    if user is None:
        return
    casework: Casework = request.app.state.casework
    with casework.session() as session:
        log_read(session, user, record_kind, record_id, purpose)


def render_invalid_request(request: Request, exc: Exception) -> Response:
    """422 for the API naming each field and what to fix; a plain 400 page for a browser.

    Pages validate their own forms and show GOV.UK error messages, so FastAPI's own
    validation fails for a page only when a request was tampered with.
    """
    assert isinstance(exc, RequestValidationError)
    if not is_api(request):
        return render(request, "error.html", {"status": 400, "message": (
            "The page sent something this service does not understand. Go back and try "
            "again.")}, status_code=400)
    return JSONResponse(invalid_fields_body(exc.errors()), status_code=422)


def invalid_fields_body(errors: Any) -> dict[str, Any]:
    """The 422 body: one entry per field, named as in the request body, with a message a
    person can act on (the casework model's own GOV.UK-style sentences)."""
    fields = []
    for error in errors:
        loc = [str(part) for part in error.get("loc", ()) if part != "body"]
        fields.append({"field": ".".join(loc) or None, "message": error.get("msg", "")})
    return {"detail": "The report is not valid: correct the fields named below.",
            "errors": fields}


_STARLETTE_MESSAGES = {
    404: "Page not found. If you typed the web address, check it is correct.",
    405: "This page cannot be used like that.",
    413: "What was sent is larger than this service takes. Go back and send less.",
}
