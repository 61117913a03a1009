"""The synthetic-data manifest: how `tessera synth` marks the files it wrote as its own.

Why a manifest with hashes, not a flag in the rows: a release must say whether its figures
describe real people, and the only trustworthy answer is per file, at load time. `tessera
synth` writes `tessera-synth.json` into each folder it fills, listing every file under it with
its SHA-256; `tessera ingest` records a file as synthetic only when a manifest in one of its
folders lists it with the same bytes. A file copied in beside synthetic ones, edited after it
was generated, or delivered without the manifest is recorded as supplied by an agency.
The format lives here, below both the generator and the loader, so it is defined once.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

MANIFEST_NAME = "tessera-synth.json"
MADE_BY = "tessera synth"
FORMAT = 1
HASH_CHUNK = 1 << 20
Origin = Literal["synth", "supplied"]
"""Where a loaded file came from: written by `tessera synth`, or supplied by an agency."""


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file's bytes, read in chunks (extracts can be large)."""
    hasher = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(HASH_CHUNK):
            hasher.update(chunk)
    return hasher.hexdigest()


def write_manifest(folder: Path, files: Iterable[Path], *, version: str) -> Path:
    """Write `folder/tessera-synth.json` listing `files` (inside `folder`) with their hashes."""
    listed = {path.relative_to(folder).as_posix(): file_sha256(path) for path in sorted(files)}
    manifest = folder / MANIFEST_NAME
    manifest.write_text(json.dumps({"format": FORMAT, "made_by": MADE_BY,
                                    "tessera_version": version, "files": listed}, indent=1),
                        encoding="utf-8")
    return manifest


def file_origins(files: Iterable[tuple[Path, str]]) -> list[Origin]:
    """For each (path, SHA-256): 'synth' when a manifest in one of the file's folders lists
    it with these bytes, else 'supplied'.

    Manifests are read once per call (a delivery of a thousand files shares a handful of
    folders), never cached across calls, so a manifest removed since is not believed.
    """
    manifests: dict[Path, dict[str, str] | None] = {}
    result: list[Origin] = []
    for path, sha256 in files:
        resolved = path.resolve()
        origin: Origin = "supplied"
        for folder in resolved.parents:
            if folder not in manifests:
                manifests[folder] = _listed_files(folder)
            listed = manifests[folder]
            if listed is not None and listed.get(resolved.relative_to(folder).as_posix()) \
                    == sha256:
                origin = "synth"
                break
        result.append(origin)
    return result


def _listed_files(folder: Path) -> dict[str, str] | None:
    """The files a manifest in `folder` lists (None: no readable manifest there).

    A manifest that is not the generator's (unreadable, another format) marks nothing as
    synthetic.
    """
    manifest = folder / MANIFEST_NAME
    if not manifest.is_file():
        return None
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("format") != FORMAT \
            or data.get("made_by") != MADE_BY or not isinstance(data.get("files"), dict):
        return None
    return {str(k): str(v) for k, v in data["files"].items()}
