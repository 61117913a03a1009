"""Given names, family names, nicknames and their misspellings, as one vocabulary of indices.

Why a vocabulary: a name is held as an index into one array of strings, so drawing a million
names, swapping given and family names, or applying a typo is integer work. Each typo, nickname
and upper-case form is worked out once per name (a few thousand strings), not once per record.
The names themselves live in CSV files beside this module, reviewed like the code lists.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np

TYPO_VARIANTS = 6
"""Misspellings kept per name: two with a character substituted, two dropped, two doubled."""
NICKNAME_SLOTS = 3
TYPO_SEED = 20_230_101
"""Fixed seed for the misspellings, so the vocabulary is the same in every run."""


@dataclass(frozen=True)
class NameBook:
    """Every name string, and index tables for drawing and disturbing names."""

    vocab: np.ndarray
    """Object array of every string; all other arrays hold indices into it."""
    given: tuple[np.ndarray, np.ndarray]
    """Given names for F and M."""
    given_p: tuple[np.ndarray, np.ndarray]
    family: np.ndarray
    family_p: np.ndarray
    nickname: np.ndarray
    """(vocab, NICKNAME_SLOTS): a nickname of each name, or the name itself if it has none."""
    has_nickname: np.ndarray
    typo: np.ndarray
    """(vocab, TYPO_VARIANTS): misspellings of each name (itself for misspellings)."""
    upper: np.ndarray
    """The upper-case form of each name, as some police systems record family names."""


def _rows(filename: str) -> list[dict[str, str]]:
    text = (resources.files("tessera.synth") / filename).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


def _zipf(n: int, offset: float) -> np.ndarray:
    """Weights falling with file order, so the first names listed are the most common."""
    w = 1.0 / (np.arange(n) + offset)
    return np.asarray(w / w.sum())


def _misspellings(name: str, rng: np.random.Generator) -> list[str]:
    """Substitute, drop or double one character (never the first), as a clerk might."""
    out: list[str] = []
    positions = range(1, len(name)) if len(name) > 1 else range(len(name))
    letters = "abcdefghijklmnopqrstuvwxyz"
    for kind in ("substitute", "substitute", "drop", "drop", "double", "double"):
        for _ in range(10):
            i = int(rng.choice(list(positions)))
            if kind == "substitute":
                variant = name[:i] + letters[rng.integers(26)] + name[i + 1:]
            elif kind == "drop" and len(name) > 2:
                variant = name[:i] + name[i + 1:]
            else:
                variant = name[:i] + name[i] + name[i:]
            if variant != name and variant.strip("'"):
                break
        out.append(variant)
    return out


@cache
def name_book() -> NameBook:
    """Build the vocabulary from given_names.csv, family_names.csv and nicknames.csv."""
    given_rows = _rows("given_names.csv")
    family_rows = _rows("family_names.csv")
    nickname_rows = _rows("nicknames.csv")
    vocab: list[str] = []
    position: dict[str, int] = {}

    def add(name: str) -> int:
        if name not in position:
            position[name] = len(vocab)
            vocab.append(name)
        return position[name]

    given = tuple(np.array([add(r["name"]) for r in given_rows if r["sex"] == s])
                  for s in ("F", "M"))
    family = np.array([add(r["name"]) for r in family_rows])
    nick_of: dict[int, list[int]] = {}
    for r in nickname_rows:
        nick_of.setdefault(add(r["name"]), []).append(add(r["nickname"]))
    base = len(vocab)
    rng = np.random.default_rng(TYPO_SEED)
    typo_rows = [[add(v) for v in _misspellings(vocab[i], rng)] for i in range(base)]
    plain = len(vocab)
    upper = np.array([add(vocab[i].upper()) for i in range(plain)])
    size = len(vocab)
    typo = np.tile(np.arange(size)[:, None], (1, TYPO_VARIANTS))
    typo[:base] = np.array(typo_rows)
    nickname = np.tile(np.arange(size)[:, None], (1, NICKNAME_SLOTS))
    for name, nicks in nick_of.items():
        nickname[name] = [nicks[k % len(nicks)] for k in range(NICKNAME_SLOTS)]
    upper_all = np.arange(size)
    upper_all[:plain] = upper
    return NameBook(
        vocab=np.array(vocab, dtype=object),
        given=(given[0], given[1]),
        given_p=(_zipf(len(given[0]), 12.0), _zipf(len(given[1]), 12.0)),
        family=family, family_p=_zipf(len(family), 4.0),
        nickname=nickname, has_nickname=np.isin(np.arange(size), list(nick_of)),
        typo=typo, upper=upper_all)


def draw_given(rng: np.random.Generator, book: NameBook, sex: np.ndarray) -> np.ndarray:
    """A given name for each person, from the list for their sex (0 F, 1 M)."""
    out = np.empty(len(sex), dtype=np.int32)
    for s in (0, 1):
        mask = sex == s
        out[mask] = rng.choice(book.given[s], size=int(mask.sum()), p=book.given_p[s])
    return out


def draw_family(rng: np.random.Generator, book: NameBook, n: int) -> np.ndarray:
    """`n` family names, common ones more often (so unrelated people share surnames)."""
    return rng.choice(book.family, size=n, p=book.family_p).astype(np.int32)
