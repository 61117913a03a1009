"""The reporting service's one app object and its route table.

`create_app` wires the casework store, the receipt signer, the session cookie, the GOV.UK
Frontend assets, the routers and the one error renderer together; `app_from_settings` is the
factory each `tessera serve` worker calls. Routers are listed here, in one place, so the whole
surface of the service (and the policy guarding each route) can be read at a glance.
"""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import anyio.to_thread
from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp

from tessera.casework.filing import Filer
from tessera.casework.sign_in import ABSOLUTE_LIMIT
from tessera.casework.signing import Signer
from tessera.casework.store import Casework
from tessera.config import Settings, load_settings
from tessera.errors import ConfigurationError, TesseraError
from tessera.web import (
    accounts,
    admin,
    api,
    lookagain,
    performance,
    profiles,
    receipts,
    reports,
    review_requests,
    reviews,
    start,
    tracker,
    triage,
)
from tessera.web.access import Policy, session_secret
from tessera.web.rendering import SERVICE_NAME, render_error, render_invalid_request
from tessera.web.transport import MAX_BODY_BYTES, SecurityHeaders

ROUTERS = (start.router, accounts.router, reports.router, triage.router, admin.router,
           lookagain.router, profiles.router, performance.router, tracker.router,
           tracker.admin_router, receipts.router, review_requests.router, reviews.router,
           api.router)
STATIC = Path(__file__).parent / "static"
"""GOV.UK Frontend's assets, copied from npm by scripts/setup.sh (never committed)."""
ASSETS = Path(__file__).parent / "assets"
"""Tessera's own script and styles, served beside GOV.UK Frontend's at /assets/tessera/."""
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
THREADS = 8
"""Routes a worker runs at once, not anyio's 40. Python runs one thread at a time, so a busy
worker's threads queue for the interpreter after every database round trip, and the longer
that queue, the longer each transaction holds its locks. Eight keep a filing's batch full
(casework/filing.py: the requests waiting while one batch is filed make the next); requests
beyond them wait in the event loop, costing nothing."""


def create_app(casework: Casework, *, session_key: str, secure_cookies: bool) -> FastAPI:
    """The FastAPI app serving the pages, the JSON API and the GOV.UK assets.

    Args:
        casework: the open casework store every route reads and writes through, opened with
            the service's signer (which signs receipts and the ledger; its public keys are
            published for verification).
        session_key: signs session cookies; the same in every worker.
        secure_cookies: mark cookies Secure (HTTPS only); off only on loopback.
    """
    if casework.signer is None:
        raise ConfigurationError("the reporting service needs the casework store opened with "
                                 "its signing key")
    if not (STATIC / "govuk-frontend.min.css").exists():
        raise ConfigurationError(f"{STATIC}: the GOV.UK Frontend assets are missing; run "
                                 "'bash scripts/setup.sh' to install them from npm")
    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        anyio.to_thread.current_default_thread_limiter().total_tokens = THREADS
        # What exists once the worker has started (modules, the app, compiled statements) is
        # never garbage: out of the collector's sight, a full collection, which stops every
        # request of the worker at once, takes a fraction as long. In alternating runs of
        # benchmarks/intake.py, p99 at a steady 300 reports/s went from 190-407 ms to 61-104
        # (SQLite) and from 108-263 to 78-133 (PostgreSQL).
        gc.freeze()
        yield

    app = _App(title=f"Tessera: {SERVICE_NAME}", version="1", docs_url=None, redoc_url=None,
               description=api.__doc__, lifespan=lifespan, max_body_size=MAX_BODY_BYTES)
    app.state.casework = casework
    app.state.filer = Filer(casework)
    app.add_middleware(SessionMiddleware, secret_key=session_key,
                       session_cookie="tessera_session",
                       max_age=int(ABSOLUTE_LIMIT.total_seconds()),
                       same_site="lax", https_only=secure_cookies)
    app.mount("/assets/tessera", StaticFiles(directory=ASSETS), name="tessera-assets")
    app.mount("/assets", StaticFiles(directory=STATIC), name="assets")
    for router in ROUTERS:
        app.include_router(router)
    app.add_exception_handler(TesseraError, render_error)
    app.add_exception_handler(HTTPException, render_error)
    app.add_exception_handler(RequestValidationError, render_invalid_request)
    unguarded = unguarded_routes(app)
    if unguarded:
        raise ConfigurationError("routes without an access policy: " + ", ".join(unguarded))
    return app


class _App(FastAPI):
    """FastAPI with `SecurityHeaders` outside everything else, even Starlette's error
    middleware (so a 500 carries the headers too), and an OpenAPI document that describes
    the request bodies routes read themselves."""

    def build_middleware_stack(self) -> ASGIApp:
        return SecurityHeaders(super().build_middleware_stack())

    def openapi(self) -> dict[str, Any]:
        if self.openapi_schema is None:
            api.add_request_schemas(super().openapi())
        return super().openapi()


def route_policy(route: APIRoute) -> Policy | None:
    """The access policy a route declares (through its router), or None."""
    for dependency in route.dependant.dependencies:
        if isinstance(dependency.call, Policy):
            return dependency.call
    return None


def api_routes(app: FastAPI) -> list[APIRoute]:
    """Every route of the app: those added to it directly and those of its routers.

    Why the routers too: newer FastAPI versions keep included routers as one entry of
    `app.routes`, so their routes are read from the routers themselves.
    """
    routes = [*app.routes, *(route for router in ROUTERS for route in router.routes)]
    return [route for route in routes if isinstance(route, APIRoute)]


def unguarded_routes(app: FastAPI) -> list[str]:
    """Every route without a policy: deny by default means there must be none."""
    return [f"{'|'.join(sorted(route.methods or ()))} {route.path}" for route in api_routes(app)
            if route_policy(route) is None]


def app_from_settings(settings: Settings | None = None) -> FastAPI:
    """The app as `tessera serve` runs it, from `TESSERA_*` settings (one call per worker)."""
    settings = settings or load_settings()
    return create_app(Casework.open(settings.casework_url,
                                    Signer.from_file(settings.signing_key_file)),
                      session_key=session_secret(settings.session_key_file),
                      secure_cookies=settings.web_host not in LOOPBACK)
