"""Given names, family names, nicknames and their misspellings, as one vocabulary of indices.

Why a vocabulary: a name is held as an index into one array of strings, so drawing a million
names, swapping given and family names, or applying a typo is integer work. Each typo, nickname
and upper-case form is worked out once per name (a few thousand strings), not once per record.
The names themselves live in CSV files beside this module, reviewed like the code lists;
nicknames come from the dataset's `given_name_variants` list, which linkage reads too.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np

from tessera.dataset import codelist

TYPO_VARIANTS = 6
"""Misspellings kept per name: two with a character substituted, two dropped, two doubled."""
NICKNAME_SLOTS = 3
TYPO_SEED = 20_230_101
"""Fixed seed for the misspellings, so the vocabulary is the same in every run."""
LISTED_FAMILY_SHARE = 0.3
"""Share of people whose family name is one of the listed common names.

Why 0.3: in England and Wales the few hundred commonest surnames cover roughly a quarter to a
third of people (Smith alone about 1.3%; figures as recalled from ONS surname counts, to
verify); everyone else has one of a long tail of rarer names. With only the listed names a
million records would hold 60,000 Smiths, and linkage would be tested on a country far more
uniform than ours.
"""
LISTED_FAMILY_OFFSET = 6.0
"""Zipf offset for the listed names: puts Smith at about 1.3% of people overall."""
TAIL_OFFSET = 200.0
"""Zipf offset across the tail: rare names vary in rarity, but none is common."""


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


def _family_tail() -> list[str]:
    """Rare family names built from place-name parts (Ash + worth), in a fixed shuffled order.

    Why made up: no list of the real long tail is packaged; names built from the parts
    English surnames are made of behave the same for linkage (rare, with shared beginnings
    and endings), and they cannot be anyone's real name by accident of a real list.
    """
    rows = _rows("family_name_parts.csv")
    starts = [r["part"] for r in rows if r["position"] == "start"]
    ends = [r["part"] for r in rows if r["position"] == "end"]
    names = sorted({s + e for s in starts for e in ends})
    np.random.default_rng(TYPO_SEED).shuffle(names)
    return names


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
    """Build the vocabulary from given_names.csv, family_names.csv (and the rare tail made
    from family_name_parts.csv), and the nicknames of the `given_name_variants` code list,
    the same list linkage recognises."""
    given_rows = _rows("given_names.csv")
    family_rows = _rows("family_names.csv")
    variants = codelist("given_name_variants").rows
    vocab: list[str] = []
    position: dict[str, int] = {}

    def add(name: str) -> int:
        if name not in position:
            position[name] = len(vocab)
            vocab.append(name)
        return position[name]

    given = tuple(np.array([add(r["name"]) for r in given_rows if r["sex"] == s])
                  for s in ("F", "M"))
    listed = [add(r["name"]) for r in family_rows]
    tail = [add(name) for name in _family_tail() if name not in position]
    family = np.array(listed + tail)
    family_p = np.concatenate([
        LISTED_FAMILY_SHARE * _zipf(len(listed), LISTED_FAMILY_OFFSET),
        (1 - LISTED_FAMILY_SHARE) * _zipf(len(tail), TAIL_OFFSET)])
    nick_of: dict[int, list[int]] = {}
    for r in variants:
        for full in r["short_form_of"].split(";"):
            nick_of.setdefault(add(full), []).append(add(r["code"]))
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
        family=family, family_p=family_p,
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
