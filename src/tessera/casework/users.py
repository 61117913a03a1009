"""Users, passwords and API tokens.

Why argon2 for passwords and SHA-256 for tokens: a password is chosen by a person and may be
guessable, so it is stored with a slow, memory-hard hash (argon2id, the OWASP recommendation);
an API token is 256 random bits, so a fast hash is as safe and keeps every API request cheap,
which is what lets intake reach hundreds of reports a second.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime
from functools import cache

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from tessera.casework.models import ApiToken, User
from tessera.casework.roles import AREA_CODELISTS, AreaType, Role
from tessera.dataset import codelist
from tessera.errors import CaseworkError, NotFound

__all__ = ["User", "add_user", "authenticate", "disable_user", "get_user", "issue_api_token",
           "user_for_token"]

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


def disable_user(session: Session, username: str) -> None:
    """Stop a user signing in or using their API tokens; their past actions stay recorded."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(f"no user called {username!r}")
    user.disabled = True


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The enabled user with this username and password, else None.

    An unknown username costs the same argon2 verify as a wrong password, so response times
    do not reveal which usernames exist.
    """
    user = session.scalar(select(User).where(User.username == username))
    try:
        _hasher.verify(user.password_hash if user else _unused_hash(), password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or user.disabled:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    return user


def get_user(session: Session, user_id: int) -> User | None:
    """The user with this id, or None (disabled users are returned: callers check)."""
    return session.get(User, user_id)


def issue_api_token(session: Session, username: str) -> str:
    """A new API token for the user; only its hash is stored, so it is shown once."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(f"no user called {username!r}")
    if user.disabled:
        raise CaseworkError(f"{username!r} is disabled; enable the account before issuing a token")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=user.id, token_sha256=_token_hash(token),
                         created_at=datetime.now(UTC)))
    return token


def user_for_token(session: Session, token: str) -> User | None:
    """The enabled user an API token belongs to, else None."""
    user = session.scalar(select(User).join(ApiToken, ApiToken.user_id == User.id)
                          .where(ApiToken.token_sha256 == _token_hash(token)))
    return None if user is None or user.disabled else user


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
