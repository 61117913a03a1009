"""The casework store: one SQLAlchemy engine and session factory per database URL.

Why these SQLite settings: the web app serves many requests at once. WAL lets readers carry on
while one writer commits; the busy timeout makes a writer wait its turn instead of failing;
BEGIN IMMEDIATE takes the write lock when a transaction starts, so two transactions that each
read the ledger head and then append cannot both succeed and fork the chain (under a deferred
BEGIN the second would fail on its first write, or worse, see a stale head). synchronous=FULL
because a report acknowledged to a reporter must survive a power cut, not just a crash.
PostgreSQL needs none of this; there the ledger locks its head row.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from tessera.errors import CaseworkError

SQLITE_BUSY_TIMEOUT_MS = 30_000
"""How long a SQLite writer waits for the lock: far beyond one commit (milliseconds), so
only a stuck process makes a request fail."""
POSTGRES_POOL_SIZE = 16
"""Connections each process keeps open to PostgreSQL: enough for the web server's threads
without exhausting the server's default 100 when a few processes run."""
MIGRATION_LOCK = 7_253_401
"""PostgreSQL advisory lock id held while migrating, so web workers starting together migrate
once."""


class Casework:
    """The open casework store; services take the sessions it hands out."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @classmethod
    def open(cls, url: str) -> Casework:
        """Connect to the store at `url`, creating it or migrating it to the latest schema."""
        engine = _create_engine(url)
        try:
            _migrate(engine)
        except DBAPIError as exc:
            engine.dispose()
            where = engine.url.render_as_string(hide_password=True)
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            raise CaseworkError(f"cannot open the casework store {where}: {reason}") from exc
        return cls(engine)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session in one transaction: committed if the block succeeds, else rolled back."""
        with self._sessions.begin() as session:
            yield session

    def close(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()


def _create_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _configure_sqlite)
        event.listen(engine, "begin", _begin_immediate)
        return engine
    return create_engine(url, pool_size=POSTGRES_POOL_SIZE, max_overflow=POSTGRES_POOL_SIZE,
                         pool_pre_ping=True)


def _configure_sqlite(dbapi_connection: Any, _record: object) -> None:
    # The driver's own transaction handling is switched off so that "begin" below decides.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    for pragma in ("journal_mode=WAL", f"busy_timeout={SQLITE_BUSY_TIMEOUT_MS}",
                   "synchronous=FULL", "foreign_keys=ON"):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


def _begin_immediate(connection: Any) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def _migrate(engine: Engine) -> None:
    """Bring the schema to the latest Alembic revision shipped in the package."""
    config = Config()
    config.set_main_option("script_location",
                           str(resources.files("tessera.casework") / "migrations"))
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": MIGRATION_LOCK})
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
