"""The two databases the casework store runs on, as the tests reach them.

The casework tests and the web tests (which run over a casework store) both take their empty
stores from `empty_store`: a SQLite file, or a PostgreSQL schema of its own, dropped
afterwards, so tests never see each other's rows. PostgreSQL at $TESSERA_TEST_POSTGRES_URL
(default: the local server's `test` database) that cannot be reached fails the tests that need
it, with the reason: a skip would let a run without PostgreSQL pass as if it had been tested
(scripts/test.sh starts the local server when it is down).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

BACKENDS = ("sqlite", "postgresql")
POSTGRES_URL = os.environ.get("TESSERA_TEST_POSTGRES_URL",
                              "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@cache
def postgres_problem() -> str | None:
    """Why PostgreSQL cannot be used, or None when it can (asked once per run)."""
    engine = create_engine(POSTGRES_URL, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except OperationalError as exc:
        return str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
    finally:
        engine.dispose()
    return None


@contextmanager
def empty_store(backend: str, tmp_path_factory: pytest.TempPathFactory, name: str
                ) -> Iterator[str]:
    """The URL of an empty casework store on `backend` (one of `BACKENDS`), named after
    `name`: a SQLite file in a fresh folder, or a fresh PostgreSQL schema dropped afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp(name) / 'casework.db'}"
        return
    with _postgres_schema(name) as url:
        yield url


@contextmanager
def _postgres_schema(prefix: str) -> Iterator[str]:
    """A PostgreSQL URL whose search_path is a fresh schema, dropped afterwards; fails the
    test, saying why, when PostgreSQL cannot be reached."""
    problem = postgres_problem()
    if problem is not None:
        pytest.fail(f"PostgreSQL at {POSTGRES_URL} is unreachable: {problem}; start it, or "
                    "point $TESSERA_TEST_POSTGRES_URL at one")
    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        yield f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()
