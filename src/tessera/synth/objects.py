"""Synthetic phones, vehicle registrations, addresses and online accounts for intelligence.

Why drama numbers: phone numbers come from Ofcom's ranges reserved for TV and radio drama
(mobile 07700 900000-900999, then the landline drama ranges), so no generated number can ring a
real phone. Network phones are drawn first, so they get mobile numbers, and each value is
handed out once until the pool runs out (only at several times the national scale), so two
networks share a phone only by design.
"""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources

import numpy as np

from tessera.synth.places import Geography, draw_postcodes

LANDLINE_DRAMA_RANGES: tuple[tuple[str, int], ...] = (
    ("0113 496 ", 0), ("0114 496 ", 0), ("0115 496 ", 0), ("0116 496 ", 0), ("0117 496 ", 0),
    ("0118 496 ", 0), ("0121 496 ", 0), ("0131 496 ", 0), ("0141 496 ", 0), ("0151 496 ", 0),
    ("0161 496 ", 0), ("020 7946 ", 0), ("0191 498 ", 0), ("029 2018 ", 0),
    ("028 9649 ", 6000),
)
"""(prefix, first number) of each 1,000-number landline drama range."""
PLATFORMS = ("snapchat", "instagram", "whatsapp", "tiktok", "facebook", "telegram")
PLATE_LETTERS = np.array(list("ABCDEFGHJKLMNOPRSTUVWXYZ"))


@cache
def _streets() -> np.ndarray:
    path = resources.files("tessera.synth") / "streets.csv"
    rows = csv.DictReader(path.read_text(encoding="utf-8").splitlines())
    return np.array([row["name"] for row in rows], dtype=object)


class ObjectValues:
    """Hands out object values for one run, from seeded draws."""

    def __init__(self, rng: np.random.Generator, geo: Geography) -> None:
        self._rng = rng
        self._geo = geo
        mobiles = np.char.add("07700 ", (900_000 + rng.permutation(1_000)).astype("U6"))
        landlines = np.concatenate([
            np.char.add(prefix, np.char.zfill((first + rng.permutation(1_000)).astype("U4"), 4))
            for prefix, first in LANDLINE_DRAMA_RANGES])
        self._phones = np.concatenate([mobiles, rng.permutation(landlines)]).astype(object)
        self._next_phone = 0

    def phones(self, n: int) -> np.ndarray:
        """`n` phone numbers not handed out before (until the pool wraps round)."""
        at = (self._next_phone + np.arange(n)) % len(self._phones)
        self._next_phone += n
        return self._phones[at]

    def vehicles(self, n: int) -> np.ndarray:
        """Made-up registrations in the current format ('AB12 CDE')."""
        rng = self._rng
        letters = PLATE_LETTERS[rng.integers(0, len(PLATE_LETTERS), (n, 5))]
        age = rng.choice(np.array([f"{y:02d}" for y in (*range(10, 24), *range(60, 74))]), n)
        head = np.char.add(np.char.add(letters[:, 0], letters[:, 1]), age)
        tail = np.char.add(np.char.add(letters[:, 2], letters[:, 3]), letters[:, 4])
        return np.char.add(np.char.add(head, " "), tail).astype(object)

    def addresses(self, force: np.ndarray, postcode: np.ndarray | None = None) -> np.ndarray:
        """House number, street and postcode in each row's force area (the `postcode` given,
        where someone's home is meant)."""
        rng = self._rng
        n = len(force)
        number = rng.integers(1, 200, n).astype("U3")
        street = _streets()[rng.integers(0, len(_streets()), n)].astype(str)
        postcode = (draw_postcodes(rng, self._geo, force) if postcode is None
                    else postcode).astype(str)
        return np.char.add(np.char.add(np.char.add(number, " "), np.char.add(street, " ")),
                           postcode).astype(object)

    def accounts(self, n: int) -> np.ndarray:
        """Online accounts as 'platform:handle'."""
        rng = self._rng
        platform = np.array(PLATFORMS)[rng.integers(0, len(PLATFORMS), n)]
        handle = np.char.add("user_", rng.integers(10_000, 1_000_000, n).astype("U7"))
        return np.char.add(np.char.add(platform, ":"), handle).astype(object)
