"""The framework's measures, each defined once in `measures.csv`: what it counts, of what, in
which unit and period, where the figures come from and what the definition rests on.

Why a data file: a measure's definition is a fact a reviewer must be able to read and argue
with, not a branch of code; the service computes every measure the same way from the names
of its numerator and denominator, and a measure whose source Tessera does not hold yet is
listed as such ("no source yet") rather than given an invented figure.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Literal, get_args

from tessera.errors import ConfigurationError

MeasureKind = Literal["rate", "share", "count", "median", "figure"]
"""How a measure's value is made: a rate per 10,000 children a year, a percentage of its
denominator, a count, a median number of days, or a figure of its own (P14's days)."""
Status = Literal["computed", "as at", "no source yet"]
"""Computed quarter by quarter from counts; computed once, as at the day the framework is run
(P14: a date, not a count, so no quarters, interval or comparison); or not held."""

COLUMNS = ("id", "name", "kind", "numerator", "denominator", "unit", "period", "status",
           "source", "definition_source")
PER_CHILDREN = 10_000
"""Rates are per 10,000 children a year, as the framework's P1 asks."""


@dataclass(frozen=True)
class Measure:
    """One measure of the framework, as `measures.csv` defines it."""

    id: str
    name: str
    kind: MeasureKind
    numerator: str
    denominator: str
    unit: str
    period: str
    status: Status
    source: str
    definition_source: str

    @property
    def computed(self) -> bool:
        """Whether Tessera computes the measure quarter by quarter from counts."""
        return self.status == "computed"

    @property
    def no_source(self) -> bool:
        """Whether Tessera does not hold the measure's source (so it has no figure)."""
        return self.status == "no source yet"


def load_measures(path: Path | None = None) -> tuple[Measure, ...]:
    """The measures of `path` (default: the package's `measures.csv`), in file order.

    Raises `ConfigurationError` naming the file, row and field of the first wrong value.
    """
    source = str(path) if path else "measures.csv"
    text = (path.read_text(encoding="utf-8") if path else
            (resources.files(__package__) / "measures.csv").read_text(encoding="utf-8"))
    reader = csv.DictReader(text.splitlines())
    if tuple(reader.fieldnames or ()) != COLUMNS:
        raise ConfigurationError(f"{source}: the header must be {','.join(COLUMNS)}")
    measures: list[Measure] = []
    for line, row in enumerate(reader, start=2):
        measures.append(_measure(source, line, row))
    ids = [m.id for m in measures]
    for line, measure in enumerate(measures, start=2):
        if ids.count(measure.id) > 1:
            raise ConfigurationError(f"{source} row {line}, field id: {measure.id!r} is "
                                     "defined twice")
    return tuple(measures)


def _measure(source: str, line: int, row: dict[str, str]) -> Measure:
    def error(field: str, problem: str) -> ConfigurationError:
        return ConfigurationError(f"{source} row {line}, field {field}: {problem}")

    values = {key: (row.get(key) or "").strip() for key in COLUMNS}
    for field in ("id", "name", "kind", "unit", "period", "status", "source",
                  "definition_source"):
        if not values[field]:
            raise error(field, "is empty")
    if values["kind"] not in get_args(MeasureKind):
        raise error("kind", f"{values['kind']!r} is not one of {', '.join(get_args(MeasureKind))}")
    if values["status"] not in get_args(Status):
        raise error("status", f"{values['status']!r} is not one of {', '.join(get_args(Status))}")
    if values["status"] == "computed" and not values["numerator"]:
        raise error("numerator", "a computed measure needs a numerator")
    if values["status"] == "computed" and values["kind"] in ("rate", "share", "median") \
            and not values["denominator"]:
        raise error("denominator", f"a {values['kind']} needs a denominator")
    return Measure(**values)  # type: ignore[arg-type]
