"""Base rates for drawing sex, ethnicity and nationality, and their overrides.

Why population base rates for ethnicity and nationality in every role: the generator must
encode no assumption about which groups offend or are victimised, so victims, suspects and
offenders are all drawn from the same population shares (ONS Census 2021, from the
`population` columns of the sex and ethnicity code lists). Any difference the audit then finds
between groups is noise, which is what a test of the audit needs.

Why perpetrators' sex and age are the exception: drawing sex at the population's shares made
half of all perpetrators female, which no published figure supports, and ages drawn by
relationship alone had no published basis; both come from published shares, named in
`rates.csv`'s source column (perpetrator_age codes are age bands, `LOW-HIGH`, from the age of
criminal responsibility up). A `rates` CSV (dimension, code, weight, optional source)
replaces whole dimensions when a scenario wants other shares; nationality, which no code list
weights, comes from `rates.csv` shipped here.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

import numpy as np

from tessera.dataset import codelist
from tessera.errors import ConfigurationError

DIMENSIONS = ("ethnicity", "sex", "nationality", "perpetrator_sex", "perpetrator_age")
MIN_PERPETRATOR_AGE = 10
"""The age of criminal responsibility in England and Wales: nobody younger is a suspect."""
MAX_PERPETRATOR_AGE = 99
SEXES = ("F", "M")
"""Sexes a true person can have; 'U' (not known) is a recording, never a truth."""
ETHNIC_GROUPS: tuple[str, ...] = tuple(
    row["code"] for row in codelist("ethnicity").rows if row["population"])
"""The 19 ONS 2021 ethnic groups (a true person has one; 'NS'/'NK' are recordings)."""


@dataclass(frozen=True)
class BaseRates:
    """Probabilities per code for each dimension, aligned with the code tuples."""

    ethnicity: np.ndarray
    """Over `ETHNIC_GROUPS`."""
    sex: np.ndarray
    """Over `SEXES`."""
    nationality_codes: tuple[str, ...]
    nationality: np.ndarray
    perpetrator_sex: np.ndarray
    """Over `SEXES`: perpetrators are mostly male, unlike the population they are drawn from."""
    perpetrator_age_bands: tuple[str, ...]
    """Age bands at the offence, `LOW-HIGH` in whole years (both included)."""
    perpetrator_age: np.ndarray
    """Over `perpetrator_age_bands`."""
    sources: dict[str, str]
    """Where each dimension's shares come from, written beside the ground truth."""

    def table(self) -> list[tuple[str, str, float, str]]:
        """Every share drawn from: dimension, code, probability, source."""
        columns = {"ethnicity": (ETHNIC_GROUPS, self.ethnicity), "sex": (SEXES, self.sex),
                   "nationality": (self.nationality_codes, self.nationality),
                   "perpetrator_sex": (SEXES, self.perpetrator_sex),
                   "perpetrator_age": (self.perpetrator_age_bands, self.perpetrator_age)}
        return [(dimension, code, float(p), self.sources[dimension])
                for dimension, (codes, shares) in columns.items()
                for code, p in zip(codes, shares, strict=True)]

    def perpetrator_age_limits(self) -> np.ndarray:
        """(lowest, highest) age of each perpetrator age band, one row per band."""
        return np.array([age_band(code) for code in self.perpetrator_age_bands])


def age_band(code: str) -> tuple[int, int]:
    """The ages a band code `LOW-HIGH` covers (both included)."""
    low, _, high = code.partition("-")
    return int(low), int(high)


def _check_age_bands(codes: tuple[str, ...], source: object) -> None:
    """Bands are `LOW-HIGH`, from the age of criminal responsibility, and do not overlap."""
    covered: set[int] = set()
    for code in codes:
        try:
            low, high = age_band(code)
        except ValueError:
            raise ConfigurationError(f"{source}: perpetrator_age code {code!r} is not an age "
                                     "band LOW-HIGH, such as 18-24") from None
        if not MIN_PERPETRATOR_AGE <= low <= high <= MAX_PERPETRATOR_AGE:
            raise ConfigurationError(
                f"{source}: perpetrator_age band {code!r} must lie within "
                f"{MIN_PERPETRATOR_AGE}-{MAX_PERPETRATOR_AGE} (nobody under the age of "
                "criminal responsibility is a suspect)")
        ages = set(range(low, high + 1))
        if ages & covered:
            raise ConfigurationError(f"{source}: perpetrator_age band {code!r} overlaps another")
        covered |= ages


def _read(source: Path | Traversable) -> tuple[dict[str, dict[str, float]], dict[str, str]]:
    """Weights by dimension and code, and each dimension's source (the file's `source`
    column, else the file's name)."""
    weights: dict[str, dict[str, float]] = {}
    sources: dict[str, str] = {}
    if isinstance(source, Path) and not source.is_file():
        raise ConfigurationError(f"{source}: no such rates file")
    reader = csv.DictReader(source.read_text(encoding="utf-8").splitlines())
    missing = {"dimension", "code", "weight"} - set(reader.fieldnames or ())
    if missing:
        raise ConfigurationError(
            f"{source}: a rates file needs columns dimension, code, weight "
            f"(missing {', '.join(sorted(missing))})")
    for line, row in enumerate(reader, start=2):
        dimension = row["dimension"].strip()
        if dimension not in DIMENSIONS:
            raise ConfigurationError(
                f"{source} line {line}: dimension {dimension!r} is not one of "
                f"{', '.join(DIMENSIONS)}")
        try:
            weight = float(row["weight"])
        except ValueError:
            raise ConfigurationError(
                f"{source} line {line}: weight {row['weight']!r} is not a number") from None
        if weight < 0:
            raise ConfigurationError(f"{source} line {line}: weight cannot be negative")
        weights.setdefault(dimension, {})[row["code"].strip()] = weight
        sources[dimension] = (row.get("source") or "").strip() or str(source)
    return weights, sources


def _probabilities(dimension: str, codes: tuple[str, ...], weights: dict[str, float],
                   source: object) -> np.ndarray:
    unknown = sorted(set(weights) - set(codes))
    if unknown:
        raise ConfigurationError(
            f"{source}: {dimension} codes {', '.join(unknown)} cannot be drawn; use "
            f"{', '.join(codes[:25])}{'...' if len(codes) > 25 else ''}")
    p = np.array([weights.get(c, 0.0) for c in codes], dtype=float)
    if p.sum() <= 0:
        raise ConfigurationError(f"{source}: the {dimension} weights add up to zero")
    return np.asarray(p / p.sum())


def load_rates(path: Path | None = None) -> BaseRates:
    """Census shares, with every dimension present in `path` (if given) replaced by its rows."""
    defaults, sources = _read(resources.files("tessera.synth") / "rates.csv")
    for dimension in ("ethnicity", "sex"):
        defaults[dimension] = {c: float(v) for c, v in codelist(dimension).column(
            "population").items() if v}
        sources[dimension] = codelist(dimension).rows[0].get("source", "ONS Census 2021")
    overrides, override_sources = _read(path) if path is not None else ({}, {})
    chosen = {**defaults, **overrides}
    sources.update(override_sources)
    source = path if path is not None else "default rates"
    nationality_codes = tuple(chosen["nationality"])
    allowed_nationality = codelist("nationality").codes
    bad = [c for c in nationality_codes if c not in allowed_nationality]
    if bad:
        raise ConfigurationError(f"{source}: nationality codes {', '.join(bad)} are not ISO "
                                 "3166-1 alpha-3 codes of the nationality code list")
    age_bands = tuple(chosen["perpetrator_age"])
    _check_age_bands(age_bands, source)
    return BaseRates(
        ethnicity=_probabilities("ethnicity", ETHNIC_GROUPS, chosen["ethnicity"], source),
        sex=_probabilities("sex", SEXES, chosen["sex"], source),
        nationality_codes=nationality_codes,
        nationality=_probabilities("nationality", nationality_codes, chosen["nationality"],
                                   source),
        perpetrator_sex=_probabilities("perpetrator_sex", SEXES, chosen["perpetrator_sex"],
                                       source),
        perpetrator_age_bands=age_bands,
        perpetrator_age=_probabilities("perpetrator_age", age_bands, chosen["perpetrator_age"],
                                       source),
        sources=sources,
    )
