"""Casework stores on both backends, and the people and reports the tests act on.

Every test that takes `casework` runs twice: on a SQLite file and on PostgreSQL (each test in
a schema of its own, dropped afterwards, so tests never see each other's rows). PostgreSQL at
$TESSERA_TEST_POSTGRES_URL (default: the local server's `test` database) that cannot be
reached skips its half locally, with the reason, and fails the run in CI (when $CI is set).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from functools import cache

import pytest
from argon2 import PasswordHasher, profiles
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from tessera.casework import users
from tessera.casework.receipts import ReceiptSigner
from tessera.casework.store import Casework
from tests.casework.populate import People, populate_people

POSTGRES_URL = os.environ.get("TESSERA_TEST_POSTGRES_URL",
                              "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@cache
def _postgres_problem() -> str | None:
    """Why PostgreSQL cannot be used, or None when it can."""
    engine = create_engine(POSTGRES_URL, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except OperationalError as exc:
        return str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
    finally:
        engine.dispose()
    return None


@pytest.fixture
def postgres_schema_url() -> Iterator[str]:
    """A PostgreSQL URL whose search_path is a fresh schema, dropped after the test."""
    problem = _postgres_problem()
    if problem is not None:
        message = f"PostgreSQL at {POSTGRES_URL} is unreachable: {problem}"
        if os.environ.get("CI"):
            pytest.fail(message + " (in CI a missing PostgreSQL is a failure)")
        pytest.skip(message)
    schema = f"casework_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        yield f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def casework_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
                 ) -> str:
    """The URL of an empty casework store, once per backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('casework') / 'casework.db'}"
    url: str = request.getfixturevalue("postgres_schema_url")
    return url


@pytest.fixture
def casework(casework_url: str) -> Iterator[Casework]:
    """An open, migrated casework store (closed after the test)."""
    store = Casework.open(casework_url)
    yield store
    store.close()


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2's cheapest parameters, so each test's accounts take milliseconds, not seconds;
    test_users checks the real parameters separately."""
    monkeypatch.setattr(users, "_hasher", PasswordHasher.from_parameters(profiles.CHEAPEST))


@pytest.fixture(scope="session")
def signer() -> ReceiptSigner:
    """A signing key held in memory for the whole run."""
    return ReceiptSigner.generate()


@pytest.fixture
def people(casework: Casework) -> People:
    """A reporter, triage users for Hartlepool, Cleveland Police, Sheffield and the national
    queue, an analyst and an administrator."""
    with casework.session() as session:
        return populate_people(session)
