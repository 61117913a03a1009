"""Signing in to the pages: throttled password checks, and sessions held in the store.

Why the password is checked outside any transaction: argon2 takes a third of a second of a
core on purpose, and a writing transaction on SQLite holds the store's one write lock, so
verifying inside one made every report filed meanwhile wait behind it (four clients guessing
passwords took the API's median from 20 ms to over a second). `sign_in` reads in a reading
session, verifies with no transaction open, then writes the outcome in a short transaction.

Why throttle by the username typed and by the client's address: by username, guessing one
account's password is slowed whoever does it (an unknown name is throttled just the same, so
the answer never tells which names exist); by address, one client trying many names is slowed
too. A throttled attempt does not run argon2 at all, so it costs the service next to nothing.
Throttles live in the store, so every worker process sees the same counts.

A session is a random secret in the browser's cookie and its SHA-256 in `web_sessions`.
Deleting the row (sign-out, `end_sessions`, disabling the user, expiry) ends it everywhere,
copies of the cookie included.
"""

from __future__ import annotations

import hashlib
import math
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, case, delete, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from tessera.casework.models import SignInThrottle, User, WebSession
from tessera.casework.store import Casework
from tessera.casework.users import check_password, rehashed_password
from tessera.errors import TooManyAttempts

IDLE_LIMIT = timedelta(hours=1)
"""A session unused this long ends. Not shorter: a reporter may spend a long time writing what
a child disclosed on one page, and an expired session there loses what they wrote."""
ABSOLUTE_LIMIT = timedelta(hours=8)
"""A session ends this long after signing in, however busy: a working day."""
SEEN_PRECISION = timedelta(minutes=1)
"""How stale a session's last-seen time may get before a request rewrites it: the idle limit
is kept to the minute without a write on every page."""
ACCOUNT_FREE_FAILURES = 5
"""Failures in a row for one username before each further attempt must wait."""
ADDRESS_FREE_FAILURES = 20
"""Failures in a row from one address before it must wait: more than for a username, as a
school's or a surgery's staff may share one address."""
FIRST_WAIT = timedelta(minutes=1)
"""The wait after the first failure beyond the free ones; it doubles with each further one."""
LONGEST_WAIT = timedelta(hours=1)
FORGET_AFTER = timedelta(hours=24)
"""Failures are forgotten this long after the last one (or at once, for a username, when its
password is given correctly)."""


@dataclass(frozen=True)
class NewSession:
    """A user who has just signed in, and the secret their browser's cookie carries."""

    user: User
    secret: str


def sign_in(casework: Casework, username: str, password: str, address: str
            ) -> NewSession | None:
    """Check a username and password and start a session; None if they are not right.

    Raises `TooManyAttempts` (without checking the password) while the username or the
    address must wait. A wrong password, an unknown username and a disabled account all give
    None and count as a failure alike. Runs argon2 once: callers serving many clients bound
    how many run at once (web/accounts.py).
    """
    keys = {throttle_key("username", username): ACCOUNT_FREE_FAILURES,
            throttle_key("address", address): ADDRESS_FREE_FAILURES}
    now = datetime.now(UTC)
    with casework.reading() as session:
        wait = throttle_wait(session, keys, now)
        user = session.scalar(select(User).where(User.username == username))
    if wait > timedelta(0):
        raise too_many_attempts(wait, "to sign in with these details")
    correct = check_password(user, password)
    with casework.session() as session:
        if not correct or user is None or user.disabled:
            for key in keys:
                count_failure(session, key, now)
            return None
        session.execute(delete(SignInThrottle).where(
            or_(SignInThrottle.key_sha256 == throttle_key("username", username),
                SignInThrottle.failed_at < now - FORGET_AFTER)))
        session.execute(delete(WebSession).where(_expired(now)))
        new_hash = rehashed_password(user, password)
        if new_hash is not None:
            session.execute(update(User).where(User.id == user.id).values(
                password_hash=new_hash))
        secret = secrets.token_urlsafe(32)
        session.add(WebSession(secret_sha256=_secret_hash(secret), user_id=user.id,
                               started_at=now, seen_at=now))
    return NewSession(user, secret)


def session_user(casework: Casework, secret: str) -> User | None:
    """The enabled user a live session's secret belongs to, or None.

    An expired session is never found (its row goes at the next sign-in of anyone).
    """
    now = datetime.now(UTC)
    with casework.reading() as session:
        row = session.execute(select(WebSession, User).join(User, User.id == WebSession.user_id)
                              .where(WebSession.secret_sha256 == _secret_hash(secret),
                                     ~_expired(now), User.disabled.is_(False))).first()
    if row is None:
        return None
    web_session, user = row
    if now - web_session.seen_at >= SEEN_PRECISION:
        with casework.session() as session:
            session.execute(update(WebSession).where(WebSession.id == web_session.id)
                            .values(seen_at=now))
    return user


def end_session(casework: Casework, secret: str) -> None:
    """End one session (signing out): its cookie, and every copy of it, stops working."""
    with casework.session() as session:
        session.execute(delete(WebSession).where(
            WebSession.secret_sha256 == _secret_hash(secret)))


def too_many_attempts(wait: timedelta, doing: str) -> TooManyAttempts:
    """The refusal while a throttle runs, saying how long to wait (the review request's
    progress check uses it too)."""
    seconds = math.ceil(wait.total_seconds())
    minutes = math.ceil(seconds / 60)
    return TooManyAttempts(f"there have been too many attempts {doing}; wait {minutes} "
                           f"minute{'s' if minutes > 1 else ''}, then try again",
                           retry_after=seconds)


def throttle_wait(session: Session, keys: dict[str, int], now: datetime) -> timedelta:
    """How long the longest of the keys' throttles still has to run (zero: none)."""
    wait = timedelta(0)
    for throttle in session.scalars(select(SignInThrottle).where(
            SignInThrottle.key_sha256.in_(keys))):
        beyond = throttle.failures - keys[throttle.key_sha256]
        if beyond < 0 or now - throttle.failed_at >= FORGET_AFTER:
            continue
        penalty = min(FIRST_WAIT * 2 ** min(beyond, 16), LONGEST_WAIT)
        wait = max(wait, throttle.failed_at + penalty - now)
    return wait


def count_failure(session: Session, key: str, now: datetime) -> None:
    """One more failure for `key`, atomically (workers may count the same key at once); a
    count whose last failure is forgotten starts again from one."""
    insert: Any = (postgresql.insert if session.get_bind().dialect.name == "postgresql"
                   else sqlite.insert)
    session.execute(insert(SignInThrottle).values(key_sha256=key, failures=1, failed_at=now)
                    .on_conflict_do_update(index_elements=[SignInThrottle.key_sha256], set_={
                        "failures": case(
                            (SignInThrottle.failed_at < now - FORGET_AFTER, 1),
                            else_=SignInThrottle.failures + 1),
                        "failed_at": now}))


def _expired(now: datetime) -> ColumnElement[bool]:
    """Sessions past the idle or the absolute limit."""
    return or_(WebSession.seen_at < now - IDLE_LIMIT,
               WebSession.started_at < now - ABSOLUTE_LIMIT)


def throttle_key(kind: str, value: str) -> str:
    """The throttle row's key for what was typed or the address: a SHA-256, never the text."""
    return hashlib.sha256(f"{kind}\0{value}".encode("utf-8", "surrogatepass")).hexdigest()


def _secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()
