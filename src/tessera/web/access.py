"""Who may use which route: sign-in state, CSRF tokens and the role policy every route declares.

Deny by default: each router is built with one `Policy` as its dependency, and `app.py` refuses
to start if any route lacks one (tests/web walks the routes too). A policy is the only place a
role is checked on the way in; the casework services check areas and ownership again below.

Pages authenticate with a session cookie (HttpOnly, SameSite=Lax, Secure unless the service
listens on loopback, signed) holding only random values: the secret of a session held in the
casework store (casework/sign_in.py; signing out deletes it there, so a copied cookie stops
working) and a CSRF token, never the user's id or report data. Every unsafe page request must
carry that token in its form. The JSON API never reads the cookie: it authenticates with a
Bearer token, which a cross-site form cannot send, so it needs no CSRF token and costs one
SHA-256 per request instead of an argon2 hash.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from pathlib import Path
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from tessera.casework.filing import Filer
from tessera.casework.models import User
from tessera.casework.roles import Role
from tessera.casework.sign_in import NewSession, end_session, session_user
from tessera.casework.store import Casework
from tessera.casework.users import TokenHolder, token_holder
from tessera.errors import FormExpired, NotPermitted, NotSignedIn
from tessera.keyfiles import new_hex_secret, read_or_create_key

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
TOKEN_CACHE_SECONDS = 10.0
"""How long a worker trusts a token it has looked up (see `BearerToken`)."""
TOKEN_CACHE_SIZE = 10_000
CSRF_FIELD = "csrf_token"
_SESSION = "session"
_CSRF = "csrf"


def session_secret(path: Path) -> str:
    """The key that signs session cookies, read from a 0600 file made on first use.

    Why a file and not a random key per process: every worker of `tessera serve` must accept
    the others' cookies, and a restart must not sign everybody out.
    """
    return read_or_create_key(path, "session key", new_hex_secret).decode("ascii").strip()


def casework_of(request: Request) -> Casework:
    """The app's casework store (opened once in `create_app`)."""
    casework: Casework = request.app.state.casework
    return casework


def filer_of(request: Request) -> Filer:
    """The app's filer of reports (one per worker process, made in `create_app`)."""
    filer: Filer = request.app.state.filer
    return filer


async def check_csrf(request: Request) -> None:
    """Give each session a CSRF token, and refuse an unsafe request whose form lacks it.

    Why a synchroniser token and not only SameSite: Lax still lets a top-level cross-site
    POST through in some browsers for two minutes after a cookie is set.
    """
    if request.method in SAFE_METHODS:
        if _CSRF not in request.session:
            request.session[_CSRF] = secrets.token_urlsafe(32)
        return
    expected = request.session.get(_CSRF)
    sent = (await request.form()).get(CSRF_FIELD)
    if not expected or not isinstance(sent, str) or not hmac.compare_digest(expected, sent):
        raise FormExpired("This form has expired or was not sent from this service. Go back, "
                          "reload the page and try again.")


def client_address(request: Request) -> str:
    """The address the request came from (the proxy's, behind one: see README)."""
    return request.client.host if request.client else ""


def start_session(request: Request, signed_in: NewSession) -> None:
    """Give the browser the new session's secret and a new CSRF token (no session fixation)."""
    request.session.clear()
    request.session[_SESSION] = signed_in.secret
    request.session[_CSRF] = secrets.token_urlsafe(32)
    request.state.user = signed_in.user


def sign_out(request: Request) -> None:
    """End the session in the store and clear the cookie in the response."""
    secret = request.session.get(_SESSION)
    if isinstance(secret, str):
        end_session(casework_of(request), secret)
    request.session.clear()


def _session_user(request: Request) -> User | None:
    """The signed-in user, or None; a session ended or expired in the store is forgotten."""
    secret = request.session.get(_SESSION)
    if not isinstance(secret, str):
        return None
    user = session_user(casework_of(request), secret)
    if user is None:
        del request.session[_SESSION]
        return None
    request.state.user = user
    return user


class Policy:
    """Base of every route's access rule; a route without one is refused at start-up."""

    roles: frozenset[Role] = frozenset()

    def describe(self) -> str:
        """Who the policy lets in, for the role table in tests and for error messages."""
        raise NotImplementedError


class Anyone(Policy):
    """Public pages (start, sign-in, receipt verification): anyone, signed in or not.

    Their forms still carry the CSRF token, so signing in or out cannot be forged either.
    """

    def __call__(self, request: Request,
                 _csrf: Annotated[None, Depends(check_csrf)]) -> User | None:
        return _session_user(request)

    def describe(self) -> str:
        return "anyone"


class SignedIn(Policy):
    """Pages for signed-in users holding one of `roles`; anyone else is sent to sign in (not
    signed in) or refused with 403 (signed in with another role)."""

    def __init__(self, *roles: Role) -> None:
        self.roles = frozenset(roles)

    def __call__(self, request: Request, _csrf: Annotated[None, Depends(check_csrf)]) -> User:
        user = _session_user(request)
        if user is None:
            raise NotSignedIn("Sign in to use this page.")
        if user.role not in self.roles:
            raise NotPermitted("Your account cannot use this page.")
        return user

    def describe(self) -> str:
        return "signed in as " + " or ".join(sorted(self.roles))


_bearer = HTTPBearer(auto_error=False, description="An API token from `tessera users token`.")


class BearerToken(Policy):
    """JSON API routes: `Authorization: Bearer <token>` of an active user holding a role.

    Why a worker remembers a token's holder for `TOKEN_CACHE_SECONDS`: a lookup is a read-only
    transaction of its own (it takes no write lock), yet one per request still cost about a
    sixth of intake (benchmarks/intake.py: 370 rather than 450 reports/s on SQLite, 320
    rather than 395 on PostgreSQL). Nothing is lost by it: the casework service reloads the
    account and the token's row in the transaction that acts, so an account disabled or a
    token revoked a moment ago can file nothing (403 until the entry expires, then 401).
    Only the token's SHA-256 is kept as the key.

    Why a coroutine: a remembered token (nearly every request) is answered on the event loop,
    and only a lookup goes to the thread pool. A plain function would send every request
    through a thread and back just to read a dict, which costs more than the read, and holds
    one of the pool's few places (app.py) meanwhile. The cache is only touched on the loop.
    """

    def __init__(self, *roles: Role) -> None:
        self.roles = frozenset(roles)
        self._known: dict[str, tuple[float, TokenHolder]] = {}

    async def __call__(self, request: Request, credentials: Annotated[
            HTTPAuthorizationCredentials | None, Depends(_bearer)]) -> TokenHolder:
        if credentials is None:
            raise NotSignedIn("Send an API token as 'Authorization: Bearer <token>'.")
        key = hashlib.sha256(credentials.credentials.encode("utf-8")).hexdigest()
        now = time.monotonic()
        known = self._known.get(key)
        if known is not None and now - known[0] < TOKEN_CACHE_SECONDS:
            holder: TokenHolder | None = known[1]
        else:
            holder = await run_in_threadpool(_token_holder, casework_of(request),
                                             credentials.credentials)
            if len(self._known) >= TOKEN_CACHE_SIZE:
                self._known.clear()
            if holder is not None:
                self._known[key] = (now, holder)
        if holder is None:
            raise NotSignedIn("The API token is not valid, or its account is disabled.")
        if holder.user.role not in self.roles:
            raise NotPermitted("This token's account cannot use this API.")
        return holder

    def describe(self) -> str:
        return "bearer token of " + " or ".join(sorted(self.roles))


def _token_holder(casework: Casework, token: str) -> TokenHolder | None:
    """The active user a live token belongs to, read in a transaction of its own."""
    with casework.reading() as session:
        return token_holder(session, token)
