"""POST /api/reports: Bearer tokens, 201 with a verifiable receipt, idempotency, 422 by field."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import anyio
import pytest
from sqlalchemy import select

from tessera.casework.models import User
from tessera.casework.receipts import Receipt, verify_receipt
from tessera.casework.report_input import ReportInput
from tessera.casework.signing import Keyring
from tessera.casework.text import HIDDEN_CHARACTERS
from tessera.casework.triage import queue
from tessera.casework.users import (
    add_user,
    api_tokens,
    disable_user,
    issue_api_token,
    revoke_api_token,
)
from tessera.web import access
from tessera.web.transport import MAX_BODY_BYTES
from tests.web.accounts import ACCOUNTS, PASSWORD
from tests.web.conftest import Site, report_body


def _post_raw(site: Site, content: bytes, token: str, *,
              content_type: str = "application/json") -> Any:
    client, _ = site.client(None)
    return client.post("/api/reports", content=content, headers={
        "Authorization": f"Bearer {token}", "Content-Type": content_type})


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
    """Bearer security, the Idempotency-Key header, every answer and the request body (read
    by the route itself, after the token check) are in the schema; the pages are not."""
    schema = site.client(None)[0].get("/openapi.json").json()
    assert list(schema["paths"]) == ["/api/reports"]
    operation = schema["paths"]["/api/reports"]["post"]
    assert {"201", "400", "401", "403", "409", "413", "415", "422"} == set(
        operation["responses"])
    assert [p["name"] for p in operation["parameters"]] == ["Idempotency-Key"]
    assert operation["security"] == [{"HTTPBearer": []}]
    assert "Idempotency-Key" in schema["info"]["description"]
    assert operation["requestBody"] == {"required": True, "content": {"application/json": {
        "schema": {"$ref": "#/components/schemas/ReportInput"}}}}
    assert schema["components"]["schemas"]["ReportInput"] == ReportInput.model_json_schema()


def test_a_revoked_token_files_nothing_even_while_a_worker_remembers_it(
        site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    """Revoked after one report: the next is refused by the service (403) while the worker
    still caches the token, then by the token check (401); using it had set last used."""
    with site.casework.session() as session:
        token = issue_api_token(session, "other_reporter")
    assert _post(site, report_body(), token).status_code == 201
    with site.casework.session() as session:
        listed = api_tokens(session, "other_reporter")
        used = next(t for t in listed if t.last_used_at is not None)
        revoke_api_token(session, used.token_id)
    refused = _post(site, report_body(), token)
    assert refused.status_code == 403
    assert refused.json() == {"detail": "this API token has been revoked"}
    monkeypatch.setattr(access, "TOKEN_CACHE_SECONDS", 0.0)
    assert _post(site, report_body(), token).status_code == 401
    assert _post(site, report_body(), site.tokens["other_reporter"]).status_code == 201


@pytest.mark.parametrize(("field", "value"), [
    ("child_given_name", "Amy\x00"), ("disclosure", "She said\ud800 so"),
    ("reporter_contact", "\x1b]0;title\x07"), ("child_postcode", "LS6\x001AB"),
], ids=["NUL", "lone surrogate", "escape sequence", "NUL in a postcode"])
def test_hidden_characters_get_422_naming_the_field(site: Site, field: str,
                                                    value: str) -> None:
    """On both backends: the field and its message, nothing stored, no 500."""
    content = json.dumps(report_body(**{field: value})).encode()
    response = _post_raw(site, content, site.tokens["reporter"])
    assert response.status_code == 422, response.text
    assert response.json()["errors"] == [{"field": field, "message": HIDDEN_CHARACTERS}]


@pytest.mark.parametrize(("content", "detail"), [
    (b"[" * 5_000 + b"]" * 5_000, "nested more than 16 levels deep"),
    (b'{"child_age": ' + b"9" * 5_000 + b"}", "holds a number of 5,000 characters"),
    (b'{"immediate_risk": NaN}', "NaN, which is not a JSON number"),
    (b'{"a": 1, "a": 2}', "names 'a' twice"),
    (b"\xff\xfe{}", "not UTF-8"),
    (b"{", "not valid JSON"),
], ids=["deep", "huge number", "NaN", "duplicate key", "not UTF-8", "truncated"])
def test_json_the_parser_cannot_take_gets_400(site: Site, content: bytes, detail: str) -> None:
    """Refused with what is wrong, never a RecursionError or ValueError (a 500)."""
    response = _post_raw(site, content, site.tokens["reporter"])
    assert response.status_code == 400 and detail in response.json()["detail"]


def test_a_body_not_sent_as_json_gets_415(site: Site) -> None:
    """The API reads JSON only, and says so."""
    response = _post_raw(site, b"reporter_role=x", site.tokens["reporter"],
                         content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415 and "Content-Type: application/json" in (
        response.json()["detail"])


def _asgi_post(site: Site, headers: dict[str, str], chunks: Iterator[bytes]) -> tuple[int, int]:
    """POST /api/reports straight to the app, streaming `chunks` as it asks for them; the
    status and how many body bytes the app read."""
    read = 0
    status = 0

    async def receive() -> dict[str, Any]:
        nonlocal read
        chunk = next(chunks, None)
        read += len(chunk or b"")
        return {"type": "http.request", "body": chunk or b"", "more_body": chunk is not None}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
             "method": "POST", "scheme": "http", "path": "/api/reports",
             "raw_path": b"/api/reports", "root_path": "", "query_string": b"",
             "server": ("testserver", 80), "client": ("192.0.2.30", 50000),
             "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()]}
    anyio.run(site.app, scope, receive, send)
    return status, read


def _huge(megabytes: int) -> Iterator[bytes]:
    chunk = b" " * 1024 * 1024
    return (chunk for _ in range(megabytes))


@pytest.mark.parametrize("token", [None, "tsr_not-a-token"], ids=["no token", "bad token"])
def test_a_huge_body_without_a_valid_token_is_refused_unread(site: Site,
                                                             token: str | None) -> None:
    """100 MB streamed (no Content-Length) with no or a bad token: 401, not a byte read."""
    headers = {"Content-Type": "application/json"} | (
        {"Authorization": f"Bearer {token}"} if token else {})
    assert _asgi_post(site, headers, _huge(100)) == (401, 0)


def test_a_body_over_the_cap_is_refused_with_413(site: Site) -> None:
    """With a valid token: a declared length over the cap is refused before a byte is read,
    a streamed body as soon as it passes the cap."""
    headers = {"Content-Type": "application/json",
               "Authorization": f"Bearer {site.tokens['reporter']}"}
    declared = headers | {"Content-Length": str(100 * 1024 * 1024)}
    assert _asgi_post(site, declared, _huge(100)) == (413, 0)
    status, read = _asgi_post(site, headers, _huge(100))
    assert status == 413 and MAX_BODY_BYTES < read <= MAX_BODY_BYTES + 1024 * 1024


def test_the_largest_legitimate_report_fits_under_the_cap(site: Site) -> None:
    """Every field at its longest, every character a four-byte one sent as a JSON escape
    pair: accepted, so the cap refuses nothing a reporter could send."""
    emoji = "\U0001f600"
    longest = {name: emoji * length for name, length in (
        ("reporter_role", 200), ("reporter_organisation", 200), ("reporter_contact", 200),
        ("child_given_name", 100), ("child_family_name", 100), ("child_setting", 200),
        ("disclosure", 10_000), ("occurred_when", 200), ("alleged_person", 2_000))}
    content = json.dumps(report_body(**longest), ensure_ascii=True).encode()
    assert len(content) > 150_000
    assert _post_raw(site, content, site.tokens["reporter"]).status_code == 201
