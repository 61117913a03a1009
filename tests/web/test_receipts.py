"""The public receipt pages: paste a receipt and see whether it is genuine; the public key."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from httpx import Response

from tessera.casework.receipts import ReceiptSigner
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
    forged = ReceiptSigner.generate().sign("TSR-0000000000", "0" * 64, datetime.now(UTC))
    assert "Receipt is not valid" in _check(site, forged.to_json()).text


@pytest.mark.parametrize(("text", "message"), [
    ("", "Paste the receipt you were given"),
    ("{not json", "Paste the whole receipt, from { to }: not a receipt: the file is not JSON"),
    ('{"reference": "x"}', "missing content_sha256"),
])
def test_something_that_is_not_a_receipt_gets_a_field_error(site: Site, text: str,
                                                             message: str) -> None:
    """400 with the message at the box, as GOV.UK forms do."""
    page = _check(site, text)
    assert page.status_code == 400
    assert message in page.text.replace("&#39;", "'")


def test_the_public_key_is_published(site: Site) -> None:
    """As a page and as a PEM file, the signer's own key."""
    client, _ = site.client(None)
    assert client.get("/receipts/public-key.pem").text == site.signer.public_key_pem()
    page = client.get("/receipts/public-key").text
    assert site.signer.key_id in page and "BEGIN PUBLIC KEY" in page
