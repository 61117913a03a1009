"""Writing the ledger: every record a service writes is staged, signed and chained in its own
transaction; concurrent writers never fork the chain; every seal signs the new head; nothing
rolled back is ever chained. (What verify catches is tests/casework/test_verification.py.)"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from tessera.casework import ledger
from tessera.casework.ledger import CHECKPOINTS, ENTRIES
from tessera.casework.models import Report
from tessera.casework.readlog import log_read
from tessera.casework.signing import Signer
from tessera.casework.store import Casework
from tessera.casework.triage import Outcome, decide
from tessera.casework.verification import LedgerCheck, verify_ledger
from tessera.errors import CaseworkError
from tests.casework.populate import People, file_report


def _verify(casework: Casework, signer: Signer) -> LedgerCheck:
    with casework.reading() as session:
        return verify_ledger(session, signer.keyring)


def _counts(casework: Casework) -> tuple[int, int]:
    """Entries and checkpoints."""
    with casework.reading() as session:
        return tuple(session.scalar(select(func.count()).select_from(table)) or 0
                     for table in (ENTRIES, CHECKPOINTS))  # type: ignore[return-value]


def test_every_record_is_chained_and_signed_before_its_session_returns(
        casework: Casework, people: People, signer: Signer) -> None:
    """Three reports in one session, then a decision (decision and report's new state) and a
    read in another: six entries, and a signed head at the end of each transaction."""
    with casework.session() as session:
        refs = [file_report(session, people.reporter).reference for _ in range(3)]
    with casework.session() as session:
        decide(session, people.hartlepool, refs[0], Outcome.NO_FURTHER_ACTION, reason="Known")
        log_read(session, people.hartlepool, "report", refs[1], "a look")
    assert _counts(casework) == (6, 2)
    with casework.reading() as session:
        kinds = session.scalars(select(ENTRIES.c.kind).order_by(ENTRIES.c.seq)).all()
        heads = session.scalars(select(CHECKPOINTS.c.seq).order_by(CHECKPOINTS.c.n)).all()
    assert kinds == ["report", "report", "report", "decision", "report decision", "read"]
    assert heads == [3, 6]
    check = _verify(casework, signer)
    assert (check.ok, check.entries, check.head and check.head.seq) == (True, 6, 6)


def test_a_large_seal_signs_a_checkpoint_every_so_many_entries(
        casework: Casework, people: People, signer: Signer,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Eleven items sealed at once with checkpoints every four: heads at 4, 8 and 11."""
    monkeypatch.setattr(ledger, "CHECKPOINT_EVERY", 4)
    with casework.session() as session:
        for _ in range(11):
            file_report(session, people.reporter)
    with casework.reading() as session:
        assert session.scalars(select(CHECKPOINTS.c.seq).order_by(CHECKPOINTS.c.n)).all() == [
            4, 8, 11]
    assert _verify(casework, signer).ok


def _file_at_once(stores: list[Casework], writers: int, people: People) -> list[BaseException]:
    """`writers` threads a store, each filing five reports, all at once; what any raised."""
    errors: list[BaseException] = []

    def write(store: Casework) -> None:
        try:
            for _ in range(5):
                with store.session() as session:
                    file_report(session, people.reporter)
        except BaseException as exc:  # any failure is reported by the caller's assertion
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(store,))
               for store in stores for _ in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_concurrent_appends_never_fork_the_chain(casework: Casework, people: People,
                                                 signer: Signer) -> None:
    """Eight writers filing at once: every report gets its own entry, in one unbroken chain."""
    assert _file_at_once([casework], 8, people) == []
    check = _verify(casework, signer)
    assert (check.ok, check.entries) == (True, 40)


def test_two_stores_on_one_database_never_fork_the_chain(
        casework: Casework, casework_url: str, people: People, signer: Signer) -> None:
    """Two stores, as two worker processes open them, each with four writers at once: one
    unbroken chain holding every report (the seal at each transaction's end takes the head's
    lock on PostgreSQL, the write lock on SQLite)."""
    other = Casework.open(casework_url, signer)
    errors = _file_at_once([casework, other], 4, people)
    other.close()
    assert errors == []
    assert (_verify(casework, signer).ok, _counts(casework)[0]) == (True, 40)


def test_nothing_rolled_back_reaches_the_ledger(casework: Casework, people: People) -> None:
    """A report whose transaction fails leaves neither a row, nor an item, nor an entry."""
    with pytest.raises(RuntimeError), casework.session() as session:
        file_report(session, people.reporter)
        raise RuntimeError("the request failed after the report was staged")
    assert _counts(casework) == (0, 0)
    with casework.reading() as session:
        assert session.scalar(select(func.count()).select_from(Report)) == 0


def test_a_store_without_the_key_writes_nothing_the_ledger_holds(
        casework_url: str, people: People) -> None:
    """Opened without the signer (to add users, say), filing a report is refused outright."""
    keyless = Casework.open(casework_url)
    with pytest.raises(CaseworkError, match="without the service's signing key"), \
            keyless.session() as session:
        file_report(session, people.reporter)
    keyless.close()
