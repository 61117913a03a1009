"""Receipts: an Ed25519 signature proving what a reporter reported, and when.

Why a signature and not just a reference number: a reporter may one day have to show that they
did report (failing to report is an offence). A receipt signed with the service's key over the
report's content hash and timestamp can be checked by anyone holding the public keys, with no
access to the casework store, and cannot be forged or back-dated by either side.

A receipt has exactly one written form: its five fields, each in one format, the signature in
canonical base64. A document with any other field, or a field in any other form, is not a
receipt, so two different documents can never both verify as the same receipt.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from datetime import datetime

from tessera.casework.canonical import canonical_json, parse_json, utc_iso
from tessera.casework.signing import Keyring, Signer
from tessera.errors import CaseworkError

FIELD_FORMATS: dict[str, re.Pattern[str]] = {
    "reference": re.compile(r"TSR-[0-9A-HJKMNP-TV-Z]{10}"),
    "content_sha256": re.compile(r"[0-9a-f]{64}"),
    "issued_at": re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z"),
    "key_id": re.compile(r"[0-9a-f]{16}"),
    "signature": re.compile(r"[A-Za-z0-9+/]{86}=="),
}
"""Each field of a receipt and the one form it takes (a signature is 64 bytes of base64)."""
MAX_RECEIPT_BYTES = 4096
"""A receipt is about 400 bytes; anything far larger is not one, and is not parsed."""


@dataclass(frozen=True)
class Receipt:
    """What the reporter keeps: the report's reference, content hash, time, and the signature."""

    reference: str
    content_sha256: str
    issued_at: str
    """ISO 8601, UTC, e.g. 2025-01-15T09:30:00.000000Z."""
    key_id: str
    signature: str
    """Base64 Ed25519 signature over `signed_payload()`."""

    def signed_payload(self) -> bytes:
        """The bytes the signature covers: canonical JSON of every field but the signature."""
        return canonical_json({"reference": self.reference, "content_sha256": self.content_sha256,
                               "issued_at": self.issued_at, "key_id": self.key_id})

    def to_json(self) -> str:
        """The receipt as the JSON document a reporter saves."""
        return json.dumps(asdict(self), indent=2, sort_keys=True)

    @classmethod
    def from_json(cls, text: str | bytes) -> Receipt:
        """Read a receipt document; a `CaseworkError` says what is wrong with one that is not
        a receipt (not JSON, nested, another field, a field in another form)."""
        if len(text) > MAX_RECEIPT_BYTES:
            raise CaseworkError(f"not a receipt: it is {len(text):,} characters long, and a "
                                f"receipt is under {MAX_RECEIPT_BYTES:,}")
        try:
            data = parse_json(text, what="the receipt")
        except CaseworkError as exc:
            raise CaseworkError(f"not a receipt: {exc.message}") from exc
        if not isinstance(data, dict):
            raise CaseworkError("not a receipt: expected a JSON object")
        unknown = sorted(set(data) - set(FIELD_FORMATS))
        if unknown:
            raise CaseworkError(f"not a receipt: receipts have no field {unknown[0]!r}")
        missing = [name for name in FIELD_FORMATS if name not in data]
        if missing:
            raise CaseworkError(f"not a receipt: missing {', '.join(missing)}")
        for name, form in FIELD_FORMATS.items():
            if not isinstance(data[name], str) or not form.fullmatch(data[name]):
                raise CaseworkError(f"not a receipt: {name} is not in the form a receipt's "
                                    f"{name} takes")
        return cls(**{name: data[name] for name in FIELD_FORMATS})


def sign_receipt(signer: Signer, reference: str, content_sha256: str,
                 issued_at: datetime) -> Receipt:
    """The signed receipt for a report's reference, content hash and time of receipt."""
    unsigned = Receipt(reference, content_sha256, utc_iso(issued_at), signer.key_id, "")
    return Receipt(reference, content_sha256, unsigned.issued_at, signer.key_id,
                   signer.sign(unsigned.signed_payload()))


def verify_receipt(receipt: Receipt, keyring: Keyring) -> bool:
    """Whether the receipt was signed by one of the keyring's keys and is unchanged since."""
    return keyring.verify(receipt.key_id, receipt.signed_payload(), receipt.signature)
