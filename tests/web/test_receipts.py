"""The public receipt pages: paste a receipt and see whether it is genuine; the public key."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from httpx import Response

from tessera.casework.receipts import sign_receipt
from tessera.casework.signing import Signer
from tests.web.conftest import Site


def _check(site: Site, text: str) -> Response:
    client, token = site.client(None)
    return client.post("/receipts/verify", data={"csrf_token": token, "receipt": text})


def _receipt(site: Site) -> str:
    client, _ = site.client("reporter")
    return client.get(f"/report/{site.leeds_report}/receipt.json").text


def test_a_genuine_receipt_is_valid(site: Site) -> None:
    """Anyone, not signed in, sees "Receipt is valid" with the reference."""
    page = _check(site, _receipt(site))
    assert "Receipt is valid" in page.text and site.leeds_report in page.text


@pytest.mark.parametrize(("field", "value", "why"), [
    ("issued_at", "2001-01-01T00:00:00.000000Z", "back-dated"),
    ("content_sha256", "0" * 64, "claims different content"),
    ("reference", "TSR-0000000000", "claims another report"),
])
def test_an_altered_receipt_is_not_valid(site: Site, field: str, value: str, why: str) -> None:
    """A receipt changed in any field fails the signature check."""
    receipt = json.loads(_receipt(site)) | {field: value}
    page = _check(site, json.dumps(receipt))
    assert page.status_code == 200, why
    assert "Receipt is not valid" in page.text, why


def test_a_receipt_signed_by_another_key_is_not_valid(site: Site) -> None:
    """Signed, but not by this service."""
    forged = sign_receipt(Signer.generate(), "TSR-0000000000", "0" * 64, datetime.now(UTC))
    assert "Receipt is not valid" in _check(site, forged.to_json()).text


@pytest.mark.parametrize(("text", "message"), [
    ("", "Paste the receipt you were given"),
    ("{not json", "Paste the whole receipt, from { to }: not a receipt: the receipt is not "
                  "valid JSON"),
    ('{"reference": "x"}', "missing content_sha256"),
    ("[" * 3000 + "]" * 3000, "not a receipt: it is 6,000 characters long"),
    ("[" * 100 + "]" * 100, "nested more than 16 levels deep"),
    ('{"reference": ' + "9" * 3000 + "}", "holds a number of 3,000 characters"),
    ('{"reference": 1' + "0" * 100 + "}", "holds a number of 101 characters"),
    ('{"reference": "TSR-\\ud800", "x": 1}', "receipts have no field 'x'"),
], ids=["empty", "not JSON", "fields missing", "huge", "deep", "huge number", "long number",
        "extra field"])
def test_something_that_is_not_a_receipt_gets_a_field_error(site: Site, text: str,
                                                             message: str) -> None:
    """400 with the message at the box, as GOV.UK forms do."""
    page = _check(site, text)
    assert page.status_code == 400
    assert message in page.text.replace("&#39;", "'")


def test_the_public_key_is_published(site: Site) -> None:
    """As a page and as a PEM file, the signer's own key."""
    client, _ = site.client(None)
    assert client.get("/receipts/public-key.pem").text == site.signer.keyring.pem_bundle()
    page = client.get("/receipts/public-key").text
    assert site.signer.key_id in page and "BEGIN PUBLIC KEY" in page


@pytest.mark.parametrize("raw", [b"%00", b"%ED%A0%80", b"%FF%FE", b'{"reference":"\\ud800"}'],
                         ids=["NUL", "surrogate bytes", "not UTF-8", "escaped lone surrogate"])
def test_text_no_page_can_hold_gets_a_field_error_not_a_500(site: Site, raw: bytes) -> None:
    """Bytes that are not text, a NUL or a lone surrogate are refused at the box, and shown
    back without breaking the page."""
    client, token = site.client(None)
    page = client.post("/receipts/verify", content=b"csrf_token=" + token.encode() +
                       b"&receipt=" + raw,
                       headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert page.status_code == 400
    assert "not a receipt" in page.text
