"""Users, passwords and API tokens.

Why argon2 for passwords and SHA-256 for tokens: a password is chosen by a person and may be
guessable, so it is stored with a slow, memory-hard hash (argon2id, the OWASP recommendation);
an API token is 256 random bits, so a fast hash is as safe and keeps every API request cheap,
which is what lets intake reach hundreds of reports a second.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from tessera.casework.models import ApiToken, User, WebSession
from tessera.casework.roles import AREA_CODELISTS, AreaType, Role
from tessera.casework.store import Casework
from tessera.casework.text import has_forbidden_characters
from tessera.dataset import codelist
from tessera.errors import CaseworkError, NotFound, NotPermitted

__all__ = ["TokenHolder", "TokenInfo", "User", "add_user", "api_tokens", "disable_user",
           "enable_user", "end_sessions", "get_user", "issue_api_token", "revoke_api_token",
           "token_holder", "user_named"]

MIN_PASSWORD_LENGTH = 12
"""NCSC guidance favours length over complexity rules: twelve characters (three random words)
resists guessing without driving people to write passwords down."""
TOKEN_PREFIX = "tsr_"
"""Marks a Tessera API token, so one pasted into the wrong place is easy to spot and revoke."""
AREA_ROLES = (Role.TRIAGE, Role.ANALYST)
"""Roles that may be scoped to an area; every other role works nationally or on its own cases."""

PASSWORD_PROFILE = profiles.RFC_9106_LOW_MEMORY
"""argon2id with 64 MiB, 3 passes (RFC 9106's second recommended option, argon2-cffi's
default): about a third of a second per sign-in on two cores, which is the point."""

_hasher = PasswordHasher.from_parameters(PASSWORD_PROFILE)


@cache
def _unused_hash() -> str:
    """A hash of no one's password, so an unknown name costs a real verify."""
    return _hasher.hash(secrets.token_hex(16))


def add_user(session: Session, *, username: str, password: str, role: Role,
             display_name: str, organisation: str | None = None,
             area_type: AreaType | None = None, area_code: str | None = None) -> User:
    """Create a user; the area (for triage and analyst roles) must come from its code list.

    A triage or analyst user with no area works the national queue (national triage) or sees
    every force (national analyst work is its own role).
    """
    username = username.strip()
    if not username or len(username) > 64 or any(c.isspace() for c in username):
        raise CaseworkError("a username is 1 to 64 characters with no spaces")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise CaseworkError(f"the password must be at least {MIN_PASSWORD_LENGTH} characters")
    if has_forbidden_characters(password):
        raise CaseworkError("the password must not hold control characters: nobody could "
                            "type it into the sign-in page")
    if not display_name.strip():
        raise CaseworkError("enter the user's name as others should see it")
    _check_area(role, area_type, area_code)
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise CaseworkError(f"a user called {username!r} already exists")
    user = User(username=username, password_hash=_hasher.hash(password), role=role.value,
                display_name=display_name.strip(), organisation=organisation,
                area_type=area_type, area_code=area_code, disabled=False,
                created_at=datetime.now(UTC))
    session.add(user)
    session.flush()
    return user


def _check_area(role: Role, area_type: AreaType | None, area_code: str | None) -> None:
    if (area_type is None) != (area_code is None):
        raise CaseworkError("give both an area type and an area code, or neither")
    if area_type is None or area_code is None:
        return
    if role not in AREA_ROLES:
        raise CaseworkError(f"a {role.value} user has no area; only "
                            f"{' and '.join(r.value for r in AREA_ROLES)} users do")
    if area_type not in AREA_CODELISTS:
        raise CaseworkError(f"unknown area type {area_type!r}; use local_authority or "
                            "police_force")
    listed = codelist(AREA_CODELISTS[area_type])
    if area_code not in listed.codes:
        raise CaseworkError(f"{area_code!r} is not in the {listed.name} code list")


def user_named(session: Session, username: str) -> User:
    """The user with this username (enabled or not); `NotFound` if there is none."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(f"no user called {username!r}")
    return user


def disable_user(session: Session, username: str) -> int:
    """Stop a user signing in or using their API tokens, and end their sessions (how many).

    Their past actions stay recorded, and their tokens stay listed.
    """
    user = user_named(session, username)
    user.disabled = True
    return end_sessions(session, username)


def enable_user(session: Session, username: str) -> None:
    """Let a disabled user sign in and use their (unrevoked) API tokens again."""
    user_named(session, username).disabled = False


def end_sessions(session: Session, username: str) -> int:
    """End every signed-in session of a user at once (their cookies stop working); how many.

    For a lost or shared device, or a password someone else may know: the user can sign in
    again straight away, unlike after `disable_user`.
    """
    user = user_named(session, username)
    ended = session.execute(delete(WebSession).where(WebSession.user_id == user.id))
    return int(getattr(ended, "rowcount", 0))


def check_password(user: User | None, password: str) -> bool:
    """Whether `password` is the user's (an unknown user costs the same argon2 verify).

    Runs argon2 (a third of a second of a core, by design) and touches no database: the
    caller reads the user before and records the outcome after, never holding a transaction
    open through it (sign_in.py).
    """
    return check_secret(user.password_hash if user else None, password)


def verified_user_id(casework: Casework, username: str, password: str) -> int:
    """The id of the user these credentials are right for, for a command run at a terminal
    (the restricted editions, identity look-ups), which has no web session to show.

    Raises `NotPermitted` for a wrong username or password, one message for both. The
    password is checked (argon2, a third of a second) outside any transaction; the caller
    checks the role, in the database, in the transaction that logs what it shows.
    """
    with casework.reading() as session:
        user = session.scalar(select(User).where(User.username == username))
        user_id = user.id if user is not None else None
        correct = check_password(user, password)
    if not correct or user_id is None:
        raise NotPermitted("the username or password is not right")
    return user_id
def hash_secret(secret: str) -> str:
    """The argon2 hash of a secret that is not a password (a review request's), kept as a
    password is: with the same parameters, so it costs a guesser the same."""
    return _hasher.hash(secret)


def check_secret(secret_hash: str | None, secret: str) -> bool:
    """Whether `secret` matches the hash (None: no such record, at the same cost)."""
    try:
        _hasher.verify(secret_hash or _unused_hash(), secret)
    except (VerificationError, InvalidHashError):
        return False
    return secret_hash is not None


def rehashed_password(user: User, password: str) -> str | None:
    """A new hash of the user's (verified) password if its parameters are out of date."""
    if _hasher.check_needs_rehash(user.password_hash):
        return _hasher.hash(password)
    return None


def get_user(session: Session, user_id: int) -> User | None:
    """The user with this id, or None (disabled users are returned: callers check)."""
    return session.get(User, user_id)


@dataclass(frozen=True)
class TokenHolder:
    """An API token's id and the enabled user it belongs to, as a request presents them."""

    token_id: int
    user: User


@dataclass(frozen=True)
class TokenInfo:
    """An API token as an administrator sees it: never the token itself, which is not kept."""

    token_id: int
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


def issue_api_token(session: Session, username: str) -> str:
    """A new API token for the user; only its hash is stored, so it is shown once."""
    user = user_named(session, username)
    if user.disabled:
        raise CaseworkError(f"{username!r} is disabled; enable the account before issuing a token")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=user.id, token_sha256=_token_hash(token),
                         created_at=datetime.now(UTC)))
    return token


def token_holder(session: Session, token: str) -> TokenHolder | None:
    """The token's id and enabled user, else None (unknown, revoked, or account disabled)."""
    row = session.execute(select(ApiToken.id, User).join(User, User.id == ApiToken.user_id)
                          .where(ApiToken.token_sha256 == _token_hash(token),
                                 ApiToken.revoked_at.is_(None))).first()
    if row is None or row.User.disabled:
        return None
    return TokenHolder(row.id, row.User)


def api_tokens(session: Session, username: str) -> list[TokenInfo]:
    """Every API token issued to a user, oldest first, revoked ones included."""
    user = user_named(session, username)
    rows = session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)
                           .order_by(ApiToken.id))
    return [TokenInfo(t.id, t.created_at, t.last_used_at, t.revoked_at) for t in rows]


def revoke_api_token(session: Session, token_id: int) -> str:
    """Revoke one API token for good; the username it belonged to.

    It stops filing reports at once: the service checks the token's row in the transaction
    that files (`access.acting_user`), whatever a web worker still remembers of it.
    """
    token = session.get(ApiToken, token_id)
    if token is None:
        raise NotFound(f"no API token with id {token_id}")
    user = session.get(User, token.user_id)
    username = user.username if user else "?"
    if token.revoked_at is not None:
        raise CaseworkError(f"token {token_id} of {username!r} was already revoked")
    token.revoked_at = datetime.now(UTC)
    return username


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
