"""Secret key files: the one way Tessera creates, reads and replaces a key kept on disk.

Three keys live in files outside every database: the pseudonymisation key (whoever has it can
re-identify the analysis zone), the session key (whoever has it can forge a sign-in) and the
signing key (whoever has it can forge receipts and ledger checkpoints). Each is

- created atomically: written in full to a private draft, then linked into place, so two
  processes starting at once end up with one key between them, never half of one;
- checked on every read: a file that group or others can read, that is empty, or that is not
  a regular file is refused with a message naming it and the fix;
- replaced (key rotation) under an exclusive lock, so two rotations at once fail clearly
  rather than leave a key nobody recorded.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import secrets
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

from tessera.errors import ConfigurationError

PRIVATE_MODE = 0o600


def read_key(path: Path, what: str) -> bytes:
    """The bytes of the key file at `path`; `what` names the key in errors ("signing key").

    Raises `ConfigurationError` when the file is missing, readable by others, empty or not a
    regular file: a key anyone on the machine can read protects nothing.
    """
    try:
        info = path.lstat()
    except FileNotFoundError as exc:
        raise ConfigurationError(f"{path}: the {what} file does not exist") from exc
    if not stat.S_ISREG(info.st_mode):
        raise ConfigurationError(f"{path}: the {what} file is not a regular file")
    mode = stat.S_IMODE(info.st_mode)
    if mode & 0o077:
        raise ConfigurationError(f"{path}: the {what} is readable by others (mode {mode:o}); "
                                 f"run 'chmod 600 {path}'")
    content = path.read_bytes()
    if not content.strip():
        raise ConfigurationError(f"{path}: the {what} file is empty; remove it to have a new "
                                 "key made, or restore it from your backup")
    return content


def read_or_create_key(path: Path, what: str, make: Callable[[], bytes]) -> bytes:
    """The key at `path`, created with `make()` first if there is none.

    Two processes creating the key at once each write a draft; the first to link it into place
    wins and the other reads the winner's key, so both use the same one.
    """
    if not path.exists():
        _link_new(path, make())
    return read_key(path, what)


def replace_key(path: Path, what: str, content: bytes) -> None:
    """Put `content` in place of the key at `path`, atomically (a rename); the caller holds
    `rotation_lock(path)` and has kept whatever of the old key must outlive it."""
    draft = _write_draft(path, content)
    os.replace(draft, path)
    _sync_folder(path.parent)


@contextlib.contextmanager
def rotation_lock(path: Path, what: str) -> Iterator[None]:
    """Hold an exclusive lock on rotating the key at `path`; a second rotation at the same
    time fails at once with a clear message rather than waiting or racing."""
    lock_path = path.with_name(f".{path.name}.lock")
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(lock_path, os.O_WRONLY | os.O_CREAT, PRIVATE_MODE)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise ConfigurationError(f"{path}: another process is rotating the {what} now; "
                                     "wait for it to finish and check the result") from exc
        yield
    finally:
        os.close(fd)


def new_hex_secret() -> bytes:
    """32 random bytes as hex: the pseudonymisation and session keys."""
    return secrets.token_hex(32).encode("ascii")


def _link_new(path: Path, content: bytes) -> None:
    draft = _write_draft(path, content)
    try:
        os.link(draft, path)
    except FileExistsError:
        pass  # another process made the key first: theirs is the key, and is read next
    finally:
        draft.unlink()
    _sync_folder(path.parent)


def _write_draft(path: Path, content: bytes) -> Path:
    """A private file beside `path` holding `content`, flushed to disk."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    draft = path.with_name(f".{path.name}.{secrets.token_hex(8)}")
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_MODE)
    with os.fdopen(fd, "wb") as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())
    return draft


def _sync_folder(folder: Path) -> None:
    """Make a rename or link in `folder` durable (a key lost in a power cut is lost data)."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
