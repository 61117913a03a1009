"""Identifiers: NHS numbers, Unique Pupil Numbers and record ids, with their check rules.

Why synthetic-looking numbers: every NHS number starts with 9 and every UPN is built on a real
LA number with a made-up school and serial, so the check digits are right (validation and
linkage treat them as real) while no number belongs to a real person by design.
"""

from __future__ import annotations

import numpy as np

NHS_WEIGHTS = np.arange(10, 1, -1)
"""Modulus 11 weights of NHS number digits 1-9."""
UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
"""Check letters of the UPN, indexed by the weighted sum modulo 23."""
_UPN_LETTER_ARRAY = np.array(list(UPN_LETTERS))
UPN_WEIGHTS = np.arange(2, 14)
"""Weights of UPN characters 2-13 (each digit times its position)."""


def _digits(numbers: np.ndarray, width: int) -> np.ndarray:
    """(n, width) array of the decimal digits of each number, most significant first."""
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    return (np.asarray(numbers, dtype=np.int64)[:, None] // powers) % 10


def nhs_check_digits(base: np.ndarray) -> np.ndarray:
    """Check digit of each 9-digit base: 11 - (weighted sum mod 11); 11 gives 0; 10 is invalid."""
    check = 11 - (_digits(base, 9) @ NHS_WEIGHTS) % 11
    return np.where(check == 11, 0, check)


def nhs_is_valid(value: str) -> bool:
    """True when `value` is ten digits whose last digit is the modulus 11 check of the rest."""
    if len(value) != 10 or not value.isdigit():
        return False
    check = int(nhs_check_digits(np.array([int(value[:9])]))[0])
    return check != 10 and check == int(value[9])


def draw_nhs_numbers(rng: np.random.Generator, n: int) -> np.ndarray:
    """`n` distinct valid NHS numbers starting with 9, as int64."""
    found = np.empty(0, dtype=np.int64)
    while len(found) < n:
        base = 900_000_000 + rng.integers(0, 100_000_000, size=int((n - len(found)) * 1.15) + 16)
        check = nhs_check_digits(base)
        numbers = np.concatenate([found, (base * 10 + check)[check != 10]])
        _, first = np.unique(numbers, return_index=True)
        found = numbers[np.sort(first)]
    return found[:n]


def render_nhs(numbers: np.ndarray) -> np.ndarray:
    """NHS numbers as ten-character strings; 0 (not recorded) becomes None."""
    numbers = np.asarray(numbers, dtype=np.int64)
    text = np.full(len(numbers), None, dtype=object)
    present = numbers > 0
    text[present] = np.char.zfill(numbers[present].astype("U10"), 10)
    return text


def upn_check_index(body: np.ndarray) -> np.ndarray:
    """Index into `UPN_LETTERS` of the check letter for 12-digit UPN bodies (chars 2-13)."""
    return (_digits(body, 12) @ UPN_WEIGHTS) % 23


def upn_is_valid(value: str) -> bool:
    """True when `value` is a check letter then 12 digits and the letter is right."""
    if len(value) != 13 or not value[1:].isdigit() or value[0] not in UPN_LETTERS:
        return False
    return UPN_LETTERS[int(upn_check_index(np.array([int(value[1:])]))[0])] == value[0]


def draw_upn_bodies(rng: np.random.Generator, la_number: np.ndarray,
                    entry_year: np.ndarray) -> np.ndarray:
    """12-digit UPN bodies: DfE LA number, establishment, 2-digit year, serial (distinct)."""
    n = len(la_number)
    establishment = rng.choice(np.array([2000, 3000, 4000, 5000, 7000]), size=n) \
        + rng.integers(0, 1000, size=n)
    head = (np.asarray(la_number, dtype=np.int64) * 10_000 + establishment) * 100 \
        + np.asarray(entry_year, dtype=np.int64) % 100
    body = head * 1000 + rng.integers(0, 1000, size=n)
    return unique_bodies(rng, body)


def unique_bodies(rng: np.random.Generator, body: np.ndarray) -> np.ndarray:
    """Redraw the serial (last 3 digits) of repeated UPN bodies until all are distinct."""
    body = body.copy()
    for _ in range(50):
        _, first = np.unique(body, return_index=True)
        repeat = np.ones(len(body), dtype=bool)
        repeat[first] = False
        repeat &= body > 0
        if not repeat.any():
            break
        body[repeat] = (body[repeat] // 1000) * 1000 + rng.integers(0, 1000, int(repeat.sum()))
    return body


def render_upns(body: np.ndarray) -> np.ndarray:
    """UPNs as 13-character strings (check letter, then the 12-digit body); 0 becomes None."""
    body = np.asarray(body, dtype=np.int64)
    text = np.full(len(body), None, dtype=object)
    present = body > 0
    letters = _UPN_LETTER_ARRAY[upn_check_index(body[present])]
    text[present] = np.char.add(letters, np.char.zfill(body[present].astype("U12"), 12))
    return text
