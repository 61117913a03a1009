"""The ledger catches a row edited or deleted in the database, an edited entry, a rewritten
chain, a record left out of it; concurrent writers never fork it, and records waiting in its
queue are checked too. Tampering is done the way an insider would: with SQL straight at the
database (and, for SQLite, by opening the file with sqlite3)."""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Connection, func, select, text
from sqlalchemy.exc import DBAPIError

from tessera.casework import ledger
from tessera.casework.ledger import entry_hash, record_hash, verify_ledger
from tessera.casework.models import LedgerCheckpoint, LedgerEntry, LedgerPending, Report
from tessera.casework.receipts import ReceiptSigner
from tessera.casework.store import Casework
from tessera.casework.triage import Outcome, decide
from tests.casework.populate import People, file_report, populate_people


@dataclass(frozen=True)
class History:
    """Three reports; the second decided (no further action), the third transferred."""

    first: str
    decided: str
    transferred: str


@pytest.fixture
def history(casework: Casework, people: People, signer: ReceiptSigner) -> History:
    """Entries: 1-3 the reports, 4 the decision, 5 report 2's new state, 6 the transfer,
    7 report 3's new state."""
    with casework.session() as session:
        refs = [file_report(session, people.reporter, signer).reference for _ in range(3)]
    with casework.session() as session:
        decide(session, people.hartlepool, refs[1], Outcome.NO_FURTHER_ACTION,
               reason="Known to services", signer=signer)
        decide(session, people.hartlepool, refs[2], Outcome.TRANSFER, transfer_to="E08000019",
               signer=signer)
    return History(*refs)


def _verify(casework: Casework, signer: ReceiptSigner) -> ledger.LedgerCheck:
    with casework.session() as session:
        return verify_ledger(session, signer.public_key_pem())


def _drop_append_only_guard(connection: Connection) -> None:
    """What someone with the database owner's rights can do first."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("DROP TRIGGER ledger_entries_append_only ON ledger_entries"))
    else:
        connection.execute(text("DROP TRIGGER ledger_entries_no_update"))
        connection.execute(text("DROP TRIGGER ledger_entries_no_delete"))


def test_an_untouched_ledger_is_intact(casework: Casework, history: History,
                                       signer: ReceiptSigner) -> None:
    """Every record matches its latest entry and the chain links up."""
    check = _verify(casework, signer)
    assert (check.ok, check.entries, check.first_bad, check.problem) == (True, 7, None, None)


def test_a_report_edited_in_the_database_is_named(casework: Casework, history: History,
                                                  signer: ReceiptSigner) -> None:
    """Softening what was disclosed, directly in SQL, is caught at the report's entry."""
    with casework.engine.begin() as connection:
        connection.execute(text("UPDATE reports SET disclosure = 'Nothing of concern' "
                                "WHERE reference = :r"), {"r": history.first})
    check = _verify(casework, signer)
    assert not check.ok and check.first_bad == 1
    assert check.problem == (f"entry 1 (report {history.first}): the record was changed after "
                             "it was written")


def test_a_decision_deleted_in_the_database_is_named(casework: Casework, history: History,
                                                     signer: ReceiptSigner) -> None:
    """Making a decision disappear leaves its entry pointing at nothing."""
    with casework.engine.begin() as connection:
        connection.execute(text("DELETE FROM decisions WHERE outcome = 'no_further_action'"))
    check = _verify(casework, signer)
    assert check.first_bad == 4
    assert check.problem == (f"entry 4 (decision on {history.decided}): the record was "
                             "deleted")


def test_a_report_deleted_in_the_database_is_named(casework: Casework, history: History,
                                                   signer: ReceiptSigner) -> None:
    """A deleted report is named by its latest entry (here, its state after the decision)."""
    with casework.engine.begin() as connection:
        connection.execute(text("DELETE FROM decisions"))
        connection.execute(text("DELETE FROM reports WHERE reference = :r"),
                           {"r": history.decided})
    check = _verify(casework, signer)
    assert check.first_bad == 4
    assert f"entry 5 (report {history.decided}): the record was deleted" in check.problems


def test_a_row_added_behind_the_services_back_is_reported(
        casework: Casework, history: History, signer: ReceiptSigner) -> None:
    """A decision inserted with SQL has no entry."""
    with casework.engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO decisions (report_id, outcome, decided_by, decided_at) "
            "SELECT id, 'no_further_action', reporter_id, received_at FROM reports "
            "WHERE reference = :r"), {"r": history.first})
    check = _verify(casework, signer)
    assert not check.ok and check.first_bad is None
    assert check.problem is not None and check.problem.endswith(
        "has no ledger entry: it was added to the database directly")


def test_the_logs_refuse_updates_and_deletes_in_the_database(
        casework: Casework, history: History) -> None:
    """The append-only guard stops an UPDATE or DELETE of ledger entries outright."""
    for statement in ("UPDATE ledger_entries SET label = 'x'", "DELETE FROM ledger_entries"):
        with pytest.raises(DBAPIError, match="append-only"), \
                casework.engine.begin() as connection:
            connection.execute(text(statement))


def test_an_edited_ledger_entry_is_named(casework: Casework, history: History,
                                         signer: ReceiptSigner) -> None:
    """With the guard dropped, changing an entry's record hash to match an edit breaks the
    entry's own hash."""
    with casework.engine.begin() as connection:
        _drop_append_only_guard(connection)
        connection.execute(text("UPDATE ledger_entries SET record_sha256 = :h WHERE seq = 2"),
                           {"h": "0" * 64})
    check = _verify(casework, signer)
    assert check.first_bad == 2
    assert check.problem == f"entry 2 (report {history.decided}): the ledger entry was altered"


def test_a_reforged_entry_breaks_the_chain_at_the_next(casework: Casework, history: History,
                                                       signer: ReceiptSigner) -> None:
    """Recomputing the edited entry's own hash moves the break to the entry after it."""
    with casework.engine.begin() as connection:
        _drop_append_only_guard(connection)
        _reforge(connection, 2, rehash_rest=False)
    check = _verify(casework, signer)
    assert check.first_bad == 3
    assert check.problem == (f"entry 3 (report {history.transferred}): the chain is broken (it "
                             "does not follow the entry before it)")


def test_a_rewritten_chain_is_caught_by_its_signed_checkpoint(
        casework: Casework, people: People, signer: ReceiptSigner,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Rehashing every entry up to the head hides an edit from the chain, but not from the
    checkpoint signed with a key the database does not hold."""
    monkeypatch.setattr(ledger, "CHECKPOINT_EVERY", 4)
    with casework.session() as session:
        refs = [file_report(session, people.reporter, signer).reference for _ in range(5)]
    with casework.session() as session:
        assert session.scalars(select(LedgerCheckpoint.seq)).all() == [4]
    assert _verify(casework, signer).ok
    with casework.engine.begin() as connection:
        _drop_append_only_guard(connection)
        connection.execute(text("UPDATE reports SET child_family_name = 'Other' "
                                "WHERE reference = :r"), {"r": refs[1]})
        _reforge(connection, 2, rehash_rest=True)
    check = _verify(casework, signer)
    assert check.first_bad == 4
    assert check.problem == (f"entry 4 (report {refs[3]}): does not match its signed "
                             "checkpoint: the ledger was rewritten")


def test_a_checkpoint_needs_this_services_key(casework: Casework, people: People,
                                              signer: ReceiptSigner,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """Verifying with another key fails at the checkpoint."""
    monkeypatch.setattr(ledger, "CHECKPOINT_EVERY", 2)
    with casework.session() as session:
        file_report(session, people.reporter, signer)
        file_report(session, people.reporter, signer)
    check = _verify(casework, ReceiptSigner.generate())
    assert check.first_bad == 2 and check.problem is not None
    assert "is not signed by this service's key" in check.problem


def test_a_ledger_cut_short_is_caught(casework: Casework, history: History,
                                      signer: ReceiptSigner) -> None:
    """Deleting the last entries (the transfer) leaves the head pointing past the end, and
    the transferred report no longer matching its earlier entry."""
    with casework.engine.begin() as connection:
        _drop_append_only_guard(connection)
        connection.execute(text("DELETE FROM ledger_entries WHERE seq >= 6"))
    check = _verify(casework, signer)
    assert check.first_bad == 3
    assert check.problems == (
        f"entry 3 (report {history.transferred}): the record was changed after it was written",
        "entries 6 to 7 are missing: the ledger was cut short",
        "decisions row 2 has no ledger entry: it was added to the database directly")


def test_editing_the_sqlite_file_directly_is_caught(tmp_path: Path,
                                                   signer: ReceiptSigner) -> None:
    """No SQLAlchemy, no service: the file opened with Python's sqlite3 and a row changed."""
    url = f"sqlite:///{tmp_path / 'casework.db'}"
    store = Casework.open(url)
    with store.session() as session:
        reporter = populate_people(session).reporter
    with store.session() as session:
        reference = file_report(session, reporter, signer).reference
    store.close()
    database = sqlite3.connect(tmp_path / "casework.db")
    with database:
        database.execute("UPDATE reports SET child_postcode = 'LS6 1AB' WHERE reference = ?",
                         (reference,))
    database.close()
    store = Casework.open(url)
    with store.session() as session:
        check = verify_ledger(session, signer.public_key_pem())
    store.close()
    assert check.problem == (f"entry 1 (report {reference}): the record was changed after it "
                             "was written")


def test_concurrent_appends_never_fork_the_chain(casework: Casework, people: People,
                                                 signer: ReceiptSigner) -> None:
    """Eight writers filing at once: every report gets its own entry, in one unbroken chain."""
    errors: list[BaseException] = []

    def write() -> None:
        try:
            for _ in range(5):
                with casework.session() as session:
                    file_report(session, people.reporter, signer)
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


def _file_unsealed(casework: Casework, people: People, signer: ReceiptSigner) -> str:
    """File a report but leave its ledger item queued, as a server killed between the
    commit and the seal does (the report was never acknowledged)."""
    with casework.session() as session:
        reference = file_report(session, people.reporter, signer).reference
        ledger.sealing_due(session)  # forget the seal the service asked for
    return reference


def _counts(casework: Casework) -> tuple[int, int]:
    with casework.reading() as session:
        return (session.scalar(select(func.count()).select_from(LedgerEntry)) or 0,
                session.scalar(select(func.count()).select_from(LedgerPending)) or 0)


def test_every_record_is_chained_before_its_session_returns(
        casework: Casework, history: History) -> None:
    """Seven records staged by the services, seven entries, nothing left in the queue."""
    assert _counts(casework) == (7, 0)


def test_a_queued_record_is_in_flight_until_the_next_seal(
        casework: Casework, people: People, signer: ReceiptSigner) -> None:
    """A record waiting in the queue is checked against its item, and the next report's seal
    chains it first, in the order they were written."""
    waiting = _file_unsealed(casework, people, signer)
    check = _verify(casework, signer)
    assert (check.ok, check.entries, check.queued) == (True, 0, 1)
    with casework.session() as session:
        later = file_report(session, people.reporter, signer).reference
    assert _counts(casework) == (2, 0)
    with casework.reading() as session:
        assert session.scalars(select(LedgerEntry.record_id).order_by(LedgerEntry.seq)
                               ).all() == [waiting, later]
    assert _verify(casework, signer).ok


def test_a_queued_record_edited_or_deleted_is_named(
        casework: Casework, people: People, signer: ReceiptSigner) -> None:
    """Before it is sealed a record is held to the hash its queued item took when it was
    written, so an edit or a deletion in that moment is caught as surely as later."""
    edited = _file_unsealed(casework, people, signer)
    deleted = _file_unsealed(casework, people, signer)
    with casework.engine.begin() as connection:
        connection.execute(text("UPDATE reports SET immediate_risk = NOT immediate_risk "
                                "WHERE reference = :r"), {"r": edited})
        connection.execute(text("DELETE FROM reports WHERE reference = :r"), {"r": deleted})
    check = _verify(casework, signer)
    assert not check.ok and check.first_bad is None
    assert set(check.problems) == {
        f"queued item 1 (report {edited}): the record was changed after it was written",
        f"queued item 2 (report {deleted}): the record was deleted"}


def test_a_record_whose_queued_item_was_removed_has_no_entry(
        casework: Casework, people: People, signer: ReceiptSigner) -> None:
    """Deleting the queued item does not make its record disappear from the check: a row with
    neither an entry nor an item is one added behind the service's back."""
    reference = _file_unsealed(casework, people, signer)
    with casework.engine.begin() as connection:
        connection.execute(text("DELETE FROM ledger_pending"))
    check = _verify(casework, signer)
    assert check.problems == (f"reports row {reference} has no ledger entry: it was added to "
                              "the database directly",)


def test_an_item_left_in_the_queue_is_reported_after_a_minute(
        casework: Casework, people: People, signer: ReceiptSigner) -> None:
    """Its own request seals an item within milliseconds; one still waiting a minute later
    was left by a stopped server or put there by hand."""
    reference = _file_unsealed(casework, people, signer)
    with casework.session() as session:  # a minute and a second pass
        item = session.scalars(select(LedgerPending)).one()
        item.staged_at -= ledger.PENDING_GRACE + timedelta(seconds=1)
    check = _verify(casework, signer)
    assert not check.ok and check.problem is not None
    assert check.problem.startswith(f"queued item 1 (report {reference}): written at ")
    assert check.problem.endswith("and still not sealed into the ledger (a service stopped "
                                  "mid-request, or the queue was written to directly)")
    assert casework.seal(signer) == 1
    assert _verify(casework, signer).ok


def test_a_decision_queued_behind_its_report_is_chained_after_it(
        casework: Casework, people: People, signer: ReceiptSigner) -> None:
    """A report and a decision on it, both still queued, are sealed in the order they were
    written, so the report's latest entry is its decided state."""
    reference = _file_unsealed(casework, people, signer)
    with casework.session() as session:
        decide(session, people.hartlepool, reference, Outcome.NO_FURTHER_ACTION,
               reason="Known to services", signer=signer)
        ledger.sealing_due(session)
    assert _counts(casework) == (0, 3)
    assert casework.seal(signer) == 3
    check = _verify(casework, signer)
    assert (check.ok, check.entries) == (True, 3)
    with casework.reading() as session:
        assert session.scalars(select(LedgerEntry.kind).order_by(LedgerEntry.seq)).all() == [
            "report", "decision", "report decision"]


def test_nothing_rolled_back_reaches_the_ledger(casework: Casework, people: People,
                                                signer: ReceiptSigner) -> None:
    """A report whose transaction fails leaves neither a row, nor an item, nor an entry."""
    with pytest.raises(RuntimeError), casework.session() as session:
        file_report(session, people.reporter, signer)
        raise RuntimeError("the request failed after the report was staged")
    assert _counts(casework) == (0, 0)
    with casework.reading() as session:
        assert session.scalar(select(func.count()).select_from(Report)) == 0


def _reforge(connection: Connection, seq: int, *, rehash_rest: bool) -> None:
    """Set report entry `seq`'s record hash to its row's current hash and recompute its entry
    hash (and, with `rehash_rest`, every later entry's and the head's), as a forger would."""
    entries = [dict(row) for row in connection.execute(
        select(LedgerEntry.__table__).where(LedgerEntry.seq >= seq).order_by(LedgerEntry.seq)
    ).mappings()]
    reports = Report.__table__
    row = connection.execute(select(reports).where(
        reports.c.reference == entries[0]["record_id"])).mappings().one()
    entries[0]["record_sha256"] = record_hash("reports", row)
    previous = entries[0]["prev_hash"]
    for entry in entries if rehash_rest else entries[:1]:
        entry["prev_hash"] = previous
        entry["entry_hash"] = entry_hash({k: v for k, v in entry.items() if k != "entry_hash"})
        connection.execute(text("UPDATE ledger_entries SET record_sha256 = :record_sha256, "
                                "prev_hash = :prev_hash, entry_hash = :entry_hash "
                                "WHERE seq = :seq"), entry)
        previous = entry["entry_hash"]
    if rehash_rest:
        connection.execute(text("UPDATE ledger_head SET entry_hash = :h"), {"h": previous})
