"""SQLite writers take turns on a file lock across processes, and each commit is flushed to
disk after the lock is released and before the session returns."""

from __future__ import annotations

import fcntl
import multiprocessing
import os
from pathlib import Path

import pytest
from argon2 import PasswordHasher, profiles
from sqlalchemy import select

from tessera.casework import users, writers
from tessera.casework.models import User
from tessera.casework.signing import Signer
from tessera.casework.store import Casework
from tessera.casework.verification import verify_ledger
from tessera.casework.writers import WriterLock
from tests.casework.populate import file_report, populate_people


def _file_reports(url: str, key: str, count: int) -> int:
    """A worker process: file `count` reports as the fixture's reporter."""
    users._hasher = PasswordHasher.from_parameters(profiles.CHEAPEST)
    store = Casework.open(url, Signer.from_file(Path(key)))
    with store.reading() as session:
        reporter = session.scalars(select(User).where(User.username == "teacher")).one()
    for _ in range(count):
        with store.session() as session:
            file_report(session, reporter)
    store.close()
    return count


def test_worker_processes_write_one_store_in_turn(tmp_path: Path) -> None:
    """Four processes, two threads' worth of reports each, on one SQLite file: every report
    filed, none refused for a busy database, one unbroken ledger."""
    url, key = f"sqlite:///{tmp_path / 'casework.db'}", str(tmp_path / "signing.key")
    store = Casework.open(url, Signer.from_file(Path(key)))
    with store.session() as session:
        populate_people(session)
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        filed = pool.starmap(_file_reports, [(url, key, 25)] * 4)
    with store.reading() as session:
        check = verify_ledger(session, Signer.from_file(Path(key)).keyring)
    store.close()
    assert sum(filed) == 100
    assert (check.ok, check.entries) == (True, 100)


def test_a_commit_is_flushed_after_the_lock_is_let_go_and_before_the_session_returns(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The flush of the log is the writer's own wait: the next writer may already begin."""
    store = Casework.open(f"sqlite:///{tmp_path / 'casework.db'}", Signer.generate())
    lock = store._writer
    assert lock is not None
    seen: list[tuple[str, bool]] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        seen.append((os.readlink(f"/proc/self/fd/{fd}"), getattr(lock._held, "yes", False)))
        real_fsync(fd)

    monkeypatch.setattr(writers.os, "fsync", fsync)
    with store.session() as session:
        people = populate_people(session)
    seen.clear()
    with store.session() as session:
        file_report(session, people.reporter)
        assert seen == [], "flushed before the commit"
    assert seen == [(str(tmp_path / "casework.db-wal"), False)]
    store.close()


def _may_lock(path: str) -> bool:
    """Another process: could it take the writers' lock right now?"""
    fd = os.open(path, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)
    return True


def test_while_one_process_writes_no_other_may(tmp_path: Path) -> None:
    """The lock is an OS file lock, so it holds across processes, and is let go at once."""
    lock = WriterLock(tmp_path / "c.db")
    lock.acquire()
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        assert pool.apply(_may_lock, (str(lock.path),)) is False
        lock.release()
        assert pool.apply(_may_lock, (str(lock.path),)) is True


def test_the_lock_is_only_let_go_by_the_thread_that_holds_it(tmp_path: Path) -> None:
    """`release` is a no-op (False) where nothing is held, so a read-only block ends cleanly;
    `sync` of a log already checkpointed away is a no-op too."""
    lock = WriterLock(tmp_path / "c.db")
    assert lock.release() is False
    lock.acquire()
    assert lock.release() is True and lock.release() is False
    lock.sync()  # no c.db-wal: nothing to flush
