"""Receipts verify with the service's public key and fail when anything in them changes."""

from __future__ import annotations

import base64
import dataclasses
import json
import os
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tessera.casework.receipts import Receipt, sign_receipt, verify_receipt
from tessera.casework.signing import Keyring, Signer, rotate_signing_key
from tessera.errors import CaseworkError, ConfigurationError

AT = datetime(2025, 1, 15, 9, 30, tzinfo=UTC)
SHAPED = json.dumps({"reference": "TSR-ABCDEFGHJK", "content_sha256": "ab" * 32,
                     "issued_at": "2025-01-15T09:30:00.000000Z", "key_id": "0" * 16,
                     "signature": "A" * 86 + "=="})
"""A document in a receipt's shape, to break one field of."""


def test_a_signed_receipt_verifies_and_survives_json(signer: Signer) -> None:
    """What the reporter saves as JSON verifies against the published key."""
    receipt = sign_receipt(signer, "TSR-ABCDEFGHJK", "ab" * 32, AT)
    assert receipt.issued_at == "2025-01-15T09:30:00.000000Z"
    again = Receipt.from_json(receipt.to_json())
    assert again == receipt
    assert verify_receipt(again, signer.keyring)


@pytest.mark.parametrize(("field", "value"), [
    ("reference", "TSR-0000000000"),
    ("content_sha256", "cd" * 32),
    ("issued_at", "2025-01-14T09:30:00.000000Z"),
    ("signature", "A" * 88),
], ids=["another reference", "other content", "back-dated", "forged signature"])
def test_any_change_makes_it_not_valid(signer: Signer, field: str, value: str) -> None:
    """A receipt edited in any field no longer verifies."""
    receipt = sign_receipt(signer, "TSR-ABCDEFGHJK", "ab" * 32, AT)
    assert not verify_receipt(dataclasses.replace(receipt, **{field: value}),
                              signer.keyring)


def test_another_services_key_does_not_verify(signer: Signer) -> None:
    """A receipt checked against a different public key is not valid."""
    receipt = sign_receipt(signer, "TSR-ABCDEFGHJK", "ab" * 32, AT)
    assert not verify_receipt(receipt, Signer.generate().keyring)


def test_key_file_is_created_0600_and_reused(tmp_path: Path) -> None:
    """The key is made on first use, readable only by its owner, and the same next time."""
    path = tmp_path / "keys" / "signing.key"
    first = Signer.from_file(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert Signer.from_file(path).public_key_pem() == first.public_key_pem()
    assert list(path.parent.iterdir()) == [path]


def test_a_key_file_others_can_read_is_refused(tmp_path: Path) -> None:
    """Whoever can read the key can forge receipts, so a loose key file is an error."""
    path = tmp_path / "signing.key"
    Signer.from_file(path)
    os.chmod(path, 0o644)
    with pytest.raises(ConfigurationError, match="readable by others"):
        Signer.from_file(path)


def _genuine(signer: Signer) -> dict[str, object]:
    return json.loads(sign_receipt(signer, "TSR-ABCDEFGHJK", "ab" * 32, AT).to_json())


@pytest.mark.parametrize(("text", "message"), [
    ("not json", "not a receipt: the receipt is not valid JSON"),
    ("[1]", "expected a JSON object"),
    ('{"reference": "TSR-1"}', "missing content_sha256, issued_at, key_id, signature"),
    ("[" * 1000 + "]" * 1000, "nested more than 16 levels"),
    ('{"reference": ' + "9" * 5000 + "}", "characters long, and a receipt is under"),
    ('{"reference": 1' + "0" * 3000 + "}", "holds a number of 3,001 characters"),
    (SHAPED.replace("TSR-ABCDEFGHJK", "TSR-ABCDEFGHJ\\ud800"), "reference is not in the form"),
    (SHAPED.replace("TSR-ABCDEFGHJK", "TSR-ABCDEFGHJK\\u0000"), "reference is not in the form"),
], ids=["not JSON", "not an object", "fields missing", "deeply nested", "huge document",
        "5000-digit number", "lone surrogate", "NUL"])
def test_a_malformed_receipt_says_what_is_wrong(text: str, message: str) -> None:
    """A file that is not a receipt is one clear error, never a crash of the parser."""
    with pytest.raises(CaseworkError, match=message):
        Receipt.from_json(text)


def test_a_receipt_with_a_field_receipts_do_not_have_is_not_one(signer: Signer) -> None:
    """An extra field would let two different documents pass as the same receipt."""
    document = {**_genuine(signer), "note": "added later"}
    with pytest.raises(CaseworkError, match="receipts have no field 'note'"):
        Receipt.from_json(json.dumps(document))


def test_a_signature_spelt_another_way_is_not_valid(signer: Signer) -> None:
    """The same 64 bytes in non-canonical base64 (a stray low bit in the last character
    before the padding, which decoders ignore) do not make a valid receipt."""
    document = _genuine(signer)
    signature = str(document["signature"])
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    last = alphabet[alphabet.index(signature[-3]) ^ 1]
    respelt = signature[:-3] + last + "=="
    assert base64.b64decode(respelt) == base64.b64decode(signature)
    receipt = Receipt.from_json(json.dumps({**document, "signature": respelt}))
    assert not verify_receipt(receipt, signer.keyring)
    assert verify_receipt(Receipt.from_json(json.dumps(document)), signer.keyring)


def test_receipts_signed_before_a_key_rotation_still_verify(tmp_path: Path) -> None:
    """After `tessera keys rotate`, old receipts check against the kept public key, new ones
    against the new key, and the keyring lists both, the current one first."""
    path = tmp_path / "signing.key"
    before = Signer.from_file(path)
    old_receipt = sign_receipt(before, "TSR-ABCDEFGHJK", "ab" * 32, AT)
    old_id, new_id = rotate_signing_key(path)
    after = Signer.from_file(path)
    assert (old_id, new_id) == (before.key_id, after.key_id) and old_id != new_id
    assert [key.key_id for key in after.keyring.keys] == [new_id, old_id]
    assert verify_receipt(old_receipt, after.keyring)
    assert verify_receipt(sign_receipt(after, "TSR-ABCDEFGHJM", "cd" * 32, AT), after.keyring)
    assert not verify_receipt(old_receipt, Keyring((after.keyring.current,)))
    published = Keyring.from_pem_bundle(after.keyring.pem_bundle())
    assert [key.key_id for key in published.keys] == [new_id, old_id]
    rotate_signing_key(path)
    assert len(Signer.from_file(path).keyring.keys) == 3
