"""The casework store: one SQLAlchemy engine and its sessions per database URL.

A writing session chains what its services staged into the ledger at the end of its own
transaction (ledger.py says why), so a caller acknowledges only what is committed and
chained. Writers of every worker process take turns on SQLite's one write lock through a file
lock (writers.py); on PostgreSQL they run side by side until the seal at their end takes the
ledger head's row lock. A reading session (`Casework.reading`) serves pages and lookups that
write nothing.

Why these SQLite settings: the web app serves many requests at once. WAL lets readers carry on
while one writer commits; the busy timeout makes a writer wait its turn instead of failing;
BEGIN IMMEDIATE takes the write lock when a writing transaction starts, so a transaction that
reads the ledger head and then extends the chain cannot be overtaken by another (under a
deferred BEGIN the second would fail on its first write, or worse, see a stale head); reading
sessions begin deferred, so they take no write lock and read a snapshot beside the writer.
A report acknowledged to a reporter must survive a power cut, not just a crash: every
writing transaction's log is flushed to disk before the session returns, after the write lock
is released (writers.py says why that order). PostgreSQL needs none of this; there the ledger
locks its head row, and reading sessions are READ ONLY transactions.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, Table, create_engine, event, make_url, text
from sqlalchemy.dialects import postgresql as postgresql_dialect
from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from tessera.casework import ledger
from tessera.casework.signing import Signer
from tessera.casework.text import UNSTORABLE
from tessera.casework.writers import WriterLock
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
READ_ONLY = "casework_read_only"
"""Execution option marking a reading session's connections (SQLite: a deferred BEGIN)."""
WRITER_LOCK = "casework_writer_lock"
"""Execution option carrying a SQLite store's `WriterLock`, taken as a writing session begins."""


class Casework:
    """The open casework store; services take the sessions it hands out.

    The store holds the service's signer: every receipt, ledger item and signed head written
    through it is signed with that one key. A store opened without one (to add users, or to
    verify with public keys only) can write nothing the ledger must hold.
    """

    def __init__(self, engine: Engine, signer: Signer | None = None) -> None:
        self.engine = engine
        self.signer = signer
        sqlite = engine.dialect.name == "sqlite"
        database = engine.url.database if sqlite else None
        self._writer = (WriterLock(Path(database)) if database and database != ":memory:"
                        else None)
        self._sessions = sessionmaker(engine.execution_options(**{WRITER_LOCK: self._writer}),
                                      expire_on_commit=False)
        self._readers = sessionmaker(engine.execution_options(
            **{READ_ONLY: True}, postgresql_readonly=True), expire_on_commit=False)

    @classmethod
    def open(cls, url: str, signer: Signer | None = None) -> Casework:
        """Connect to the store at `url`, creating it or migrating it to the latest schema;
        `signer` is the service's key, needed to write anything the ledger holds."""
        engine = _create_engine(url)
        try:
            _migrate(engine)
        except DBAPIError as exc:
            engine.dispose()
            where = engine.url.render_as_string(hide_password=True)
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            raise CaseworkError(f"cannot open the casework store {where}: {reason}") from exc
        return cls(engine, signer)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session in one transaction: committed if the block succeeds, else rolled back.

        What the block staged for the ledger is chained into it at the end of the same
        transaction, so whatever the caller acknowledges after the block is committed and
        chained at once, and nothing rolled back is ever chained.
        """
        try:
            with self._sessions.begin() as session:
                ledger.begin_staging(session, self.signer)
                yield session
                staged = ledger.finish_staging(session)
                if staged.items:
                    ledger.seal(session, self._signer(), staged.items)
        finally:
            self._release_writer()

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for reads only, which never waits for or blocks a writer.

        Use it where nothing is written (a token lookup, a queue, the read log): on SQLite it
        takes no write lock; PostgreSQL refuses any write in it.
        """
        with self._readers.begin() as session:
            yield session

    def _signer(self) -> Signer:
        if self.signer is None:
            raise CaseworkError("the casework store was opened without the service's signing "
                                "key, so it cannot extend the ledger")
        return self.signer

    def _release_writer(self) -> None:
        """End a writing transaction on SQLite: the next writer may start, then this one's
        commit is flushed to disk before the caller goes on to acknowledge it."""
        if self._writer is not None and self._writer.release():
            self._writer.sync()

    def close(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()


class NewRows:
    """Insert rows unless a unique key already holds one: the new ids, by each row's `key`.

    One statement for all of them (INSERT ... ON CONFLICT DO NOTHING RETURNING id, key),
    built once per dialect, where the unit of work would take a savepoint, a flush and its
    release for each row, and leave the transaction to be rolled back to the savepoint on a
    conflict. A row whose unique key was taken is simply not among the answers.
    """

    def __init__(self, table: Table, unique: Sequence[str], key: str) -> None:
        self._key = key
        self._statements = {
            name: make(table).on_conflict_do_nothing(index_elements=list(unique))
            .returning(table.c.id, table.c[key])
            for name, make in (("sqlite", sqlite_dialect.insert),
                               ("postgresql", postgresql_dialect.insert))}

    def insert(self, session: Session, rows: Sequence[Mapping[str, Any]]) -> dict[Any, int]:
        """The id of each row inserted, by its key; rows whose unique key was taken are left
        out."""
        if not rows:
            return {}
        connection = session.connection()
        result = connection.execute(self._statements[connection.dialect.name], list(rows))
        return {key: new_id for new_id, key in result}


def store_exists(url: str) -> bool:
    """Whether there is a store at `url` to read: a SQLite file that exists, or a server's
    (whose existence only connecting can tell). Read-only commands ask first, so that reading
    nothing never leaves an empty store behind."""
    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite"):
        return True
    return bool(parsed.database) and Path(str(parsed.database)).exists()


def _create_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _configure_sqlite)
        event.listen(engine, "begin", _begin_sqlite)
    else:
        # No pre-ping: it costs a round trip per request. A connection the server dropped
        # fails its request once (the pool then replaces every connection it holds), and a
        # client retries safely with its Idempotency-Key.
        engine = create_engine(url, pool_size=POSTGRES_POOL_SIZE,
                               max_overflow=POSTGRES_POOL_SIZE)
    event.listen(engine, "before_cursor_execute", _refuse_unstorable_text)
    return engine


def _refuse_unstorable_text(_connection: object, _cursor: object, _statement: str,
                            parameters: Any, _context: object, executemany: bool) -> None:
    """Refuse, as bad input, a statement binding text neither database can store.

    A backstop: every field from outside is checked where it comes in (casework/text.py),
    with a message at the field. A NUL or a lone surrogate that got past a route anyway
    would otherwise fail inside the driver (PostgreSQL refuses NUL in text; neither driver
    can encode a lone surrogate as UTF-8), an error the service can only answer with 500.
    """
    if any(isinstance(value, str) and UNSTORABLE.search(value)
           for value in _bound_values(parameters, executemany)):
        raise CaseworkError("a value holds a character that cannot be stored (a NUL byte or "
                            "half of a surrogate pair); remove it and try again")


def _bound_values(parameters: Any, executemany: bool) -> Iterator[Any]:
    """Every value a statement binds, whatever the shape the driver gets them in: one row or
    many, each a mapping or a sequence, or (several rows in one INSERT) one flat sequence or
    one mapping of suffixed names."""
    for row in parameters if executemany and not isinstance(parameters, Mapping) else (
            parameters,):
        if isinstance(row, Mapping):
            yield from row.values()
        elif isinstance(row, list | tuple):
            yield from row
        else:
            yield row


def _configure_sqlite(dbapi_connection: Any, _record: object) -> None:
    # The driver's own transaction handling is switched off so that "begin" below decides.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    # synchronous=NORMAL: the store flushes each writing transaction's log itself, once the
    # write lock is released (writers.py); a connection not written through a store
    # (migrations, a command run by hand) is flushed at checkpoints.
    for pragma in ("journal_mode=WAL", f"busy_timeout={SQLITE_BUSY_TIMEOUT_MS}",
                   "synchronous=NORMAL", "foreign_keys=ON"):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


def _begin_sqlite(connection: Any) -> None:
    options = connection.get_execution_options()
    if options.get(READ_ONLY, False):
        connection.exec_driver_sql("BEGIN")
        return
    writer: WriterLock | None = options.get(WRITER_LOCK)
    if writer is not None:
        writer.acquire()
    try:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    except BaseException:
        if writer is not None:
            writer.release()
        raise


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
