"""Review requests and the panel's casework, on SQLite and PostgreSQL: asking, the secret and
its throttle, stopping, and a caseworker taking a request through eligibility to an outcome,
every step in the ledger."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tessera.casework.ledger import ENTRIES
from tessera.casework.letters import make_letter
from tessera.casework.models import ReadLogEntry, ReviewEvent, ReviewRequest
from tessera.casework.review_casework import (
    acknowledge,
    assign,
    decide_eligibility,
    identities_to_match,
    open_request,
    queue,
    record_matches,
    record_outcome,
)
from tessera.casework.review_input import check_review_input
from tessera.casework.reviews import (
    holder_of,
    progress,
    standard_secret,
    stop_request,
    submit_request,
)
from tessera.casework.signing import Signer
from tessera.casework.store import Casework
from tessera.casework.verification import verify_ledger
from tessera.errors import CaseworkError, NotPermitted, TooManyAttempts
from tests.casework.populate import People
from tests.casework.review_fixture import add_caseworker, review_answers, review_input

MATCH = {"basis": "both", "force_code": "west-yorkshire", "crime_reference": "13/1/23",
         "ho_offence_code": "19D", "outcome_type": "15", "outcome_group": "evidential_difficulties",
         "closed_on": date(2023, 9, 1), "victim_age": 13, "suspects": 2}


@pytest.mark.parametrize(("overrides", "field"), [
    ({"given_name": ""}, "given_name"),
    ({"date_of_birth-day": "31", "date_of_birth-month": "2"}, "date_of_birth"),
    ({"safe_methods": ""}, "safe_methods"),
    ({"safe_methods": "email", "email": "not an address"}, "email"),
    ({"safe_methods": "post", "postal_address": ""}, "postal_address"),
    ({"may_say_subject": "maybe"}, "may_say_subject"),
    ({"force_code": "atlantis"}, "force_code"),
    ({"happened_from_year": "2020", "happened_to_year": "2019"}, "happened_to_year"),
    ({"decision_year": "nineteen"}, "decision_year"),
    ({"what_happened": "  "}, "what_happened"),
    ({"review_wanted": ""}, "review_wanted"),
    ({"submitted_by": "support_organisation"}, "consent_given"),
    ({"what_happened": "a\x00b"}, "what_happened"),
], ids=lambda value: str(value))
def test_each_wrong_answer_names_its_field(overrides: dict[str, str], field: str) -> None:
    """Each rule refuses with a message at the field to correct, and nothing else wrong."""
    data, errors = check_review_input(review_answers(**overrides))
    assert data is None
    assert field in errors and errors[field][0].isupper()


def test_a_support_organisation_records_the_persons_consent() -> None:
    """Made by an organisation: its name, contact and how consent was given are kept."""
    data, errors = check_review_input(review_answers(
        submitted_by="support_organisation", support_organisation="Safe Harbour",
        support_contact="0113 496 0001", consent_given="yes",
        consent_how="She agreed in person on 2 November"))
    assert not errors and data is not None
    assert data.consent_given and data.support_organisation == "Safe Harbour"


def test_a_request_gets_a_reference_and_a_secret_kept_only_hashed(
        casework: Casework) -> None:
    """The secret is shown once; the store keeps its argon2 hash; progress reads back."""
    with casework.session() as session:
        new = submit_request(session, review_input())
    with casework.reading() as session:
        row = session.scalar(select(ReviewRequest).where(
            ReviewRequest.reference == new.reference))
        assert row is not None and new.secret not in row.secret_hash
        assert row.secret_hash.startswith("$argon2")
    holder = holder_of(casework, new.reference.lower(), new.secret.lower().replace("-", " "),
                       "198.51.100.7")
    seen = progress(casework, holder)
    assert seen.stage == "received" and "We have your request" in seen.status_text
    with casework.reading() as session:
        read = session.scalars(select(ReadLogEntry)).all()[-1]
        assert read.user_id is None and read.actor == f"holder of {new.reference}"


def test_wrong_secrets_are_throttled(casework: Casework) -> None:
    """Five wrong secrets for a reference, then it must wait, even with the right one (and
    argon2 is not run meanwhile)."""
    with casework.session() as session:
        new = submit_request(session, review_input())
    for _ in range(5):
        with pytest.raises(CaseworkError, match="do not match"):
            holder_of(casework, new.reference, "AAAA-BBBB-CCCC-DDDD", "198.51.100.8")
    with pytest.raises(TooManyAttempts):
        holder_of(casework, new.reference, new.secret, "198.51.100.8")


def test_standard_secret_reads_o_as_zero_and_groups_by_four() -> None:
    """Written down or read over the phone, the same secret matches."""
    assert standard_secret("ab0c d1ef-gh2j kl3m") == standard_secret("ABOC-DIEF-GH2J-K13M")


def test_the_holder_can_stop_at_any_time_without_an_account(casework: Casework) -> None:
    """Stopping is an event by the request holder, not a user, and it is final."""
    with casework.session() as session:
        new = submit_request(session, review_input())
    stopped = stop_request(casework, holder_of(casework, new.reference, new.secret, "198.51.100.9"))
    assert stopped.finished and stopped.stage == "withdrawn"
    with casework.reading() as session:
        kinds = [(e.kind, e.actor_kind, e.user_id) for e in session.scalars(
            select(ReviewEvent).order_by(ReviewEvent.id))]
    assert kinds == [("submitted", "request_holder", None),
                     ("withdrawn", "request_holder", None)]


def test_a_caseworker_takes_a_request_to_an_outcome_every_step_in_the_ledger(
        casework: Casework, people: People, signer: Signer) -> None:
    """Queue, match, acknowledge, assign, eligibility, outcome, letters: each step an event
    in the ledger with the request's new state, the reads logged, and verify passes."""
    with casework.session() as session:
        worker = add_caseworker(session)
        new = submit_request(session, review_input())
    with casework.session() as session:
        (row,) = queue(session, worker)
        assert row.reference == new.reference and row.clock.state == "on_time"
        looked_up = identities_to_match(session, worker, "matching requests to closed cases")
        assert looked_up[0]["family_name"] == "Smith"
        assert record_matches(session, worker, new.reference, [MATCH]) == 1
        assert record_matches(session, worker, new.reference, [MATCH]) == 0
    with casework.session() as session, pytest.raises(CaseworkError, match="acknowledge"):
        decide_eligibility(session, worker, new.reference, True, "fits", None)
    with casework.session() as session:
        acknowledge(session, worker, new.reference)
        assign(session, worker, new.reference, "panel-caseworker")
    with casework.session() as session:
        view = open_request(session, worker, new.reference, "deciding eligibility")
        (match,) = view.matches
        assert match.eligibility.eligible and match.eligibility.route == "police_vrr"
        with pytest.raises(CaseworkError, match="reasons"):
            decide_eligibility(session, worker, new.reference, True, " ", match.id)
    with casework.session() as session:
        decide_eligibility(session, worker, new.reference, True,
                           "Closed with no further action in 2023; she was 13.", match.id)
    with casework.session() as session:
        record_outcome(session, worker, new.reference, "refer_force",
                       "The suspects were not interviewed.")
    with casework.session() as session:
        letter = make_letter(session, worker, new.reference, "outcome")
    assert "asked the police force to investigate it again" in letter.text
    assert "The suspects were not interviewed." in letter.text
    assert "A letter from Tessera" in letter.text  # she asked that messages not say
    assert "<p>" in letter.html
    seen = progress(casework, holder_of(casework, new.reference, new.secret, "198.51.100.10"))
    assert seen.finished and seen.outcome_text and "investigate" in seen.outcome_text
    with casework.reading() as session:
        labels = [e.kind for e in session.execute(select(ENTRIES)).all()]
        check = verify_ledger(session, signer.keyring)
        events = [e.kind for e in session.scalars(select(ReviewEvent).order_by(ReviewEvent.id))]
    assert check.ok, check
    assert events == ["submitted", "matched", "acknowledged", "assigned", "eligibility",
                      "outcome", "letter"]
    assert {"review request", "review submitted", "review match", "review outcome",
            "review request stage", "read"} <= set(labels)


def test_only_review_caseworkers_work_requests(casework: Casework, people: People) -> None:
    """A triage user or an analyst is refused by the service itself."""
    with casework.session() as session:
        submit_request(session, review_input())
    for user in (people.hartlepool, people.analyst, people.admin):
        with casework.session() as session, pytest.raises(NotPermitted):
            queue(session, user)


def test_a_case_that_does_not_meet_the_rules_cannot_be_found_eligible(
        casework: Casework) -> None:
    """A charged case, or an adult victim, is refused with the rules it fails."""
    with casework.session() as session:
        worker = add_caseworker(session)
        new = submit_request(session, review_input())
        record_matches(session, worker, new.reference, [
            {**MATCH, "crime_reference": "X1", "outcome_type": "1",
             "outcome_group": "charge_summons", "victim_age": 25}])
        acknowledge(session, worker, new.reference)
    with casework.session() as session:
        view = open_request(session, worker, new.reference, "eligibility")
        with pytest.raises(CaseworkError, match="not closed with no further action"):
            decide_eligibility(session, worker, new.reference, True, "fits",
                               view.matches[0].id)
    with casework.session() as session:
        decide_eligibility(session, worker, new.reference, False,
                           "The case was charged; the panel reviews decisions not to.")
    with casework.reading() as session:
        row = session.scalar(select(ReviewRequest))
        assert row is not None and (row.stage, row.outcome) == ("closed", "not_eligible")


def test_reviews_received_are_placed_by_their_matched_case_else_the_force_named(
        casework: Casework) -> None:
    """Three requests: one naming West Yorkshire but matched to a Kent case (Kent), one
    naming Lancashire (Lancashire), one naming no force (None); each with the day it came."""
    from datetime import UTC, datetime

    from tessera.casework.models import ReviewMatch
    from tessera.casework.tracker import reviews_received

    with casework.session() as session:
        matched = submit_request(session, review_input())
        submit_request(session, review_input(force_code="lancashire"))
        submit_request(session, review_input(force_code="", crime_reference=""))
        request = session.scalar(select(ReviewRequest).where(
            ReviewRequest.reference == matched.reference))
        assert request is not None
        session.add(ReviewMatch(
            request_id=request.id, found_at=datetime.now(UTC), found_by="test",
            basis="linked_identity", force_code="kent", crime_reference="KE/1/23",
            ho_offence_code="19D", outcome_type="16", outcome_group="evidential_difficulties",
            closed_on=date(2023, 9, 1), victim_age=13, suspects=2))
    with casework.reading() as session:
        found = reviews_received(session)
    today = datetime.now(UTC).date()
    assert [force for force, _ in found] == ["kent", "lancashire", None]
    assert all(abs((day - today).days) <= 1 for _, day in found)


def test_reviews_decided_and_upheld_by_the_day_of_the_outcome(casework: Casework) -> None:
    """Three requests: referred to the force, no change, still open. Two decided, one
    upheld, each dated by its outcome; the open one in neither."""
    from datetime import UTC, datetime

    from tessera.casework.tracker import reviews_decided

    with casework.session() as session:
        made = [submit_request(session, review_input(force_code=force))
                for force in ("kent", "lancashire", "kent")]
        for new, outcome, day in ((made[0], "refer_force", 3), (made[1], "no_change", 4)):
            request = session.scalar(select(ReviewRequest).where(
                ReviewRequest.reference == new.reference))
            assert request is not None
            request.outcome, request.stage = outcome, "closed"
            request.stage_since = datetime(2025, 6, day, 12, tzinfo=UTC)
    with casework.reading() as session:
        found = reviews_decided(session)
    assert found["reviews_decided"] == [("kent", date(2025, 6, 3)),
                                        ("lancashire", date(2025, 6, 4))]
    assert found["reviews_upheld"] == [("kent", date(2025, 6, 3))]
