"""Casework stores on both backends, and the people and reports the tests act on.

Every test that takes `casework` runs twice: on a SQLite file and on PostgreSQL, each test in
a schema of its own (see backends.py: unreachable, the tests that need it fail).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from argon2 import PasswordHasher, profiles

from tessera.casework import users
from tessera.casework.signing import Signer
from tessera.casework.store import Casework
from tests.casework.backends import BACKENDS, empty_store
from tests.casework.populate import People, populate_people


@pytest.fixture(params=BACKENDS)
def casework_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
                 ) -> Iterator[str]:
    """The URL of an empty casework store, once per backend."""
    with empty_store(request.param, tmp_path_factory, "casework_test") as url:
        yield url


@pytest.fixture
def casework(casework_url: str, signer: Signer) -> Iterator[Casework]:
    """An open, migrated casework store holding the test signer (closed after the test)."""
    store = Casework.open(casework_url, signer)
    yield store
    store.close()


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2's cheapest parameters, so each test's accounts take milliseconds, not seconds;
    test_users checks the real parameters separately."""
    monkeypatch.setattr(users, "_hasher", PasswordHasher.from_parameters(profiles.CHEAPEST))


@pytest.fixture(scope="session")
def signer() -> Signer:
    """A signing key held in memory for the whole run."""
    return Signer.generate()


@pytest.fixture
def people(casework: Casework) -> People:
    """A reporter, triage users for Hartlepool, Cleveland Police, Sheffield and the national
    queue, an analyst and an administrator."""
    with casework.session() as session:
        return populate_people(session)
