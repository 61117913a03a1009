"""Code lists as the generator holds them: small integer indices and weighted draws.

Why indices: every coded field is drawn, compared and counted as a small integer array (fast
and vectorised) and becomes the code's text only when a file is written, so the code lists in
`tessera.dataset` stay the one place a code is spelled.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

import numpy as np

from tessera.dataset import codelist

MISSING = ""
"""Key of a weight table meaning "leave the field empty"; it draws index -1."""


@cache
def codes(name: str) -> tuple[str, ...]:
    """The codes of code list `name`, in file order (index i is code i)."""
    return codelist(name).codes


@cache
def _positions(name: str) -> dict[str, int]:
    return {code: i for i, code in enumerate(codes(name))}


def index(name: str, code: str) -> int:
    """Index of `code` in code list `name`; -1 for `MISSING`. A KeyError names a typo."""
    if code == MISSING:
        return -1
    return _positions(name)[code]


def indices(name: str, wanted: tuple[str, ...]) -> np.ndarray:
    """Indices of several codes of one list, as an array for `np.isin`."""
    return np.array([index(name, c) for c in wanted], dtype=np.int16)


def draw(rng: np.random.Generator, name: str, weights: Mapping[str, float],
         n: int) -> np.ndarray:
    """Draw `n` codes of list `name` with the given (unnormalised) weights."""
    idx = np.array([index(name, c) for c in weights], dtype=np.int16)
    p = np.array(list(weights.values()), dtype=float)
    return idx[rng.choice(len(idx), size=n, p=p / p.sum())]


def draw_rows(rng: np.random.Generator, probabilities: np.ndarray, key: np.ndarray) -> np.ndarray:
    """For each row, a column index drawn from row `key[i]` of a probability matrix.

    Why: conditional draws (the offence code given the victim's sex and age band, the place
    given the setting) for a whole table at once, without a loop per row.
    """
    cumulative = np.cumsum(probabilities, axis=1)
    cumulative /= cumulative[:, -1:]
    u = rng.random(len(key))
    rows = cumulative[key]
    return np.asarray(np.minimum((u[:, None] >= rows).sum(axis=1),
                                 probabilities.shape[1] - 1))


def weight_matrix(name: str, tables: Mapping[str, Mapping[str, float]],
                  keys: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Turn {key: {code: weight}} into a (keys x columns) matrix and the columns' code indices.

    The columns are every code used by any row (plus -1 for `MISSING`), so `draw_rows` on the
    matrix returns a column and `columns[column]` the code index.
    """
    used: list[str] = []
    for k in keys:
        for code in tables[k]:
            if code not in used:
                used.append(code)
    matrix = np.zeros((len(keys), len(used)))
    for r, k in enumerate(keys):
        for code, weight in tables[k].items():
            matrix[r, used.index(code)] = weight
    columns = np.array([index(name, c) for c in used], dtype=np.int16)
    return matrix, columns


def draw_by_key(rng: np.random.Generator, name: str,
                tables: Mapping[str, Mapping[str, float]], keys: tuple[str, ...],
                key: np.ndarray) -> np.ndarray:
    """Draw a code of list `name` per row from the weight table of the row's key."""
    matrix, columns = weight_matrix(name, tables, keys)
    return np.asarray(columns[draw_rows(rng, matrix, key)])
