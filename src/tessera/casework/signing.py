"""The service's Ed25519 signing key, the public keys that check its signatures, and rotation.

Why one key signs everything (receipts, ledger items, signed heads): each is the service
vouching for something it wrote, and whoever checks one checks them all with the same
published public keys, with no access to the casework store. The private key lives in a 0600
file outside every database (`tessera.keyfiles`); the public keys of earlier keys live beside
it in a keyring file, so a key can be rotated (`tessera keys rotate`) without making any
receipt or checkpoint it signed uncheckable. Each key is known by its id: the start of the
SHA-256 of its raw public key, carried in everything it signs.

The keyring is read from the file, never from the casework store: a public key the database
could supply is one an insider could replace with their own.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from tessera.casework.canonical import parse_json, utc_iso
from tessera.errors import CaseworkError, ConfigurationError
from tessera.keyfiles import read_key, read_or_create_key, replace_key, rotation_lock

KEY_ID_HEX_DIGITS = 16
"""A key id is the start of the SHA-256 of the raw public key: enough to tell keys apart when
the key is rotated, short enough to read aloud."""
SIGNATURE_BYTES = 64
_PEM_BLOCK = re.compile(r"-----BEGIN PUBLIC KEY-----[A-Za-z0-9+/=\s]+?-----END PUBLIC KEY-----")
_WHAT = "signing key"


def key_id(public_key: Ed25519PublicKey) -> str:
    """The short id of a public key, carried in everything it signs."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:KEY_ID_HEX_DIGITS]


def keyring_path(signing_key_file: Path) -> Path:
    """Where the public keys of earlier signing keys are kept: beside the private key."""
    return signing_key_file.with_name(signing_key_file.name + ".keyring.json")


@dataclass(frozen=True)
class PublicKey:
    """One signing key's public half, and when it stopped signing (None: the current key)."""

    key_id: str
    key: Ed25519PublicKey
    retired_at: str | None = None

    def pem(self) -> str:
        """The key as a PEM SubjectPublicKeyInfo block."""
        return self.key.public_bytes(serialization.Encoding.PEM,
                                     serialization.PublicFormat.SubjectPublicKeyInfo
                                     ).decode("ascii")


@dataclass(frozen=True)
class Keyring:
    """Every public key whose signatures Tessera accepts, by key id; the current one first."""

    keys: tuple[PublicKey, ...]
    _by_id: Mapping[str, PublicKey] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {key.key_id: key for key in self.keys})

    @property
    def current(self) -> PublicKey:
        """The key signing now."""
        return self.keys[0]

    def knows(self, key: str) -> bool:
        """Whether signatures by key id `key` can be checked here."""
        return key in self._by_id

    def verify(self, key: str, payload: bytes, signature: str) -> bool:
        """Whether `signature` is key `key`'s signature of `payload`, in canonical base64.

        A signature that decodes correctly from a non-canonical spelling (stray bits in the
        last character, missing padding) is refused: a signed record must have one spelling,
        or the same record could be shown in two forms that both "verify".
        """
        public = self._by_id.get(key)
        raw = canonical_signature_bytes(signature)
        if public is None or raw is None:
            return False
        try:
            public.key.verify(raw, payload)
        except InvalidSignature:
            return False
        return True

    def pem_bundle(self) -> str:
        """Every key as PEM, each after a line naming its id and whether it is current."""
        blocks = []
        for key in self.keys:
            status = f"retired {key.retired_at}" if key.retired_at else "current"
            blocks.append(f"# key {key.key_id} ({status})\n{key.pem()}")
        return "".join(blocks)

    @classmethod
    def from_pem_bundle(cls, text: str) -> Keyring:
        """The keys in one or more PEM public key blocks (what `pem_bundle` writes); the
        first is taken as current."""
        keys = [_public_key(block) for block in _PEM_BLOCK.findall(text)]
        if not keys:
            raise ConfigurationError("no PEM public key found: expected '-----BEGIN PUBLIC "
                                     "KEY-----' blocks")
        return cls(tuple(PublicKey(key_id(key), key) for key in keys))


def canonical_signature_bytes(signature: str) -> bytes | None:
    """The 64 signature bytes if `signature` is their one canonical base64 spelling, else
    None."""
    if not isinstance(signature, str) or not signature.isascii():
        return None
    try:
        raw = base64.b64decode(signature, validate=True)
    except (binascii.Error, ValueError):
        return None
    if len(raw) != SIGNATURE_BYTES or base64.b64encode(raw).decode("ascii") != signature:
        return None
    return raw


class Signer:
    """The service's private signing key and the keyring its earlier keys are kept in."""

    def __init__(self, private_key: Ed25519PrivateKey,
                 retired: tuple[PublicKey, ...] = ()) -> None:
        self._private_key = private_key
        current = private_key.public_key()
        self.key_id = key_id(current)
        self.keyring = Keyring((PublicKey(self.key_id, current),
                                *(key for key in retired if key.key_id != self.key_id)))

    @classmethod
    def generate(cls) -> Signer:
        """A signer with a fresh key held only in memory (for tests and benchmarks)."""
        return cls(Ed25519PrivateKey.generate())

    @classmethod
    def from_file(cls, path: Path) -> Signer:
        """Load the key from a 0600 PEM file, creating it if absent, with its keyring.

        A key file others can read is refused: whoever holds the key can forge receipts.
        """
        pem = read_or_create_key(path, _WHAT, _new_private_pem)
        return cls(_private_key(path, pem), _read_keyring(path))

    def sign(self, payload: bytes) -> str:
        """The base64 signature of `payload`."""
        return base64.b64encode(self._private_key.sign(payload)).decode("ascii")

    def public_key_pem(self) -> str:
        """The current public key as PEM."""
        return self.keyring.current.pem()


def rotate_signing_key(path: Path) -> tuple[str, str]:
    """Replace the signing key at `path` with a new one, keeping the old public key in the
    keyring so that what it signed still verifies; the old and new key ids.

    The old public key is written to the keyring before the private key is replaced, so a
    crash between the two leaves the old key both current and recorded, never a key lost.
    A running service keeps signing with the key it loaded until it is restarted.
    """
    with rotation_lock(path, _WHAT):
        old = Signer.from_file(path)
        retired = PublicKey(old.key_id, old.keyring.current.key, utc_iso(datetime.now(UTC)))
        kept = [retired, *(key for key in old.keyring.keys[1:])]
        document = {"keys": [{"key_id": key.key_id, "public_key": key.pem(),
                              "retired_at": key.retired_at} for key in kept]}
        replace_key(keyring_path(path), "signing keyring",
                    json.dumps(document, indent=2).encode("utf-8"))
        replace_key(path, _WHAT, _new_private_pem())
        return old.key_id, Signer.from_file(path).key_id


def _read_keyring(path: Path) -> tuple[PublicKey, ...]:
    ring = keyring_path(path)
    if not ring.exists():
        return ()
    try:
        document = parse_json(read_key(ring, "signing keyring"), what=str(ring))
        entries = document["keys"]  # type: ignore[index]
        keys = tuple(PublicKey(entry["key_id"], _public_key(entry["public_key"]),
                               entry["retired_at"]) for entry in entries)
    except (CaseworkError, KeyError, TypeError) as exc:
        raise ConfigurationError(f"{ring}: not a Tessera signing keyring ({exc})") from exc
    for key in keys:
        if key.key_id != key_id(key.key):
            raise ConfigurationError(f"{ring}: key {key.key_id} does not match its public key")
    return keys


def _private_key(path: Path, pem: bytes) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(pem, password=None)
    except ValueError as exc:
        raise ConfigurationError(f"{path}: not a PEM private key") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise ConfigurationError(f"{path}: not an Ed25519 private key")
    return key


def _public_key(pem: str) -> Ed25519PublicKey:
    try:
        key = serialization.load_pem_public_key(pem.encode("ascii"))
    except ValueError as exc:
        raise ConfigurationError("the public key is not a PEM public key") from exc
    if not isinstance(key, Ed25519PublicKey):
        raise ConfigurationError("the public key is not an Ed25519 key")
    return key


def _new_private_pem() -> bytes:
    return Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption())
