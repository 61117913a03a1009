"""The review panel's pages over HTTP: queue, request (read logged), acknowledge, assign,
eligibility and outcome with reasons, letters downloaded; every refusal a GOV.UK error
summary naming the field, never a 500."""

from __future__ import annotations

from datetime import date

from httpx import Response
from sqlalchemy import select

from tessera.casework.models import ReadLogEntry, ReviewEvent, ReviewMatch, User
from tessera.casework.review_casework import record_matches
from tessera.casework.reviews import submit_request
from tests.casework.review_fixture import review_input
from tests.web.conftest import Site

MATCH = {"basis": "linked_identity", "force_code": "west-yorkshire",
         "crime_reference": "13/1/23", "ho_offence_code": "19D", "outcome_type": "15",
         "outcome_group": "evidential_difficulties", "closed_on": date(2023, 9, 1),
         "victim_age": 13, "suspects": 2}


def _new_request(site: Site) -> tuple[str, int]:
    with site.casework.session() as session:
        reference = submit_request(session, review_input()).reference
        worker = session.scalar(select(User).where(User.username == "review_caseworker"))
        assert worker is not None
        record_matches(session, worker, reference, [MATCH])
        match_id = session.scalar(select(ReviewMatch.id).order_by(ReviewMatch.id.desc()))
    assert match_id is not None
    return reference, match_id


def test_a_caseworker_takes_a_request_from_the_queue_to_an_outcome(site: Site) -> None:
    """Each step redirects back to the request; bad input is shown at its field (400)."""
    reference, match_id = _new_request(site)
    client, token = site.client("review_caseworker")
    queue = client.get("/reviews")
    assert queue.status_code == 200 and reference in queue.text and "Smith" not in queue.text
    page = client.get(f"/reviews/{reference}")
    assert page.status_code == 200 and "Amy Smith" in page.text and "13/1/23" in page.text
    assert "Police Victims&#39; Right to Review" in page.text
    base = f"/reviews/{reference}"

    def post(action: str, **data: str) -> Response:
        return client.post(f"{base}/{action}", data={"csrf_token": token, **data},
                           follow_redirects=False)

    early = post("eligibility", eligible="yes", match_id=str(match_id), eligibility_reasons="x")
    assert early.status_code == 400 and "Acknowledge the request" in early.text
    assert post("acknowledge").status_code == 303
    nobody = post("assign", assign_to="")
    assert nobody.status_code == 400 and 'href="#assign_to"' in nobody.text
    assert post("assign", assign_to="review_caseworker").status_code == 303
    unsaid = post("eligibility")
    assert unsaid.status_code == 400 and 'href="#eligible"' in unsaid.text
    no_case = post("eligibility", eligible="yes", eligibility_reasons="Fits the rules")
    assert no_case.status_code == 400 and 'href="#match_id"' in no_case.text
    no_reason = post("eligibility", eligible="yes", match_id=str(match_id))
    assert no_reason.status_code == 400
    assert 'href="#eligibility_reasons"' in no_reason.text
    assert post("eligibility", eligible="yes", match_id=str(match_id),
                eligibility_reasons="No further action in 2023; she was 13.").status_code == 303
    no_outcome = post("outcome", outcome_reasons="x")
    assert no_outcome.status_code == 400 and 'href="#outcome"' in no_outcome.text
    assert post("outcome", outcome="refer_cps",
                outcome_reasons="The CPS did not see the phone evidence.").status_code == 303
    done = client.get(base)
    assert "Refer to the CPS" in done.text and "phone evidence" in done.text
    no_letter = post("letter")
    assert no_letter.status_code == 400 and 'href="#letter"' in no_letter.text
    letter = post("letter", letter="outcome", format="text")
    assert letter.status_code == 200
    assert "Crown Prosecution Service" in letter.text
    assert letter.headers["content-disposition"] == 'attachment; filename="outcome-letter.txt"'
    html = post("letter", letter="eligibility", format="html")
    assert html.headers["content-type"].startswith("text/html") and "<p>" in html.text
    with site.casework.reading() as session:
        request_id = session.scalar(select(ReviewEvent.request_id).where(
            ReviewEvent.reasons == "The CPS did not see the phone evidence."))
        kinds = [e.kind for e in session.scalars(select(ReviewEvent).where(
            ReviewEvent.request_id == request_id).order_by(ReviewEvent.id))]
        reads = session.scalars(select(ReadLogEntry).where(
            ReadLogEntry.record_id == reference)).all()
    assert kinds == ["submitted", "matched", "acknowledged", "assigned", "eligibility",
                     "outcome", "letter", "letter"]
    assert reads and all(r.actor == "review_caseworker" for r in reads)


def test_an_unknown_request_is_404_not_500(site: Site) -> None:
    """A made-up or malformed reference is the same 404 page."""
    client, token = site.client("review_caseworker")
    for reference in ("TSV-0000000000", "nonsense"):
        assert client.get(f"/reviews/{reference}").status_code == 404
        assert client.post(f"/reviews/{reference}/outcome", data={
            "csrf_token": token, "outcome": "no_change", "outcome_reasons": "x"}
            ).status_code == 404
