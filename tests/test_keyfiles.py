"""Key files: created once and atomically, refused when others can read them, rotated under a
lock; the same rules for the pseudonymisation, session and signing keys."""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

import pytest

from tessera.casework.signing import Signer
from tessera.errors import ConfigurationError
from tessera.keyfiles import read_key, read_or_create_key, replace_key, rotation_lock
from tessera.warehouse.pseudonym import load_secret
from tessera.web.access import session_secret


def _create(path: str) -> bytes:
    return read_or_create_key(Path(path), "test key", lambda: os.urandom(16).hex().encode())


def test_processes_racing_to_create_a_key_all_get_the_same_one(tmp_path: Path) -> None:
    """Eight processes start at once on a missing key: one key is made and all read it."""
    path = tmp_path / "keys" / "race.key"
    with multiprocessing.get_context("spawn").Pool(8) as pool:
        keys = pool.map(_create, [str(path)] * 8)
    assert len(set(keys)) == 1 and keys[0] == path.read_bytes()
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert [p.name for p in path.parent.iterdir()] == ["race.key"], "a draft was left behind"


@pytest.mark.parametrize("load", [
    pytest.param(lambda p: load_secret(None, p), id="pseudonymisation"),
    pytest.param(session_secret, id="session"),
    pytest.param(Signer.from_file, id="signing"),
])
def test_every_key_is_refused_once_others_can_read_it(tmp_path: Path, load: object) -> None:
    """Created 0600; a later chmod 644 is caught on the next read, naming the file and fix."""
    path = tmp_path / "k.key"
    load(path)  # type: ignore[operator]
    assert path.stat().st_mode & 0o777 == 0o600
    path.chmod(0o644)
    with pytest.raises(ConfigurationError, match=r"readable by others \(mode 644\).*chmod 600"):
        load(path)  # type: ignore[operator]


def test_an_empty_or_odd_key_file_is_a_clear_error(tmp_path: Path) -> None:
    """An empty file (a crash of some older tool) and a directory are named, not used."""
    empty = tmp_path / "empty.key"
    empty.touch(mode=0o600)
    with pytest.raises(ConfigurationError, match=r"empty\.key: the session key file is empty"):
        session_secret(empty)
    folder = tmp_path / "dir.key"
    folder.mkdir(mode=0o700)
    with pytest.raises(ConfigurationError, match="not a regular file"):
        read_key(folder, "signing key")


def test_a_second_rotation_at_the_same_time_fails_clearly(tmp_path: Path) -> None:
    """While one rotation holds the lock, another is refused at once; afterwards it works."""
    path = tmp_path / "signing.key"
    read_or_create_key(path, "signing key", lambda: b"old")
    with rotation_lock(path, "signing key"):
        with pytest.raises(ConfigurationError, match="another process is rotating"), \
                rotation_lock(path, "signing key"):
            pass  # pragma: no cover
        replace_key(path, "signing key", b"new")
    assert read_key(path, "signing key") == b"new"
    with rotation_lock(path, "signing key"):
        pass
