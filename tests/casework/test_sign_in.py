"""Signing in: throttled by username and by address before any argon2, never inside a
transaction, and sessions held in the store that end at once and expire."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import pytest
from argon2 import PasswordHasher, profiles
from sqlalchemy import func, select

from tessera.casework import users
from tessera.casework.models import SignInThrottle, WebSession
from tessera.casework.sign_in import (
    ABSOLUTE_LIMIT,
    ACCOUNT_FREE_FAILURES,
    ADDRESS_FREE_FAILURES,
    FORGET_AFTER,
    IDLE_LIMIT,
    end_session,
    session_user,
    sign_in,
)
from tessera.casework.store import Casework
from tessera.casework.users import disable_user, end_sessions
from tessera.errors import TooManyAttempts
from tests.casework.populate import PASSWORD, People

HERE = "192.0.2.1"
WRONG = "not the password at all"


class WatchedHasher(PasswordHasher):
    """argon2's cheapest parameters, counting verifications and whether any database
    connection was checked out (a transaction open) while one ran."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.verified = 0
        self.connections_open: list[int] = []
        self.casework: Casework | None = None

    def verify(self, hash: str | bytes, password: str | bytes) -> bool:
        self.verified += 1
        if self.casework is not None:
            self.connections_open.append(self.casework.engine.pool.checkedout())  # type: ignore[attr-defined]
        return super().verify(hash, password)


@pytest.fixture
def hasher(casework: Casework, people: People, monkeypatch: pytest.MonkeyPatch
           ) -> Iterator[WatchedHasher]:
    """The watched hasher in place of the service's (after the fixture's users exist)."""
    watched = WatchedHasher.from_parameters(profiles.CHEAPEST)
    assert isinstance(watched, WatchedHasher)
    watched.casework = casework
    monkeypatch.setattr(users, "_hasher", watched)
    yield watched


def _age(casework: Casework, model: Any, column: str, by: timedelta) -> None:
    """Move a timestamp of every row of `model` back by `by`, as if that much time passed."""
    with casework.session() as session:
        for row in session.scalars(select(model)):
            setattr(row, column, getattr(row, column) - by)


def _fail(casework: Casework, username: str, times: int, address: str = HERE) -> None:
    for _ in range(times):
        assert sign_in(casework, username, WRONG, address) is None


def test_the_right_password_starts_a_session_the_store_holds(casework: Casework,
                                                             hasher: WatchedHasher) -> None:
    """The cookie's secret finds the user; only its hash is stored; ending it ends it."""
    started = sign_in(casework, "teacher", PASSWORD, HERE)
    assert started is not None and started.user.username == "teacher"
    with casework.reading() as session:
        stored = session.scalars(select(WebSession.secret_sha256)).one()
    assert started.secret not in stored and len(stored) == 64
    found = session_user(casework, started.secret)
    assert found is not None and found.username == "teacher"
    end_session(casework, started.secret)
    assert session_user(casework, started.secret) is None


def test_the_password_is_checked_with_no_transaction_open(casework: Casework,
                                                          hasher: WatchedHasher) -> None:
    """argon2 runs between a reading session and a short writing one, never inside either,
    so a report filed meanwhile never waits for it (on SQLite it would wait for the lock)."""
    sign_in(casework, "teacher", PASSWORD, HERE)
    sign_in(casework, "teacher", WRONG, HERE)
    sign_in(casework, "nobody", WRONG, HERE)
    assert hasher.connections_open == [0, 0, 0]


@pytest.mark.parametrize("username", ["teacher", "nobody"], ids=["known", "unknown"])
def test_a_username_that_keeps_failing_must_wait_and_argon2_does_not_run(
        casework: Casework, hasher: WatchedHasher, username: str) -> None:
    """After the free failures, every attempt is refused with how long to wait, without a
    password check, even with the right password; an unknown name is treated the same, so
    throttling does not tell which names exist. Other addresses are throttled too."""
    _fail(casework, username, ACCOUNT_FREE_FAILURES)
    verified = hasher.verified
    for password, address in ((WRONG, HERE), (PASSWORD, HERE), (PASSWORD, "198.51.100.7")):
        with pytest.raises(TooManyAttempts, match="wait 1 minute, then try again") as caught:
            sign_in(casework, username, password, address)
        assert caught.value.http_status == 429 and 0 < caught.value.retry_after <= 60
    assert hasher.verified == verified


def test_each_further_failure_doubles_the_wait(casework: Casework,
                                               hasher: WatchedHasher) -> None:
    """One minute, then two, then four: guessing slows down fast."""
    _fail(casework, "teacher", ACCOUNT_FREE_FAILURES)
    for minutes in (2, 4):
        _age(casework, SignInThrottle, "failed_at", timedelta(hours=1))  # the wait is over
        _fail(casework, "teacher", 1)
        with pytest.raises(TooManyAttempts, match=f"wait {minutes} minutes"):
            sign_in(casework, "teacher", PASSWORD, HERE)


def test_one_address_trying_many_names_must_wait(casework: Casework,
                                                 hasher: WatchedHasher) -> None:
    """Below each name's own limit, but over the address's: refused, right password or not;
    another address is not."""
    names = [f"name-{n}" for n in range(ADDRESS_FREE_FAILURES)]
    for name in names:
        _fail(casework, name, 1)
    with pytest.raises(TooManyAttempts):
        sign_in(casework, "teacher", PASSWORD, HERE)
    assert sign_in(casework, "teacher", PASSWORD, "198.51.100.7") is not None


def test_signing_in_clears_the_names_failures_and_old_ones_are_forgotten(
        casework: Casework, hasher: WatchedHasher) -> None:
    """A correct password starts the count again; failures a day old no longer count."""
    _fail(casework, "teacher", ACCOUNT_FREE_FAILURES - 1)
    assert sign_in(casework, "teacher", PASSWORD, HERE) is not None
    _fail(casework, "teacher", ACCOUNT_FREE_FAILURES - 1)
    assert sign_in(casework, "teacher", PASSWORD, HERE) is not None
    _fail(casework, "gp", ACCOUNT_FREE_FAILURES, address="198.51.100.7")
    _age(casework, SignInThrottle, "failed_at", FORGET_AFTER)
    assert sign_in(casework, "gp", PASSWORD, "198.51.100.7") is not None


def test_failures_are_counted_exactly_when_workers_fail_at_once(
        casework: Casework, hasher: WatchedHasher) -> None:
    """As many attempts as go unthrottled, at the same moment on as many connections: each
    failure counted, in one row (the count is an atomic upsert in the store that every worker
    shares). Not more: an attempt that reads the count after the others wrote theirs would
    rightly be throttled instead."""
    at_once = ACCOUNT_FREE_FAILURES
    start = threading.Barrier(at_once)

    def attempt(n: int) -> None:
        start.wait()
        sign_in(casework, "gp", WRONG, f"203.0.113.{n}")

    with ThreadPoolExecutor(at_once) as pool:
        list(pool.map(attempt, range(at_once)))
    with casework.reading() as session:
        counts = session.scalars(select(SignInThrottle.failures)).all()
    assert sorted(counts) == [1] * at_once + [at_once]


def test_a_disabled_account_is_refused_like_a_wrong_password(casework: Casework,
                                                             hasher: WatchedHasher) -> None:
    """No session, and a failure counted, as for any wrong details."""
    with casework.session() as session:
        disable_user(session, "teacher")
    assert sign_in(casework, "teacher", PASSWORD, HERE) is None
    with casework.reading() as session:
        assert session.scalar(select(func.count()).select_from(WebSession)) == 0


def test_disabling_or_ending_sessions_ends_them_at_once(casework: Casework,
                                                        hasher: WatchedHasher) -> None:
    """Both of a user's sessions end; another user's does not."""
    first, second = (sign_in(casework, "teacher", PASSWORD, HERE) for _ in range(2))
    other = sign_in(casework, "gp", PASSWORD, HERE)
    assert first and second and other
    with casework.session() as session:
        assert end_sessions(session, "teacher") == 2
    assert session_user(casework, first.secret) is None
    assert session_user(casework, second.secret) is None
    assert session_user(casework, other.secret) is not None
    with casework.session() as session:
        assert disable_user(session, "gp") == 1
    assert session_user(casework, other.secret) is None


@pytest.mark.parametrize(("column", "age"), [
    ("seen_at", IDLE_LIMIT), ("started_at", ABSOLUTE_LIMIT)],
    ids=["idle too long", "signed in too long ago"])
def test_sessions_expire(casework: Casework, hasher: WatchedHasher, column: str,
                         age: timedelta) -> None:
    """A session unused for the idle limit, or older than the absolute limit, is over; a
    request within them keeps it alive and moves its last-seen time."""
    started = sign_in(casework, "teacher", PASSWORD, HERE)
    assert started is not None
    _age(casework, WebSession, column, age - timedelta(minutes=2))
    assert session_user(casework, started.secret) is not None
    _age(casework, WebSession, column, age + timedelta(minutes=1))
    assert session_user(casework, started.secret) is None
    assert sign_in(casework, "gp", PASSWORD, HERE) is not None  # purges expired sessions
    with casework.reading() as session:
        assert session.scalar(select(func.count()).select_from(WebSession)) == 1
