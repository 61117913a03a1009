"""Triage: scoped queues, logged opening, decisions with their rules, and the timeline."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tessera.casework.models import Decision, ReadLogEntry, Report
from tessera.casework.signing import Signer
from tessera.casework.store import Casework
from tessera.casework.triage import Outcome, decide, open_report, queue, timeline
from tessera.errors import CaseworkError, NoSuchReport
from tests.casework.populate import SHEFFIELD_POSTCODE, People, file_report


def _references(casework: Casework, user: object) -> list[str]:
    with casework.session() as session:
        return [item.reference for item in queue(session, user)]  # type: ignore[arg-type]


def test_each_triage_user_sees_only_their_areas_queue(casework: Casework, people: People,
                                                      signer: Signer) -> None:
    """The authority and its force see a Hartlepool report; Sheffield does not; an unknown
    postcode is the national team's."""
    with casework.session() as session:
        hartlepool = file_report(session, people.reporter).reference
        sheffield = file_report(session, people.reporter,
                                child_postcode=SHEFFIELD_POSTCODE).reference
        national = file_report(session, people.reporter, child_postcode=None).reference
    assert _references(casework, people.hartlepool) == [hartlepool]
    assert _references(casework, people.cleveland) == [hartlepool]
    assert _references(casework, people.sheffield) == [sheffield]
    assert _references(casework, people.national) == [national]


def test_immediate_risk_comes_first_then_oldest(casework: Casework, people: People,
                                                signer: Signer) -> None:
    """A child at immediate risk is at the top of the queue whenever it arrived."""
    with casework.session() as session:
        old = file_report(session, people.reporter).reference
        newer = file_report(session, people.reporter).reference
        urgent = file_report(session, people.reporter, immediate_risk=True).reference
    with casework.session() as session:
        items = queue(session, people.hartlepool)
    assert [i.reference for i in items] == [urgent, old, newer]
    assert items[0].immediate_risk and items[0].queue_name == "Hartlepool"
    assert items[0].force_name == "Cleveland Police"


def test_opening_a_report_is_logged_with_its_purpose(casework: Casework, people: People,
                                                     signer: Signer) -> None:
    """Who, what, when and why of every read of identifiable details."""
    with casework.session() as session:
        reference = file_report(session, people.reporter).reference
    with casework.session() as session:
        view = open_report(session, people.cleveland, reference, "Triage of new report")
    assert view.content.child_given_name == "Amy" and view.reporter_name == "Teacher"
    assert (view.queue_name, view.force_name, view.status) == (
        "Hartlepool", "Cleveland Police", "open")
    with casework.session() as session:
        entry = session.scalars(select(ReadLogEntry)).one()
    assert (entry.actor, entry.record_kind, entry.record_id, entry.purpose) == (
        "cleveland-triage", "report", reference, "Triage of new report")


def test_opening_needs_a_reason_the_area_and_a_real_reference(
        casework: Casework, people: People, signer: Signer) -> None:
    """No reason, out of area or unknown reference: refused, and nothing is logged (the web
    app logs refused attempts in a transaction of its own: tests/web)."""
    with casework.session() as session:
        reference = file_report(session, people.reporter).reference
    with pytest.raises(CaseworkError, match="say why"), casework.session() as session:
        open_report(session, people.hartlepool, reference, "  ")
    refusals = []
    for user, ref in ((people.sheffield, reference), (people.hartlepool, "TSR-0000000000"),
                      (people.hartlepool, "TSR-\x00"), (people.hartlepool, "../etc")):
        with pytest.raises(NoSuchReport) as caught, casework.session() as session:
            open_report(session, user, ref, "curious")
        refusals.append((caught.value.http_status, caught.value.message))
    assert len(set(refusals)) == 1 and refusals[0][0] == 404
    with casework.session() as session:
        assert session.scalars(select(ReadLogEntry)).all() == []


def test_a_decision_takes_the_report_off_the_queue(casework: Casework, people: People,
                                                   signer: Signer) -> None:
    """Decided reports are no longer waiting; deciding twice is refused."""
    with casework.session() as session:
        reference = file_report(session, people.reporter).reference
    with casework.session() as session:
        decide(session, people.cleveland, reference, Outcome.POLICE_INVESTIGATION)
    assert _references(casework, people.hartlepool) == []
    with pytest.raises(CaseworkError, match="already been decided"), \
            casework.session() as session:
        decide(session, people.hartlepool, reference, Outcome.STRATEGY_DISCUSSION)
    with casework.session() as session:
        status = session.scalar(select(Report.status))
    assert status == "police_investigation"


def test_no_further_action_needs_a_reason(casework: Casework, people: People,
                                          signer: Signer) -> None:
    """A decision to do nothing must say why."""
    with casework.session() as session:
        reference = file_report(session, people.reporter).reference
    with pytest.raises(CaseworkError, match="reason"), casework.session() as session:
        decide(session, people.hartlepool, reference, Outcome.NO_FURTHER_ACTION, reason=" ")
    with casework.session() as session:
        decide(session, people.hartlepool, reference, Outcome.NO_FURTHER_ACTION,
               reason="Already known; family supported")
        assert session.scalar(select(Decision.reason)) == "Already known; family supported"


def test_a_transfer_moves_the_report_to_the_new_areas_queue(
        casework: Casework, people: People, signer: Signer) -> None:
    """The national team places a report; it is then Sheffield's and South Yorkshire's."""
    with casework.session() as session:
        reference = file_report(session, people.reporter, child_postcode=None).reference
    with casework.session() as session:
        decide(session, people.national, reference, Outcome.TRANSFER, transfer_to="E08000019",
               reason="Child's school is in Sheffield")
    assert _references(casework, people.national) == []
    assert _references(casework, people.sheffield) == [reference]
    with casework.session() as session:
        report = session.scalars(select(Report)).one()
        assert (report.la_code, report.force_code, report.status) == (
            "E08000019", "south-yorkshire", "open")


@pytest.mark.parametrize(("outcome", "transfer_to", "message"), [
    (Outcome.TRANSFER, None, "choose a local authority"),
    (Outcome.TRANSFER, "E99999999", "choose a local authority"),
    (Outcome.TRANSFER, "E06000001", "already with E06000001"),
    (Outcome.BOTH, "E08000019", "only a transfer"),
], ids=["transfer nowhere", "unknown authority", "same authority", "transfer_to on a referral"])
def test_bad_transfers_are_refused(casework: Casework, people: People, signer: Signer,
                                   outcome: Outcome, transfer_to: str | None,
                                   message: str) -> None:
    """A transfer needs another real authority, and only a transfer names one."""
    with casework.session() as session:
        reference = file_report(session, people.reporter).reference
    with pytest.raises(CaseworkError, match=message), casework.session() as session:
        decide(session, people.hartlepool, reference, outcome, transfer_to=transfer_to)


def test_the_timeline_shows_every_event_in_order(casework: Casework, people: People,
                                                 signer: Signer) -> None:
    """Submission, transfer and decision, each with who and what."""
    with casework.session() as session:
        reference = file_report(session, people.reporter, child_postcode=None,
                                immediate_risk=True).reference
    with casework.session() as session:
        decide(session, people.national, reference, Outcome.TRANSFER, transfer_to="E06000001")
    with casework.session() as session:
        decide(session, people.hartlepool, reference, Outcome.BOTH)
    with casework.session() as session:
        events = timeline(session, people.cleveland, reference)
    assert [(e.kind, e.actor, e.detail) for e in events] == [
        ("submitted", "Teacher", "Reported; routed to National queue; immediate risk"),
        ("transfer", "National Triage", "Transferred from National queue to Hartlepool"),
        ("both", "Hartlepool Triage", "Referred to children's social care for a strategy "
         "discussion and to the police for investigation"),
    ]
    assert events[0].at <= events[1].at <= events[2].at
