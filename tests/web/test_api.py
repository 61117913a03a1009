"""POST /api/reports: Bearer tokens, 201 with a verifiable receipt, idempotency, 422 by field."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from tessera.casework.models import User
from tessera.casework.receipts import Receipt, verify_receipt
from tessera.casework.signing import Keyring
from tessera.casework.triage import queue
from tessera.casework.users import add_user, disable_user, issue_api_token
from tessera.web import access
from tests.web.accounts import ACCOUNTS, PASSWORD
from tests.web.conftest import Site, report_body


def _post(site: Site, body: dict[str, Any], token: str | None = None, **headers: str) -> Any:
    client, _ = site.client(None)
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return client.post("/api/reports", json=body, headers=headers)


def test_a_report_gets_201_a_reference_and_a_receipt_anyone_can_verify(site: Site) -> None:
    """The receipt in the answer checks out against the published public key."""
    response = _post(site, report_body(immediate_risk=True), site.tokens["reporter"])
    assert response.status_code == 201, response.text
    answer = response.json()
    assert answer["reference"].startswith("TSR-")
    receipt = Receipt(**answer["receipt"])
    assert receipt.reference == answer["reference"]
    public_key = site.client(None)[0].get("/receipts/public-key.pem").text
    assert verify_receipt(receipt, Keyring.from_pem_bundle(public_key))


def test_the_report_is_routed_to_the_childs_area(site: Site) -> None:
    """A Leeds postcode puts the report in the Leeds queue, not Manchester's."""
    reference = _post(site, report_body(), site.tokens["reporter"]).json()["reference"]
    with site.casework.session() as session:
        def queue_of(username: str) -> list[str]:
            user = session.scalar(select(User).where(User.username == username))
            assert user is not None
            return [item.reference for item in queue(session, user)]

        assert reference in queue_of("triage_leeds")
        assert reference not in queue_of("triage_manchester")


def test_the_same_idempotency_key_returns_the_first_report(site: Site) -> None:
    """A retry files nothing new; the same key with another body is a 409."""
    token = site.tokens["reporter"]
    first = _post(site, report_body(), token, **{"Idempotency-Key": "retry-me"})
    again = _post(site, report_body(), token, **{"Idempotency-Key": "retry-me"})
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    other = _post(site, report_body(child_given_name="Bea"), token,
                  **{"Idempotency-Key": "retry-me"})
    assert other.status_code == 409
    assert first.json()["reference"] in other.json()["detail"]


def test_an_invalid_report_gets_422_naming_each_field(site: Site) -> None:
    """Every field to correct is named, with the same sentence the form shows."""
    body = report_body(child_given_name="", child_date_of_birth=None, child_age=None,
                       child_postcode="not a postcode", colour="blue")
    del body["immediate_risk"]
    response = _post(site, body, site.tokens["reporter"])
    assert response.status_code == 422
    errors = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert errors == {
        "child_given_name": "Enter the child's first name",
        "child_date_of_birth": "Enter the child's date of birth or age",
        "child_postcode": "Enter a real postcode, like SW1A 1AA, or leave it blank",
        "immediate_risk": "Select yes if the child is at immediate risk of harm, or no",
        "colour": "Remove 'colour': a report has no field of that name",
    }


def test_no_token_a_bad_token_or_a_disabled_account_gets_401(site: Site) -> None:
    """401 with WWW-Authenticate: Bearer; the session cookie never authenticates the API."""
    assert _post(site, report_body()).status_code == 401
    assert _post(site, report_body(), "tsr_not-a-token").status_code == 401
    assert _post(site, report_body(), site.tokens["disabled_reporter"]).status_code == 401
    signed_in, _ = site.client("reporter")
    response = signed_in.post("/api/reports", json=report_body())
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert response.json() == {"detail": "Send an API token as 'Authorization: Bearer <token>'."}


def test_a_token_stops_working_when_its_account_is_disabled(
        site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    """Disabling a reporter stops their very next API report: refused by the service (403)
    while the worker still remembers the token, by the token check (401) once it forgets."""
    with site.casework.session() as session:
        add_user(session, username="leaving", password=PASSWORD,
                 role=ACCOUNTS["reporter"].role, display_name="Leaving Reporter")
        token = issue_api_token(session, "leaving")
    assert _post(site, report_body(), token).status_code == 201
    with site.casework.session() as session:
        disable_user(session, "leaving")
    refused = _post(site, report_body(), token)
    assert refused.status_code == 403
    assert refused.json() == {"detail": "your account is disabled or no longer exists"}
    monkeypatch.setattr(access, "TOKEN_CACHE_SECONDS", 0.0)
    assert _post(site, report_body(), token).status_code == 401


def test_the_api_is_documented_in_openapi(site: Site) -> None:
    """Bearer security, the Idempotency-Key header and the 201/409/422 answers are in the
    schema; the pages are not."""
    schema = site.client(None)[0].get("/openapi.json").json()
    assert list(schema["paths"]) == ["/api/reports"]
    operation = schema["paths"]["/api/reports"]["post"]
    assert {"201", "401", "403", "409", "422"} <= set(operation["responses"])
    assert [p["name"] for p in operation["parameters"]] == ["Idempotency-Key"]
    assert operation["security"] == [{"HTTPBearer": []}]
    assert "Idempotency-Key" in schema["info"]["description"]
    body = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert body.endswith("/ReportInput")
