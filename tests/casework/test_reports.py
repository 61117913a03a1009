"""Filing a report: routed, receipted, idempotent, and only by reporters."""

from __future__ import annotations

import re
import threading

import pytest
from sqlalchemy import func, select

from tessera.casework.canonical import sha256_hex
from tessera.casework.models import LedgerEntry, Report
from tessera.casework.receipts import verify_receipt
from tessera.casework.reports import (
    Submission,
    Submitted,
    report_receipt,
    submit_report,
    submit_reports,
)
from tessera.casework.routing import NATIONAL_QUEUE
from tessera.casework.signing import Signer
from tessera.casework.store import Casework
from tessera.casework.users import disable_user
from tessera.casework.verification import verify_ledger
from tessera.errors import CaseworkError, IdempotencyConflict, NoSuchReport, NotPermitted
from tests.casework.populate import People, file_report, report_input


def test_a_report_is_routed_and_its_receipt_verifies(casework: Casework, people: People,
                                                     signer: Signer) -> None:
    """A Hartlepool postcode goes to Hartlepool and Cleveland Police; the receipt proves the
    content hash of exactly what was submitted."""
    data = report_input()
    with casework.session() as session:
        submitted = submit_report(session, people.reporter, data)
    assert submitted.created
    assert re.fullmatch(r"TSR-[0-9A-HJKMNP-TV-Z]{10}", submitted.reference)
    assert submitted.receipt.content_sha256 == sha256_hex(data.model_dump(mode="json"))
    assert verify_receipt(submitted.receipt, signer.keyring)
    with casework.session() as session:
        report = session.scalars(select(Report)).one()
        assert (report.la_code, report.force_code, report.queue, report.status) == (
            "E06000001", "cleveland", "E06000001", "open")
        assert report.child_given_name == "Amy" and report.reporter_id == people.reporter.id
        assert report_receipt(session, people.reporter, submitted.reference) == (
            submitted.receipt)


def test_an_unknown_postcode_goes_to_the_national_queue(casework: Casework, people: People,
                                                        signer: Signer) -> None:
    """Never nowhere."""
    with casework.session() as session:
        file_report(session, people.reporter, child_postcode="ZZ99 9ZZ")
        file_report(session, people.reporter, child_postcode=None)
        queues = session.scalars(select(Report.queue)).all()
    assert queues == [NATIONAL_QUEUE, NATIONAL_QUEUE]


def test_the_same_idempotency_key_and_body_return_the_first_report(
        casework: Casework, people: People, signer: Signer) -> None:
    """A client retrying after a lost response gets the same reference and receipt."""
    with casework.session() as session:
        first = submit_report(session, people.reporter, report_input(), idempotency_key="retry-1")
    with casework.session() as session:
        again = submit_report(session, people.reporter, report_input(), idempotency_key="retry-1")
        assert session.scalar(select(func.count()).select_from(Report)) == 1
    assert (again.reference, again.receipt, again.created) == (
        first.reference, first.receipt, False)


def test_a_replay_answers_with_the_first_report_already_chained(
        casework: Casework, people: People) -> None:
    """A report is chained in its own transaction, so the first answer and any replay of it
    both stand for a report already in the ledger."""
    with casework.session() as session:
        first = submit_report(session, people.reporter, report_input(), idempotency_key="r-2")
    with casework.session() as session:
        again = submit_report(session, people.reporter, report_input(), idempotency_key="r-2")
    assert (again.reference, again.created) == (first.reference, False)
    with casework.reading() as session:
        assert session.scalars(select(LedgerEntry.record_id)).all() == [first.reference]


def test_the_same_key_with_another_body_is_a_conflict(casework: Casework, people: People,
                                                      signer: Signer) -> None:
    """Reusing a key for different content is refused (409), naming the first report."""
    with casework.session() as session:
        first = submit_report(session, people.reporter, report_input(), idempotency_key="k")
    with pytest.raises(IdempotencyConflict, match=first.reference) as caught, \
            casework.session() as session:
        submit_report(session, people.reporter, report_input(child_given_name="Bea"),
                       idempotency_key="k")
    assert caught.value.http_status == 409


def test_keys_belong_to_their_reporter(casework: Casework, people: People,
                                       signer: Signer) -> None:
    """Two reporters using the same key make two reports."""
    with casework.session() as session:
        a = submit_report(session, people.reporter, report_input(), idempotency_key="k")
        b = submit_report(session, people.other_reporter, report_input(), idempotency_key="k")
    assert a.reference != b.reference and b.created


def test_an_idempotency_key_has_a_length_limit(casework: Casework, people: People,
                                               signer: Signer) -> None:
    """Keys are 1 to 255 characters."""
    with pytest.raises(CaseworkError, match="1 to 255"), casework.session() as session:
        submit_report(session, people.reporter, report_input(), idempotency_key="k" * 256)


@pytest.mark.parametrize("who", ["hartlepool", "national", "analyst", "admin"])
def test_only_reporters_report(casework: Casework, people: People, signer: Signer,
                               who: str) -> None:
    """Deny by default: no other role can file a report."""
    with pytest.raises(NotPermitted), casework.session() as session:
        file_report(session, getattr(people, who))


def test_a_disabled_reporter_cannot_report_even_with_a_stale_user(
        casework: Casework, people: People, signer: Signer) -> None:
    """The service reloads the user, so a web session older than the disabling is refused."""
    with casework.session() as session:
        disable_user(session, "teacher")
    with pytest.raises(NotPermitted, match="disabled"), casework.session() as session:
        file_report(session, people.reporter)


def test_a_receipt_is_only_for_the_reporter_or_the_area(casework: Casework, people: People,
                                                        signer: Signer) -> None:
    """Another reporter cannot fetch someone else's receipt; triage of the area can."""
    with casework.session() as session:
        reference = file_report(session, people.reporter).reference
        assert report_receipt(session, people.hartlepool, reference).reference == reference
    with pytest.raises(NoSuchReport), casework.session() as session:
        report_receipt(session, people.other_reporter, reference)


def test_the_same_key_sent_at_once_from_many_clients_makes_one_report(
        casework: Casework, people: People, signer: Signer) -> None:
    """Retries racing each other: one report, chained once, and every client gets its
    reference."""
    references: list[str] = []
    errors: list[BaseException] = []
    start = threading.Barrier(6)

    def send() -> None:
        try:
            start.wait()
            with casework.session() as session:
                references.append(submit_report(session, people.reporter, report_input(),
                                                 idempotency_key="race").reference)
        except BaseException as exc:  # any failure is reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=send) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(references) == 6 and len(set(references)) == 1
    with casework.session() as session:
        assert session.scalar(select(func.count()).select_from(Report)) == 1
        assert session.scalars(select(LedgerEntry.record_id)).all() == references[:1]


def test_reports_filed_together_each_get_their_own_answer(
        casework: Casework, people: People, signer: Signer) -> None:
    """One transaction, five submissions: two filed, one replay of the first, one reusing its
    key with other content, one from an account that may not report. Each is answered on its
    own, and only the two new reports are written and chained."""
    with casework.session() as session:
        answers = submit_reports(session, [
            Submission(people.reporter, report_input(), idempotency_key="a"),
            Submission(people.other_reporter, report_input(child_given_name="Bea")),
            Submission(people.hartlepool, report_input()),
            Submission(people.reporter, report_input(child_given_name="Cal"),
                       idempotency_key="b" * 256),
        ])
    with casework.session() as session:
        replay, conflict = submit_reports(session, [
            Submission(people.reporter, report_input(), idempotency_key="a"),
            Submission(people.reporter, report_input(child_given_name="Dot"),
                       idempotency_key="a")])
    first, second, not_a_reporter, bad_key = answers
    assert isinstance(first, Submitted) and isinstance(second, Submitted)
    assert (first.created, second.created) == (True, True)
    assert isinstance(not_a_reporter, NotPermitted)
    assert isinstance(bad_key, CaseworkError) and "Idempotency-Key" in bad_key.message
    assert isinstance(replay, Submitted) and (replay.reference, replay.created) == (
        first.reference, False)
    assert isinstance(conflict, IdempotencyConflict)
    with casework.reading() as session:
        assert sorted(session.scalars(select(LedgerEntry.record_id))) == sorted(
            [first.reference, second.reference])
        assert verify_ledger(session, signer.keyring).ok
