"""Receipts: an Ed25519 signature proving what a reporter reported, and when.

Why a signature and not just a reference number: a reporter may one day have to show that they
did report (failing to report is an offence). A receipt signed with the service's key over the
report's content hash and timestamp can be checked by anyone holding the public key, with no
access to the casework store, and cannot be forged or back-dated by either side.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from tessera.casework.canonical import canonical_json, utc_iso
from tessera.errors import CaseworkError, ConfigurationError
from tessera.keyfiles import read_or_create_key

KEY_ID_HEX_DIGITS = 16
"""A key id is the start of the SHA-256 of the raw public key: enough to tell keys apart when
the key is rotated, short enough to read aloud."""


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
    def from_json(cls, text: str) -> Receipt:
        """Read a receipt document; a `CaseworkError` says what is wrong with a malformed one."""
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise CaseworkError(f"not a receipt: the file is not JSON ({exc.msg})") from exc
        fields = ("reference", "content_sha256", "issued_at", "key_id", "signature")
        if not isinstance(data, dict):
            raise CaseworkError("not a receipt: expected a JSON object")
        missing = [f for f in fields if not isinstance(data.get(f), str)]
        if missing:
            raise CaseworkError(f"not a receipt: missing {', '.join(missing)}")
        return cls(**{f: data[f] for f in fields})


def key_id(public_key: Ed25519PublicKey) -> str:
    """The short id of a public key, carried in every receipt and checkpoint it signs."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:KEY_ID_HEX_DIGITS]


class ReceiptSigner:
    """The service's Ed25519 signing key: signs receipts and ledger checkpoints."""

    def __init__(self, private_key: Ed25519PrivateKey) -> None:
        self._private_key = private_key
        self.key_id = key_id(private_key.public_key())

    @classmethod
    def generate(cls) -> ReceiptSigner:
        """A signer with a fresh key held only in memory (for tests and benchmarks)."""
        return cls(Ed25519PrivateKey.generate())

    @classmethod
    def from_file(cls, path: Path) -> ReceiptSigner:
        """Load the key from a 0600 PEM file, creating it if absent.

        A key file others can read is refused: whoever holds the key can forge receipts.
        """
        pem = read_or_create_key(path, "signing key", _new_private_pem)
        key = serialization.load_pem_private_key(pem, password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ConfigurationError(f"{path}: not an Ed25519 private key")
        return cls(key)

    def sign(self, reference: str, content_sha256: str, issued_at: datetime) -> Receipt:
        """The signed receipt for a report's reference, content hash and time of receipt."""
        unsigned = Receipt(reference, content_sha256, utc_iso(issued_at), self.key_id, "")
        return Receipt(reference, content_sha256, unsigned.issued_at, self.key_id,
                       self.sign_bytes(unsigned.signed_payload()))

    def sign_bytes(self, payload: bytes) -> str:
        """A base64 signature of any payload (ledger checkpoints use this)."""
        return base64.b64encode(self._private_key.sign(payload)).decode("ascii")

    def public_key_pem(self) -> str:
        """The public key as PEM, for the public verification page and `tessera receipt verify`."""
        return self._private_key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ).decode("ascii")


def _new_private_pem() -> bytes:
    return Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption())


def verify_signature(public_key_pem: str, payload: bytes, signature: str) -> bool:
    """Whether `signature` (base64) is the key's Ed25519 signature of `payload`."""
    key = public_key(public_key_pem)
    try:
        key.verify(base64.b64decode(signature, validate=True), payload)
    except (InvalidSignature, binascii.Error, ValueError):
        return False
    return True


def verify_receipt(receipt: Receipt, public_key_pem: str) -> bool:
    """Whether the receipt was signed by this key and is unchanged since."""
    if receipt.key_id != key_id(public_key(public_key_pem)):
        return False
    return verify_signature(public_key_pem, receipt.signed_payload(), receipt.signature)


def public_key(public_key_pem: str) -> Ed25519PublicKey:
    """The Ed25519 public key in a PEM text; a `ConfigurationError` if it is not one."""
    try:
        key = serialization.load_pem_public_key(public_key_pem.encode("ascii"))
    except ValueError as exc:
        raise ConfigurationError("the public key is not a PEM public key") from exc
    if not isinstance(key, Ed25519PublicKey):
        raise ConfigurationError("the public key is not an Ed25519 key")
    return key
