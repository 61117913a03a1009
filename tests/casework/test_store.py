"""The store opens and migrates on both backends, the migrations build the models' tables, and
reading sessions neither take SQLite's write lock nor write on PostgreSQL."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, func, inspect, select, text
from sqlalchemy.exc import DBAPIError

from tessera.casework.models import Base, User
from tessera.casework.reports import Submission, submit_reports
from tessera.casework.roles import Role
from tessera.casework.store import Casework
from tessera.casework.users import add_user
from tessera.errors import CaseworkError
from tests.casework.backends import empty_store
from tests.casework.populate import PASSWORD, populate_people, report_input


def test_migration_creates_exactly_the_models_tables(casework: Casework) -> None:
    """Alembic finds nothing to change between the migrated database and the models, so the
    hand-written migration and the models say the same thing."""
    with casework.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def test_opening_again_is_a_no_op(casework_url: str, casework: Casework) -> None:
    """A second process opening the same store finds it at the latest revision."""
    again = Casework.open(casework_url)
    with again.session() as session:
        assert session.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0009"
    again.close()


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path: Path) -> None:
    """Concurrent web requests need WAL (readers beside a writer) and a wait for the lock."""
    store = Casework.open(f"sqlite:///{tmp_path / 'c.db'}")
    with store.session() as session:
        assert session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert session.execute(text("PRAGMA busy_timeout")).scalar() == 30_000
        assert session.execute(text("PRAGMA foreign_keys")).scalar() == 1
    store.close()


def test_a_session_rolls_back_on_error(casework: Casework) -> None:
    """Nothing of a failed block is kept."""
    with pytest.raises(RuntimeError), casework.session() as session:
        session.execute(text("UPDATE ledger_head SET seq = 99"))
        raise RuntimeError("boom")
    with casework.session() as session:
        assert session.execute(text("SELECT seq FROM ledger_head")).scalar() == 0


def test_a_reading_session_takes_no_write_lock_on_sqlite(tmp_path: Path) -> None:
    """A page or a token lookup reads beside a writer instead of queueing for its lock (it
    would wait the 30 s busy timeout here, then fail)."""
    store = Casework.open(f"sqlite:///{tmp_path / 'c.db'}")
    with store.session() as writer:
        writer.execute(text("UPDATE ledger_head SET seq = seq"))
        with store.reading() as reader:
            assert reader.execute(text("SELECT seq FROM ledger_head")).scalar() == 0
    store.close()


def test_a_reading_session_cannot_write_on_postgresql(
        tmp_path_factory: pytest.TempPathFactory) -> None:
    """PostgreSQL refuses a write in a reading session; the pooled connection writes again
    in the next writing session."""
    with empty_store("postgresql", tmp_path_factory, "store_test") as url:
        store = Casework.open(url)
        with pytest.raises(DBAPIError, match="read-only transaction"), \
                store.reading() as session:
            session.execute(text("UPDATE ledger_head SET seq = seq"))
        with store.session() as session:
            session.execute(text("UPDATE ledger_head SET seq = seq"))
        store.close()


def test_an_unreachable_store_is_one_line(tmp_path: Path) -> None:
    """A store that cannot be opened is a CaseworkError naming it, not a traceback."""
    with pytest.raises(CaseworkError, match="cannot open the casework store sqlite:///"):
        Casework.open(f"sqlite:///{tmp_path / 'no' / 'such' / 'folder.db'}")


@pytest.mark.parametrize("text", ["Amy\x00", "Amy\ud800"], ids=["NUL", "lone surrogate"])
def test_text_no_database_can_store_is_refused_as_bad_input(casework: Casework,
                                                            text: str) -> None:
    """A value that got past every route's check is still refused before the driver sees it:
    a 400 naming the problem, nothing written, instead of PostgreSQL's or the encoder's
    error (a 500)."""
    with pytest.raises(CaseworkError, match="cannot be stored") as caught, \
            casework.session() as session:
        add_user(session, username="someone", password=PASSWORD, role=Role.REPORTER,
                 display_name=text)
    assert caught.value.http_status == 400
    with pytest.raises(CaseworkError, match="cannot be stored"), casework.reading() as session:
        session.scalar(select(User.id).where(User.username == text))
    with casework.reading() as session:
        assert session.scalar(select(func.count()).select_from(User)) == 0
    with casework.session() as session:
        reporter = populate_people(session).reporter
    unchecked = report_input().model_copy(update={"disclosure": f"Said {text}."})
    with pytest.raises(CaseworkError, match="cannot be stored"), casework.session() as session:
        submit_reports(session, [Submission(reporter, report_input()),
                                 Submission(reporter, unchecked)])  # one INSERT for both


def test_the_latest_migrations_go_down_and_up_again(casework_url: str) -> None:
    """Downgrading 0006, 0005 and 0004 drops the publications, brings back the ledger's
    queue and drops the sessions, throttles and token columns, leaving the store as 0003
    made it; upgrading again restores the latest."""
    Casework.open(casework_url).close()
    engine = create_engine(casework_url)
    config = Config()
    config.set_main_option("script_location",
                           str(resources.files("tessera.casework") / "migrations"))
    for target, expected in (("0003", False), ("head", True)):
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            (command.downgrade if target == "0003" else command.upgrade)(config, target)
        tables = inspect(engine).get_table_names()
        columns = {c["name"] for c in inspect(engine).get_columns("api_tokens")}
        assert ("web_sessions" in tables) is expected
        assert ("publications" in tables) is expected  # 0006
        assert ("revoked_at" in columns) is expected
        assert ("ledger_pending" in tables) is not expected
    engine.dispose()


def test_a_store_exists_once_opened(tmp_path: Path) -> None:
    """A SQLite store exists once its file does; a server's is assumed to (only connecting
    can tell); asking creates nothing."""
    from tessera.casework.store import store_exists

    url = f"sqlite:///{tmp_path / 'store.db'}"
    assert not store_exists(url) and not (tmp_path / "store.db").exists()
    Casework.open(url).close()
    assert store_exists(url)
    assert store_exists("postgresql+psycopg://127.0.0.1/test")
