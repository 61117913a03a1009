"""Writing the ledger: every record a service writes is staged, signed and sealed before its
session returns; concurrent writers never fork the chain; every seal signs the new head; what
a stopped server left queued is sealed later; nothing rolled back and nothing the service did
not sign is ever chained. (What verify catches is tests/casework/test_verification.py.)"""

from __future__ import annotations

import re
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tessera.casework import ledger, verification
from tessera.casework.ledger import CHECKPOINTS, ENTRIES, QUEUE
from tessera.casework.models import LedgerPending, Report
from tessera.casework.readlog import log_read
from tessera.casework.signing import Signer
from tessera.casework.store import Casework
from tessera.casework.triage import Outcome, decide
from tessera.casework.verification import LedgerCheck, verify_ledger
from tessera.errors import CaseworkError
from tests.casework import insider
from tests.casework.populate import People, commit_unsealed, file_report, populate_people


def _verify(casework: Casework, signer: Signer) -> LedgerCheck:
    with casework.reading() as session:
        return verify_ledger(session, signer.keyring)


def _counts(casework: Casework) -> tuple[int, int, int]:
    """Entries, queued items and checkpoints."""
    with casework.reading() as session:
        return tuple(session.scalar(select(func.count()).select_from(table)) or 0
                     for table in (ENTRIES, QUEUE, CHECKPOINTS))  # type: ignore[return-value]


@pytest.fixture
def queued_people(queueing_casework: Casework) -> People:
    """The fixture's users in the PostgreSQL store of the queue tests."""
    with queueing_casework.session() as session:
        return populate_people(session)


def _file_unsealed(casework: Casework, people: People) -> str:
    """File a report but leave its ledger item queued, as a server killed between the
    commit and the seal does (the report was never acknowledged)."""
    with casework.session() as session:
        reference = file_report(session, people.reporter).reference
        commit_unsealed(session)
    return reference


def test_every_record_is_chained_and_signed_before_its_session_returns(
        casework: Casework, people: People, signer: Signer) -> None:
    """Three reports in one session, then a decision (decision and report's new state) and a
    read in another: five entries, nothing queued, and a signed head at the end of each
    seal."""
    with casework.session() as session:
        refs = [file_report(session, people.reporter).reference for _ in range(3)]
    with casework.session() as session:
        decide(session, people.hartlepool, refs[0], Outcome.NO_FURTHER_ACTION, reason="Known")
        log_read(session, people.hartlepool, "report", refs[1], "a look")
    assert _counts(casework) == (6, 0, 2)
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


def test_concurrent_appends_never_fork_the_chain(casework: Casework, people: People,
                                                 signer: Signer) -> None:
    """Eight writers filing at once: every report gets its own entry, in one unbroken chain."""
    errors: list[BaseException] = []

    def write() -> None:
        try:
            for _ in range(5):
                with casework.session() as session:
                    file_report(session, people.reporter)
        except BaseException as exc:  # any failure is reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=write) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    check = _verify(casework, signer)
    assert (check.ok, check.entries) == (True, 40)


def test_a_queued_record_is_in_flight_until_the_next_seal(
        queueing_casework: Casework, queued_people: People, signer: Signer) -> None:
    """A record waiting in the queue is checked against its item, and the next report's seal
    chains it first, in the order they were written."""
    waiting = _file_unsealed(queueing_casework, queued_people)
    check = _verify(queueing_casework, signer)
    assert (check.ok, check.entries, check.queued) == (True, 0, 1)
    with queueing_casework.session() as session:
        later = file_report(session, queued_people.reporter).reference
    assert _counts(queueing_casework)[:2] == (2, 0)
    with queueing_casework.reading() as session:
        assert session.scalars(select(ENTRIES.c.record_id).order_by(ENTRIES.c.seq)
                               ).all() == [waiting, later]
    assert _verify(queueing_casework, signer).ok


def test_an_item_left_in_the_queue_is_reported_after_a_minute(
        queueing_casework: Casework, queued_people: People, signer: Signer,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Its own request seals an item within milliseconds; one still waiting a minute later
    was left by a stopped server. (Its time is signed, so the grace is shortened instead.)"""
    reference = _file_unsealed(queueing_casework, queued_people)
    monkeypatch.setattr(verification, "PENDING_GRACE", timedelta(seconds=-1))
    check = _verify(queueing_casework, signer)
    assert not check.ok and check.problem is not None
    assert re.match(rf"queued item \d+ \(report {reference}\): written at ", check.problem)
    assert check.problem.endswith("and still not sealed into the ledger (a service stopped "
                                  "mid-request)")


def test_a_stopped_servers_items_are_sealed_by_the_next_seal(
        queueing_casework: Casework, queued_people: People, signer: Signer) -> None:
    """A report and a decision on it, both still queued, are sealed in the order they were
    written, so the report's latest entry is its decided state."""
    reference = _file_unsealed(queueing_casework, queued_people)
    with queueing_casework.session() as session:
        decide(session, queued_people.hartlepool, reference, Outcome.NO_FURTHER_ACTION,
               reason="Known to services")
        commit_unsealed(session)
    assert _counts(queueing_casework) == (0, 3, 0)
    assert queueing_casework.seal() == 3
    check = _verify(queueing_casework, signer)
    assert (check.ok, check.entries) == (True, 3)
    with queueing_casework.reading() as session:
        assert session.scalars(select(ENTRIES.c.kind).order_by(ENTRIES.c.seq)).all() == [
            "report", "decision", "report decision"]


def test_another_workers_items_are_checked_then_chained(
        queueing_casework: Casework, queued_people: People, signer: Signer) -> None:
    """A worker seals items other workers queued: it does not know them, so it checks each
    one's signature, then chains them; its own it takes as it remembers them."""
    other_worker = Casework(queueing_casework.engine, signer)
    theirs = _file_unsealed(other_worker, queued_people)
    mine = _file_unsealed(queueing_casework, queued_people)
    assert queueing_casework.seal() == 2
    with queueing_casework.reading() as session:
        assert session.scalars(select(ENTRIES.c.record_id).order_by(ENTRIES.c.seq)
                               ).all() == [theirs, mine]
    assert _verify(queueing_casework, signer).ok


def test_nothing_rolled_back_reaches_the_ledger(casework: Casework, people: People) -> None:
    """A report whose transaction fails leaves neither a row, nor an item, nor an entry."""
    with pytest.raises(RuntimeError), casework.session() as session:
        file_report(session, people.reporter)
        raise RuntimeError("the request failed after the report was staged")
    assert _counts(casework) == (0, 0, 0)
    with casework.reading() as session:
        assert session.scalar(select(func.count()).select_from(Report)) == 0


def test_sealing_never_chains_an_item_the_service_did_not_sign(
        casework: Casework, people: People, signer: Signer) -> None:
    """An unsigned item, one with a copied signature, and a chained item copied back into the
    queue all stay out of the chain, however often the service seals."""
    with casework.session() as session:
        reference = file_report(session, people.reporter).reference
    with casework.engine.begin() as connection:
        chained = insider.entries(connection)[0]
        connection.execute(Report.__table__.update().values(disclosure="Nothing happened"))
        insider.queue_forged_item(connection, "reports", reference)
        insider.queue_forged_item(connection, "reports", reference, signature_from=chained)
        insider.requeue_entry(connection, chained)
    for _ in range(2):
        assert casework.seal() == 0
        with casework.session() as session:
            file_report(session, people.reporter)
    with casework.reading() as session:
        assert session.scalars(select(ENTRIES.c.record_id).order_by(ENTRIES.c.seq)).all()[
            0] == reference
        assert session.scalar(select(func.count()).select_from(LedgerPending)) == 3
        assert session.scalar(select(func.count()).select_from(ENTRIES)) == 3


def test_a_store_without_the_key_writes_nothing_the_ledger_holds(
        casework_url: str, people: People) -> None:
    """Opened without the signer (to add users, say), filing a report is refused outright."""
    keyless = Casework.open(casework_url)
    with pytest.raises(CaseworkError, match="without the service's signing key"), \
            keyless.session() as session:
        file_report(session, people.reporter)
    keyless.close()
