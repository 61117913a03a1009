"""The review request pages over HTTP: a victim asks, gets a reference and secret, follows the
request and stops it; every bad answer is a GOV.UK error summary naming the field (never a
500); "Exit this page" is on every page; nothing identifiable is in an address or a title."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import select

from tessera.casework.models import ReviewEvent
from tests.casework.review_fixture import review_answers
from tests.web.conftest import Site, csrf_of

STEP_FIELDS = {"who": ("submitted_by", "given_name", "family_name", "date_of_birth-day",
                       "date_of_birth-month", "date_of_birth-year", "support_organisation",
                       "support_contact", "consent_given", "consent_how"),
               "contact": ("safe_methods", "email", "phone", "postal_address",
                           "times_to_avoid", "may_say_subject"),
               "case": ("force_code", "crime_reference", "happened_from_year",
                        "happened_to_year", "decision_year", "what_happened"),
               "review": ("review_wanted", "review_reason", "support_wanted")}
TITLE = re.compile(r"<title>(.*?)</title>", re.S)


def _client(site: Site) -> tuple[TestClient, str]:
    client = TestClient(site.app, base_url="http://testserver")
    return client, csrf_of(client.get("/review-request/check").text)


def _form(answers: dict[str, str], token: str) -> dict[str, str | list[str]]:
    """The answers as a browser posts them: one value per ticked box."""
    form: dict[str, str | list[str]] = {"csrf_token": token, **answers}
    form["safe_methods"] = [m for m in answers.get("safe_methods", "").split(",") if m]
    return form


def _private(response: Response, *secrets: str) -> None:
    """Exit this page is there, and no name, reference or secret is in the title or address."""
    assert 'class="govuk-exit-this-page' in response.text
    assert 'href="https://www.bbc.co.uk/weather"' in response.text
    title = TITLE.search(response.text)
    assert title is not None
    for secret in ("Amy", "Smith", *secrets):
        assert secret not in title.group(1)
        assert secret not in str(response.url)


def _send(site: Site, client: TestClient, token: str, **overrides: str) -> Response:
    response = client.post("/review-request/send", data=_form(
        review_answers(**overrides), token))
    assert response.status_code == 200, response.text[:400]
    return response


def test_a_victim_asks_follows_and_stops_a_request(site: Site) -> None:
    """Every page of the walk, from the start page to stopping: the reference and secret
    appear once, the status page speaks plainly, and the holder's actions are in the
    request's events with no user."""
    client, token = _client(site)
    for path in ("/review-request", "/review-request/start", "/review-request/check"):
        response = client.get(path)
        assert response.status_code == 200
        _private(response)
    answers = review_answers()
    for step in ("who", "contact", "case", "review"):
        response = client.post(f"/review-request/{step}", data=_form(
            {k: v for k, v in answers.items() if k in STEP_FIELDS[step] or step == "review"
             or k not in STEP_FIELDS["review"]}, token))
        assert response.status_code == 200, (step, response.text[:400])
        _private(response)
    assert "Check your answers before sending your request" in response.text
    sent = _send(site, client, token)
    reference = re.search(r'id="reference"[^>]*>([^<]+)<', sent.text)
    secret = re.search(r'id="secret"[^>]*>([^<]+)<', sent.text)
    assert reference and secret
    _private(sent, reference.group(1), secret.group(1))
    assert "within 5 days" in sent.text
    # A fresh browser: the reference and secret in the form body, never the address.
    other, other_token = _client(site)
    status = other.post("/review-request/check", data={
        "csrf_token": other_token, "reference": reference.group(1),
        "secret": secret.group(1)})
    assert status.status_code == 200 and "We have your request" in status.text
    _private(status, reference.group(1), secret.group(1))
    again = other.get("/review-request/your-request")
    assert "We have your request" in again.text
    ask = other.post("/review-request/stop", data={"csrf_token": other_token})
    assert "Do you want us to stop" in ask.text
    unsure = other.post("/review-request/stop", data={"csrf_token": other_token,
                                                      "confirm": "maybe"})
    assert unsure.status_code == 400 and 'href="#confirm"' in unsure.text
    stopped = other.post("/review-request/stop", data={"csrf_token": other_token,
                                                       "confirm": "yes"})
    assert "we have stopped work on your request" in stopped.text.lower()
    forgot = other.post("/review-request/forget", data={"csrf_token": other_token},
                        follow_redirects=False)
    assert forgot.headers["location"] == "/review-request"
    assert other.get("/review-request/your-request",
                     follow_redirects=False).headers["location"] == "/review-request/check"
    with site.casework.reading() as session:
        events = [(e.kind, e.actor_kind, e.user_id) for e in session.scalars(
            select(ReviewEvent).where(ReviewEvent.actor == f"holder of {reference.group(1)}"))]
    assert events == [("submitted", "request_holder", None),
                      ("withdrawn", "request_holder", None)]


@pytest.mark.parametrize(("step", "overrides", "field"), [
    ("who", {"submitted_by": ""}, "submitted_by"),
    ("who", {"given_name": ""}, "given_name"),
    ("who", {"date_of_birth-day": "32"}, "date_of_birth-day"),
    ("who", {"submitted_by": "support_organisation"}, "support_organisation"),
    ("contact", {"safe_methods": ""}, "safe_methods"),
    ("contact", {"email": "amy at example"}, "email"),
    ("contact", {"safe_methods": "text", "phone": "call me"}, "phone"),
    ("contact", {"may_say_subject": ""}, "may_say_subject"),
    ("case", {"force_code": "nowhere"}, "force_code"),
    ("case", {"happened_from_year": "1066"}, "happened_from_year"),
    ("case", {"what_happened": ""}, "what_happened"),
    ("case", {"crime_reference": "x" * 41}, "crime_reference"),
    ("review", {"review_wanted": "judge"}, "review_wanted"),
    ("review", {"review_reason": "\x01"}, "review_reason"),
], ids=lambda value: str(value)[:40])
def test_a_wrong_answer_is_named_in_the_error_summary(site: Site, step: str,
                                                      overrides: dict[str, str],
                                                      field: str) -> None:
    """400 with the error summary linking to the field, the answers kept, and no 500."""
    client, token = _client(site)
    response = client.post(f"/review-request/{step}", data=_form(
        review_answers(**overrides), token))
    assert response.status_code == 400, response.text[:300]
    assert "There is a problem" in response.text
    assert f'href="#{field}"' in response.text
    assert TITLE.search(response.text).group(1).startswith("Error:")  # type: ignore[union-attr]


def test_send_with_a_page_unanswered_goes_back_to_that_page(site: Site) -> None:
    """A tampered or incomplete send shows the first page with a problem, not a 500."""
    client, token = _client(site)
    response = client.post("/review-request/send", data={"csrf_token": token})
    assert response.status_code == 400 and 'href="#submitted_by"' in response.text


def test_wrong_secret_and_missing_answers_on_the_check_form(site: Site) -> None:
    """Each is named in the error summary; a made-up reference is answered the same way."""
    client, token = _client(site)
    empty = client.post("/review-request/check", data={"csrf_token": token})
    assert empty.status_code == 400
    assert 'href="#reference"' in empty.text and 'href="#secret"' in empty.text
    wrong = client.post("/review-request/check", data={
        "csrf_token": token, "reference": site.review_request, "secret": "0000-0000-0000-0000"})
    assert wrong.status_code == 400 and "do not match a request" in wrong.text
    made_up = client.post("/review-request/check", data={
        "csrf_token": token, "reference": "not a reference", "secret": "x"})
    assert made_up.status_code == 400 and "do not match a request" in made_up.text
